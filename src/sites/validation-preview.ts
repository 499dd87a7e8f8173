// The validation preview: a feed fetched once through the crawler's own fetcher (same limits,
// same address guard), decoded, detected, parsed and normalised by the crawler's own code, and
// nothing stored. It answers what a crawl would find: how many deals, a sample, and every item
// the crawl would skip or list badly, each with a stable code a page can put in plain words.
// Used by the owners' registration form and the operators' site page.
import { CrawlError, type CrawlErrorCode } from '../../crawlers/errors';
import { fetchFeed, type FetchOptions } from '../../crawlers/fetch';
import type { RobotsCache } from '../../crawlers/fetch/robots';
import { formatNames, parseFeedBytes } from '../../crawlers/formats';
import { isKnownCityCode } from '../../crawlers/normalize/city';
import { classifySkipReason, type SkipReasonCode } from '../../crawlers/normalize/deal';
import { withSiteDomainDeals } from '../../crawlers/normalize/deal-host';
import type { DealRecord, FormatName, HtmlSelectors } from '../../crawlers/types';

/** What is read, as a feed row or a registration form gives it. */
export interface PreviewSource {
  feedUrl: string;
  /** 'auto' or a registered format id. */
  format: string;
  timeZone?: string | null;
  clockOffsetSeconds?: number;
  selectors?: HtmlSelectors | null;
  /**
   * The site's home URL: deals on another domain are skipped as a crawl skips them (deal-host.ts).
   * Null or absent only where there is no home URL to go by yet (a registration form without a valid one).
   */
  homeUrl?: string | null;
}

export interface PreviewSettings {
  /** The crawl's fetch settings (src/config.ts crawlSettings(...).fetch): the same limits and guard. */
  fetch: Omit<FetchOptions, 'etag' | 'lastModified' | 'onProgress'>;
  /** The crawl's cap on items per feed. */
  maxItems: number;
  /** Deals returned as a sample (default 5). */
  sampleSize?: number;
  /** Problems returned in full (default 200); `problemsTotal` counts them all. */
  maxProblems?: number;
  /** With it, a page format (html, jsonld) is checked against robots.txt as a crawl would. */
  robots?: RobotsCache;
  now?: Date;
}

/**
 * `skipped`: the crawl drops the item (a SkipReasonCode). `warning`: it is kept but shows badly
 * or not at all: a city the portal does not know, a deal already over, text the reasons list
 * does not know yet (`unrecognised`, with the crawler's own words in `reason`).
 */
export type PreviewProblemCode = SkipReasonCode | 'unknown_city' | 'already_ended' | 'unrecognised';

export interface PreviewProblem {
  /** The item's id, URL or title as the crawler names it, else its position. */
  item: string;
  code: PreviewProblemCode;
  severity: 'skipped' | 'warning';
  /** The variable part: the price text, the unknown city, the item limit. */
  detail: string | null;
  /** The crawler's own words (English), as `dealnav parse` and crawl runs record them. */
  reason: string;
}

export interface FeedPreviewOk {
  ok: true;
  feedUrl: string;
  /** After redirects. */
  finalUrl: string;
  httpStatus: number;
  bytes: number;
  durationMs: number;
  format: FormatName;
  /** Items in the feed, deals and skipped ones together. */
  itemsSeen: number;
  dealCount: number;
  sample: DealRecord[];
  problems: PreviewProblem[];
  problemsTotal: number;
  /** A crawl refuses a feed whose every item is broken, and keeps the site's earlier deals. */
  everyItemBroken: boolean;
  /** robots.txt keeps the crawler off this page (only checked for page formats, with `robots`). */
  robotsDisallowed: boolean;
}

export interface FeedPreviewFailed {
  ok: false;
  feedUrl: string;
  error: { code: CrawlErrorCode; message: string; httpStatus: number | null };
}

export type FeedPreview = FeedPreviewOk | FeedPreviewFailed;

const PAGE_FORMATS = new Set<string>(['html', 'jsonld']);

export async function previewFeed(source: PreviewSource, settings: PreviewSettings): Promise<FeedPreview> {
  try {
    const response = await fetchFeed(source.feedUrl, { ...settings.fetch });
    const read = parseFeedBytes(response.body, response.contentType, asFormat(source.format), {
      feedUrl: response.finalUrl,
      timeZone: source.timeZone ?? undefined,
      clockOffsetSeconds: source.clockOffsetSeconds ?? 0,
      maxItems: settings.maxItems,
      selectors: source.selectors ?? undefined,
    });
    // The crawl's deal-domain rule, applied after parsing as crawl-feed.ts does.
    const parsed = source.homeUrl ? withSiteDomainDeals(read, source.homeUrl) : read;
    const problems = [
      ...parsed.skipped.map(({ item, reason }) => skippedProblem(item, reason)),
      ...parsed.deals.flatMap((deal) => dealWarnings(deal, settings.now ?? new Date())),
    ];
    const robotsDisallowed = settings.robots && PAGE_FORMATS.has(parsed.format)
      ? !(await settings.robots.check(source.feedUrl)).allowed
      : false;
    const itemsSeen = parsed.deals.length + parsed.skipped.length;
    return {
      ok: true,
      feedUrl: source.feedUrl,
      finalUrl: response.finalUrl,
      httpStatus: response.status,
      bytes: response.bytes,
      durationMs: response.durationMs,
      format: parsed.format,
      itemsSeen,
      dealCount: parsed.deals.length,
      sample: parsed.deals.slice(0, settings.sampleSize ?? 5),
      problems: problems.slice(0, settings.maxProblems ?? 200),
      problemsTotal: problems.length,
      everyItemBroken: itemsSeen > 0 && parsed.deals.length === 0,
      robotsDisallowed,
    };
  } catch (error) {
    const failure = error instanceof CrawlError ? error : new CrawlError('parse_error', `unexpected: ${(error as Error).message}`);
    return { ok: false, feedUrl: source.feedUrl, error: { code: failure.code, message: failure.message, httpStatus: failure.httpStatus } };
  }
}

function skippedProblem(item: string, reason: string): PreviewProblem {
  const known = classifySkipReason(reason);
  return known
    ? { item, code: known.code, severity: 'skipped', detail: known.detail, reason }
    : { item, code: 'unrecognised', severity: 'skipped', detail: null, reason };
}

/** What a kept deal shows badly: a city outside the portal's table, an end already past. */
function dealWarnings(deal: DealRecord, now: Date): PreviewProblem[] {
  const warnings: PreviewProblem[] = [];
  const item = deal.externalId;
  if (deal.city !== null && !deal.nationwide && !isKnownCityCode(deal.city)) {
    warnings.push({ item, code: 'unknown_city', severity: 'warning', detail: deal.city, reason: `unknown city "${deal.city}"` });
  }
  if (deal.endsAt !== null && new Date(deal.endsAt).getTime() <= now.getTime()) {
    warnings.push({ item, code: 'already_ended', severity: 'warning', detail: deal.endsAt, reason: `ended at ${deal.endsAt}` });
  }
  return warnings;
}

// The crawl's own rule (crawl-feed.ts asFormat): anything not a registered format is auto.
const asFormat = (setting: string): FormatName | 'auto' =>
  (formatNames() as string[]).includes(setting) ? (setting as FormatName) : 'auto';
