// One feed's crawl, top to bottom: fetch → decode → detect → parse → store → record the run.
// A failed fetch or an unparseable answer changes no deals; the run records why.
import { createHash } from 'node:crypto';
import { countExpiredListings } from '../../src/credibility/expired-listings';
import type { Feed, SnapshotCounts, Storage } from '../../src/storage';
import { CrawlError } from '../errors';
import { fetchFeed, HttpStatusError } from '../fetch';
import type { HostGate } from '../fetch/host-gate';
import type { RobotsCache } from '../fetch/robots';
import type { FetchOptions } from '../fetch/fetch-feed';
import { formatNames, parseFeedBytes } from '../formats';
import type { FormatName, ParseResult, SkippedItem } from '../types';
import { withSiteDomainDeals } from '../normalize/deal-host';
import { nextCheckAfterFailure, nextCheckAfterSuccess } from '../schedule/next-check';

export interface CrawlSettings {
  fetch: Omit<FetchOptions, 'etag' | 'lastModified'>;
  /** Upper bound on deals read from one feed. */
  maxItems: number;
  /** Consecutive failures after which a feed is paused and flagged instead of retried forever. */
  pauseAfterFailures: number;
  /** One request at a time per host, with a gap; shared by every crawl of one process. */
  hostGate: HostGate;
  /** robots.txt rules for feeds that are HTML pages. */
  robots: RobotsCache;
}

/** Formats that read ordinary web pages, which robots.txt governs (owner-made feeds are opt-in). */
const HTML_PAGE_FORMATS = new Set(['jsonld', 'html']);

export interface CrawlReport {
  feedId: number;
  outcome: 'ok' | 'not_modified' | 'failed';
  format: FormatName | null;
  itemsSeen: number;
  counts: SnapshotCounts | null;
  skipped: SkippedItem[];
  error: { code: string; message: string } | null;
  /** Set when this run paused the feed. */
  pausedReason: string | null;
  durationMs: number;
}

/** Stages of a crawl, for a progress line on long runs. */
export type CrawlProgress = { stage: 'fetching'; bytes: number } | { stage: 'parsing' | 'storing'; bytes: number };

export async function crawlFeed(
  storage: Storage,
  feed: Feed,
  settings: CrawlSettings,
  onProgress?: (progress: CrawlProgress) => void,
): Promise<CrawlReport> {
  const startedAt = new Date();
  const runId = await storage.crawlRuns.start(feed.id, startedAt);
  let httpStatus: number | null = null;
  let bytes: number | null = null;
  try {
    await checkRobots(feed, settings);
    const response = await settings.hostGate.run(feed.url, () =>
      fetchFeed(feed.url, {
        ...settings.fetch, etag: feed.etag, lastModified: feed.lastModified,
        onProgress: onProgress && ((received) => onProgress({ stage: 'fetching', bytes: received })),
      }));
    httpStatus = response.status;
    bytes = response.bytes;
    const validators = { etag: response.etag ?? feed.etag, lastModified: response.lastModified ?? feed.lastModified };
    if (response.notModified) {
      return await finish({ outcome: 'not_modified', format: null, itemsSeen: 0, counts: null, skipped: [] }, validators, null);
    }
    const fingerprint = bodyFingerprint(feed, settings, response.body);
    if (isUnchanged(feed, fingerprint, startedAt)) {
      // The same bytes read the same way give the same deals: record the run, skip the parse.
      return await finish({ outcome: 'not_modified', format: null, itemsSeen: 0, counts: null, skipped: [] }, validators, null);
    }
    onProgress?.({ stage: 'parsing', bytes: response.bytes });
    const parsed = await keepOwnDeals(storage, feed, parseFeedBytes(response.body, response.contentType, asFormat(feed.format), {
      feedUrl: response.finalUrl,
      timeZone: feed.timeZone ?? undefined,
      clockOffsetSeconds: feed.clockOffsetSeconds,
      maxItems: settings.maxItems,
      selectors: feed.selectors ?? undefined,
      allowPrivateImages: settings.fetch.allowPrivateNetwork,
    }));
    const itemsSeen = parsed.deals.length + parsed.skipped.length;
    if (itemsSeen > 0 && parsed.deals.length === 0) {
      // Every item broken looks like a broken emitter, not a site with no deals: keep the old ones.
      throw new CrawlError('parse_error', `none of the feed's ${itemsSeen} items could be read (first: ${parsed.skipped[0]?.reason})`);
    }
    onProgress?.({ stage: 'storing', bytes: response.bytes });
    const deals = parsed.deals.map((deal) => ({ ...deal, site: feed.siteSlug }));
    const counts = await storage.deals.applyFeedSnapshot({ id: feed.id, siteId: feed.siteId }, deals, new Date());
    // Credibility: how many of the listed deals had already ended (a feed that keeps expired deals).
    await storage.credibility.recordExpired(countExpiredListings({ crawlRunId: runId, feedId: feed.id, siteId: feed.siteId }, deals, new Date()));
    return await finish({ outcome: 'ok', format: parsed.format, itemsSeen, counts, skipped: parsed.skipped }, validators, fingerprint);
  } catch (error) {
    const failure = error instanceof CrawlError ? error : new CrawlError('parse_error', `unexpected: ${(error as Error).message}`);
    return await fail(failure);
  }

  async function finish(
    result: Pick<CrawlReport, 'outcome' | 'format' | 'itemsSeen' | 'counts' | 'skipped'>,
    validators: { etag: string | null; lastModified: string | null },
    storedFingerprint: string | null,
  ): Promise<CrawlReport> {
    const at = new Date();
    await storage.crawlRuns.finish(runId, at, {
      ...result, httpStatus, bytes, errorCode: null, errorMessage: null,
    });
    await storage.feeds.recordSuccess(feed.id, { at, ...validators, nextCheckAt: nextCheckAfterSuccess(feed, at), format: result.format,
      bodyFingerprint: storedFingerprint,
    });
    return { feedId: feed.id, ...result, error: null, pausedReason: null, durationMs: at.getTime() - startedAt.getTime() };
  }

  async function fail(error: CrawlError): Promise<CrawlReport> {
    const at = new Date();
    httpStatus = error.httpStatus ?? httpStatus;
    await storage.crawlRuns.finish(runId, at, {
      outcome: 'failed', httpStatus, bytes, format: null, itemsSeen: 0, counts: null, skipped: [],
      errorCode: error.code, errorMessage: error.message,
    });
    const retryAfterSeconds = error instanceof HttpStatusError ? error.retryAfterSeconds : null;
    if (retryAfterSeconds) settings.hostGate.deferHost(feed.url, retryAfterSeconds);
    await storage.feeds.recordFailure(feed.id, {
      at, code: error.code, message: error.message, nextCheckAt: nextCheckAfterFailure(feed, at, retryAfterSeconds),
    });
    const pausedReason = pauseReason(error, feed.consecutiveFailures + 1, settings.pauseAfterFailures);
    if (pausedReason) await storage.feeds.pause(feed.id, pausedReason);
    return {
      feedId: feed.id, outcome: 'failed', format: null, itemsSeen: 0, counts: null, skipped: [],
      error: { code: error.code, message: error.message }, pausedReason, durationMs: at.getTime() - startedAt.getTime(),
    };
  }
}

