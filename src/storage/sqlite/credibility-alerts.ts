// SQL for the `credibility_alerts` table: a rule a site crossed, open until the rule stops firing.
// At most one open alert per site and rule (the partial unique index credibility_alerts_open).
import type { CredibilityAlert } from '../credibility-types';
import type { SqliteDatabase } from './database';
import { toDate, toOptionalDate } from './time';

interface AlertRow {
  id: number;
  site_id: number;
  site_name: string;
  rule: string;
  detail: string;
  opened_at: number;
  closed_at: number | null;
  notified_at: number | null;
}

const toAlert = (row: AlertRow): CredibilityAlert => ({
  id: row.id, siteId: row.site_id, siteName: row.site_name, rule: row.rule, detail: row.detail,
  openedAt: toDate(row.opened_at), closedAt: toOptionalDate(row.closed_at), notifiedAt: toOptionalDate(row.notified_at),
});

const SELECT_ALERTS = 'SELECT a.*, s.name AS site_name FROM credibility_alerts a JOIN sites s ON s.id = a.site_id';

export function createCredibilityAlerts(db: SqliteDatabase) {
  const open = db.prepare<{ site: number; rule: string; detail: string; at: number }>(`
    INSERT INTO credibility_alerts (site_id, rule, detail, opened_at) VALUES (@site, @rule, @detail, @at)
    ON CONFLICT (site_id, rule) WHERE closed_at IS NULL DO UPDATE SET detail = excluded.detail`);
  const exists = db.prepare<[number, string], { id: number }>(
    'SELECT id FROM credibility_alerts WHERE site_id = ? AND rule = ? AND closed_at IS NULL');
  const close = db.prepare<[number, number, string]>(
    'UPDATE credibility_alerts SET closed_at = ? WHERE site_id = ? AND rule = ? AND closed_at IS NULL');
  const listOpen = db.prepare<[], AlertRow>(`${SELECT_ALERTS} WHERE a.closed_at IS NULL ORDER BY a.opened_at DESC, a.id DESC`);
  // Closed ones too: an alert that opened and closed again between two digests is still news.
  // A scan: alerts open a few times a day at most, and the digest reads them once a day.
  const unnotified = db.prepare<[], AlertRow>(`${SELECT_ALERTS} WHERE a.notified_at IS NULL ORDER BY a.opened_at, a.id`);
  const markNotified = db.prepare<[number, number]>('UPDATE credibility_alerts SET notified_at = ? WHERE id = ?');
  const openAlert = db.transaction((site: number, rule: string, detail: string, at: number): boolean => {
    const existed = exists.get(site, rule) !== undefined;
    open.run({ site, rule, detail, at });
    return !existed;
  });
  const take = db.transaction((at: number): AlertRow[] => {
    const rows = unnotified.all();
    for (const row of rows) markNotified.run(at, row.id);
    return rows;
  });

  return {
    async openAlert(siteId: number, rule: string, detail: string, at: Date): Promise<boolean> {
      return openAlert(siteId, rule, detail, at.getTime());
    },
    async closeAlert(siteId: number, rule: string, at: Date): Promise<void> {
      close.run(at.getTime(), siteId, rule);
    },
    async openAlerts(): Promise<CredibilityAlert[]> {
      return listOpen.all().map(toAlert);
    },
    async takeUnnotifiedAlerts(at: Date): Promise<CredibilityAlert[]> {
      return take(at.getTime()).map(toAlert);
    },
  };
}
