// Meituan public API v1 (feed-formats.md A9), a clone of Groupon API v1: `response/deals/deal`
// with ISO 8601 times carrying their offset and whole-yuan prices. Groupon v1's XML has the same
// shape with money as formatted strings ("19.00USD"), whose currency wins over the CNY default.
// Ignored on purpose: `division_offset_gmt` (10× too large in Meituan's output; the times carry
// their own offset) and `discount_percent` (折 in Meituan, percent off in Groupon; recomputed).
import { CrawlError } from '../errors';
import { collectDeals, readCount, readFlag, type DealDraft } from '../normalize/deal';
import { DEFAULT_FEED_TIME_ZONE, parseFeedTime } from '../normalize/time';
import type { ParseContext, ParseResult } from '../types';
import type { FeedFormat } from './format';
import { childNamed, childrenNamed, keyOf, loadXml, readFields, type Element } from './xml';

/** Field → element names (lower case, no `_`) that carry it, best first. */
const DEAL_FIELDS = {
  id: ['id'],
  url: ['dealurl'],
  title: ['title'],
  image: ['largeimageurl', 'mediumimageurl', 'smallimageurl'],
  divisionName: ['divisionname'],
  divisionId: ['divisionid'],
  start: ['startdate'],
  end: ['enddate'],
  price: ['price'],
  value: ['value'],
  sold: ['quantitysold'],
  soldOut: ['soldout'],
  vendor: ['vendorname'],
} as const;

export function parseMeituanText(text: string, ctx: ParseContext): ParseResult {
  const { elements, textOf } = loadXml(text);
  const response = elements.find((element) => keyOf(element) === 'response');
  const deals = response && childNamed(response, 'deals');
  if (!response || !deals) {
    const code = response?.attribs.code;
    const detail = code && code !== '0' ? ` (code ${code}: ${response.attribs.message ?? 'no message'})` : '';
    throw new CrawlError('parse_error', `expected a Meituan/Groupon v1 <response> with <deals>${detail}`);
  }
  const items = childrenNamed(deals, 'deal');
  return collectDeals('meituan', items, (item) => readDeal(item, textOf, ctx), ctx);
}

function readDeal(deal: Element, textOf: (element: Element) => string | null, ctx: ParseContext): DealDraft {
  const field = readFields([deal], DEAL_FIELDS, textOf);
  // Only for a time without an offset, which neither API sends.
  const timeOptions = { timeZone: ctx.timeZone ?? DEFAULT_FEED_TIME_ZONE, clockOffsetSeconds: ctx.clockOffsetSeconds };
  // division_id is a city slug ("nanjing"), but Meituan's 2010 output has a number there.
  const divisionSlug = field.divisionId !== null && !/^\d+$/.test(field.divisionId) ? field.divisionId : null;
  return {
    externalId: field.id,
    url: field.url,
    title: field.title,
    imageUrl: field.image,
    siteUrl: null,
    city: field.divisionName ?? divisionSlug,
    district: null,
    category: null,
    price: field.price,
    value: field.value,
    currency: 'CNY',
    sold: readCount(field.sold),
    soldOut: readFlag(field.soldOut),
    startsAt: parseFeedTime(field.start, timeOptions),
    endsAt: parseFeedTime(field.end, timeOptions),
    merchant: { name: field.vendor, phone: null, address: null },
    branches: [],
  };
}

export const meituanFormat: FeedFormat = {
  name: 'meituan',
  label: 'Meituan API v1 / Groupon API v1 XML (response/deals/deal)',
  syntax: 'xml',
  detect: (document) => document.syntax === 'xml' && document.root === 'response' && /<deals[\s/>]/i.test(document.text),
  parse: (document, ctx) => parseMeituanText(document.text, ctx),
};
