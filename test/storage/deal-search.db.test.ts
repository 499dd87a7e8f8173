import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DealRecord } from '../../crawlers/types';
import { openStorage, type DealQuery, type Feed, type Storage } from '../../src/storage';
import { dealRecord } from '../helpers/deal-record';
import { makeTempDir } from '../helpers/temp-dir';

const HOUR = 3_600_000;

describe('deal search: filters, sorts, full text, groups and facets (real SQLite file)', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let storage: Storage;
  const feeds: Record<string, Feed> = {};
  const now = new Date();

  beforeEach(async () => {
    dir = makeTempDir();
    storage = openStorage(dir.file('search.db'));
    for (const [slug, name] of [['letuan', '乐团网'], ['haotuan', '好团网'], ['harbor', 'Harbor Deals']] as const) {
      const site = await storage.sites.upsert({ slug, name, homeUrl: `http://${slug}.example/` });
      feeds[slug] = await storage.feeds.upsert({ siteId: site.id, url: `http://${slug}.example/feed` });
    }
  });
  afterEach(async () => {
    await storage.close();
    dir.remove();
  });

  const load = (slug: string, deals: DealRecord[], at = now) => storage.deals.applyFeedSnapshot(feeds[slug]!, deals, at);
  const search = (query: Partial<DealQuery> = {}) => storage.deals.search({ now, sort: 'newest', page: 1, pageSize: 50, ...query });
  const ids = async (query: Partial<DealQuery> = {}) => (await search(query)).deals.map((deal) => deal.externalId);
  const ago = (hours: number) => new Date(now.getTime() - hours * HOUR).toISOString();

  it('filters by city with nationwide deals in every city, once', async () => {
    await load('letuan', [
      dealRecord({ externalId: 'cd', city: 'chengdu' }),
      dealRecord({ externalId: 'bj', city: 'beijing' }),
      dealRecord({ externalId: 'all', city: null, nationwide: true }),
    ]);
    expect((await ids({ city: 'chengdu' })).sort()).toEqual(['all', 'cd']);
    expect((await ids({ city: 'beijing' })).sort()).toEqual(['all', 'bj']);
    expect((await ids()).sort()).toEqual(['all', 'bj', 'cd']);
    expect((await search({ city: 'chengdu' })).total).toBe(2);
  });

  it('filters by district, category, sites, price, discount and new today', async () => {
    await load('letuan', [
      dealRecord({ externalId: 'a', district: '春熙路', category: 'food', priceMinor: 5000, valueMinor: 10000, discountPercent: 50 }),
      dealRecord({ externalId: 'b', district: '宽窄巷子', category: 'beauty', priceMinor: 9000, valueMinor: 10000, discountPercent: 10 }),
    ], new Date(now.getTime() - 48 * HOUR));
    await load('haotuan', [dealRecord({ externalId: 'c', category: 'food', priceMinor: 20000, valueMinor: null, discountPercent: null })]);
    expect(await ids({ district: '春熙路' })).toEqual(['a']);
    expect((await ids({ category: 'food' })).sort()).toEqual(['a', 'c']);
    expect((await ids({ sites: ['haotuan', 'harbor'] }))).toEqual(['c']);
    expect((await ids({ priceMin: 5000, priceMax: 9000 })).sort()).toEqual(['a', 'b']);
    expect(await ids({ minDiscount: 40 })).toEqual(['a']);
    expect(await ids({ newToday: true })).toEqual(['c']);
  });

  it('lists only live deals: not removed, not ended, site active', async () => {
    await load('letuan', [dealRecord({ externalId: 'ended', endsAt: ago(1) }), dealRecord({ externalId: 'running' })]);
    await load('haotuan', [dealRecord({ externalId: 'suspended' })]);
    await storage.close();
    const Database = (await import('better-sqlite3')).default;
    const raw = new Database(dir.file('search.db'));
    raw.prepare(`UPDATE sites SET status = 'suspended' WHERE slug = 'haotuan'`).run();
    raw.close();
    storage = openStorage(dir.file('search.db'));
    expect(await ids()).toEqual(['running']);
  });

  it.each([
    ['newest', ['n3', 'n2', 'n1']],
    ['price', ['n2', 'n3', 'n1']],
    ['price-desc', ['n1', 'n3', 'n2']],
    ['discount', ['n3', 'n1', 'n2']],
    ['popular', ['n1', 'n2', 'n3']],
    ['ending', ['n2', 'n1', 'n3']],
  ] as const)('sorts by %s', async (sort, expected) => {
    await load('letuan', [
      dealRecord({ externalId: 'n1', startsAt: ago(3), priceMinor: 9000, discountPercent: 40, sold: 500, endsAt: new Date(now.getTime() + 5 * HOUR).toISOString() }),
      dealRecord({ externalId: 'n2', startsAt: ago(2), priceMinor: 1000, discountPercent: null, sold: 20, endsAt: new Date(now.getTime() + 2 * HOUR).toISOString() }),
      dealRecord({ externalId: 'n3', startsAt: ago(1), priceMinor: 5000, discountPercent: 60, sold: null, endsAt: null }),
    ]);
    expect(await ids({ sort })).toEqual(expected);
  });

  it('pages in a stable order, ties broken by id', async () => {
    await load('letuan', Array.from({ length: 7 }, (_, i) => dealRecord({ externalId: `p${i}`, priceMinor: 1000 })));
    const pages = await Promise.all([1, 2, 3].map((page) => search({ sort: 'price', page, pageSize: 3 })));
    const seen = pages.flatMap((result) => result.deals.map((deal) => deal.id));
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(pages[0]!.total).toBe(7);
  });

  describe('full text', () => {
    beforeEach(async () => {
      await load('letuan', [
        dealRecord({ externalId: 'hotpot', title: '仅售68元！川味火锅双人餐', merchant: { name: '蜀香老灶', phone: null, address: null } }),
        dealRecord({ externalId: 'pizza', title: 'Pizza for two at Luigi', category: 'food' }),
        dealRecord({ externalId: 'spa', title: '精油SPA按摩', category: 'beauty' }),
      ]);
    });

    it('finds Chinese by a two-character substring inside a word', async () => {
      expect(await ids({ q: '火锅' })).toEqual(['hotpot']);
      expect(await ids({ q: '味火' })).toEqual(['hotpot']);
    });
    it('finds Chinese by a longer substring, and in the merchant name', async () => {
      expect(await ids({ q: '川味火锅双' })).toEqual(['hotpot']);
      expect(await ids({ q: '老灶' })).toEqual(['hotpot']);
    });
    it('finds English words by prefix, case-insensitively, and categories by their labels', async () => {
      expect(await ids({ q: 'piz' })).toEqual(['pizza']);
      expect(await ids({ q: 'LUIGI two' })).toEqual(['pizza']);
      expect((await ids({ q: '丽人' }))).toEqual(['spa']);
      expect((await ids({ q: 'spas' }))).toEqual(['spa']);
    });
    it('finds nothing for text no deal has, and treats FTS syntax as plain text', async () => {
      expect(await ids({ q: '烤鸭' })).toEqual([]);
      expect(await ids({ q: '火锅 pizza' })).toEqual([]);
      expect(await ids({ q: '"piz*' })).toEqual(['pizza']);
      expect(await ids({ q: 'NEAR( OR "' })).toEqual([]);
    });
    it('keeps the index in step when a title changes', async () => {
      await load('letuan', [dealRecord({ externalId: 'hotpot', title: '北京烤鸭' })]);
      expect(await ids({ q: '火锅' })).toEqual([]);
      expect(await ids({ q: '烤鸭' })).toEqual(['hotpot']);
    });
  });

  it('counts each facet with every other filter but its own', async () => {
    await load('letuan', [
      dealRecord({ externalId: 'cd-food', city: 'chengdu', district: '春熙路', category: 'food' }),
      dealRecord({ externalId: 'cd-beauty', city: 'chengdu', district: '春熙路', category: 'beauty' }),
      dealRecord({ externalId: 'bj-food', city: 'beijing', category: 'food' }),
      dealRecord({ externalId: 'all-food', city: null, nationwide: true, category: 'food' }),
    ]);
    await load('haotuan', [dealRecord({ externalId: 'cd-food-2', city: 'chengdu', category: 'food' })]);
    const { facets, total } = await search({ city: 'chengdu', category: 'food', sites: ['letuan'] });
    expect(total).toBe(2); // cd-food and the nationwide deal
    // Cities: category food and site letuan applied, city not; each city includes the nationwide deal.
    expect(facets.cities).toEqual([{ value: 'beijing', count: 2 }, { value: 'chengdu', count: 2 }]);
    expect(facets.nationwide).toBe(1);
    // Categories: chengdu (with nationwide) and letuan, any category.
    expect(facets.categories).toEqual([{ value: 'food', count: 2 }, { value: 'beauty', count: 1 }]);
    // Sites: chengdu food, any site.
    expect(facets.sites).toEqual([{ value: 'haotuan', count: 1 }, { value: 'letuan', count: 2 }].sort((a, b) => b.count - a.count));
    expect(facets.districts).toEqual([{ value: '春熙路', count: 1 }]);
  });

  describe('the same offer on other sites', () => {
    beforeEach(async () => {
      await load('letuan', [dealRecord({ externalId: 'l', title: '仅售68元！蜀香火锅双人餐', priceMinor: 6800, merchant: { name: '蜀香火锅(春熙路店)', phone: null, address: null } })]);
      await load('haotuan', [
        dealRecord({ externalId: 'h', title: '蜀香火锅2人套餐', priceMinor: 6500, merchant: { name: '蜀香火锅', phone: null, address: null } }),
        dealRecord({ externalId: 'far', title: '蜀香火锅10人餐', priceMinor: 60000, merchant: { name: '蜀香火锅', phone: null, address: null } }),
      ]);
      await load('harbor', [dealRecord({ externalId: 'other', title: 'Pizza night' })]);
    });

    it('groups deals of one merchant and city on several sites within the price tolerance', async () => {
      const { deals } = await search({ sort: 'price' });
      const byId = Object.fromEntries(deals.map((deal) => [deal.externalId, deal.group]));
      expect(byId.h).toMatchObject({ siteCount: 2, lowestPriceMinor: 6500, currency: 'CNY' });
      expect(byId.l).toEqual(byId.h);
      expect(byId.far).toBeNull();
      expect(byId.other).toBeNull();
    });

    it('collapses a group into its cheapest member', async () => {
      const result = await search({ sort: 'price', collapseGroups: true });
      expect(result.deals.map((deal) => deal.externalId)).toEqual(['h', 'other', 'far']);
      expect(result.total).toBe(3);
    });

    it('shows a deal with its price history and the group on other sites', async () => {
      const [letuanDeal] = (await search({ sites: ['letuan'] })).deals;
      await load('letuan', [dealRecord({ externalId: 'l', title: '仅售68元！蜀香火锅双人餐', priceMinor: 6600, merchant: { name: '蜀香火锅(春熙路店)', phone: null, address: null } })]);
      const detail = await storage.deals.findDetail(letuanDeal!.id, new Date());
      expect(detail).toMatchObject({ externalId: 'l', live: true, group: { siteCount: 2, lowestPriceMinor: 6500 } });
      expect(detail!.priceHistory.map((point) => point.priceMinor)).toEqual([6800, 6600]);
      expect(detail!.sameOffer.map((deal) => deal.externalId)).toEqual(['h']);
      expect(await storage.deals.findDetail(999_999, new Date())).toBeNull();
    });
  });

  it('lists active sites with live counts, cities and crawl health', async () => {
    await load('letuan', [dealRecord({ externalId: 'a', city: 'chengdu' }), dealRecord({ externalId: 'b', city: 'beijing' })]);
    const runs = [await storage.crawlRuns.start(feeds.letuan!.id, now), await storage.crawlRuns.start(feeds.letuan!.id, now)];
    const outcome = { httpStatus: 200, bytes: 1, format: 'hao123', itemsSeen: 2, counts: null, skipped: [], errorCode: null, errorMessage: null };
    await storage.crawlRuns.finish(runs[0]!, now, { ...outcome, outcome: 'ok' });
    await storage.crawlRuns.finish(runs[1]!, now, { ...outcome, outcome: 'failed', errorCode: 'x', errorMessage: 'x' });
    await storage.feeds.recordSuccess(feeds.letuan!.id, { at: now, etag: null, lastModified: null, nextCheckAt: now, format: 'hao123', bodyFingerprint: null });
    const directory = await storage.sites.directory(new Date());
    expect(directory.find((site) => site.slug === 'letuan')).toEqual({
      id: expect.any(Number), slug: 'letuan', name: '乐团网', homeUrl: 'http://letuan.example/', liveDeals: 2, cities: ['beijing', 'chengdu'],
      lastSuccessfulCrawlAt: now.toISOString(), crawlSuccessRate: 0.5,
    });
    expect(directory.find((site) => site.slug === 'harbor')).toMatchObject({ liveDeals: 0, cities: [], crawlSuccessRate: null });
  });
});

