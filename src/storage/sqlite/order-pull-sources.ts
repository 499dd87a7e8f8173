// SQL for `order_pull_sources` (migration 13): each site's order-query URL and when to ask it next.
import type { OrderPullSource } from '../reconciliation-types';
import type { SqliteDatabase } from './database';
import { toDate, toOptionalDate } from './time';

interface SourceRow {
  site_id: number;
  url: string;
  interval_minutes: number;
  window_hours: number;
  next_pull_at: number;
  last_ok_window_end: number | null;
  created_at: number;
  updated_at: number;
}

const toSource = (row: SourceRow): OrderPullSource => ({
  siteId: row.site_id,
  url: row.url,
  intervalMinutes: row.interval_minutes,
  windowHours: row.window_hours,
  nextPullAt: toDate(row.next_pull_at),
  lastOkWindowEnd: toOptionalDate(row.last_ok_window_end),
  updatedAt: toDate(row.updated_at),
});

export function createOrderPullSourcesTable(db: SqliteDatabase) {
  // A new or changed URL is due at once; what the last pull reached is kept for the same partner.
  const upsert = db.prepare<{ siteId: number; url: string; interval: number; window: number; now: number }, SourceRow>(`
    INSERT INTO order_pull_sources (site_id, url, interval_minutes, window_hours, next_pull_at, created_at, updated_at)
    VALUES (@siteId, @url, @interval, @window, @now, @now, @now)
    ON CONFLICT (site_id) DO UPDATE SET url = excluded.url, interval_minutes = excluded.interval_minutes,
      window_hours = excluded.window_hours, next_pull_at = excluded.next_pull_at, updated_at = excluded.updated_at
    RETURNING *`);
  const remove = db.prepare<[number]>('DELETE FROM order_pull_sources WHERE site_id = ?');
  const select = db.prepare<[number], SourceRow>('SELECT * FROM order_pull_sources WHERE site_id = ?');
  // order_pull_sources_due; only active sites are asked.
  const due = db.prepare<[number, number], SourceRow>(`
    SELECT s.* FROM order_pull_sources s JOIN sites ON sites.id = s.site_id
    WHERE s.next_pull_at <= ? AND sites.status = 'active' ORDER BY s.next_pull_at LIMIT ?`);
  const schedule = db.prepare<{ siteId: number; next: number; okEnd: number | null }>(`
    UPDATE order_pull_sources SET next_pull_at = @next,
      last_ok_window_end = CASE WHEN @okEnd IS NULL THEN last_ok_window_end ELSE max(coalesce(last_ok_window_end, 0), @okEnd) END
    WHERE site_id = @siteId`);
  return {
    set(siteId: number, source: { url: string; intervalMinutes: number; windowHours: number }, now: Date): OrderPullSource {
      return toSource(upsert.get({ siteId, url: source.url, interval: source.intervalMinutes, window: source.windowHours, now: now.getTime() })!);
    },
    remove(siteId: number): boolean {
      return remove.run(siteId).changes === 1;
    },
    find(siteId: number): OrderPullSource | null {
      const row = select.get(siteId);
      return row ? toSource(row) : null;
    },
    listDue(now: Date, limit: number): OrderPullSource[] {
      return due.all(now.getTime(), limit).map(toSource);
    },
    scheduleNext(siteId: number, next: Date, okWindowEnd: Date | null): void {
      schedule.run({ siteId, next: next.getTime(), okEnd: okWindowEnd?.getTime() ?? null });
    },
  };
}
