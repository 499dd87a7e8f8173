import { describe, expect, it } from 'vitest';
import { buildClickUrl } from '../../src/revenue/click-url';
import { RedirectTargetCache } from '../../src/revenue/redirect-cache';
import { StringMemo, isBotRequest } from '../../src/revenue/visitor';
import type { RedirectTarget } from '../../src/storage';

/** A deals source in memory, with a change version and listeners like the SQLite one. */
function fakeSource(targets: Map<number, RedirectTarget>) {
  const listeners = new Set<() => void>();
  const source = {
    reads: 0,
    version: 1,
    async findRedirectTarget(id: number) { source.reads++; return targets.get(id) ?? null; },
    onRedirectTargetsChanged(listener: () => void) { listeners.add(listener); return () => { listeners.delete(listener); }; },
    externalChangeVersion: () => source.version,
    notify: () => listeners.forEach((listener) => listener()),
    listeners,
  };
  return source;
}

const target = (dealId: number, url = `http://a.example/team.php?id=${dealId}`): RedirectTarget =>
  ({ dealId, siteId: 1, url, city: null, category: null, clickParam: 'dnclick', clickTemplate: null });

describe('redirect target cache', () => {
  const options = { ttlMs: 1_000, versionCheckMs: 100, maxEntries: 3 };

  it('answers from memory until the entry is ttlMs old, then reads again', async () => {
    let now = 0;
    const source = fakeSource(new Map([[1, target(1)]]));
    const cache = new RedirectTargetCache(source, options, () => now);
    expect(cache.lookup(1)).toBeUndefined();
    expect((await cache.load(1))?.target.dealId).toBe(1);
    now = 999;
    expect(cache.lookup(1)?.target.dealId).toBe(1);
    expect(source.reads).toBe(1);
    now = 1_000;
    expect(cache.lookup(1)).toBeUndefined();
  });

  it('empties at once when storage reports a change, and stops listening when closed', async () => {
    const source = fakeSource(new Map([[1, target(1)]]));
    const cache = new RedirectTargetCache(source, options, () => 0);
    await cache.load(1);
    expect(cache.lookup(1)).toBeDefined();
    source.notify();
    expect(cache.lookup(1)).toBeUndefined();
    cache.close();
    expect(source.listeners.size).toBe(0);
  });

  it('empties within versionCheckMs when another connection has committed', async () => {
    let now = 0;
    const source = fakeSource(new Map([[1, target(1)]]));
    const cache = new RedirectTargetCache(source, options, () => now);
    await cache.load(1);
    source.version++;
    now = 99;
    expect(cache.lookup(1)).toBeDefined(); // the bound: not yet looked at the version
    now = 100;
    expect(cache.lookup(1)).toBeUndefined();
  });

  it('never caches a miss, and does not cache a read that a change overtook', async () => {
    const targets = new Map<number, RedirectTarget>();
    const source = fakeSource(targets);
    const cache = new RedirectTargetCache(source, options, () => 0);
    expect(await cache.load(7)).toBeNull();
    targets.set(7, target(7));
    expect((await cache.load(7))?.target.dealId).toBe(7);

    const slow = fakeSource(new Map([[1, target(1)]]));
    const raced = new RedirectTargetCache(slow, options, () => 0);
    const loading = raced.load(1);
    slow.notify(); // the change lands while the read is in flight
    expect(await loading).not.toBeNull();
    expect(raced.lookup(1)).toBeUndefined();
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const source = fakeSource(new Map([1, 2, 3, 4].map((id) => [id, target(id)])));
    const cache = new RedirectTargetCache(source, options, () => 0);
    for (const id of [1, 2, 3, 4]) await cache.load(id);
    expect(cache.size).toBe(3);
    expect(cache.lookup(1)).toBeUndefined();
    expect(cache.lookup(4)).toBeDefined();
  });

  it.each([
    ['http://a.example/team.php?id=3172', 'dnclick', null],
    ['http://a.example/team.php?id=3172&dnclick=old#top', 'dnclick', null],
    ['http://a.example/p?q=a+b%20c&x=%E4%B8%AD', 'ref', null],
    ['http://a.example/中文?q=中', 'dnclick', null],
    ['http://a.example/team.php?id=1', null, '{url}&cid={clickId}&sub={subId}'],
    ['http://a.example/team.php?id=1', null, null],
  ])('builds the same click URL as buildClickUrl for %s', async (url, clickParam, clickTemplate) => {
    const rule = { dealId: 1, siteId: 1, url, city: null, category: null, clickParam, clickTemplate };
    const cache = new RedirectTargetCache(fakeSource(new Map([[1, rule]])), options, () => 0);
    const redirect = (await cache.load(1))!;
    for (const values of [{ clickId: '2n9c-Q5xv0ZkLr2MbT8aW', subId: 'p1' }, { clickId: 'a-b_c', subId: null }, { clickId: 'odd id&x=1', subId: null }]) {
      expect(redirect.location(values)).toBe(buildClickUrl(url, rule, values));
    }
  });
});

describe('visitor memo', () => {
  it('gives the same verdicts as isbot, repeatedly', () => {
    for (let i = 0; i < 3; i++) {
      expect(isBotRequest('GET', 'Googlebot/2.1 (+http://www.google.com/bot.html)')).toBe(true);
      expect(isBotRequest('GET', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36')).toBe(false);
      expect(isBotRequest('HEAD', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36')).toBe(true);
      expect(isBotRequest('GET', undefined)).toBe(true);
    }
  });

  it('stays within its bounds in entries and key length', () => {
    let computed = 0;
    const memo = new StringMemo((key) => { computed++; return key.length; }, 4, 8);
    for (let i = 0; i < 100; i++) memo.get(`k${i}`);
    expect(memo.size).toBeLessThanOrEqual(4);
    memo.get('x'.repeat(9));
    memo.get('x'.repeat(9));
    expect(computed).toBe(102); // long keys are computed every time, never kept
    memo.get('k99');
    expect(computed).toBe(102);
  });
});