describe('deal search: cached totals and facets (real SQLite file)', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let storage: Storage;
  let feed: Feed;
  const now = new Date();

  beforeEach(async () => {
    dir = makeTempDir();
    storage = openStorage(dir.file('cache.db'));
    const site = await storage.sites.upsert({ slug: 'letuan', name: '乐团网', homeUrl: 'http://letuan.example/' });
    feed = await storage.feeds.upsert({ siteId: site.id, url: 'http://letuan.example/feed' });
  });
  afterEach(async () => {
    await storage.close();
    dir.remove();
  });

  const query = (extra: Partial<DealQuery> = {}): DealQuery => ({ now, sort: 'newest', page: 1, pageSize: 50, city: 'chengdu', category: 'food', ...extra });

  it('a crawl commit in this process is seen by the next search (counts, facets, search totals)', async () => {
    await storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: 'a', title: '川味火锅', city: 'chengdu', category: 'food' })], now);
    expect((await storage.deals.search(query())).total).toBe(1);
    expect((await storage.deals.search(query({ q: '火锅' }))).total).toBe(1);
    await storage.deals.applyFeedSnapshot(feed, [
      dealRecord({ externalId: 'a', title: '川味火锅', city: 'chengdu', category: 'food' }),
      dealRecord({ externalId: 'b', title: '老火锅套餐', city: 'chengdu', category: 'food' }),
    ], now);
    const after = await storage.deals.search(query({ sort: 'price' }));
    expect(after.total).toBe(2);
    expect(after.deals).toHaveLength(2);
    expect(after.facets.categories).toEqual([{ value: 'food', count: 2 }]);
    expect((await storage.deals.search(query({ q: '火锅' }))).total).toBe(2);
  });

  it("another connection's write is seen within the version-check bound (100 ms)", async () => {
    await storage.deals.applyFeedSnapshot(feed, [
      dealRecord({ externalId: 'a', city: 'chengdu', category: 'food' }),
      dealRecord({ externalId: 'b', city: 'chengdu', category: 'food' }),
    ], now);
    expect((await storage.deals.search(query())).total).toBe(2);
    const Database = (await import('better-sqlite3')).default;
    const other = new Database(dir.file('cache.db'));
    other.prepare(`UPDATE deals SET removed_at = ? WHERE external_id = 'b'`).run(now.getTime());
    other.close();
    await new Promise((resolve) => setTimeout(resolve, 120));
    const after = await storage.deals.search(query());
    expect(after.total).toBe(1);
    expect(after.facets.cities).toEqual([{ value: 'chengdu', count: 1 }]);
  });

  it('search totals and facets computed in one statement match the per-facet statements', async () => {
    await storage.deals.applyFeedSnapshot(feed, [
      dealRecord({ externalId: 'a', title: '川味火锅', city: 'chengdu', district: '春熙路', category: 'food' }),
      dealRecord({ externalId: 'b', title: '火锅自助', city: 'beijing', category: 'food' }),
      dealRecord({ externalId: 'c', title: '火锅 SPA', city: 'chengdu', category: 'beauty' }),
      dealRecord({ externalId: 'd', title: '全国火锅券', city: null, nationwide: true, category: 'food' }),
    ], now);
    const searched = await storage.deals.search(query({ q: '火锅' }));
    expect(searched.total).toBe(2);
    expect(searched.deals.map((deal) => deal.externalId).sort()).toEqual(['a', 'd']);
    expect(searched.facets.cities).toEqual([{ value: 'beijing', count: 2 }, { value: 'chengdu', count: 2 }]);
    expect(searched.facets.categories).toEqual([{ value: 'food', count: 2 }, { value: 'beauty', count: 1 }]);
    expect(searched.facets.districts).toEqual([{ value: '春熙路', count: 1 }]);
    expect(searched.facets.sites).toEqual([{ value: 'letuan', count: 2 }]);
    expect(searched.facets.nationwide).toBe(1);
  });
});

