// SQL for `statement_periods` (migration 6): months closed per site, with their frozen statement.
import type { StatementPeriod } from '../revenue-types';
import type { SqliteDatabase } from './database';
import { toDate } from './time';

interface PeriodRow {
  site_id: number;
  period: string;
  closed_at: number;
  snapshot: string | null;
}

const toPeriod = (row: PeriodRow): StatementPeriod => ({
  siteId: row.site_id, period: row.period, closedAt: toDate(row.closed_at), snapshot: row.snapshot,
});

export function createStatementPeriodsTable(db: SqliteDatabase) {
  const insert = db.prepare<[number, string, number]>(
    'INSERT INTO statement_periods (site_id, period, closed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const find = db.prepare<[number, string], PeriodRow>('SELECT * FROM statement_periods WHERE site_id = ? AND period = ?');
  // The primary key (site_id, period) answers this; periods sort as text (YYYY-MM).
  const latest = db.prepare<[number], { period: string }>(
    'SELECT period FROM statement_periods WHERE site_id = ? ORDER BY period DESC LIMIT 1');
  const setSnapshot = db.prepare<[string, number, string]>(
    'UPDATE statement_periods SET snapshot = ? WHERE site_id = ? AND period = ? AND snapshot IS NULL');
  return {
    /** Inserts the closed month unless it is already there; returns the row either way. */
    close(siteId: number, period: string, closedAt: Date): StatementPeriod {
      insert.run(siteId, period, closedAt.getTime());
      return toPeriod(find.get(siteId, period)!);
    },
    find(siteId: number, period: string): StatementPeriod | null {
      const row = find.get(siteId, period);
      return row ? toPeriod(row) : null;
    },
    /** The site's latest closed month, or null when none is closed. */
    latest(siteId: number): string | null {
      return latest.get(siteId)?.period ?? null;
    },
    /** False when the snapshot was already set (a second close racing this one). */
    setSnapshot(siteId: number, period: string, snapshot: string): boolean {
      return setSnapshot.run(snapshot, siteId, period).changes === 1;
    },
  };
}
