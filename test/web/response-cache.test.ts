import { describe, expect, it } from 'vitest';
import { ResponseCache, defaultResponseCacheOptions, responseCacheOptions } from '../../src/web/response-cache';

/** A deals change source in memory: listeners this process notifies, and a version other processes move. */
function fakeSource() {
  const listeners = new Set<() => void>();
  return {
    version: 1,
    onRedirectTargetsChanged(listener: () => void) { listeners.add(listener); return () => { listeners.delete(listener); }; },
    externalChangeVersion() { return this.version; },
    notify: () => listeners.forEach((listener) => listener()),
  };
}

const page = (body: string) => ({ body, contentType: 'text/html' });

describe('response cache for anonymous listing answers', () => {
  const options = { maxEntries: 2, ttlMs: 1_000, versionCheckMs: 100 };

  it('computes an answer once and serves it again until a change', async () => {
    const source = fakeSource();
    const cache = new ResponseCache(source, options);
    let computed = 0;
    const compute = async () => page(`v${++computed}`);
    expect((await cache.through('k', compute)).body.toString()).toBe('v1');
    expect((await cache.through('k', compute)).body.toString()).toBe('v1');
    source.notify(); // this process committed a crawl
    expect((await cache.through('k', compute)).body.toString()).toBe('v2');
    expect(computed).toBe(2);
  });

  it('concurrent requests for one key wait for the same computation', async () => {
    const cache = new ResponseCache(fakeSource(), options);
    let computed = 0;
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => { finish = resolve; });
    const compute = async () => { computed++; await gate; return page('once'); };
    const answers = Promise.all([cache.through('k', compute), cache.through('k', compute), cache.through('k', compute)]);
    finish();
    expect((await answers).map((answer) => answer.body.toString())).toEqual(['once', 'once', 'once']);
    expect(computed).toBe(1);
  });

  it('does not keep an answer computed across a change', async () => {
    const source = fakeSource();
    const cache = new ResponseCache(source, options);
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => { finish = resolve; });
    const stale = cache.through('k', async () => { await gate; return page('before'); });
    source.notify();
    finish();
    expect((await stale).body.toString()).toBe('before'); // the request in flight gets it
    expect((await cache.through('k', async () => page('after'))).body.toString()).toBe('after');
  });

  it('keeps at most maxEntries answers, dropping the least recently used', async () => {
    const cache = new ResponseCache(fakeSource(), options);
    let computed = 0;
    const compute = async () => page(`v${++computed}`);
    await cache.through('a', compute);
    await cache.through('b', compute);
    await cache.through('a', compute); // a is now the most recently used
    await cache.through('c', compute); // evicts b
    expect(computed).toBe(3);
    await cache.through('a', compute);
    expect(computed).toBe(3);
    await cache.through('b', compute);
    expect(computed).toBe(4);
  });

  it('computes every answer when its lifetime is 0 (DEALNAV_PAGE_CACHE_MS=0)', async () => {
    const cache = new ResponseCache(fakeSource(), { ...options, ttlMs: 0 });
    let computed = 0;
    const compute = async () => page(`v${++computed}`);
    expect((await cache.through('k', compute)).body.toString()).toBe('v1');
    expect((await cache.through('k', compute)).body.toString()).toBe('v2');
  });

  it('reads its lifetime from DEALNAV_PAGE_CACHE_MS and refuses anything but whole milliseconds', () => {
    expect(responseCacheOptions({})).toEqual(defaultResponseCacheOptions);
    expect(responseCacheOptions({ DEALNAV_PAGE_CACHE_MS: '0' }).ttlMs).toBe(0);
    expect(responseCacheOptions({ DEALNAV_PAGE_CACHE_MS: '5000' }).ttlMs).toBe(5000);
    expect(() => responseCacheOptions({ DEALNAV_PAGE_CACHE_MS: '-1' })).toThrow(/DEALNAV_PAGE_CACHE_MS/);
    expect(() => responseCacheOptions({ DEALNAV_PAGE_CACHE_MS: '2s' })).toThrow(/DEALNAV_PAGE_CACHE_MS/);
  });
});