describe('deal search: credibility filter and tie-break (real SQLite file)', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let storage: Storage;
  const now = new Date();

  beforeEach(() => {
    dir = makeTempDir();
    storage = openStorage(dir.file('credibility.db'));
  });
  afterEach(async () => {
    await storage.close();
    dir.remove();
  });

  async function siteWithDeal(slug: string, priceMinor: number) {
    const site = await storage.sites.upsert({ slug, name: slug, homeUrl: `http://${slug}.example/` });
    const feed = await storage.feeds.upsert({ siteId: site.id, url: `http://${slug}.example/feed` });
    await storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: `${slug}-1`, title: `${slug} 套餐`, priceMinor })], now);
    return site;
  }

  it('minScore keeps only sites scored at least that; equal prices rank the more credible site first', async () => {
    const low = await siteWithDeal('low', 5000);
    const high = await siteWithDeal('high', 5000);
    const unscored = await siteWithDeal('unscored', 5000);
    const query = (extra: Partial<DealQuery> = {}): DealQuery => ({ now, sort: 'price', page: 1, pageSize: 10, ...extra });
    await storage.sites.setCredibilityScores(new Map([[low.id, 40], [high.id, 90], [unscored.id, null]]));
    const ranked = await storage.deals.search(query());
    expect(ranked.deals.map((deal) => deal.site)).toEqual(['high', 'low', 'unscored']);
    const desc = await storage.deals.search(query({ sort: 'price-desc' }));
    expect(desc.deals.map((deal) => deal.site)).toEqual(['high', 'low', 'unscored']);
    const filtered = await storage.deals.search(query({ minScore: 50 }));
    expect(filtered.total).toBe(1);
    expect(filtered.deals.map((deal) => deal.site)).toEqual(['high']);
    expect(filtered.facets.sites).toEqual([{ value: 'high', count: 1 }]);
    // A new recompute is seen at once (the cached counts are emptied).
    await storage.sites.setCredibilityScores(new Map([[low.id, 95]]));
    expect((await storage.deals.search(query({ minScore: 50 }))).deals.map((deal) => deal.site)).toEqual(['low', 'high']);
  });
});

