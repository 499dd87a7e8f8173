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
  /已售罄|已售完|已抢光|已抢完|已停售|已结束|活动结束|团购结束|已下架|已过期|已失效|已关闭/u,
  /\bsold\s*out\b|\bdeal\s+(?:has\s+)?(?:ended|expired|closed)\b|\bthis\s+deal\s+is\s+(?:over|closed|no\s+longer\s+available)\b|\bexpired\b|\bno\s+longer\s+available\b/i,
];

/** Words of a "page not found" answered with 200 (a soft 404): as dead as a real 404. */
export const MISSING_MARKERS: readonly RegExp[] = [
  /页面不存在|页面未找到|找不到(?:该|此)?页面|(?:商品|团购|活动)不存在|该团购已删除/u,
  /\bpage\s+not\s+found\b|\b404\s*(?:-|–|:)?\s*not\s+found\b|\bthis\s+page\s+(?:does\s+not|doesn't)\s+exist\b|\bdeal\s+not\s+found\b/i,
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
  const text = visibleText(html);
  if (MISSING_MARKERS.some((marker) => marker.test(text))) return { outcome: 'dead', pagePriceMinor: null, priceOutcome: null };
  const jsonLd = readJsonLd(html, page.finalUrl, deal.currency);
  const soldOutOnPage = jsonLd.soldOut || ENDED_MARKERS.some((marker) => marker.test(text));
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

/** The page's title and body text, without scripts and styles (a word in a script is not shown). */
function visibleText(html: string): string {
  const $ = load(html);
  $('script, style, noscript, template').remove();
  return `${$('title').text()}\n${$('body').text() || $.root().text()}`;
}

export function saysEnded(html: string): boolean {
  const text = visibleText(html);
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
