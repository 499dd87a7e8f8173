// SQL for `recon_mappings` (migration 13): how each site's CSV order report is read.
import type { ReportMapping, StoredReportMapping } from '../reconciliation-types';
import type { SqliteDatabase } from './database';
import { toDate } from './time';

interface MappingRow {
  site_id: number;
  mapping_json: string;
  headers_json: string;
  updated_at: number;
}

export function createReconMappingsTable(db: SqliteDatabase) {
  const select = db.prepare<[number], MappingRow>('SELECT * FROM recon_mappings WHERE site_id = ?');
  const upsert = db.prepare<{ siteId: number; mapping: string; headers: string; now: number }>(`
    INSERT INTO recon_mappings (site_id, mapping_json, headers_json, updated_at) VALUES (@siteId, @mapping, @headers, @now)
    ON CONFLICT (site_id) DO UPDATE SET mapping_json = excluded.mapping_json, headers_json = excluded.headers_json,
      updated_at = excluded.updated_at`);
  return {
    find(siteId: number): StoredReportMapping | null {
      const row = select.get(siteId);
      if (!row) return null;
      return {
        siteId: row.site_id,
        mapping: JSON.parse(row.mapping_json) as ReportMapping,
        lastHeaders: JSON.parse(row.headers_json) as string[],
        updatedAt: toDate(row.updated_at),
      };
    },
    save(siteId: number, mapping: ReportMapping, headers: string[], now: Date): void {
      upsert.run({ siteId, mapping: JSON.stringify(mapping), headers: JSON.stringify(headers), now: now.getTime() });
    },
  };
}
