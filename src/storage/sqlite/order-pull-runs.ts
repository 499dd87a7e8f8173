// SQL for `order_pull_runs` (migration 13): one row per pull of a site's order-query URL.
import type { OrderPullCounts, OrderPullRun, OrderPullTrigger } from '../reconciliation-types';
import type { SqliteDatabase } from './database';
import { toDate, toOptionalDate } from './time';

interface RunRow {
  id: number;
  site_id: number;
  trigger: OrderPullTrigger;
  window_start: number;
  window_end: number;
  started_at: number;
  finished_at: number | null;
  outcome: OrderPullRun['outcome'];
  http_status: number | null;
  format: 'json' | 'csv' | null;
  orders: number;
  created: number;
  updated: number;
  unchanged: number;
  refused: number;
  error_code: string | null;
  error_message: string | null;
  problems_json: string | null;
}

/** A pull takes at most its fetch deadline and the orders' writes; one still running after this was cut short. */
const INTERRUPTED_AFTER_MS = 3_600_000;

const toRun = (row: RunRow, now: number): OrderPullRun => {
  const interrupted = row.outcome === 'running' && now - row.started_at > INTERRUPTED_AFTER_MS;
  return interrupted ? { ...readRun(row), outcome: 'failed', errorCode: 'interrupted', errorMessage: 'the process stopped during this pull' } : readRun(row);
};

const readRun = (row: RunRow): OrderPullRun => ({
  id: row.id,
  siteId: row.site_id,
  trigger: row.trigger,
  windowStart: toDate(row.window_start),
  windowEnd: toDate(row.window_end),
  startedAt: toDate(row.started_at),
  finishedAt: toOptionalDate(row.finished_at),
  outcome: row.outcome,
  httpStatus: row.http_status,
  format: row.format,
  orders: row.orders,
  created: row.created,
  updated: row.updated,
  unchanged: row.unchanged,
  refused: row.refused,
  errorCode: row.error_code,
  errorMessage: row.error_message,
  problems: row.problems_json ? JSON.parse(row.problems_json) : [],
});

export function createOrderPullRunsTable(db: SqliteDatabase) {
  const start = db.prepare<Record<string, unknown>, { id: number }>(`
    INSERT INTO order_pull_runs (site_id, trigger, window_start, window_end, started_at)
    VALUES (@siteId, @trigger, @windowStart, @windowEnd, @startedAt) RETURNING id`);
  const finish = db.prepare<Record<string, unknown>>(`
    UPDATE order_pull_runs SET finished_at = @finishedAt, outcome = @outcome, http_status = @httpStatus, format = @format,
      orders = @orders, created = @created, updated = @updated, unchanged = @unchanged, refused = @refused,
      error_code = @errorCode, error_message = @errorMessage, problems_json = @problems
    WHERE id = @id`);
  // order_pull_runs_site: newest first.
  const bySite = db.prepare<[number, number], RunRow>('SELECT * FROM order_pull_runs WHERE site_id = ? ORDER BY id DESC LIMIT ?');
  return {
    start(run: { siteId: number; trigger: OrderPullTrigger; windowStart: Date; windowEnd: Date; startedAt: Date }): number {
      return start.get({
        siteId: run.siteId, trigger: run.trigger, windowStart: run.windowStart.getTime(), windowEnd: run.windowEnd.getTime(),
        startedAt: run.startedAt.getTime(),
      })!.id;
    },
    finish(id: number, result: {
      finishedAt: Date; outcome: 'ok' | 'failed'; httpStatus: number | null; format: 'json' | 'csv' | null; counts: OrderPullCounts;
      errorCode: string | null; errorMessage: string | null; problems: OrderPullRun['problems'];
    }): void {
      finish.run({
        id, finishedAt: result.finishedAt.getTime(), outcome: result.outcome, httpStatus: result.httpStatus, format: result.format,
        ...result.counts, errorCode: result.errorCode, errorMessage: result.errorMessage,
        problems: result.problems.length > 0 ? JSON.stringify(result.problems) : null,
      });
    },
    list(siteId: number, limit: number): OrderPullRun[] {
      const now = Date.now();
      return bySite.all(siteId, limit).map((row) => toRun(row, now));
    },
  };
}
