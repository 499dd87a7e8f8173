// What a fetched deal page says about the deal: does it still sell it (or did the site send us to
// its home page, or does the page say sold out / ended while the feed says live), and what price
// does it state (schema.org JSON-LD Offer, or the site's registered price selector)?
import { load } from 'cheerio';
import { decodeFeedBytes } from '../../crawlers/decode';
import { parseJsonLdPage } from '../../crawlers/formats/jsonld';
import { parseMoney } from '../../crawlers/normalize/money';
import type { HtmlSelectors } from '../../crawlers/types';
import type { DealToCheck, LinkOutcome, PriceOutcome } from '../storage';

/** Words a deal page uses once the deal cannot be bought (matched in the visible text, case-insensitively). */
export const ENDED_MARKERS: readonly RegExp[] = [
  /已售罄|已售完|已抢光|已结束|活动结束|团购结束|已下架|已过期|已失效/u,
  /\bsold\s*out\b|\bdeal\s+(?:has\s+)?(?:ended|expired)\b|\bthis\s+deal\s+is\s+(?:over|no\s+longer\s+available)\b|\bexpired\b|\bno\s+longer\s+available\b/i,
];

/** Paths that are a site's front page rather than a deal. */
const HOME_PATHS = new Set(['/', '', '/index.html', '/index.htm', '/index.php', '/default.aspx', '/home']);

export interface FetchedPage {
  finalUrl: string;
  redirects: number;
  body: Uint8Array;
  contentType: string | null;
}

export interface PageVerdict {
  outcome: LinkOutcome;
  pagePriceMinor: number | null;
  priceOutcome: PriceOutcome | null;
}

export function judgePage(deal: DealToCheck, page: FetchedPage, selectors: HtmlSelectors | null): PageVerdict {
  if (redirectedHome(deal.url, page)) return { outcome: 'home_redirect', pagePriceMinor: null, priceOutcome: null };
  const html = decodeFeedBytes(page.body, page.contentType).text;
  const jsonLd = readJsonLd(html, page.finalUrl, deal.currency);
  const soldOutOnPage = jsonLd.soldOut || saysEnded(html);
  const pagePriceMinor = jsonLd.priceMinor ?? selectorPrice(html, selectors, deal.currency);
  return {
    outcome: soldOutOnPage && !deal.soldOut ? 'sold_out' : 'ok',
    pagePriceMinor,
    priceOutcome: pagePriceMinor === null ? null : pagePriceMinor === deal.priceMinor ? 'match' : 'mismatch',
  };
}

/** Sent through at least one redirect to a front page, from a URL that was not one. */
export function redirectedHome(dealUrl: string, page: Pick<FetchedPage, 'finalUrl' | 'redirects'>): boolean {
  if (page.redirects === 0) return false;
  try {
    const from = new URL(dealUrl);
    const to = new URL(page.finalUrl);
    return HOME_PATHS.has(to.pathname) && to.search === '' && !(HOME_PATHS.has(from.pathname) && from.search === '');
  } catch {
    return false;
  }
}

export function saysEnded(html: string): boolean {
  const $ = load(html);
  $('script, style, noscript, template').remove();
  const text = $('body').text() || $.root().text();
  return ENDED_MARKERS.some((marker) => marker.test(text));
}

function readJsonLd(html: string, pageUrl: string, currency: string): { priceMinor: number | null; soldOut: boolean } {
  if (!/application\/ld\+json/i.test(html)) return { priceMinor: null, soldOut: false };
  const parsed = parseJsonLdPage(html, { feedUrl: pageUrl });
  const offer = parsed.deals.find((deal) => deal.currency === currency);
  return { priceMinor: offer?.priceMinor ?? null, soldOut: parsed.deals.length > 0 && parsed.deals.every((deal) => deal.soldOut) };
}

function selectorPrice(html: string, selectors: HtmlSelectors | null, currency: string): number | null {
  if (!selectors?.price) return null;
  try {
    const text = load(html)(selectors.price).first().text();
    const money = parseMoney(text, currency);
    return money && money.currency === currency ? money.minor : null;
  } catch {
    return null; // a selector cheerio cannot read
  }
}
