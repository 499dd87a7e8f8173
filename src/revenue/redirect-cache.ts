// An in-process cache of /go's redirect targets, so a click costs no SELECT while a deal is hot.
//
// How fast a change reaches /go (the staleness bound):
// - a feed snapshot committed by this process (the scheduler): at once, through the storage's
//   onRedirectTargetsChanged listener, which empties the cache after the commit;
// - anything committed by another process or connection (the `dealnav crawl` CLI, an operator
//   suspending a site with sqlite3): within `versionCheckMs` (default 100 ms), because the first
//   lookup after that interval reads the database's change version and empties the cache when it
//   moved;
// - anything else (a change this process makes without telling the listener): within `ttlMs`
//   (default 1 s), after which every entry is read from the database again.
// So a removed deal or a suspended site stops redirecting within 1 s in the worst case.
// Misses (unknown, removed, suspended) are never cached: they always ask the database.
import type { DealsRepository, RedirectTarget } from '../storage';
import { InvalidatedCache } from '../storage/invalidated-cache';
import { buildClickUrl, type ClickUrlValues } from './click-url';

export interface RedirectCacheOptions {
  /** Longest an entry is used without reading it again. */
  ttlMs: number;
  /** How often a lookup reads the database's change version (other processes' commits). */
  versionCheckMs: number;
  /** Oldest entries are dropped beyond this many. */
  maxEntries: number;
}

export const defaultRedirectCacheOptions: RedirectCacheOptions = { ttlMs: 1_000, versionCheckMs: 100, maxEntries: 10_000 };

/** A cached target, with its click URL split around the click id when that can be done exactly. */
export interface CachedRedirect {
  target: RedirectTarget;
  /** Builds the click-out URL; the same result as buildClickUrl(target.url, target, values). */
  location(values: ClickUrlValues): string;
}

type TargetSource = Pick<DealsRepository, 'findRedirectTarget' | 'onRedirectTargetsChanged' | 'externalChangeVersion'>;

export class RedirectTargetCache {
  private readonly entries: InvalidatedCache<CachedRedirect>;

  constructor(
    private readonly deals: TargetSource,
    options: RedirectCacheOptions = defaultRedirectCacheOptions,
    now: () => number = Date.now,
  ) {
    this.entries = new InvalidatedCache(deals, options, now);
  }

  /** The cached redirect for a deal, or undefined when it must be read (see `load`). Synchronous. */
  lookup(dealId: number): CachedRedirect | undefined {
    this.entries.refresh();
    return this.entries.get(String(dealId));
  }

  /** Reads the deal's target from storage and caches it; null (not cached) when there is none. */
  async load(dealId: number): Promise<CachedRedirect | null> {
    const generation = this.entries.generation;
    const target = await this.deals.findRedirectTarget(dealId);
    if (!target) return null;
    const redirect = compile(target);
    // Only cache if nothing emptied the cache while we were reading (a change may have raced us).
    if (generation === this.entries.generation) this.entries.set(String(dealId), redirect);
    return redirect;
  }

  /** Forgets every entry (called on every change signal). */
  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  close(): void {
    this.entries.close();
  }
}

/** Characters a click id may contain; none of them is escaped by URLSearchParams. */
const CLICK_ID_SHAPE = /^[0-9A-Za-z_-]+$/;
const PLACEHOLDER = 'DnClickIdPlaceholder7Q3x';

/**
 * With a click parameter (no template), building the URL per click means parsing it and
 * re-serialising its query each time. The result only varies in the click id, so it is built once
 * with a placeholder and split around it; ids outside the placeholder's alphabet (never produced
 * by encodeClickId) and URLs where the split is not exact fall back to buildClickUrl.
 */
function compile(target: RedirectTarget): CachedRedirect {
  const slow = (values: ClickUrlValues) => buildClickUrl(target.url, target, values);
  if (target.clickTemplate || !target.clickParam) return { target, location: slow };
  let sample: string;
  try {
    sample = buildClickUrl(target.url, target, { clickId: PLACEHOLDER, subId: null });
  } catch {
    return { target, location: slow }; // let each click raise the same error as before
  }
  const at = sample.indexOf(PLACEHOLDER);
  if (at < 0 || sample.indexOf(PLACEHOLDER, at + 1) >= 0) return { target, location: slow };
  const head = sample.slice(0, at);
  const tail = sample.slice(at + PLACEHOLDER.length);
  return {
    target,
    location: (values) => (CLICK_ID_SHAPE.test(values.clickId) ? head + values.clickId + tail : slow(values)),
  };
}
