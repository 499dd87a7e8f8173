// A reconciliation import as CSV: every row of its preview (or its result, once applied), in
// category order as the page shows them, with the report's view beside the portal's, and whether
// a correction could be applied or why not. Times are UTC; amounts exact decimals in major units.
import type { Readable } from 'node:stream';
import type { ReconciliationImport, ReconciliationRow } from '../../storage';
import { csvStream, neutraliseCell } from '../csv-export';
import { formatMinor } from '../money';

const COLUMNS = ['import', 'category', 'line', 'order_id', 'click_id', 'kind', 'order_time_utc', 'reported_status', 'reported_amount',
  'reported_currency', 'portal_status', 'portal_amount', 'portal_currency', 'applicable', 'problem_code', 'problem', 'outcome',
  'outcome_code', 'outcome_message'];

const CATEGORY_ORDER: readonly ReconciliationRow['category'][] = ['mismatch', 'new', 'unknown_click', 'missing', 'matched'];

const amount = (minor: number | null, currency: string | null): string => (minor === null || currency === null ? '' : formatMinor(minor, currency));

function record(batch: ReconciliationImport, row: ReconciliationRow): string[] {
  return [
    String(batch.id), row.category, row.line === null ? '' : String(row.line), neutraliseCell(row.orderId),
    neutraliseCell(row.clickToken ?? ''), row.kind ?? '', row.occurredAt?.toISOString() ?? '', row.status ?? '',
    amount(row.amountMinor, row.currency), row.currency ?? '', row.portalStatus ?? '', amount(row.portalAmountMinor, row.portalCurrency),
    row.portalCurrency ?? '', row.applicable ? 'yes' : 'no', row.problemCode ?? '', neutraliseCell(row.problem ?? ''),
    row.outcome ?? '', row.outcomeCode ?? '', neutraliseCell(row.outcomeMessage ?? ''),
  ];
}

function* records(batch: ReconciliationImport, rows: ReconciliationRow[]): Generator<string[]> {
  yield COLUMNS;
  for (const category of CATEGORY_ORDER) {
    for (const row of rows) if (row.category === category) yield record(batch, row);
  }
}

export const importCsvStream = (batch: ReconciliationImport, rows: ReconciliationRow[]): Readable => csvStream(records(batch, rows));
