// The hao123/Baidu `urlset` family (feed-formats.md A1–A3, A7, A8): one parser with an alias
// table, because every navigator and emitter renamed or re-cased the same handful of fields
// (startTime, starttime, start_time, startline …). Elements are matched by local name without
// regard to case, `_` or `-`, so namespaced and snake_case variants read the same.
import { xmlRootName } from '../detect';
import { CrawlError } from '../errors';
import { mapCategory } from '../normalize/category';
import { splitCoordinatePair } from '../normalize/coordinates';
import { collectDeals, readCount, readFlag, type BranchDraft, type DealDraft } from '../normalize/deal';
import { DEFAULT_FEED_TIME_ZONE, parseFeedTime } from '../normalize/time';
import type { ParseContext, ParseResult } from '../types';
import type { FeedFormat } from './format';
import { childNamed, childrenNamed, readFields, type Element, type Fields } from './xml';
import { nodeText, streamXmlItems } from './xml-stream';

/** Field → element names (normalised: lower case, no `_`/`-`) that carry it, best first. */
const DISPLAY_FIELDS = {
  loc: ['loc', 'goodssiteurl'],
  identifier: ['identifier', 'goodsid', 'dealid'],
  title: ['title', 'goodstitle', 'shorttitle', 'name'],
  image: ['image', 'imageurl', 'goodsimageurl', 'smallimage'],
  siteUrl: ['siteurl'],
  city: ['city', 'cityname'],
  district: ['range', 'district', 'area'],
  start: ['starttime', 'startline', 'startdate', 'begintime', 'goodsstarttime'],
  end: ['endtime', 'deadline', 'enddate', 'closetime', 'goodsdeadline'],
  value: ['value', 'oriprice', 'goodsvalue', 'marketprice'],
  price: ['price', 'curprice', 'goodsprice', 'teamprice'],
  sold: ['bought', 'buyer', 'goodsbought'],
  soldOut: ['soldout'],
  category: ['category', 'sort', 'class', 'cate', 'kinds'],
  subcategory: ['subcategory'],
  tag: ['tag'],
  seller: ['seller', 'goodsspname'],
  phone: ['phone', 'goodsphone'],
  address: ['address'],
} as const;

/**
 * Branch fields inside `shops/shop` (团800: `addr` in some emitters, `address` in others; 聚淘's
 * `componay` has `contact`; goutuan writes `lng`/`lat`). `range` is hao123 v2's 商圈, which also
 * stands in for the deal's district; 团800's `area` only describes the branch.
 */
const SHOP_FIELDS = {
  name: ['name', 'shopseller'],
  phone: ['tel', 'phone', 'shopphone', 'contact'],
  address: ['addr', 'address', 'shopaddress'],
  range: ['shoprange'],
  district: ['shoprange', 'area', 'district'],
  coords: ['shopcoords', 'coords'],
  lat: ['latitude', 'lat'],
  lng: ['longitude', 'lng'],
} as const;

export function parseUrlsetText(text: string, ctx: ParseContext): ParseResult {
  const root = xmlRootName(text);
  if (root !== 'urlset') {
    throw new CrawlError('parse_error', `expected an <urlset> feed, found ${root ? `<${root}>` : 'no XML root element'}`);
  }
  // Streamed: htmlparser2 in xml mode (the parser under cheerio's xml mode, so whitespace before
  // `<?xml` and a raw `&` in a title are tolerated as before) builds one <url> at a time, which
  // is read into a small draft and dropped. Items over ctx.maxItems are only counted; collectDeals
  // never reads them (its own limit test), it only lists them as skipped.
  const drafts: (DealDraft | null)[] = [];
  const { items } = streamXmlItems(text, {
    path: ['urlset', 'url'],
    maxItems: ctx.maxItems,
    onItem: (item) => { drafts.push(readItem(item, nodeText, ctx)); },
  });
  while (drafts.length < items) drafts.push(null); // dense: collectDeals' forEach skips holes
  return collectDeals('hao123', drafts, (draft) => draft ?? unreadItem(), ctx);
}

function unreadItem(): never {
  throw new Error('urlset: collectDeals asked for an item over maxItems, which was not read');
}

function readItem(item: Element, textOf: (element: Element) => string | null, ctx: ParseContext): DealDraft {
  const data = childNamed(item, 'data');
  const display = data && childNamed(data, 'display');
  // display first: its fields are the deal's; data and url levels hold loc and the odd extra.
  const levels = [display, data, item].filter((level): level is Element => level !== null);
  const field = readFields(levels, DISPLAY_FIELDS, textOf);
  const shops = shopList(levels).map((shop) => readFields([shop], SHOP_FIELDS, textOf));
  const shopField = shops[0] ?? null;
  const timeOptions = { timeZone: ctx.timeZone ?? DEFAULT_FEED_TIME_ZONE, clockOffsetSeconds: ctx.clockOffsetSeconds };
  return {
    externalId: field.identifier,
    url: field.loc,
    title: field.title,
    imageUrl: field.image,
    siteUrl: field.siteUrl,
    city: field.city,
    district: field.district ?? shopField?.range ?? null,
    category: mapCategory(field.subcategory, field.category, field.tag),
    price: field.price,
    value: field.value,
    currency: 'CNY',
    sold: readCount(field.sold),
    soldOut: readFlag(field.soldOut),
    startsAt: parseFeedTime(field.start, timeOptions),
    endsAt: parseFeedTime(field.end, timeOptions),
    merchant: {
      name: field.seller ?? shopField?.name ?? null,
      phone: field.phone ?? shopField?.phone ?? null,
      address: field.address ?? shopField?.address ?? null,
    },
    branches: shops.map(toBranch),
  };
}

/**
 * The shops of the first shop list found: `shops/shop` sits under `data` (团800) or `display`
 * (hao123 v2); 聚淘 spells it `componays/componay`. The first shop stands in for missing
 * merchant fields; every shop is a branch.
 */
function shopList(levels: readonly Element[]): Element[] {
  for (const level of levels) {
    for (const [listName, shopName] of [['shops', 'shop'], ['componays', 'componay']] as const) {
      const list = childNamed(level, listName);
      const shops = list ? childrenNamed(list, shopName) : [];
      if (shops.length > 0) return shops;
    }
  }
  return [];
}

/** `shopCoords` is one `lat,lng` text (order not to be trusted); the others give each half apart. */
function toBranch(shop: Fields<typeof SHOP_FIELDS>): BranchDraft {
  const coordinates = shop.lat !== null || shop.lng !== null ? { lat: shop.lat, lng: shop.lng } : splitCoordinatePair(shop.coords);
  return { name: shop.name, address: shop.address, phone: shop.phone, district: shop.district, ...coordinates };
}

export const urlsetFormat: FeedFormat = {
  name: 'hao123',
  label: 'hao123 / Baidu urlset (incl. 团800, tuanp variants)',
  syntax: 'xml',
  detect: (document) => document.syntax === 'xml' && document.root === 'urlset',
  parse: (document, ctx) => parseUrlsetText(document.text, ctx),
};