describe('deal search: the "new today" count (real SQLite file)', () => {
  it('counts the matches first seen in the last 24 hours, with or without a search, and whether or not the filter is on', async () => {
    const dir = makeTempDir();
    const storage = openStorage(dir.file('new-today.db'));
    try {
      const site = await storage.sites.upsert({ slug: 'letuan', name: '乐团网', homeUrl: 'http://letuan.example/' });
      const feed = await storage.feeds.upsert({ siteId: site.id, url: 'http://letuan.example/feed' });
      const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
      await storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: 'old', title: '老火锅', city: 'chengdu' })], twoDaysAgo);
      await storage.deals.applyFeedSnapshot(feed, [
        dealRecord({ externalId: 'old', title: '老火锅', city: 'chengdu' }),
        dealRecord({ externalId: 'new1', title: '新火锅', city: 'chengdu' }),
        dealRecord({ externalId: 'new2', title: '新烤鱼', city: 'beijing' }),
      ], new Date());
      const query = (extra: Partial<DealQuery>): DealQuery => ({ now: new Date(), sort: 'newest', page: 1, pageSize: 10, ...extra });
      expect((await storage.deals.search(query({}))).facets.newToday).toBe(2);
      expect((await storage.deals.search(query({ city: 'chengdu' }))).facets.newToday).toBe(1);
      expect((await storage.deals.search(query({ q: '火锅' }))).facets.newToday).toBe(1);
      const on = await storage.deals.search(query({ newToday: true }));
      expect(on.total).toBe(2);
      expect(on.facets.newToday).toBe(2);
    } finally {
      await storage.close();
      dir.remove();
    }
  });
});

