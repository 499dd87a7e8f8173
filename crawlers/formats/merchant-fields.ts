// Google Merchant Center fields (feed-formats.md C5) as RSS 2.0 and Atom items carry them: `g:`
// elements beside the format's own ones. RSS and Atom read their own title/link/id/image and
// hand them here; a `g:` field, where present, wins, and the prices, validity window and
// availability come only from `g:`.
import { mapCategory } from '../normalize/category';
import type { DealDraft } from '../normalize/deal';
import { parseEndTime, parseStartTime, type FeedLocale } from './feed-locale';
import { elementChildren, keyOf, type Element } from './xml';

export const GOOGLE_MERCHANT_NAMESPACE = 'http://base.google.com/ns/1.0';

/** One item's children, split into the format's own elements and the Merchant `g:` ones. */
export interface ItemFields {
  /** Text of the first own child with this key (keyOf form: `pubdate`), null when absent or empty. */
  own(key: string): string | null;
  /** Every own child with this key, for repeated elements (`link`, `enclosure`, `category`). */
  ownElements(key: string): Element[];
  /** Text of the Merchant child with this key (`saleprice` for `g:sale_price`). */
  merchant(key: string): string | null;
}

/** What the format itself says about the item, before the `g:` fields override it. */
export interface OwnFields {
  id: string | null;
  title: string | null;
  url: string | null;
  imageUrl: string | null;
  /** The item's publication time, the deal's start when no sale window says otherwise. */
  published: Date | null;
  categories: string[];
  /** The feed's home page, to name the site when there is no feed URL. */
  siteUrl: string | null;
}

/** Availability values (lower case, spaces as `_`) that mean the deal cannot be bought. */
const SOLD_OUT = new Set(['out_of_stock', 'outofstock', 'sold_out', 'soldout']);

/**
 * `ownNamespace` is the format's namespace URI (Atom's), or null for RSS 2.0, whose elements
 * have none: then only unprefixed children are the item's own, so `media:title` or
 * `dc:date` never stand in for `title` or `pubDate`.
 */
export function readItemFields(
  item: Element,
  textOf: (element: Element) => string | null,
  ownNamespace: string | null,
): ItemFields {
  const ownPrefixes = new Set(['', ...(ownNamespace ? prefixesBoundTo(item, ownNamespace) : [])]);
  // Feeds that forget to declare the namespace still write `g:`.
  const merchantPrefixes = new Set(['g', ...prefixesBoundTo(item, GOOGLE_MERCHANT_NAMESPACE)]);
  const children = elementChildren(item.children);
  const childrenWith = (prefixes: Set<string>, key: string) =>
    children.filter((child) => prefixes.has(prefixOf(child)) && keyOf(child) === key);
  const firstText = (elements: Element[]) => elements.map(textOf).find((text) => text !== null) ?? null;
  return {
    own: (key) => firstText(childrenWith(ownPrefixes, key)),
    ownElements: (key) => childrenWith(ownPrefixes, key),
    merchant: (key) => firstText(childrenWith(merchantPrefixes, key)),
  };
}

/**
 * The deal: `g:sale_price` is the price and `g:price` the worth when both are given, else
 * `g:price` is the price; `g:sale_price_effective_date` (`start/end`) is the validity window.
 */
export function merchantDealDraft(fields: ItemFields, own: OwnFields, locale: FeedLocale): DealDraft {
  const listPrice = fields.merchant('price');
  const salePrice = fields.merchant('saleprice');
  const window = saleWindow(fields.merchant('salepriceeffectivedate'), locale);
  const availability = fields.merchant('availability')?.toLowerCase().replace(/[\s-]+/g, '_') ?? '';
  return {
    externalId: fields.merchant('id') ?? own.id,
    url: fields.merchant('link') ?? own.url,
    title: fields.merchant('title') ?? own.title,
    imageUrl: fields.merchant('imagelink') ?? own.imageUrl,
    siteUrl: own.siteUrl,
    city: null,
    district: null,
    category: mapCategory(fields.merchant('producttype'), ...own.categories),
    price: salePrice ?? listPrice,
    value: salePrice === null ? null : listPrice,
    currency: locale.currency,
    sold: null,
    soldOut: SOLD_OUT.has(availability),
    startsAt: window.start ?? own.published,
    endsAt: window.end,
    merchant: null,
    branches: [],
  };
}

/** `2011-05-10T00:00+0800/2011-05-11T00:00+0800`; either side may be missing or unreadable. */
function saleWindow(interval: string | null, locale: FeedLocale): { start: Date | null; end: Date | null } {
  const parts = interval?.split('/') ?? [];
  if (parts.length !== 2) return { start: null, end: null };
  return { start: parseStartTime(parts[0], locale), end: parseEndTime(parts[1], locale) };
}

/** Prefixes that `xmlns:…` attributes on the element or its ancestors bind to `uri` ('' for a default). */
export function prefixesBoundTo(element: Element, uri: string): string[] {
  const prefixes: string[] = [];
  for (let node: Element | null = element; node; node = node.parent?.type === 'tag' ? (node.parent as Element) : null) {
    for (const [name, value] of Object.entries(node.attribs)) {
      if (value.trim() !== uri) continue;
      if (name === 'xmlns') prefixes.push('');
      else if (name.startsWith('xmlns:')) prefixes.push(name.slice('xmlns:'.length));
    }
  }
  return prefixes;
}

function prefixOf(element: Element): string {
  const colon = element.name.indexOf(':');
  return colon === -1 ? '' : element.name.slice(0, colon);
}
