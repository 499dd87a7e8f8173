// SQL for the `credibility_scores` table: each site's score and its parts, one row per UTC day
// (a later recompute on the same day replaces that day's row), kept as the score's history.
import type { StoredScore } from '../credibility-types';
import type { SqliteDatabase } from './database';
import { toDate } from './time';

interface ScoreRow {
  site_id: number;
  day: string;
  score: number | null;
  parts_json: string;
  computed_at: number;
  slug?: string;
}

const toScore = (row: ScoreRow): StoredScore => ({
  siteId: row.site_id, day: row.day, score: row.score, parts: JSON.parse(row.parts_json), computedAt: toDate(row.computed_at),
  ...(row.slug !== undefined ? { slug: row.slug } : {}),
});

export function createCredibilityScores(db: SqliteDatabase) {
  const save = db.prepare(`INSERT INTO credibility_scores (site_id, day, score, parts_json, computed_at)
    VALUES (@siteId, @day, @score, @parts, @computedAt)
    ON CONFLICT (site_id, day) DO UPDATE SET score = excluded.score, parts_json = excluded.parts_json, computed_at = excluded.computed_at`);
  // The primary key (site_id, day) finds each site's latest day.
  const latest = db.prepare<[], ScoreRow>(`
    SELECT c.*, s.slug FROM credibility_scores c JOIN sites s ON s.id = c.site_id
    WHERE c.day = (SELECT max(day) FROM credibility_scores l WHERE l.site_id = c.site_id)`);
  const history = db.prepare<[number, number], ScoreRow>(
    'SELECT * FROM credibility_scores WHERE site_id = ? ORDER BY day DESC LIMIT ?');

  return {
    async saveScore(score: StoredScore): Promise<void> {
      save.run({ siteId: score.siteId, day: score.day, score: score.score, parts: JSON.stringify(score.parts), computedAt: score.computedAt.getTime() });
    },
    async latestScores(): Promise<StoredScore[]> {
      return latest.all().map(toScore);
    },
    async scoreHistory(siteId: number, limit: number): Promise<StoredScore[]> {
      return history.all(siteId, limit).map(toScore);
    },
  };
}
