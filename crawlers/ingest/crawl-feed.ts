// One feed's crawl, top to bottom: fetch → decode → detect → parse → store → record the run.
// A failed fetch or an unparseable answer changes no deals; the run records why.
import type { Feed, SnapshotCounts, Storage } from '../../src/storage';
import { CrawlError } from '../errors';
import { fetchFeed } from '../fetch';
import type { FetchOptions } from '../fetch/fetch-feed';
import { parseFeedBytes } from '../formats';
import type { FormatName, SkippedItem } from '../types';
import { nextCheckAfterFailure, nextCheckAfterSuccess } from '../schedule/next-check';

export interface CrawlSettings {
  fetch: Omit<FetchOptions, 'etag' | 'lastModified'>;
  /** Upper bound on deals read from one feed. */
  maxItems: number;
}

export interface CrawlReport {
  feedId: number;
  outcome: 'ok' | 'not_modified' | 'failed';
  format: FormatName | null;
  itemsSeen: number;
  counts: SnapshotCounts | null;
  skipped: SkippedItem[];
  error: { code: string; message: string } | null;
  durationMs: number;
}

export async function crawlFeed(storage: Storage, feed: Feed, settings: CrawlSettings): Promise<CrawlReport> {
  const startedAt = new Date();
  const runId = await storage.crawlRuns.start(feed.id, startedAt);
  let httpStatus: number | null = null;
  let bytes: number | null = null;
  try {
    const response = await fetchFeed(feed.url, { ...settings.fetch, etag: feed.etag, lastModified: feed.lastModified });
    httpStatus = response.status;
    bytes = response.bytes;
    const validators = { etag: response.etag ?? feed.etag, lastModified: response.lastModified ?? feed.lastModified };
    if (response.notModified) {
      return await finish({ outcome: 'not_modified', format: null, itemsSeen: 0, counts: null, skipped: [] }, validators);
    }
    const parsed = parseFeedBytes(response.body, response.contentType, asFormat(feed.format), {
      feedUrl: response.finalUrl,
      timeZone: feed.timeZone ?? undefined,
      clockOffsetSeconds: feed.clockOffsetSeconds,
      maxItems: settings.maxItems,
    });
    const itemsSeen = parsed.deals.length + parsed.skipped.length;
    if (itemsSeen > 0 && parsed.deals.length === 0) {
      // Every item broken looks like a broken emitter, not a site with no deals: keep the old ones.
      throw new CrawlError('parse_error', `none of the feed's ${itemsSeen} items could be read (first: ${parsed.skipped[0]?.reason})`);
    }
    const deals = parsed.deals.map((deal) => ({ ...deal, site: feed.siteSlug }));
    const counts = await storage.deals.applyFeedSnapshot({ id: feed.id, siteId: feed.siteId }, deals, new Date());
    return await finish({ outcome: 'ok', format: parsed.format, itemsSeen, counts, skipped: parsed.skipped }, validators);
  } catch (error) {
    const failure = error instanceof CrawlError ? error : new CrawlError('parse_error', `unexpected: ${(error as Error).message}`);
    return await fail(failure);
  }

  async function finish(
    result: Pick<CrawlReport, 'outcome' | 'format' | 'itemsSeen' | 'counts' | 'skipped'>,
    validators: { etag: string | null; lastModified: string | null },
  ): Promise<CrawlReport> {
    const at = new Date();
    await storage.crawlRuns.finish(runId, at, {
      ...result, httpStatus, bytes, errorCode: null, errorMessage: null,
    });
    await storage.feeds.recordSuccess(feed.id, { at, ...validators, nextCheckAt: nextCheckAfterSuccess(feed, at) });
    return { feedId: feed.id, ...result, error: null, durationMs: at.getTime() - startedAt.getTime() };
  }

  async function fail(error: CrawlError): Promise<CrawlReport> {
    const at = new Date();
    httpStatus = error.httpStatus ?? httpStatus;
    await storage.crawlRuns.finish(runId, at, {
      outcome: 'failed', httpStatus, bytes, format: null, itemsSeen: 0, counts: null, skipped: [],
      errorCode: error.code, errorMessage: error.message,
    });
    const retryAfterSeconds = (error as CrawlError & { retryAfterSeconds?: number | null }).retryAfterSeconds ?? null;
    await storage.feeds.recordFailure(feed.id, {
      at, code: error.code, message: error.message, nextCheckAt: nextCheckAfterFailure(feed, at, retryAfterSeconds),
    });
    return {
      feedId: feed.id, outcome: 'failed', format: null, itemsSeen: 0, counts: null, skipped: [],
      error: { code: error.code, message: error.message }, durationMs: at.getTime() - startedAt.getTime(),
    };
  }
}

const asFormat = (setting: string): FormatName | 'auto' =>
  setting === 'hao123' || setting === 'groupon' ? setting : 'auto';
