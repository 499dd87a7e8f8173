// The reconciliation repository: report mappings, previewed imports with their rows, and the
// recorded conversions a report is compared with.
import type { ReconciliationRepository, RowOutcome } from '../reconciliation-types';
import type { SqliteDatabase } from './database';
import { createReconImportRowsTable } from './recon-import-rows';
import { createReconImportsTable } from './recon-imports';
import { createReconMappingsTable } from './recon-mappings';
import { createRecordedConversionsQuery } from './recorded-conversions';

export function createReconciliationRepository(db: SqliteDatabase): ReconciliationRepository {
  const mappings = createReconMappingsTable(db);
  const imports = createReconImportsTable(db);
  const rows = createReconImportRowsTable(db);
  const conversionsInPeriod = createRecordedConversionsQuery(db);
  const insertImport = db.transaction((batch: Parameters<ReconciliationRepository['insertImport']>[0], list: Parameters<ReconciliationRepository['insertImport']>[1]) => {
    const stored = imports.insert(batch);
    rows.insertAll(stored.id, list);
    return stored;
  });
  const recordOutcomes = db.transaction((importId: number, outcomes: RowOutcome[]) => {
    for (const entry of outcomes) rows.recordOutcome(importId, entry.position, entry.outcome, entry.code, entry.message);
  });
  return {
    async findMapping(siteId) {
      return mappings.find(siteId);
    },
    async saveMapping(siteId, mapping, headers, now) {
      mappings.save(siteId, mapping, headers, now);
    },
    async insertImport(batch, list) {
      return insertImport.immediate(batch, list);
    },
    async findImport(id) {
      return imports.find(id);
    },
    async listImports(siteId, limit) {
      return imports.list(siteId, limit);
    },
    async listRows(importId) {
      return rows.list(importId);
    },
    async claimImport(id) {
      return imports.claim(id);
    },
    async recordOutcomes(importId, outcomes) {
      recordOutcomes(importId, outcomes);
    },
    async releaseImport(id) {
      imports.release(id);
    },
    async finishImport(id, userId, at) {
      imports.finish(id, userId, at);
    },
    async conversionsInPeriod(siteId, start, end) {
      return conversionsInPeriod(siteId, start, end);
    },
  };
}
