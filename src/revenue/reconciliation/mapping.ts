// How a partner's order report is read: which column holds what, the units of the amount, what
// the partner's status words mean and the zone of its order times. One per site, remembered.
import { DEFAULT_FEED_TIME_ZONE, isKnownTimeZone } from '../../../crawlers/normalize/time';
import type { ConversionKind, ConversionStatus, ReportMapping } from '../../storage';

export const CONVERSION_STATUSES: readonly ConversionStatus[] = ['pending', 'approved', 'rejected', 'reversed'];

/** Words Chinese and English partner reports use, as a first guess the operator edits. */
export const DEFAULT_STATUS_WORDS: Readonly<Record<string, ConversionStatus>> = {
  pending: 'pending', 待确认: 'pending', 未确认: 'pending', 待审核: 'pending', 审核中: 'pending', 未结算: 'pending',
  approved: 'approved', confirmed: 'approved', 已确认: 'approved', 有效: 'approved', 已结算: 'approved',
  rejected: 'rejected', void: 'rejected', invalid: 'rejected', 无效: 'rejected', 已取消: 'rejected', 拒绝: 'rejected',
  reversed: 'reversed', refunded: 'reversed', 退款: 'reversed', 已退款: 'reversed',
};

/**
 * Words for sale or lead in a report's kind column (compared like status words). An empty cell is a
 * sale, as an order is when a postback does not say.
 */
export const KIND_WORDS: Readonly<Record<string, ConversionKind>> = {
  sale: 'sale', sales: 'sale', order: 'sale', cps: 'sale', 销售: 'sale', 订单: 'sale', 成交: 'sale', 购买: 'sale', 交易: 'sale',
  lead: 'lead', leads: 'lead', signup: 'lead', registration: 'lead', cpa: 'lead', 线索: 'lead', 注册: 'lead', 留资: 'lead', 报名: 'lead', 预约: 'lead',
};

/** The kind a report's cell names; '' is a sale; null for a word not in KIND_WORDS. */
export const readKind = (word: string): ConversionKind | null => (word.trim() === '' ? 'sale' : KIND_WORDS[statusWordKey(word)] ?? null);

export function defaultMapping(timeZone: string = DEFAULT_FEED_TIME_ZONE): ReportMapping {
  return {
    encoding: 'auto', delimiter: ',',
    orderIdColumn: 'order_id', clickIdColumn: 'click_id',
    amountColumn: 'amount', amountUnit: 'major', currencyColumn: null, fixedCurrency: 'CNY',
    statusColumn: 'status', statusWords: { ...DEFAULT_STATUS_WORDS },
    orderTimeColumn: 'order_time', timeZone, kindColumn: null,
  };
}

/** A status word as compared: trimmed, lower case (Chinese words are unchanged by it). */
export const statusWordKey = (word: string): string => word.trim().toLowerCase();

/** "已确认 = approved" per line, for the form. */
export const formatStatusWords = (words: Record<string, ConversionStatus>): string =>
  Object.entries(words).map(([word, status]) => `${word} = ${status}`).join('\n');

/** The form's status words; `line` names the first line that is not `word = status`. */
export function parseStatusWords(text: string): { ok: true; words: Record<string, ConversionStatus> } | { ok: false; line: number; text: string } {
  const words: Record<string, ConversionStatus> = {};
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    if (raw.trim() === '') continue;
    const match = /^(.+?)\s*[=＝]\s*([a-z]+)\s*$/.exec(raw.trim());
    const status = match?.[2] as ConversionStatus | undefined;
    if (!match || !status || !CONVERSION_STATUSES.includes(status)) return { ok: false, line: index + 1, text: raw.trim().slice(0, 80) };
    words[statusWordKey(match[1]!)] = status;
  }
  return { ok: true, words };
}

export const isValidTimeZone = (zone: string): boolean => zone.length <= 64 && isKnownTimeZone(zone);

/** The columns a mapping names, by the form field that names each. */
export function mappedColumns(mapping: ReportMapping): { field: MappingColumnField; column: string }[] {
  const columns: { field: MappingColumnField; column: string }[] = [
    { field: 'orderIdColumn', column: mapping.orderIdColumn },
    { field: 'clickIdColumn', column: mapping.clickIdColumn },
    { field: 'amountColumn', column: mapping.amountColumn },
    { field: 'statusColumn', column: mapping.statusColumn },
    { field: 'orderTimeColumn', column: mapping.orderTimeColumn },
  ];
  if (mapping.currencyColumn) columns.push({ field: 'currencyColumn', column: mapping.currencyColumn });
  if (mapping.kindColumn) columns.push({ field: 'kindColumn', column: mapping.kindColumn });
  return columns;
}

export type MappingColumnField = 'orderIdColumn' | 'clickIdColumn' | 'amountColumn' | 'statusColumn' | 'orderTimeColumn' | 'currencyColumn' | 'kindColumn';
