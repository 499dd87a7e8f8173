// A decoded CSV report to orders, under a site's mapping. Every row is checked (order id, amount,
// currency, status word, order time); the first problems are returned with their line, and one
// problem refuses the whole report, so an import is never half read. Caps: rows and record size.
import { CsvError, parse } from 'csv-parse/sync';
import { parseFeedTime } from '../../../crawlers/normalize/time';
import type { ReportMapping } from '../../storage';
import { parseExactAmount } from '../money';
import { mappedColumns, readKind, statusWordKey } from './mapping';
import { ReportError, type ReportProblem } from './report-error';
import type { ReportedOrder } from './reported-order';

export interface ReportLimits {
  /** Bytes of the uploaded file. */
  maxBytes: number;
  /** Data rows (the header not counted). */
  maxRows: number;
  /** Characters of one record. */
  maxRecordChars: number;
}

export const REPORT_LIMITS: Readonly<ReportLimits> = { maxBytes: 10 * 1024 * 1024, maxRows: 50_000, maxRecordChars: 16 * 1024 };

/** At most this many row problems are reported: enough to see a pattern. */
const MAX_PROBLEMS = 20;

/** The same rule as a postback's order_id: no spaces, quotes, `=` or `&`. */
export const ORDER_ID = /^[A-Za-z0-9_.:/#@+-]{1,128}$/;
const CURRENCY_WORDS: Record<string, string> = { RMB: 'CNY', 人民币: 'CNY', 元: 'CNY' };

export type ParsedReport = { ok: true; orders: ReportedOrder[]; headers: string[] } | { ok: false; problems: ReportProblem[]; headers: string[] };

interface Record_ {
  record: string[];
  info: { lines: number };
}

export function parseReport(text: string, mapping: ReportMapping, limits: ReportLimits = REPORT_LIMITS): ParsedReport {
  let records: Record_[];
  try {
    records = parse(text, {
      delimiter: mapping.delimiter, bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true,
      max_record_size: limits.maxRecordChars, to: limits.maxRows + 2,
    }) as unknown as Record_[];
  } catch (error) {
    return { ok: false, headers: [], problems: [csvProblem(error, limits)] };
  }
  const headers = records[0]?.record ?? [];
  if (records.length - 1 > limits.maxRows) {
    return { ok: false, headers, problems: [{ field: 'report', code: 'too_many_rows', values: { max: limits.maxRows } }] };
  }
  if (records.length < 2) return { ok: false, headers, problems: [{ field: 'report', code: 'empty_report', values: {} }] };
  const index = columnIndexes(headers, mapping);
  if (!index.ok) return { ok: false, headers, problems: index.problems };

  const problems: ReportProblem[] = [];
  const byOrder = new Map<string, ReportedOrder>();
  for (const { record, info } of records.slice(1)) {
    if (problems.length >= MAX_PROBLEMS) break;
    try {
      const order = readRow(record, info.lines, index.columns, mapping);
      const earlier = byOrder.get(order.orderId);
      if (earlier && !sameOrder(earlier, order)) {
        throw new ReportError('report', 'duplicate_order', { line: order.line, order: order.orderId, earlier: earlier.line });
      }
      if (!earlier) byOrder.set(order.orderId, order);
    } catch (error) {
      if (!(error instanceof ReportError)) throw error;
      problems.push(error.problem);
    }
  }
  return problems.length > 0 ? { ok: false, headers, problems } : { ok: true, headers, orders: [...byOrder.values()] };
}

function csvProblem(error: unknown, limits: ReportLimits): ReportProblem {
  if (!(error instanceof CsvError)) throw error;
  const line = (error as CsvError & { lines?: number }).lines ?? 0;
  if (error.code === 'CSV_MAX_RECORD_SIZE') return { field: 'report', code: 'line_too_long', values: { line, max: limits.maxRecordChars } };
  return { field: 'report', code: 'bad_csv', values: { line, detail: error.message.slice(0, 200) } };
}

type Columns = Record<'orderId' | 'clickId' | 'amount' | 'status' | 'orderTime', number> & { currency: number | null; kind: number | null };

/** Header names match exactly after trimming, or else ignoring case. */
function columnIndexes(headers: string[], mapping: ReportMapping): { ok: true; columns: Columns } | { ok: false; problems: ReportProblem[] } {
  const problems: ReportProblem[] = [];
  const found = new Map<string, number>();
  for (const { field, column } of mappedColumns(mapping)) {
    let at = headers.indexOf(column.trim());
    if (at < 0) at = headers.findIndex((header) => header.toLowerCase() === column.trim().toLowerCase());
    if (at < 0) problems.push({ field, code: 'missing_column', values: { column, headers: headers.slice(0, 40).join(', ') } });
    found.set(field, at);
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    columns: {
      orderId: found.get('orderIdColumn')!, clickId: found.get('clickIdColumn')!, amount: found.get('amountColumn')!,
      status: found.get('statusColumn')!, orderTime: found.get('orderTimeColumn')!, currency: found.get('currencyColumn') ?? null,
      kind: found.get('kindColumn') ?? null,
    },
  };
}

function readRow(record: string[], line: number, columns: Columns, mapping: ReportMapping): ReportedOrder {
  const cell = (at: number) => record[at] ?? '';
  const orderId = cell(columns.orderId);
  // A cell starting like a formula (=, +, -, @) is refused even where the characters are allowed.
  if (!ORDER_ID.test(orderId) || /^[=+\-@]/.test(orderId)) throw new ReportError('orderIdColumn', 'bad_order_id', { line, value: preview(orderId) });
  const currency = readCurrency(columns.currency === null ? mapping.fixedCurrency : cell(columns.currency), line, columns.currency !== null);
  const amountMinor = readAmount(cell(columns.amount), mapping.amountUnit, currency);
  if (amountMinor === null) throw new ReportError('amountColumn', 'bad_amount', { line, value: preview(cell(columns.amount)) });
  const status = mapping.statusWords[statusWordKey(cell(columns.status))];
  if (!status) throw new ReportError('statusWords', 'unknown_status', { line, value: preview(cell(columns.status)) });
  const occurredAt = parseFeedTime(cell(columns.orderTime), { timeZone: mapping.timeZone });
  if (!occurredAt) throw new ReportError('orderTimeColumn', 'bad_time', { line, value: preview(cell(columns.orderTime)) });
  const kind = columns.kind === null ? 'sale' : readKind(cell(columns.kind));
  if (!kind) throw new ReportError('kindColumn', 'unknown_kind', { line, value: preview(cell(columns.kind!)) });
  return { line, orderId, clickToken: cell(columns.clickId), amountMinor, currency, status, kind, occurredAt };
}

function readCurrency(text: string, line: number, fromColumn: boolean): string {
  const code = CURRENCY_WORDS[text.trim().toUpperCase()] ?? CURRENCY_WORDS[text.trim()] ?? text.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw new ReportError(fromColumn ? 'currencyColumn' : 'fixedCurrency', 'bad_currency', { line, value: preview(text) });
  return code;
}

/**
 * "128.50", "¥1,280.50" (major units, exact to the currency's minor unit) or "12850" (minor units).
 * Negative, rounded or scientific amounts are refused, never guessed at.
 */
export function readAmount(text: string, unit: ReportMapping['amountUnit'], currency: string): number | null {
  const plain = text.trim().replace(/^[¥￥$€£]\s*/u, '');
  if (unit === 'minor') return /^(0|[1-9]\d{0,14})$/.test(plain) ? Number(plain) : null;
  const withoutGrouping = /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(plain) ? plain.replaceAll(',', '') : plain;
  return parseExactAmount(withoutGrouping, currency);
}

const sameOrder = (a: ReportedOrder, b: ReportedOrder): boolean =>
  a.clickToken === b.clickToken && a.amountMinor === b.amountMinor && a.currency === b.currency && a.status === b.status && a.kind === b.kind
  && a.occurredAt.getTime() === b.occurredAt.getTime();

/** A cell as shown in a message: short, one line. */
const preview = (text: string): string => (text.length > 40 ? `${text.slice(0, 40)}…` : text).replace(/\s+/g, ' ');
