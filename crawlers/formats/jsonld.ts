// Deal pages and listing pages that describe their deals in schema.org JSON-LD (feed-formats.md
// C4): every `<script type="application/ld+json">` block is read, `@graph` arrays and nested
// things included, and each Product (with its Offer, Offer list or AggregateOffer) or lone
// Offer becomes one deal. A broken block is skipped with a reason; the others still count.
import { load } from 'cheerio';
import { mapCategory } from '../normalize/category';
import { collectDeals, type BranchDraft, type DealDraft } from '../normalize/deal';
import { parseMoney } from '../normalize/money';
import type { Merchant, ParseContext, ParseResult, SkippedItem } from '../types';
import { feedLocale, parseEndTime, parseStartTime, type FeedLocale } from './feed-locale';
import type { FeedFormat } from './format';

type JsonObject = Record<string, unknown>;

/** One page's JSON-LD: the blocks that parsed, and the positions (1-based) of those that did not. */
interface LdPage {
  blocks: unknown[];
  brokenBlocks: number[];
  language: string | null;
}

/** A Product with the offers it makes, or a lone Offer (then `product` is its itemOffered, if any). */
interface LdDeal {
  product: JsonObject | null;
  offers: JsonObject[];
}

const PRODUCT_TYPES = new Set(['product', 'productgroup', 'individualproduct', 'productmodel']);
const OFFER_TYPES = new Set(['offer', 'aggregateoffer']);
const SOLD_OUT = new Set(['soldout', 'outofstock']);
/** priceType values for the crossed-out original price; Google now documents ListPrice too. */
const ORIGINAL_PRICE_TYPES = new Set(['strikethroughprice', 'listprice']);
/** Deeper than any real page nests; a bound so hostile input cannot exhaust the stack. */
const MAX_DEPTH = 64;

export function parseJsonLdPage(html: string, ctx: ParseContext): ParseResult {
  const page = readLdPage(html);
  const locale = feedLocale(page.language, ctx);
  const index = indexById(page.blocks);
  const deals = findDeals(page.blocks, index);
  const result = collectDeals('jsonld', deals, (deal) => readDeal(deal, index, locale, ctx), ctx);
  const broken: SkippedItem[] = page.brokenBlocks.map((position) => ({ item: `JSON-LD block ${position}`, reason: 'broken JSON-LD block' }));
  return { ...result, skipped: [...broken, ...result.skipped] };
}

/** An HTML page with at least one JSON-LD block that holds a Product or an Offer. */
export function hasJsonLdDeals(html: string): boolean {
  if (!/application\/ld\+json/i.test(html)) return false;
  const page = readLdPage(html);
  return findDeals(page.blocks, indexById(page.blocks)).length > 0;
}

let lastPage: { html: string; page: LdPage } | null = null;

/** Detection and parsing both need the blocks; the last page's are kept so it is read once. */
function readLdPage(html: string): LdPage {
  if (lastPage?.html === html) return lastPage.page;
  const $ = load(html);
  const page: LdPage = { blocks: [], brokenBlocks: [], language: $('html').attr('lang') ?? null };
  $('script').each((_, script) => {
    if (!/^\s*application\/ld\+json\s*(?:;|$)/i.test($(script).attr('type') ?? '')) return;
    const block = parseBlock($(script).text());
    if (block === undefined) page.brokenBlocks.push(page.blocks.length + page.brokenBlocks.length + 1);
    else page.blocks.push(block);
  });
  lastPage = { html, page };
  return page;
}

/** The block's JSON with entities in its strings decoded; undefined when it is not JSON. */
function parseBlock(scriptText: string): unknown {
  // Some CMSs wrap the block in an HTML comment or a CDATA section for old browsers.
  const text = scriptText.trim().replace(/^(?:<!--|(?:\/\/\s*)?<!\[CDATA\[)|(?:-->|(?:\/\/\s*)?\]\]>)$/g, '').trim();
  for (const candidate of [text, decodeEntities(text)]) {
    try {
      return decodeStrings(JSON.parse(candidate), 0);
    } catch {
      // Try the entity-decoded text (a block escaped as a whole: {&quot;@type&quot;: …}), then give up.
    }
  }
  return undefined;
}

