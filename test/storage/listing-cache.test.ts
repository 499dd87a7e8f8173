import { describe, expect, it } from 'vitest';
import { ListingCache, summaryKey, type CachedSummary } from '../../src/storage/sqlite/listing-cache';
import type { DealQuery } from '../../src/storage';

function fakeSource() {
  const listeners = new Set<() => void>();
  return {
    onRedirectTargetsChanged(listener: () => void) { listeners.add(listener); return () => { listeners.delete(listener); }; },
    externalChangeVersion: () => 1,
    notify: () => listeners.forEach((listener) => listener()),
  };
}

const options = { maxEntries: 10, versionCheckMs: 100, ttlMs: 30_000, timeSlackMs: 10_000, staleMs: 60_000 };
const query = (now: number): DealQuery => ({ now: new Date(now), sort: 'newest', page: 1, pageSize: 24, city: 'chengdu' });

describe('listing summary cache: fresh, stale while recomputed, expired', () => {
  it('serves a stale summary at once while one recomputation runs, then the new one', async () => {
    let wall = 0;
    const cache = new ListingCache(fakeSource(), options, () => wall);
    let computed = 0;
    let finish: (() => void) | null = null;
    const compute = (at: number) => () => {
      computed++;
      const summary: CachedSummary = { total: computed, facets: { cities: [], districts: [], categories: [], sites: [], nationwide: 0 }, computedFor: at, changesAt: Infinity };
      return computed === 1 ? Promise.resolve(summary) : new Promise<CachedSummary>((resolve) => { finish = () => resolve(summary); });
    };
    expect((await cache.summary(query(0), compute(0))).total).toBe(1);
    wall = 30_000; // past ttl: stale
    expect((await cache.summary(query(30_000), compute(30_000))).total).toBe(1);
    expect((await cache.summary(query(30_001), compute(30_001))).total).toBe(1);
    expect(computed).toBe(2); // one background recomputation for both requests
    finish!();
    await new Promise((resolve) => setImmediate(resolve));
    expect((await cache.summary(query(30_002), compute(30_002))).total).toBe(2);
  });

  it('never serves across a change, nor for a moment far from the one it was computed for', async () => {
    let wall = 0;
    const source = fakeSource();
    const cache = new ListingCache(source, options, () => wall);
    let computed = 0;
    const compute = (at: number) => async (): Promise<CachedSummary> =>
      ({ total: ++computed, facets: { cities: [], districts: [], categories: [], sites: [], nationwide: 0 }, computedFor: at, changesAt: at + 5_000 });
    await cache.summary(query(0), compute(0));
    source.notify();
    expect((await cache.summary(query(0), compute(0))).total).toBe(2); // waited for the new one
    wall = 1_000;
    expect((await cache.summary(query(2 * 86_400_000), compute(2 * 86_400_000))).total).toBe(3); // a query two days on
  });
});

describe('listing summary cache key', () => {
  it('tells price bounds in different currencies apart, and ignores the currency without a bound', () => {
    const bounded = (priceCurrency: string) => summaryKey({ ...query(0), priceMax: 10_000, priceCurrency });
    expect(bounded('CNY')).not.toBe(bounded('USD'));
    expect(summaryKey({ ...query(0), priceCurrency: 'USD' })).toBe(summaryKey({ ...query(0), priceCurrency: 'CNY' }));
    expect(summaryKey({ ...query(0), sort: 'price', page: 3 })).toBe(summaryKey(query(5_000)));
  });
});
