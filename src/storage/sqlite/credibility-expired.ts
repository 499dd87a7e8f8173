// SQL for the `credibility_expired` table: per crawl that parsed a feed, how many of its listed
// deals had already ended (a feed that keeps expired deals listed).
import type { ExpiredSample, NewExpiredCount } from '../credibility-types';
import type { SqliteDatabase } from './database';
import { toDate } from './time';

interface ExpiredRow {
  crawl_run_id: number;
  feed_id: number;
  site_id: number;
  at: number;
  listed: number;
  expired: number;
  sample_json: string;
}

export function createCredibilityExpired(db: SqliteDatabase) {
  const insert = db.prepare(`INSERT INTO credibility_expired (crawl_run_id, feed_id, site_id, at, listed, expired, sample_json)
    VALUES (@crawlRunId, @feedId, @siteId, @at, @listed, @expired, @sample)`);
  // credibility_expired_site_time.
  const latest = db.prepare<[number], ExpiredRow>(
    'SELECT * FROM credibility_expired WHERE site_id = ? ORDER BY at DESC, id DESC LIMIT 1');

  return {
    async recordExpired(count: NewExpiredCount): Promise<void> {
      insert.run({ ...count, at: count.at.getTime(), sample: JSON.stringify(count.sample) });
    },
    async latestExpired(siteId: number): Promise<NewExpiredCount | null> {
      const row = latest.get(siteId);
      if (!row) return null;
      return {
        crawlRunId: row.crawl_run_id, feedId: row.feed_id, siteId: row.site_id, at: toDate(row.at),
        listed: row.listed, expired: row.expired, sample: JSON.parse(row.sample_json) as ExpiredSample[],
      };
    },
  };
}