/** Products, and Offers that no Product makes, wherever they sit (`@graph`, ItemList, WebPage …). */
function findDeals(blocks: unknown[], index: Map<string, JsonObject>): LdDeal[] {
  const products: JsonObject[] = [];
  const offers: JsonObject[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(value)) {
      for (const element of value) visit(element, depth + 1);
    } else if (isObject(value)) {
      if (hasType(value, PRODUCT_TYPES)) products.push(value);
      else if (hasType(value, OFFER_TYPES)) offers.push(value);
      else for (const child of Object.values(value)) visit(child, depth + 1);
    }
  };
  visit(blocks, 0);
  const productDeals = products.map((product) => ({ product, offers: objects(product.offers).map((offer) => resolve(offer, index)) }));
  const offered = new Set(productDeals.flatMap((deal) => deal.offers));
  const loneOffers = offers
    .filter((offer) => !offered.has(offer))
    .map((offer) => ({ product: isObject(offer.itemOffered) ? resolve(offer.itemOffered, index) : null, offers: [offer] }));
  return [...productDeals, ...loneOffers];
}

function readDeal(deal: LdDeal, index: Map<string, JsonObject>, locale: FeedLocale, ctx: ParseContext): DealDraft {
  const { product } = deal;
  const chosen = chooseOffer(deal.offers, index, locale);
  const offer = chosen?.offer ?? {};
  const availability = string(offer.availability)?.replace(/^.*[/:#]/, '').toLowerCase() ?? '';
  return {
    externalId: string(product?.sku) ?? string(product?.productID) ?? string(offer.sku),
    url: string(offer.url) ?? string(product?.url) ?? ctx.feedUrl ?? null,
    title: string(product?.name) ?? string(offer.name),
    imageUrl: imageUrl(product?.image) ?? imageUrl(offer.image),
    siteUrl: null,
    city: placeName(offer.areaServed) ?? placeName(product?.areaServed),
    district: null,
    category: mapCategory(string(product?.category), string(offer.category)),
    price: chosen?.price ?? null,
    value: originalPrice(offer.priceSpecification, index),
    currency: chosen?.currency ?? locale.currency,
    sold: null,
    soldOut: SOLD_OUT.has(availability),
    startsAt: parseStartTime(string(offer.validFrom), locale),
    endsAt: parseEndTime(string(offer.validThrough) ?? string(offer.priceValidUntil), locale),
    merchant: seller(offer.seller, index),
    // The chosen offer's places first; the other offers' follow (finishDeal drops repeats).
    branches: [offer, ...deal.offers].flatMap((source) => places(source.availableAtOrFrom, index)),
  };
}

interface PricedOffer {
  offer: JsonObject;
  price: string;
  currency: string;
}

/**
 * The offer a deal card shows: the cheapest among those in the first priced offer's currency.
 * An AggregateOffer's price is its `lowPrice`; without one its own offers are looked at.
 */
function chooseOffer(offers: JsonObject[], index: Map<string, JsonObject>, locale: FeedLocale): PricedOffer | null {
  const priced: PricedOffer[] = [];
  for (const offer of offers) {
    const currency = string(offer.priceCurrency)?.trim().toUpperCase() ?? locale.currency;
    const price = amount(offer.lowPrice) ?? amount(offer.price) ?? salePriceSpecification(offer.priceSpecification, index);
    if (price !== null) priced.push({ offer, price, currency });
    else if (hasType(offer, new Set(['aggregateoffer']))) {
      const inner = chooseOffer(objects(offer.offers).map((child) => resolve(child, index)), index, locale);
      if (inner) priced.push({ ...inner, offer: { ...offer, ...inner.offer } });
    }
  }
  const first = priced[0];
  if (!first) return null;
  const minor = (candidate: PricedOffer) => parseMoney(candidate.price, candidate.currency)?.minor ?? Number.POSITIVE_INFINITY;
  return priced
    .filter((candidate) => candidate.currency === first.currency)
    .reduce((best, candidate) => (minor(candidate) < minor(best) ? candidate : best));
}

/** A priceSpecification's price that is not the crossed-out one. */
function salePriceSpecification(specifications: unknown, index: Map<string, JsonObject>): string | null {
  const sale = objects(specifications).map((specification) => resolve(specification, index)).find((specification) => !isOriginalPrice(specification));
  return sale ? amount(sale.price) : null;
}

/** The StrikethroughPrice (or ListPrice) specification's price, with its currency when it names one. */
function originalPrice(specifications: unknown, index: Map<string, JsonObject>): string | null {
  const original = objects(specifications).map((specification) => resolve(specification, index)).find(isOriginalPrice);
  const price = original ? amount(original.price) : null;
  if (!original || price === null) return null;
  const currency = string(original.priceCurrency)?.trim().toUpperCase();
  // With its own currency, finishDeal drops a value that is not in the price's currency.
  return currency ? `${price} ${currency}` : price;
}

function isOriginalPrice(specification: JsonObject): boolean {
  const priceType = string(specification.priceType)?.replace(/^.*[/:#]/, '').toLowerCase() ?? '';
  return ORIGINAL_PRICE_TYPES.has(priceType);
}

/** schema.org prices: a number, or text with a `.` decimal (and, in practice, `,` thousands). */
function amount(value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  return string(value);
}

/** `image` as a URL, a list of them, or ImageObject(s). */
function imageUrl(value: unknown): string | null {
  for (const image of Array.isArray(value) ? value : [value]) {
    const url = isObject(image) ? string(image.url) ?? string(image.contentUrl) : string(image);
    if (url) return url;
  }
  return null;
}

/** `areaServed` as a name, a Place/City, or a list of them: the first one's name. */
function placeName(value: unknown): string | null {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return isObject(first) ? string(first.name) : string(first);
}

function seller(value: unknown, index: Map<string, JsonObject>): Merchant | null {
  if (!isObject(value)) return string(value) ? { name: string(value), phone: null, address: null } : null;
  const organization = resolve(value, index);
  return { name: string(organization.name), phone: string(organization.telephone), address: null };
}

/** `availableAtOrFrom`: a Place (LocalBusiness …), a list of them, `@id` references, or bare names. */
function places(value: unknown, index: Map<string, JsonObject>): BranchDraft[] {
  return (Array.isArray(value) ? value : [value]).flatMap((item): BranchDraft[] => {
    if (!isObject(item)) {
      const name = string(item);
      return name ? [{ name, address: null, phone: null, district: null, lat: null, lng: null }] : [];
    }
    const place = resolve(item, index);
    const geo = isObject(place.geo) ? resolve(place.geo, index) : place;
    return [{
      name: string(place.name),
      address: placeAddress(place.address, index),
      phone: string(place.telephone),
      district: null,
      lat: coordinate(geo.latitude),
      lng: coordinate(geo.longitude),
    }];
  });
}

/** A PostalAddress as one line (`streetAddress, addressLocality, addressRegion postalCode`), or address text. */
function placeAddress(value: unknown, index: Map<string, JsonObject>): string | null {
  if (!isObject(value)) return string(value);
  const address = resolve(value, index);
  const region = [string(address.addressRegion), string(address.postalCode)].filter(Boolean).join(' ');
  return [string(address.streetAddress), string(address.addressLocality), region].filter(Boolean).join(', ') || null;
}

const coordinate = (value: unknown): number | string | null => (typeof value === 'number' ? value : string(value));

/** Every object with an `@id` and more than a reference's worth of fields, by id. */
function indexById(blocks: unknown[]): Map<string, JsonObject> {
  const index = new Map<string, JsonObject>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(value)) {
      for (const element of value) visit(element, depth + 1);
    } else if (isObject(value)) {
      const id = string(value['@id']);
      if (id && Object.keys(value).length > 1 && !index.has(id)) index.set(id, value);
      for (const child of Object.values(value)) visit(child, depth + 1);
    }
  };
  visit(blocks, 0);
  return index;
}

/** `{"@id": "#offer"}` → the object with that id elsewhere on the page. */
function resolve(value: JsonObject, index: Map<string, JsonObject>): JsonObject {
  const id = string(value['@id']);
  return id && Object.keys(value).length === 1 ? (index.get(id) ?? value) : value;
}

/** `Product`, `schema:Product`, `https://schema.org/Product`, or a list holding one of them. */
function hasType(thing: JsonObject, types: ReadonlySet<string>): boolean {
  const declared: unknown[] = Array.isArray(thing['@type']) ? thing['@type'] : [thing['@type']];
  return declared.some((type) => typeof type === 'string' && types.has(type.replace(/^.*[/:#]/, '').toLowerCase()));
}

/** HTML entities some CMSs leave in JSON-LD text (`&amp;` in URLs, `&#8211;` in names). */
function decodeStrings(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return decodeEntities(value);
  if (depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((element) => decodeStrings(element, depth + 1));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, decodeStrings(child, depth + 1)]));
  return value;
}

const BASIC_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Numeric entities and the basic named ones; cleanText decodes the rest in display text. */
function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]+);/gi, (entity, name: string) => {
    if (!name.startsWith('#')) return BASIC_ENTITIES[name.toLowerCase()] ?? entity;
    const codePoint = /^#x/i.test(name) ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : entity;
  });
}

/** Objects in a value that may be one object, a list, or absent. */
function objects(value: unknown): JsonObject[] {
  return (Array.isArray(value) ? value : [value]).filter(isObject);
}

function string(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const jsonLdFormat: FeedFormat = {
  name: 'jsonld',
  label: 'Web pages with schema.org Product/Offer JSON-LD',
  syntax: 'html',
  detect: (document) => document.syntax === 'html' && hasJsonLdDeals(document.text),
  parse: (document, ctx) => parseJsonLdPage(document.text, ctx),
};
