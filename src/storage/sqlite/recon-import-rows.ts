// SQL for `recon_import_rows` (migration 13; `kind` from migration 19): one row per order of a
// previewed import, in its category, with its outcome once applied.
import type { ConversionKind, ConversionStatus } from '../revenue-types';
import type { NewReconciliationRow, ReconciliationCategory, ReconciliationOutcome, ReconciliationRow } from '../reconciliation-types';
import type { SqliteDatabase } from './database';
import { toOptionalDate } from './time';

interface RowRow {
  import_id: number;
  position: number;
  line: number | null;
  category: ReconciliationCategory;
  order_id: string;
  click_token: string | null;
  amount_minor: number | null;
  currency: string | null;
  status: ConversionStatus | null;
  /** Null in rows stored before migration 19, which were all sales. */
  kind: ConversionKind | null;
  occurred_at: number | null;
  portal_status: ConversionStatus | null;
  portal_amount_minor: number | null;
  portal_currency: string | null;
  applicable: number;
  problem_code: string | null;
  problem: string | null;
  outcome: ReconciliationOutcome | null;
  outcome_code: string | null;
  outcome_message: string | null;
}

const toRow = (row: RowRow): ReconciliationRow => ({
  position: row.position,
  line: row.line,
  category: row.category,
  orderId: row.order_id,
  clickToken: row.click_token,
  amountMinor: row.amount_minor,
  currency: row.currency,
  status: row.status,
  kind: row.kind ?? (row.category === 'missing' ? null : 'sale'),
  occurredAt: toOptionalDate(row.occurred_at),
  portalStatus: row.portal_status,
  portalAmountMinor: row.portal_amount_minor,
  portalCurrency: row.portal_currency,
  applicable: row.applicable === 1,
  problemCode: row.problem_code,
  problem: row.problem,
  outcome: row.outcome,
  outcomeCode: row.outcome_code,
  outcomeMessage: row.outcome_message,
});

export function createReconImportRowsTable(db: SqliteDatabase) {
  const insert = db.prepare<Record<string, unknown>>(`
    INSERT INTO recon_import_rows (import_id, position, line, category, order_id, click_token, amount_minor, currency, status, kind,
      occurred_at, portal_status, portal_amount_minor, portal_currency, applicable, problem_code, problem)
    VALUES (@importId, @position, @line, @category, @orderId, @clickToken, @amountMinor, @currency, @status, @kind,
      @occurredAt, @portalStatus, @portalAmountMinor, @portalCurrency, @applicable, @problemCode, @problem)`);
  const byImport = db.prepare<[number], RowRow>('SELECT * FROM recon_import_rows WHERE import_id = ? ORDER BY position');
  const outcome = db.prepare<{ importId: number; position: number; outcome: string; code: string | null; message: string | null }>(`
    UPDATE recon_import_rows SET outcome = @outcome, outcome_code = @code, outcome_message = @message
    WHERE import_id = @importId AND position = @position`);
  return {
    insertAll(importId: number, rows: NewReconciliationRow[]): void {
      for (const row of rows) {
        insert.run({ ...row, importId, occurredAt: row.occurredAt?.getTime() ?? null, applicable: row.applicable ? 1 : 0 });
      }
    },
    list(importId: number): ReconciliationRow[] {
      return byImport.all(importId).map(toRow);
    },
    recordOutcome(importId: number, position: number, result: ReconciliationOutcome, code: string | null, message: string | null): void {
      outcome.run({ importId, position, outcome: result, code, message });
    },
  };
}
