// The rules every format shares when it turns one feed item into a DealRecord: what makes an
// item unusable, how URLs, ids, text and the discount are derived. Format modules only read
// fields out of their own shape into a DealDraft; everything after that happens here.
import { createHash } from 'node:crypto';
import type { Branch, DealRecord, FormatName, Merchant, ParseContext, ParseResult, SkippedItem } from '../types';
import { normalizeCity } from './city';
import { isShownImageUrl } from './image-url';
import { readCoordinates } from './coordinates';
import { parseMoney, type Money } from './money';

/** One feed item's fields, as read by a format module and not yet checked. */
export interface DealDraft {
  /** The feed's own id for the deal; null derives one from the deal URL. */
  externalId: string | null;
  url: string | null;
  title: string | null;
  imageUrl: string | null;
  /** The emitting site's home page as the feed states it, to name the site without a feed URL. */
  siteUrl: string | null;
  /** City name as the feed writes it. */
  city: string | null;
  district: string | null;
  /** Portal category slug, already mapped. */
  category: string | null;
  /** Parsed money, or the feed's price text to be read in `currency`. */
  price: Money | string | null;
  value: Money | string | null;
  /** Currency of price texts that name none. */
  currency: string;
  sold: number | null;
  soldOut: boolean;
  startsAt: Date | null;
  endsAt: Date | null;
  merchant: Merchant | null;
  /** The feed's branch list in its order; empty when it has none. */
  branches: BranchDraft[];
}

/** One branch as a format reads it: text not yet cleaned, coordinates not yet checked. */
export interface BranchDraft {
  name: string | null;
  address: string | null;
  phone: string | null;
  district: string | null;
  /** Degrees as a number or the feed's text; readCoordinates (coordinates.ts) checks and unswaps them. */
  lat: number | string | null;
  lng: number | string | null;
}

export type FinishedItem = { deal: DealRecord } | { skipped: SkippedItem };

const LIMITS = { title: 500, url: 2048, name: 200, phone: 64, address: 500, place: 100, id: 200 } as const;

/** Branches kept per deal: a chain lists hundreds of shops, and the deal page is not a directory. */
export const MAX_BRANCHES = 50;

/**
 * Reads each item into a draft and finishes it, honouring `ctx.maxItems` and skipping a repeat
 * of an id already seen in the same feed (the first one wins).
 */
export function collectDeals<Item>(
  format: FormatName,
  items: readonly Item[],
  readItem: (item: Item) => DealDraft,
  ctx: ParseContext,
): ParseResult {
  const result: ParseResult = { format, deals: [], skipped: [] };
  const seenIds = new Set<string>();
  items.forEach((item, index) => {
    const position = index + 1;
    if (ctx.maxItems !== undefined && index >= ctx.maxItems) {
      result.skipped.push({ item: `item ${position}`, reason: `over the limit of ${ctx.maxItems} items per feed` });
      return;
    }
    const finished = finishDeal(readItem(item), ctx, position);
    if ('skipped' in finished) {
      result.skipped.push(finished.skipped);
    } else if (seenIds.has(finished.deal.externalId)) {
      result.skipped.push({ item: finished.deal.url, reason: 'same id as an earlier item in the feed' });
    } else {
      seenIds.add(finished.deal.externalId);
      result.deals.push(finished.deal);
    }
  });
  return result;
}

/** Checks one draft and builds the record, or says in plain words why the item is skipped. */
export function finishDeal(draft: DealDraft, ctx: ParseContext, position: number): FinishedItem {
  const title = cleanText(draft.title, LIMITS.title);
  const externalIdText = cleanText(draft.externalId, Number.MAX_SAFE_INTEGER);
  const label = externalIdText ?? (draft.url?.trim() || null) ?? title ?? `item ${position}`;
  const skip = (reason: string): FinishedItem => ({ skipped: { item: label, reason } });

  if (!title) return skip('missing title');
  if (!draft.url?.trim()) return skip('missing deal URL');
  const url = resolveHttpUrl(draft.url, ctx.feedUrl);
  if ('problem' in url) return skip(url.problem);

  if (draft.price === null || draft.price === '') return skip('missing price');
  const price = readMoney(draft.price, draft.currency);
  if (!price) return skip(`price "${String(draft.price).trim()}" is not an amount`);
  const readValue = draft.value === null ? null : readMoney(draft.value, draft.currency);
  const value = readValue && readValue.currency === price.currency ? readValue : null;

  if (draft.startsAt && draft.endsAt && draft.endsAt < draft.startsAt) return skip('end time before start time');

  const image = draft.imageUrl?.trim() ? resolveHttpUrl(draft.imageUrl, ctx.feedUrl) : null;
  const shownImage = image && 'href' in image && (ctx.allowPrivateImages || isShownImageUrl(image.href)) ? image.href : null;
  const city = normalizeCity(cleanText(draft.city, LIMITS.place));
  return {
    deal: {
      site: siteSlug(ctx.feedUrl ?? draft.siteUrl ?? url.href),
      externalId: externalIdText && externalIdText.length <= LIMITS.id ? externalIdText : dealIdFromUrl(externalIdText ?? url.href),
      url: url.href,
      title,
      imageUrl: shownImage,
      city: city.code,
      nationwide: city.nationwide,
      district: cleanText(draft.district, LIMITS.place),
      category: draft.category,
      priceMinor: price.minor,
      valueMinor: value?.minor ?? null,
      currency: price.currency,
      discountPercent: discountPercent(price.minor, value?.minor ?? null),
      sold: draft.sold !== null && Number.isSafeInteger(draft.sold) && draft.sold >= 0 ? draft.sold : null,
      soldOut: draft.soldOut,
      startsAt: draft.startsAt?.toISOString() ?? null,
      endsAt: draft.endsAt?.toISOString() ?? null,
      merchant: cleanMerchant(draft.merchant),
      branches: cleanBranches(draft.branches),
    },
  };
}