/**
 * Bump when parsing or normalising changes what a feed's bytes turn into, so that unchanged
 * feeds are read again with the new rules.
 */
const PARSE_RULES_REVISION = 2;
/** Even unchanged bytes are parsed again after this long, in case the rules changed unannounced. */
const REPARSE_AFTER_MS = 24 * 60 * 60 * 1000;

/** Identifies a body together with everything that decides how it is read. */
function bodyFingerprint(feed: Feed, settings: CrawlSettings, body: Uint8Array): string {
  const readingRules = JSON.stringify([
    PARSE_RULES_REVISION, feed.format, feed.timeZone, feed.clockOffsetSeconds, feed.selectors, settings.maxItems,
  ]);
  return createHash('sha256').update(readingRules).update(body).digest('base64url');
}

const isUnchanged = (feed: Feed, fingerprint: string, now: Date): boolean =>
  feed.bodyFingerprint === fingerprint
  && feed.bodyParsedAt !== null
  && now.getTime() - feed.bodyParsedAt.getTime() < REPARSE_AFTER_MS;

/** Deals whose URL is not on the site's domain are skipped like any bad item (see deal-host.ts). */
async function keepOwnDeals(storage: Storage, feed: Feed, parsed: ParseResult): Promise<ParseResult> {
  const site = await storage.sites.findById(feed.siteId);
  return site ? withSiteDomainDeals(parsed, site.homeUrl) : parsed;
}

async function checkRobots(feed: Feed, settings: CrawlSettings): Promise<void> {
  if (!HTML_PAGE_FORMATS.has(feed.format) && !HTML_PAGE_FORMATS.has(feed.detectedFormat ?? '')) return;
  const verdict = await settings.hostGate.run(feed.url, () => settings.robots.check(feed.url));
  if (verdict.crawlDelaySeconds) settings.hostGate.deferHost(feed.url, verdict.crawlDelaySeconds);
  if (!verdict.allowed) throw new CrawlError('robots_disallowed', `robots.txt of ${new URL(feed.url).origin} disallows this page for dealnav`);
}

/** Why a failure should stop the polling: the feed is gone for good, or it kept failing. */
function pauseReason(error: CrawlError, failures: number, limit: number): string | null {
  if (error.httpStatus === 410) return 'the feed answered 410 Gone';
  if (failures >= limit) return `${failures} failures in a row, the last: ${error.code} ${error.message}`;
  return null;
}

const asFormat = (setting: string): FormatName | 'auto' =>
  (formatNames() as string[]).includes(setting) ? (setting as FormatName) : 'auto';
