// SQL for `recon_imports` (migration 13): uploaded order reports, previewed, then applied once.
import type { NewReconciliationImport, ReconciliationImport, ReconciliationImportStatus, ReportMapping } from '../reconciliation-types';
import type { SqliteDatabase } from './database';
import { toDate, toOptionalDate } from './time';

interface ImportRow {
  id: number;
  site_id: number;
  file_name: string;
  charset: string;
  orders: number;
  period_start: number;
  period_end: number;
  mapping_json: string;
  status: ReconciliationImportStatus;
  created_by_user_id: number | null;
  created_at: number;
  applied_at: number | null;
  applied_by_user_id: number | null;
}

const toImport = (row: ImportRow): ReconciliationImport => ({
  id: row.id,
  siteId: row.site_id,
  fileName: row.file_name,
  charset: row.charset,
  orders: row.orders,
  periodStart: toDate(row.period_start),
  periodEnd: toDate(row.period_end),
  mapping: JSON.parse(row.mapping_json) as ReportMapping,
  status: row.status,
  createdByUserId: row.created_by_user_id,
  createdAt: toDate(row.created_at),
  appliedAt: toOptionalDate(row.applied_at),
  appliedByUserId: row.applied_by_user_id,
});

export function createReconImportsTable(db: SqliteDatabase) {
  const insert = db.prepare<Record<string, unknown>, ImportRow>(`
    INSERT INTO recon_imports (site_id, file_name, charset, orders, period_start, period_end, mapping_json, created_by_user_id, created_at)
    VALUES (@siteId, @fileName, @charset, @orders, @periodStart, @periodEnd, @mapping, @createdByUserId, @createdAt) RETURNING *`);
  const byId = db.prepare<[number], ImportRow>('SELECT * FROM recon_imports WHERE id = ?');
  // recon_imports_site: newest first.
  const bySite = db.prepare<[number, number], ImportRow>('SELECT * FROM recon_imports WHERE site_id = ? ORDER BY id DESC LIMIT ?');
  // The status check makes the claim a compare-and-set: of two concurrent applies, one wins.
  const claim = db.prepare<[number]>("UPDATE recon_imports SET status = 'applying' WHERE id = ? AND status = 'previewed'");
  const release = db.prepare<[number]>("UPDATE recon_imports SET status = 'previewed' WHERE id = ? AND status = 'applying'");
  const finish = db.prepare<[number | null, number, number]>(
    "UPDATE recon_imports SET status = 'applied', applied_by_user_id = ?, applied_at = ? WHERE id = ?");
  return {
    insert(batch: NewReconciliationImport): ReconciliationImport {
      return toImport(insert.get({
        siteId: batch.siteId, fileName: batch.fileName, charset: batch.charset, orders: batch.orders,
        periodStart: batch.periodStart.getTime(), periodEnd: batch.periodEnd.getTime(), mapping: JSON.stringify(batch.mapping),
        createdByUserId: batch.createdByUserId, createdAt: batch.createdAt.getTime(),
      })!);
    },
    find(id: number): ReconciliationImport | null {
      const row = byId.get(id);
      return row ? toImport(row) : null;
    },
    list(siteId: number, limit: number): ReconciliationImport[] {
      return bySite.all(siteId, limit).map(toImport);
    },
    claim(id: number): boolean {
      return claim.run(id).changes === 1;
    },
    release(id: number): void {
      release.run(id);
    },
    finish(id: number, userId: number | null, at: Date): void {
      finish.run(userId, at.getTime(), id);
    },
  };
}
