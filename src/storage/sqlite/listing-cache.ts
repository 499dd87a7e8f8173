// The listing's totals and facets, cached in-process: they cost 250–400 ms per query at 1M deals
// and change only when a crawl commits or a deal ends. Page rows are never cached.
//
// How stale an answer can be (the bound):
// - a feed snapshot committed by this process: never; the deals repository's change listener
//   empties the cache after the commit (shared mechanism: ../change-watch.ts);
// - anything committed by another connection or process (`dealnav crawl`, an operator's
//   sqlite3): at most `versionCheckMs` (100 ms) after the next lookup, through data_version;
// - a write by this process that tells no listener (an operator suspending a site from the
//   console): at most `ttlMs` (30 s), the age at which an entry is computed again regardless;
// - the passing of time (a deal ending, leaving "new today"): each entry records the earliest
//   end / first-seen + 24 h among the rows it counted and is recomputed once `now` passes it, but
//   is kept at least `timeSlackMs` (10 s) so a city with a deal ending every second is not
//   recomputed on every request: a count may include a deal that ended up to 10 s ago.
import type { DealFacets, DealQuery } from '../types';
import { ChangeWatch, type ChangeSource } from '../change-watch';
import { ftsQuery } from './search-text';

export interface ListingSummary {
  total: number;
  facets: DealFacets;
}

export interface CachedSummary extends ListingSummary {
  /** `now` (ms) of the query it was computed for. */
  computedFor: number;
  /** The first instant (ms) at which time alone may change it (Infinity when never). */
  changesAt: number;
}

export interface ListingCacheOptions {
  maxEntries: number;
  versionCheckMs: number;
  ttlMs: number;
  timeSlackMs: number;
}

export const defaultListingCacheOptions: ListingCacheOptions = { maxEntries: 500, versionCheckMs: 100, ttlMs: 30_000, timeSlackMs: 10_000 };

/** The cache key: every filter that changes the total or the facets, normalised; not the sort, page or now. */
export function summaryKey(query: DealQuery): string {
  return JSON.stringify([
    query.city ?? null, query.district ?? null, query.category ?? null,
    query.sites?.length ? [...new Set(query.sites)].sort() : null,
    query.priceMin ?? null, query.priceMax ?? null, query.minDiscount ?? null, query.newToday ? 1 : 0,
    query.firstSeen ? [query.firstSeen.after.getTime(), query.firstSeen.until.getTime()] : null,
    query.q === undefined ? null : ftsQuery(query.q),
    query.collapseGroups ? 1 : 0, query.facetLimit ?? null,
  ]);
}

interface Entry {
  summary: CachedSummary;
  storedAt: number;
}

export class ListingCache {
  private entries = new Map<string, Entry>();
  private readonly changes: ChangeWatch | null;

  constructor(
    source: ChangeSource | null,
    private readonly options: ListingCacheOptions = defaultListingCacheOptions,
    private readonly clock: () => number = Date.now,
  ) {
    this.changes = source ? new ChangeWatch(source, () => this.clear(), options.versionCheckMs, clock) : null;
  }

  /** The cached summary for a query, or undefined when it must be computed. */
  get(query: DealQuery): ListingSummary | undefined {
    const wall = this.clock();
    this.changes?.poll(wall);
    const key = summaryKey(query);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const at = query.now.getTime();
    const { computedFor, changesAt } = entry.summary;
    const slack = this.options.timeSlackMs;
    if (wall - entry.storedAt >= this.options.ttlMs || at < computedFor - slack || at >= Math.max(changesAt, computedFor + slack)) {
      this.entries.delete(key);
      return undefined;
    }
    // Most recently used last: eviction takes the first keys.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.summary;
  }

  /** Computes and caches a summary; skips caching when a change emptied the cache meanwhile. */
  load(query: DealQuery, compute: () => CachedSummary): ListingSummary {
    const generation = this.entries;
    const summary = compute();
    if (generation === this.entries) {
      if (this.entries.size >= this.options.maxEntries) {
        const oldest = this.entries.keys().next();
        if (!oldest.done) this.entries.delete(oldest.value);
      }
      this.entries.set(summaryKey(query), { summary, storedAt: this.clock() });
    }
    return summary;
  }

  clear(): void {
    this.entries = new Map();
  }

  get size(): number {
    return this.entries.size;
  }

  close(): void {
    this.changes?.close();
    this.clear();
  }
}