describe('deal search: every filter value counted, prices in one currency, newest not led by future dates (real SQLite file)', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let storage: Storage;
  const now = new Date();
  const query = (extra: Partial<DealQuery> = {}): DealQuery => ({ now, sort: 'newest', page: 1, pageSize: 10, ...extra });

  beforeEach(() => {
    dir = makeTempDir();
    storage = openStorage(dir.file('counts.db'));
  });
  afterEach(async () => {
    await storage.close();
    dir.remove();
  });

  async function siteFeed(slug: string) {
    const site = await storage.sites.upsert({ slug, name: slug, homeUrl: `http://${slug}.example/` });
    return { site, feed: await storage.feeds.upsert({ siteId: site.id, url: `http://${slug}.example/feed` }) };
  }

  it('lists every city with live deals, past the facet limit of 50, and tells how many sites match beyond the ones listed', async () => {
    const sites = await Promise.all(Array.from({ length: 60 }, (_, i) => siteFeed(`site${i}`)));
    for (const [i, { feed }] of sites.entries()) {
      // 60 sites, each with deals in 2 of 70 cities: 120 deals, cities 0..69 all covered.
      await storage.deals.applyFeedSnapshot(feed, [0, 1].map((k) => dealRecord({
        externalId: `d${i}-${k}`, title: `团购 ${i} ${k}`, city: `city${String((i * 2 + k) % 70).padStart(2, '0')}`,
      })), now);
    }
    for (const extra of [{}, { q: '团购' }]) {
      const result = await storage.deals.search(query(extra));
      expect(result.facets.cities).toHaveLength(70);
      expect(result.facets.sites).toHaveLength(50);
      expect(result.facets.sitesTotal).toBe(60);
    }
  });

  it('counts the minimum-discount and credibility-score steps under the other filters, with or without a search, in one summary', async () => {
    const { site: good, feed: goodFeed } = await siteFeed('good');
    const { site: poor, feed: poorFeed } = await siteFeed('poor');
    await storage.sites.setCredibilityScores(new Map([[good.id, 85], [poor.id, 65]]));
    await storage.deals.applyFeedSnapshot(goodFeed, [
      dealRecord({ externalId: 'g95', title: '火锅 95', discountPercent: 95 }),
      dealRecord({ externalId: 'g55', title: '火锅 55', discountPercent: 55 }),
      dealRecord({ externalId: 'g10', title: '火锅 10', discountPercent: 10 }),
    ], now);
    await storage.deals.applyFeedSnapshot(poorFeed, [
      dealRecord({ externalId: 'p75', title: '火锅 75', discountPercent: 75 }),
      dealRecord({ externalId: 'pnull', title: '火锅 null', discountPercent: null, valueMinor: null }),
    ], now);
    const steps = (counts: { atLeast: number; count: number }[] | undefined) => counts?.map(({ atLeast, count }) => [atLeast, count]);
    for (const q of [undefined, '火锅']) {
      const all = await storage.deals.search(query({ q }));
      expect(all.total).toBe(5);
      expect(steps(all.facets.discounts)).toEqual([[30, 3], [50, 3], [70, 2], [90, 1]]);
      expect(steps(all.facets.scores)).toEqual([[60, 5], [70, 3], [80, 3], [90, 0]]);
      // Each filter's steps count under the other filter, and the total under both.
      const both = await storage.deals.search(query({ q, minDiscount: 50, minScore: 80 }));
      expect(both.total).toBe(2);
      expect(both.deals.map((deal) => deal.externalId).sort()).toEqual(['g55', 'g95']);
      expect(steps(both.facets.discounts)).toEqual([[30, 2], [50, 2], [70, 1], [90, 1]]);
      expect(steps(both.facets.scores)).toEqual([[60, 3], [70, 2], [80, 2], [90, 0]]);
      // The other facets still apply both filters.
      expect(both.facets.sites).toEqual([{ value: 'good', count: 2 }]);
    }
  });

  it('applies price bounds to deals of the bounds\' currency only', async () => {
    const { feed } = await siteFeed('mixed');
    await storage.deals.applyFeedSnapshot(feed, [
      dealRecord({ externalId: 'yuan', priceMinor: 9900, currency: 'CNY' }),
      dealRecord({ externalId: 'dollar', priceMinor: 9900, currency: 'USD' }),
      dealRecord({ externalId: 'dear', priceMinor: 50000, currency: 'CNY' }),
    ], now);
    const ids = async (extra: Partial<DealQuery>) => (await storage.deals.search(query(extra))).deals.map((deal) => deal.externalId);
    expect(await ids({ priceMax: 10000, priceCurrency: 'CNY' })).toEqual(['yuan']);
    expect(await ids({ priceMax: 10000, priceCurrency: 'USD' })).toEqual(['dollar']);
    expect((await storage.deals.search(query({ priceMax: 10000, priceCurrency: 'USD' }))).total).toBe(1);
    expect((await storage.deals.search(query({ priceMin: 100, priceCurrency: 'CNY' }))).total).toBe(2);
    // A currency without bounds filters nothing.
    expect((await storage.deals.search(query({ priceCurrency: 'USD' }))).total).toBe(3);
  });

  it('sorts "newest" by the earlier of the feed\'s start and the first sighting, so a start in the future does not lead', async () => {
    const { feed } = await siteFeed('future');
    const at = (hours: number) => new Date(now.getTime() + hours * HOUR);
    await storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: 'liar', startsAt: at(24 * 30).toISOString() })], at(-5));
    await storage.deals.applyFeedSnapshot(feed, [
      dealRecord({ externalId: 'liar', startsAt: at(24 * 30).toISOString() }),
      dealRecord({ externalId: 'honest', startsAt: at(-2).toISOString() }),
    ], at(-1));
    expect((await storage.deals.search(query())).deals.map((deal) => deal.externalId)).toEqual(['honest', 'liar']);
  });
});
