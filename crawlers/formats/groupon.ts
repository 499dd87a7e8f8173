// Groupon API v2 and the GPN partner Deal API (feed-formats.md B2): `{deals: [...]}` where a
// deal's price lives only in its `options[]`, as minor units with an explicit exponent.
import { CrawlError } from '../errors';
import { mapCategory } from '../normalize/category';
import { collectDeals, type BranchDraft, type DealDraft } from '../normalize/deal';
import { currencyExponent, fromMinorWithExponent, type Money } from '../normalize/money';
import { parseFeedTime } from '../normalize/time';
import type { Merchant, ParseContext, ParseResult } from '../types';
import { detectJsonFormat } from '../detect';
import type { FeedFormat } from './format';

type JsonObject = Record<string, unknown>;

/** Image fields from the largest (440×300) down; the first present one is used. */
const IMAGE_FIELDS = ['largeImageUrl', 'grid6ImageUrl', 'grid4ImageUrl', 'sidebarImageUrl', 'mediumImageUrl', 'smallImageUrl'];

/** Reads an already-parsed Groupon document; throws parse_error when it has no `deals` list. */
export function parseGrouponDocument(document: unknown, ctx: ParseContext): ParseResult {
  if (!isObject(document) || !Array.isArray(document.deals)) {
    throw new CrawlError('parse_error', 'expected a JSON object with a "deals" list');
  }
  const deals: unknown[] = document.deals;
  return collectDeals('groupon', deals, (deal) => readDeal(isObject(deal) ? deal : {}, ctx), ctx);
}

function readDeal(deal: JsonObject, ctx: ParseContext): DealDraft {
  const options = objects(deal.options);
  const cheapest = cheapestOption(options);
  const division = isObject(deal.division) ? deal.division : {};
  const location = objects(cheapest?.option.redemptionLocations)[0] ?? options.flatMap((option) => objects(option.redemptionLocations))[0];
  // Groupon times carry `Z`; the zone only matters for an offset-less value.
  const timeOptions = { timeZone: ctx.timeZone ?? string(division.timezoneIdentifier) ?? 'UTC', clockOffsetSeconds: ctx.clockOffsetSeconds };
  const soldQuantity = deal.soldQuantity;
  return {
    externalId: string(deal.uuid) ?? string(deal.id),
    url: string(deal.dealUrl),
    title: string(deal.title) ?? string(deal.announcementTitle),
    imageUrl: IMAGE_FIELDS.map((field) => string(deal[field])).find((url) => url !== null) ?? null,
    siteUrl: null,
    city: string(division.name) ?? string(division.id) ?? string(location?.city),
    district: string(location?.neighborhood),
    category: mapCategory(...objects(deal.tags).map((tag) => string(tag.name))),
    price: cheapest?.price ?? null,
    value: cheapest ? readMoney(cheapest.option.value) : null,
    currency: cheapest?.price.currency ?? 'USD',
    // -1 means "not disclosed", not a count.
    sold: typeof soldQuantity === 'number' && soldQuantity >= 0 ? soldQuantity : null,
    soldOut: deal.isSoldOut === true || (options.length > 0 && options.every((option) => option.isSoldOut === true)),
    startsAt: parseFeedTime(string(deal.startAt), timeOptions),
    endsAt: parseFeedTime(string(deal.endAt), timeOptions),
    merchant: readMerchant(deal, location),
    // Options usually share their locations; finishDeal drops the repeats.
    branches: options.flatMap((option) => objects(option.redemptionLocations)).map(toBranch),
  };
}

/** The option a deal card shows: the lowest price, among options in the first option's currency. */
function cheapestOption(options: readonly JsonObject[]): { option: JsonObject; price: Money & { currency: string } } | null {
  let best: { option: JsonObject; price: Money & { currency: string } } | null = null;
  for (const option of options) {
    const price = readMoney(option.price);
    if (!price) continue;
    if (best && (price.currency !== best.price.currency || price.minor >= best.price.minor)) continue;
    best = { option, price };
  }
  return best;
}

/** Groupon Money `{amount, currencyCode, currencyExponent}` → minor units of that currency. */
function readMoney(money: unknown): (Money & { currency: string }) | null {
  if (!isObject(money)) return null;
  const currency = string(money.currencyCode)?.toUpperCase();
  if (!currency || typeof money.amount !== 'number') return null;
  const exponent = typeof money.currencyExponent === 'number' ? money.currencyExponent : currencyExponent(currency);
  const minor = fromMinorWithExponent(money.amount, exponent, currency);
  return minor === null ? null : { minor, currency };
}

function readMerchant(deal: JsonObject, location: JsonObject | undefined): Merchant {
  const merchant = isObject(deal.merchant) ? deal.merchant : {};
  return {
    name: string(merchant.name),
    phone: string(location?.phoneNumber),
    address: (location && postalAddress(location)) || string(deal.redemptionLocation),
  };
}

function toBranch(location: JsonObject): BranchDraft {
  return {
    name: string(location.name),
    address: postalAddress(location) || null,
    phone: string(location.phoneNumber),
    district: string(location.neighborhood),
    lat: coordinate(location.lat),
    lng: coordinate(location.lng),
  };
}

/** `1200 Alaskan Way, Pier 57, Seattle, WA 98101`; '' when the location has no address part. */
function postalAddress(location: JsonObject): string {
  const street = [location.streetAddress1, location.streetAddress2].map(string).filter(Boolean).join(', ');
  const region = [string(location.state), string(location.postalCode)].filter(Boolean).join(' ');
  return [street, string(location.city), region].filter(Boolean).join(', ');
}

const coordinate = (value: unknown): number | string | null => (typeof value === 'number' ? value : string(value));

function objects(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

/** A non-empty string (numbers too: some partner feeds send numeric ids), else null. */
function string(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const grouponFormat: FeedFormat = {
  name: 'groupon',
  label: 'Groupon API v2 / partner deal JSON',
  syntax: 'json',
  detect: (document) => document.syntax === 'json' && detectJsonFormat(document.json) === 'groupon',
  parse: (document, ctx) => parseGrouponDocument(document.syntax === 'json' ? document.json : null, ctx),
};
