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
//
// Past those bounds (but never past a change) an entry is stale rather than gone: it is served
// while one recomputation runs in the background (stale-while-revalidate), for at most `staleMs`.
// So only a change, or a key no one asked for in a while, makes a request wait for its counts,
// which deal-search.ts reads on a worker thread (read-worker.ts) so other requests go on.
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
  /** How long past its freshness an entry may still be served while it is recomputed. */
  staleMs: number;
}

export const defaultListingCacheOptions: ListingCacheOptions = { maxEntries: 500, versionCheckMs: 100, ttlMs: 30_000, timeSlackMs: 10_000, staleMs: 60_000 };

/** The cache key: every filter that changes the total or the facets, normalised; not the sort, page or now. */
export function summaryKey(query: DealQuery): string {
  return JSON.stringify([
    query.city ?? null, query.district ?? null, query.category ?? null,
    query.sites?.length ? [...new Set(query.sites)].sort() : null,
    query.priceMin ?? null, query.priceMax ?? null,
    // The currency only matters with a price bound (deal-search.ts filters by it then alone).
    query.priceMin === undefined && query.priceMax === undefined ? null : query.priceCurrency ?? null,
    query.minDiscount ?? null, query.minScore ?? null, query.newToday ? 1 : 0,
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
  private readonly pending = new Map<string, Promise<CachedSummary>>();
  private readonly changes: ChangeWatch | null;

  constructor(
    source: ChangeSource | null,
    private readonly options: ListingCacheOptions = defaultListingCacheOptions,
    private readonly clock: () => number = Date.now,
  ) {
    this.changes = source ? new ChangeWatch(source, () => this.clear(), options.versionCheckMs, clock) : null;
  }

  /**
   * The summary for a query: a fresh cached one; else a stale one (aged or overtaken by time, but
   * not by a change) while a refresh runs in the background; else a newly computed one. One
   * computation per key at a time: concurrent requests share it.
   */
  async summary(query: DealQuery, compute: () => Promise<CachedSummary>): Promise<ListingSummary> {
    const wall = this.clock();
    this.changes?.poll(wall);
    const key = summaryKey(query);
    const entry = this.entries.get(key);
    if (entry) {
      const state = this.stateOf(entry, query.now.getTime(), wall);
      if (state !== 'expired') {
        // Most recently used last: eviction takes the first keys.
        this.entries.delete(key);
        this.entries.set(key, entry);
        if (state === 'stale') this.computeOnce(key, compute).catch(() => { /* kept stale; retried on the next request */ });
        return entry.summary;
      }
      this.entries.delete(key);
    }
    return this.computeOnce(key, compute);
  }

  /**
   * Fresh: within ttl and before time changes it (with the slack). Stale: past that, but computed
   * for a moment at most staleMs from the query's and stored at most staleMs ago: served while a
   * refresh runs. Expired: anything else (a query for another day, an entry no one refreshed).
   */
  private stateOf(entry: Entry, at: number, wall: number): 'fresh' | 'stale' | 'expired' {
    const { computedFor, changesAt } = entry.summary;
    const { ttlMs, timeSlackMs, staleMs } = this.options;
    if (at < computedFor - timeSlackMs) return 'expired';
    if (wall - entry.storedAt < ttlMs && at < Math.max(changesAt, computedFor + timeSlackMs)) return 'fresh';
    return at - computedFor <= staleMs && wall - entry.storedAt <= staleMs ? 'stale' : 'expired';
  }

  private computeOnce(key: string, compute: () => Promise<CachedSummary>): Promise<CachedSummary> {
    let computing = this.pending.get(key);
    if (!computing) {
      const generation = this.entries;
      const started: Promise<CachedSummary> = compute().then((summary) => {
        // Computed across a change: answer with it, but do not keep it.
        if (generation === this.entries) this.store(key, summary);
        return summary;
      }).finally(() => {
        if (this.pending.get(key) === started) this.pending.delete(key);
      });
      this.pending.set(key, started);
      computing = started;
    }
    return computing;
  }

  private store(key: string, summary: CachedSummary): void {
    this.entries.delete(key);
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { summary, storedAt: this.clock() });
  }

  clear(): void {
    this.entries = new Map();
    this.pending.clear(); // computations already running finish, but a change means none is reused
  }

  get size(): number {
    return this.entries.size;
  }

  close(): void {
    this.changes?.close();
    this.clear();
  }
}
