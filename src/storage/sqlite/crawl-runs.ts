// SQL for the `crawl_runs` table: one row per attempt to crawl a feed, kept for its owner and operators.
import type { CrawlRun, CrawlRunsRepository } from '../types';
import type { SqliteDatabase } from './database';
import { toDate, toOptionalDate } from './time';

interface CrawlRunRow {
  id: number;
  feed_id: number;
  started_at: number;
  finished_at: number | null;
  outcome: CrawlRun['outcome'] | 'running';
  http_status: number | null;
  bytes: number | null;
  format: string | null;
  items_seen: number;
  added: number;
  updated: number;
  removed: number;
  skipped: number;
  skipped_json: string | null;
  error_code: string | null;
  error_message: string | null;
}

const toCrawlRun = (row: CrawlRunRow): CrawlRun => ({
  id: row.id,
  feedId: row.feed_id,
  startedAt: toDate(row.started_at),
  finishedAt: toOptionalDate(row.finished_at),
  durationMs: row.finished_at === null ? null : row.finished_at - row.started_at,
  // A run still 'running' in storage was cut short by a crash: report it as failed.
  outcome: row.outcome === 'running' ? 'failed' : row.outcome,
  httpStatus: row.http_status,
  bytes: row.bytes,
  format: row.format,
  itemsSeen: row.items_seen,
  counts: row.outcome === 'ok' ? { added: row.added, updated: row.updated, removed: row.removed, unchanged: 0 } : null,
  skipped: row.skipped_json ? JSON.parse(row.skipped_json) : [],
  errorCode: row.error_code ?? (row.outcome === 'running' ? 'interrupted' : null),
  errorMessage: row.error_message,
});

/** Skipped items kept per run: enough for an owner to see the pattern without storing whole feeds. */
const MAX_SKIPPED_KEPT = 100;

export function createCrawlRunsRepository(db: SqliteDatabase): CrawlRunsRepository {
  const start = db.prepare<[number, number]>('INSERT INTO crawl_runs (feed_id, started_at) VALUES (?, ?)');
  const finish = db.prepare(`
    UPDATE crawl_runs SET finished_at = @finished_at, outcome = @outcome, http_status = @http_status, bytes = @bytes,
      format = @format, items_seen = @items_seen, added = @added, updated = @updated, removed = @removed,
      skipped = @skipped, skipped_json = @skipped_json, error_code = @error_code, error_message = @error_message
    WHERE id = @id`);
  // Uses the crawl_runs_feed index.
  const forFeed = db.prepare<[number, number], CrawlRunRow>(
    'SELECT * FROM crawl_runs WHERE feed_id = ? ORDER BY started_at DESC, id DESC LIMIT ?');

  // Each feed's newest run, one crawl_runs_feed index probe per feed.
  const latestPerFeed = db.prepare<[], CrawlRunRow>(`
    SELECT r.* FROM feeds f JOIN crawl_runs r ON r.id = (
      SELECT id FROM crawl_runs WHERE feed_id = f.id ORDER BY started_at DESC, id DESC LIMIT 1)`);

  return {
    async start(feedId, at) {
      return Number(start.run(feedId, at.getTime()).lastInsertRowid);
    },
    async finish(runId, at, run) {
      finish.run({
        id: runId,
        finished_at: at.getTime(),
        outcome: run.outcome,
        http_status: run.httpStatus,
        bytes: run.bytes,
        format: run.format,
        items_seen: run.itemsSeen,
        added: run.counts?.added ?? 0,
        updated: run.counts?.updated ?? 0,
        removed: run.counts?.removed ?? 0,
        skipped: run.skipped.length,
        skipped_json: run.skipped.length ? JSON.stringify(run.skipped.slice(0, MAX_SKIPPED_KEPT)) : null,
        error_code: run.errorCode,
        error_message: run.errorMessage,
      });
    },
    async listForFeed(feedId, limit) {
      return forFeed.all(feedId, limit).map(toCrawlRun);
    },
    async latestPerFeed() {
      return new Map(latestPerFeed.all().map((row) => [row.feed_id, toCrawlRun(row)]));
    },
  };
}
