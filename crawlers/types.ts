// The records that cross the crawler's stage boundaries: what a parser returns, and what
// ingest hands to storage. Every format module produces exactly these shapes.

/** A normalised deal, as every parser returns it and the JSON API serves it. */
export interface DealRecord {
  /** Site slug (ingest sets the registered site's; `dealnav parse` uses the feed's own host). */
  site: string;
  /** The feed's id for the deal, else derived from the canonical deal URL. */
  externalId: string;
  /** The click-out target, kept verbatim as the feed gave it (after resolving a relative URL). */
  url: string;
  title: string;
  imageUrl: string | null;
  /** Canonical city code from `data/cities.json` (`beijing`), the raw name when unknown, null when nationwide or absent. */
  city: string | null;
  /** True for deals sold everywhere (`全国`, "National"): they show in every city. */
  nationwide: boolean;
  /** Business district (商圈) where the feed gives one. */
  district: string | null;
  /** Portal taxonomy slug from `data/categories.json`, null when the source category is unknown. */
  category: string | null;
  /** Deal price in minor units of `currency` (fen for CNY, cents for USD). */
  priceMinor: number;
  /** Original ("worth") price in minor units, null when the feed gives none. */
  valueMinor: number | null;
  /** ISO 4217 code. */
  currency: string;
  /** Percent off, recomputed from price and value (never the feed's own figure); null without a value. */
  discountPercent: number | null;
  /** Units sold, null when unknown (Groupon's -1, or absent). */
  sold: number | null;
  soldOut: boolean;
  /** UTC instants, ISO 8601 (`2026-11-25T16:00:00.000Z`). */
  startsAt: string | null;
  endsAt: string | null;
  merchant: Merchant | null;
  /** The places the deal can be redeemed, as the feed lists them (empty when it lists none). */
  branches: Branch[];
}

export interface Merchant {
  name: string | null;
  phone: string | null;
  address: string | null;
}

/** One place a deal can be redeemed: a shop of a chain, a Groupon redemption location. */
export interface Branch {
  name: string | null;
  address: string | null;
  phone: string | null;
  /** Business district (商圈) or neighbourhood. */
  district: string | null;
  /** WGS-84-ish degrees as the feed gave them (checked for range, never converted between datums). */
  lat: number | null;
  lng: number | null;
}

/** An item the parser could not turn into a deal, with the reason in plain words. */
export interface SkippedItem {
  /** Something that identifies the item for a person: its id, URL or title, else its position. */
  item: string;
  reason: string;
}

export type FormatName =
  | 'hao123' // urlset family: hao123/Baidu v1/v2, 团800, tuanp
  | 'groupon' // Groupon API v2 / partner JSON
  | 'goods360' // 360团购导航 data/goodsdata/goods
  | 'sohu' // 搜狐 ActivitySet
  | 'meituan' // Meituan API v1 response/deals/deal (Groupon v1 clone)
  | 'rss' // RSS 2.0, with Google Merchant g: fields
  | 'atom' // Atom 1.0, with Google Merchant g: fields
  | 'jsonfeed' // JSON Feed 1.1 with the _deal extension
  | 'jsonld' // HTML pages with schema.org Offer/Product JSON-LD
  | 'html'; // HTML without structured data, read through the owner's CSS selectors

export interface ParseResult {
  format: FormatName;
  deals: DealRecord[];
  skipped: SkippedItem[];
}

/** What a parser needs to know about the feed besides its text. */
export interface ParseContext {
  /** The feed's URL, to resolve relative links and to name the site when the feed does not. */
  feedUrl?: string;
  /** IANA zone for times without an offset; default Asia/Shanghai for the Chinese formats. */
  timeZone?: string;
  /** Seconds to subtract from epoch times, for emitters that shift them (FanWe adds 8 h). */
  clockOffsetSeconds?: number;
  /** Upper bound on items read from one feed; the rest are skipped with a reason. */
  maxItems?: number;
  /** CSS selectors the site owner registered, for HTML pages without structured data. */
  selectors?: HtmlSelectors;
  /**
   * Keep pictures on loopback and private addresses (normalize/image-url.ts): only where feeds may
   * be fetched from those too (allowPrivateNetwork: the demo and tests on 127.0.0.1).
   */
  allowPrivateImages?: boolean;
}

/** Where the deals are on a plain HTML page; each field selector is relative to one item. */
export interface HtmlSelectors {
  item: string;
  title: string;
  price: string;
  url: string;
  value?: string;
  image?: string;
  endsAt?: string;
  city?: string;
}
