// JSON Feed 1.0/1.1 (feed-formats.md C3) with dealnav's `_deal` extension, the contract we
// publish for partners:
//
//   "_deal": {"price": "68.00", "value": "158.00", "currency": "CNY", "city": "成都",
//             "starts_at": "2011-05-10T00:00:00+08:00", "ends_at": "2011-05-11T00:00:00+08:00",
//             "sold": 413, "sold_out": false}
//
// `price` is required (string or number, major units); the rest is optional. An item without it
// is skipped.
import { mapCategory } from '../normalize/category';
import { collectDeals, type DealDraft } from '../normalize/deal';
import type { ParseContext, ParseResult } from '../types';
import { feedLocale, parseEndTime, parseStartTime, type FeedLocale } from './feed-locale';
import type { FeedFormat } from './format';

type JsonObject = Record<string, unknown>;

export function parseJsonFeedDocument(document: unknown, ctx: ParseContext): ParseResult {
  const feed = isObject(document) ? document : {};
  const items: unknown[] = Array.isArray(feed.items) ? feed.items : [];
  const locale = feedLocale(string(feed.language), ctx);
  const siteUrl = string(feed.home_page_url);
  return collectDeals('jsonfeed', items, (item) => readItem(isObject(item) ? item : {}, siteUrl, locale), ctx);
}

function readItem(item: JsonObject, siteUrl: string | null, locale: FeedLocale): DealDraft {
  const deal = isObject(item._deal) ? item._deal : {};
  const tags = Array.isArray(item.tags) ? item.tags.map(string) : [];
  return {
    externalId: string(item.id),
    url: string(item.url) ?? string(item.external_url),
    title: string(item.title) ?? string(item.summary) ?? string(item.content_text),
    imageUrl: string(item.image) ?? string(item.banner_image),
    siteUrl,
    city: string(deal.city),
    district: string(deal.district),
    category: mapCategory(...tags),
    price: string(deal.price),
    value: string(deal.value),
    currency: string(deal.currency)?.trim().toUpperCase() ?? locale.currency,
    sold: typeof deal.sold === 'number' ? deal.sold : null,
    soldOut: deal.sold_out === true,
    startsAt: parseStartTime(string(deal.starts_at) ?? string(item.date_published), locale),
    endsAt: parseEndTime(string(deal.ends_at), locale),
    merchant: null,
    branches: [],
  };
}

/** A non-empty string; numbers too (1.0-era feeds send numeric ids and prices). */
function string(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isJsonFeed(document: unknown): boolean {
  return isObject(document) && typeof document.version === 'string' && document.version.includes('jsonfeed.org');
}

export const jsonFeedFormat: FeedFormat = {
  name: 'jsonfeed',
  label: 'JSON Feed 1.1 (with the dealnav _deal extension)',
  syntax: 'json',
  detect: (document) => document.syntax === 'json' && isJsonFeed(document.json),
  parse: (document, ctx) => parseJsonFeedDocument(document.syntax === 'json' ? document.json : null, ctx),
};