/** Why an item was skipped, as a stable code a page can translate; the reason text stays the record. */
export type SkipReasonCode =
  | 'missing_title' | 'missing_url' | 'url_too_long' | 'url_relative' | 'url_invalid' | 'url_not_http'
  | 'missing_price' | 'price_not_amount' | 'end_before_start' | 'duplicate_id' | 'over_limit' | 'broken_block'
  | 'url_other_host';

/**
 * Every reason text the parsers give (finishDeal, collectDeals, resolveHttpUrl, jsonld's broken
 * blocks), with the code it stands for and its variable part captured as `detail`. Keep in step
 * with the texts above: test/sites/skip-reasons.test.ts feeds each one through.
 */
const SKIP_REASON_PATTERNS: readonly [SkipReasonCode, RegExp][] = [
  ['missing_title', /^missing title$/],
  ['missing_url', /^missing deal URL$/],
  ['url_too_long', /^deal URL is longer than (?<detail>\d+) characters$/],
  ['url_relative', /^deal URL is relative and the feed URL is unknown$/],
  ['url_invalid', /^deal URL is not a valid URL$/],
  ['url_not_http', /^deal URL is not http\(s\)$/],
  ['missing_price', /^missing price$/],
  ['price_not_amount', /^price "(?<detail>[\s\S]*)" is not an amount$/],
  ['end_before_start', /^end time before start time$/],
  ['duplicate_id', /^same id as an earlier item in the feed$/],
  ['over_limit', /^over the limit of (?<detail>\d+) items per feed$/],
  ['broken_block', /^broken JSON-LD block$/],
  // deal-host.ts otherHostReason: the crawl's deal-domain rule (detail: the deal URL's host).
  ['url_other_host', /^deal URL host (?<detail>\S+) is not on the site's domain \S+$/],
];

/** The code of a skip reason, with its variable part (the price text, the limit); null for a text not listed. */
export function classifySkipReason(reason: string): { code: SkipReasonCode; detail: string | null } | null {
  for (const [code, pattern] of SKIP_REASON_PATTERNS) {
    const match = pattern.exec(reason);
    if (match) return { code, detail: match.groups?.detail ?? null };
  }
  return null;
}

/** Percent off, rounded half up, in integer arithmetic: 68 of 158 → 57. */
export function discountPercent(priceMinor: number, valueMinor: number | null): number | null {
  if (valueMinor === null || valueMinor <= 0) return null;
  if (priceMinor >= valueMinor) return 0;
  const value = BigInt(valueMinor);
  const off = value - BigInt(Math.max(priceMinor, 0));
  return Number((off * 200n + value) / (value * 2n));
}

/**
 * Scheme and host lower-cased, default port and fragment dropped, path and query kept as they
 * are (query order can matter to the site, so it is not sorted).
 */
export function canonicalDealUrl(url: string): string {
  const parsed = new URL(url.trim());
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}${parsed.search}`;
}

/** A short stable id for feeds without one: the first 16 hex digits of SHA-256. */
export function dealIdFromUrl(url: string): string {
  let canonical = url.trim();
  try {
    canonical = canonicalDealUrl(canonical);
  } catch {
    // Not a URL (an over-long feed id): hash the text itself.
  }
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/**
 * An absolute http(s) URL kept as the feed wrote it, or a relative one resolved against the
 * feed's URL. Anything else (javascript:, data:, ftp:) is refused with a reason.
 */
export function resolveHttpUrl(raw: string, base: string | undefined): { href: string } | { problem: string } {
  const text = raw.trim();
  if (text.length > LIMITS.url) return { problem: `deal URL is longer than ${LIMITS.url} characters` };
  let resolved: URL;
  let href = text;
  try {
    resolved = new URL(text);
  } catch {
    if (!base) return { problem: 'deal URL is relative and the feed URL is unknown' };
    try {
      resolved = new URL(text, base);
      href = resolved.href;
    } catch {
      return { problem: 'deal URL is not a valid URL' };
    }
  }
  if (resolved.protocol !== 'http:' && resolved.protocol !== 'https:') return { problem: 'deal URL is not http(s)' };
  return { href };
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  nbsp: ' ', ensp: ' ', emsp: ' ', thinsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'",
  copy: '©', reg: '®', trade: '™', hellip: '…', mdash: '—', ndash: '–', middot: '·', bull: '•',
  yen: '¥', euro: '€', pound: '£', cent: '¢', times: '×', divide: '÷', deg: '°', plusmn: '±',
  ldquo: '“', rdquo: '”', lsquo: '‘', rsquo: '’', laquo: '«', raquo: '»', sect: '§', frac12: '½',
};

/**
 * Feed text for display: markup removed, HTML entities decoded (XML parsing leaves `&nbsp;`
 * and friends alone), whitespace collapsed, capped at `maxLength` characters. Empty → null.
 */
export function cleanText(text: string | null | undefined, maxLength: number): string | null {
  if (text === null || text === undefined) return null;
  const cleaned = text
    // Script and style contents are code, not words of the title.
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<(?:br|p|div|li|tr|td)\b[^<>]*>|<\/(?:p|div|li|tr|td)\s*>/gi, ' ')
    .replace(/<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>/gi, '')
    .replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,7});/gi, decodeEntity)
    .replace(/[\s\u00a0\u3000]+/g, ' ')
    .trim();
  if (cleaned === '') return null;
  const characters = Array.from(cleaned);
  return characters.length <= maxLength ? cleaned : `${characters.slice(0, maxLength - 1).join('')}…`;
}

function decodeEntity(entity: string, name: string): string {
  if (name.startsWith('#')) {
    const codePoint = /^#x/i.test(name) ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : entity;
  }
  return NAMED_ENTITIES[name.toLowerCase()] ?? entity;
}

function readMoney(input: Money | string, defaultCurrency: string): (Money & { currency: string }) | null {
  const money = typeof input === 'string' ? parseMoney(input, defaultCurrency) : input;
  if (!money) return null;
  return { minor: money.minor, currency: money.currency ?? defaultCurrency };
}

function cleanMerchant(merchant: Merchant | null): Merchant | null {
  if (!merchant) return null;
  const cleaned: Merchant = {
    name: cleanText(merchant.name, LIMITS.name),
    phone: cleanText(merchant.phone, LIMITS.phone),
    address: cleanText(merchant.address, LIMITS.address),
  };
  return cleaned.name || cleaned.phone || cleaned.address ? cleaned : null;
}

/**
 * Branches with their text cleaned like the merchant's and coordinates checked; a branch with
 * nothing to show, or the same as an earlier one, is dropped, and at most MAX_BRANCHES are kept.
 */
export function cleanBranches(drafts: readonly BranchDraft[]): Branch[] {
  const branches: Branch[] = [];
  const seen = new Set<string>();
  for (const draft of drafts) {
    if (branches.length >= MAX_BRANCHES) break;
    const branch: Branch = {
      name: cleanText(draft.name, LIMITS.name),
      address: cleanText(draft.address, LIMITS.address),
      phone: cleanText(draft.phone, LIMITS.phone),
      district: cleanText(draft.district, LIMITS.place),
      ...readCoordinates(draft.lat, draft.lng),
    };
    if (!branch.name && !branch.address && !branch.phone) continue;
    const key = JSON.stringify(branch);
    if (seen.has(key)) continue;
    seen.add(key);
    branches.push(branch);
  }
  return branches;
}

/** "http://www.LeTuan.example.cn/x" → "letuan.example.cn"; '' when there is no host. */
function siteSlug(url: string): string {
  try {
    return new URL(url.trim()).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return '';
  }
}

/** A count as feeds write it (`413`); anything else (empty, `-1`, `很多`) is unknown. */
export const readCount = (text: string | null): number | null => (text !== null && /^\d+$/.test(text) ? Number(text) : null);

/** A yes/no flag in any of the spellings emitters use (`yes`, `Y`, `1`, `true`). */
export const readFlag = (text: string | null): boolean => text !== null && /^(?:yes|y|1|true)$/i.test(text.trim());
