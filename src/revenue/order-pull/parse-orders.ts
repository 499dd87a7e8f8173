// A partner's answer to an order query: JSON (an array, or {"orders": [...]}) or CSV (read with
// the site's report mapping, like an uploaded report). A malformed order fails the whole pull,
// with its index, so the partner sees what to fix; orders the conversion rules refuse (an unknown
// click) are counted per order instead.
import { charsetFromContentType } from '../../../crawlers/decode';
import { parseFeedTime } from '../../../crawlers/normalize/time';
import type { ConversionStatus, ReportMapping } from '../../storage';
import { decodeReport } from '../reconciliation/decode-report';
import { CONVERSION_STATUSES, DEFAULT_STATUS_WORDS, readKind, statusWordKey } from '../reconciliation/mapping';
import { ORDER_ID, parseReport, readAmount } from '../reconciliation/parse-report';
import type { ReportProblem } from '../reconciliation/report-error';
import type { ReportedOrder } from '../reconciliation/reported-order';

export const MAX_PULLED_ORDERS = 50_000;

export class PullAnswerError extends Error {
  constructor(readonly code: 'bad_json' | 'bad_order' | 'bad_csv' | 'no_mapping' | 'too_many_orders', message: string) {
    super(message);
  }
}

export interface PulledOrders {
  format: 'json' | 'csv';
  orders: ReportedOrder[];
}

export function parsePulledOrders(body: Uint8Array, contentType: string | null, mapping: ReportMapping | null, timeZone: string): PulledOrders {
  const declared = charsetFromContentType(contentType)?.toLowerCase();
  const encoding = declared && /^(gbk|gb2312|gb18030)$/.test(declared) ? 'gb18030' : 'auto';
  const { text } = decodeReport(body, encoding);
  const looksJson = /json/i.test(contentType ?? '') || /^\s*[[{]/.test(text);
  if (looksJson) return { format: 'json', orders: jsonOrders(text, mapping, timeZone) };
  if (!mapping) throw new PullAnswerError('no_mapping', 'the answer is CSV, but the site has no report mapping yet (upload one report at /operator/reconciliation first)');
  const parsed = parseReport(text, mapping, { maxBytes: body.byteLength, maxRows: MAX_PULLED_ORDERS, maxRecordChars: 16 * 1024 });
  if (!parsed.ok) throw new PullAnswerError('bad_csv', parsed.problems.slice(0, 5).map(describeProblem).join('; '));
  return { format: 'csv', orders: parsed.orders };
}

function jsonOrders(text: string, mapping: ReportMapping | null, timeZone: string): ReportedOrder[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new PullAnswerError('bad_json', `the answer is not JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(document) ? document : (document as { orders?: unknown } | null)?.orders;
  if (!Array.isArray(list)) throw new PullAnswerError('bad_json', 'expected an array of orders or {"orders": [...]}');
  if (list.length > MAX_PULLED_ORDERS) throw new PullAnswerError('too_many_orders', `${list.length} orders in one answer; at most ${MAX_PULLED_ORDERS} (ask for a shorter window)`);
  const words = mapping?.statusWords ?? DEFAULT_STATUS_WORDS;
  return list.map((item, index) => jsonOrder(item, index + 1, words, mapping?.fixedCurrency ?? null, timeZone));
}

type Item = Record<string, unknown>;

const field = (item: Item, ...names: string[]): string => {
  for (const name of names) {
    const value = item[name];
    if (typeof value === 'string' || typeof value === 'number') return String(value).trim();
  }
  return '';
};

function jsonOrder(raw: unknown, position: number, words: Record<string, ConversionStatus>, fixedCurrency: string | null, timeZone: string): ReportedOrder {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad(position, 'is not an object');
  const item = raw as Item;
  const orderId = field(item, 'order_id', 'orderId');
  if (!ORDER_ID.test(orderId)) throw bad(position, `order_id '${orderId.slice(0, 40)}' is missing or has characters an order id cannot have`);
  const currency = (field(item, 'currency') || fixedCurrency || '').toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw bad(position, `currency '${currency}' is not an ISO 4217 code`);
  // A JSON number is read as its shortest decimal text (68.01 stays "68.01").
  const amountMinor = readAmount(field(item, 'amount'), 'major', currency);
  if (amountMinor === null) throw bad(position, `amount '${field(item, 'amount')}' is not an exact decimal in major units of ${currency}`);
  const word = field(item, 'status');
  const status = (CONVERSION_STATUSES as readonly string[]).includes(word) ? word as ConversionStatus : words[statusWordKey(word)];
  if (!status) throw bad(position, `status '${word.slice(0, 40)}' is not pending/approved/rejected/reversed nor one of the site's status words`);
  const time = field(item, 'time', 'order_time', 'orderTime');
  const occurredAt = parseFeedTime(time, { timeZone });
  if (!occurredAt) throw bad(position, `time '${time.slice(0, 40)}' is not unix seconds or an ISO 8601 time`);
  const kind = readKind(field(item, 'kind'));
  if (!kind) throw bad(position, `kind '${field(item, 'kind').slice(0, 40)}' is not sale or lead (or 销售 / 线索)`);
  return { line: position, orderId, clickToken: field(item, 'click_id', 'clickId'), amountMinor, currency, status, kind, occurredAt };
}

const bad = (position: number, what: string) => new PullAnswerError('bad_order', `order #${position} ${what}`);

function describeProblem(problem: ReportProblem): string {
  const where = problem.values.line ? `line ${problem.values.line}: ` : '';
  const detail = problem.values.value ?? problem.values.column ?? problem.values.detail ?? '';
  return `${where}${problem.code.replaceAll('_', ' ')}${detail === '' ? '' : ` '${detail}'`} (${problem.field})`;
}
