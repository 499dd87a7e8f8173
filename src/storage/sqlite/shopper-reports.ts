// SQL for the `shopper_reports` table: "report a problem" from deal pages, and its resolution.
import type { NewShopperReport, ReportStatus, ShopperReport } from '../credibility-types';
import type { SqliteDatabase } from './database';
import { toDate, toOptionalDate } from './time';

interface ReportRow {
  id: number;
  deal_id: number;
  title: string;
  site_id: number;
  site_name: string;
  reason: ShopperReport['reason'];
  details: string | null;
  created_at: number;
  status: ReportStatus;
  resolved_at: number | null;
}

const toReport = (row: ReportRow): ShopperReport => ({
  id: row.id,
  dealId: row.deal_id,
  dealTitle: row.title,
  siteId: row.site_id,
  siteName: row.site_name,
  reason: row.reason,
  details: row.details,
  createdAt: toDate(row.created_at),
  status: row.status,
  resolvedAt: toOptionalDate(row.resolved_at),
});

const SELECT = `SELECT r.id, r.deal_id, d.title, r.site_id, s.name AS site_name, r.reason, r.details, r.created_at, r.status, r.resolved_at
  FROM shopper_reports r JOIN deals d ON d.id = r.deal_id JOIN sites s ON s.id = r.site_id`;

export function createShopperReports(db: SqliteDatabase) {
  const insert = db.prepare(`INSERT INTO shopper_reports (deal_id, site_id, reason, details, ip_hash, created_at)
    VALUES (@dealId, @siteId, @reason, @details, @ipHash, @createdAt)`);
  // shopper_reports_deal_time.
  const countForDeal = db.prepare<[number, number], { n: number }>(
    'SELECT count(*) AS n FROM shopper_reports WHERE deal_id = ? AND created_at >= ?');
  const list = db.prepare<{ status: string | null; site: number | null; limit: number }, ReportRow>(`${SELECT}
    WHERE (@status IS NULL OR r.status = @status) AND (@site IS NULL OR r.site_id = @site)
    ORDER BY r.created_at DESC, r.id DESC LIMIT @limit`);
  const byId = db.prepare<[number], ReportRow>(`${SELECT} WHERE r.id = ?`);
  const close = db.prepare<{ id: number; status: string; by: number; at: number }>(
    `UPDATE shopper_reports SET status = @status, resolved_at = @at, resolved_by = @by WHERE id = @id AND status = 'open'`);

  return {
    async insertReport(report: NewShopperReport): Promise<number> {
      return Number(insert.run({ ...report, createdAt: report.createdAt.getTime() }).lastInsertRowid);
    },
    async countReportsForDeal(dealId: number, since: Date): Promise<number> {
      return countForDeal.get(dealId, since.getTime())?.n ?? 0;
    },
    async listReports(filter: { status?: ReportStatus; siteId?: number }, limit: number): Promise<ShopperReport[]> {
      return list.all({ status: filter.status ?? null, site: filter.siteId ?? null, limit }).map(toReport);
    },
    async findReport(id: number): Promise<ShopperReport | null> {
      const row = byId.get(id);
      return row ? toReport(row) : null;
    },
    async closeReport(id: number, status: 'resolved' | 'dismissed', by: number, at: Date): Promise<boolean> {
      return close.run({ id, status, by, at: at.getTime() }).changes === 1;
    },
  };
}
