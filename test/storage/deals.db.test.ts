import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStorage, type Feed, type Storage } from '../../src/storage';
import { dealRecord } from '../helpers/deal-record';
import { makeTempDir } from '../helpers/temp-dir';

describe('deals storage (real SQLite file)', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let storage: Storage;
  let feed: Feed;

  beforeEach(async () => {
    dir = makeTempDir();
    storage = openStorage(dir.file('deals.db'));
    const site = await storage.sites.upsert({ slug: 'letuan', name: '乐团网', homeUrl: 'http://letuan.example/' });
    feed = await storage.feeds.upsert({ siteId: site.id, url: 'http://letuan.example/api.xml' });
  });
  afterEach(async () => {
    await storage.close();
    dir.remove();
  });

  const live = async () => (await storage.deals.listLive({ now: new Date(), page: 1, pageSize: 100 })).deals;

  it('adds new deals, leaves unchanged ones alone and updates changed ones in place', async () => {
    const first = await storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: 'a' }), dealRecord({ externalId: 'b' })], new Date());
    expect(first).toEqual({ added: 2, updated: 0, unchanged: 0, removed: 0 });

    const again = await storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: 'a' }), dealRecord({ externalId: 'b', priceMinor: 5900 })], new Date());
    expect(again).toEqual({ added: 0, updated: 1, unchanged: 1, removed: 0 });

    const deals = await live();
    expect(deals).toHaveLength(2);
    expect(deals.find((deal) => deal.externalId === 'b')?.priceMinor).toBe(5900);
    expect(new Set(deals.map((deal) => deal.id)).size).toBe(2);
  });

  it('stops listing a deal that left the feed, and lists it again when it comes back', async () => {
    await storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: 'a' }), dealRecord({ externalId: 'b' })], new Date());
    const gone = await storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: 'a' })], new Date());
    expect(gone.removed).toBe(1);
    expect((await live()).map((deal) => deal.externalId)).toEqual(['a']);

    const back = await storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: 'a' }), dealRecord({ externalId: 'b' })], new Date());
    expect(back.added).toBe(1);
    expect((await live()).map((deal) => deal.externalId).sort()).toEqual(['a', 'b']);
  });

  it('does not list deals past their end time', async () => {
    await storage.deals.applyFeedSnapshot(feed, [
      dealRecord({ externalId: 'ended', endsAt: new Date(Date.now() - 1000).toISOString() }),
      dealRecord({ externalId: 'running' }),
    ], new Date());
    expect((await live()).map((deal) => deal.externalId)).toEqual(['running']);
  });

  it('keeps a price history row for each change of price or availability, not for unchanged crawls', async () => {
    await storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: 'a' })], new Date());
    await storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: 'a' })], new Date());
    await storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: 'a', priceMinor: 4900 })], new Date());
    await storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: 'a', priceMinor: 4900, soldOut: true })], new Date());
    await storage.close();
    const db = new Database(dir.file('deals.db'), { readonly: true });
    const rows = db.prepare('SELECT price_minor, sold_out FROM deal_price_history ORDER BY id').all();
    db.close();
    storage = openStorage(dir.file('deals.db'));
    expect(rows).toEqual([
      { price_minor: 6800, sold_out: 0 },
      { price_minor: 4900, sold_out: 0 },
      { price_minor: 4900, sold_out: 1 },
    ]);
  });

  it('leaves the previous deals intact when a snapshot fails half way', async () => {
    await storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: 'a', title: 'old title' })], new Date());
    const broken = [
      dealRecord({ externalId: 'a', title: 'new title' }),
      dealRecord({ externalId: 'c' }),
      // NOT NULL violation on the third row: the whole snapshot must roll back.
      { ...dealRecord({ externalId: 'd' }), title: null as unknown as string },
    ];
    await expect(storage.deals.applyFeedSnapshot(feed, broken, new Date())).rejects.toThrow(/NOT NULL/);
    const deals = await live();
    expect(deals.map((deal) => [deal.externalId, deal.title])).toEqual([['a', 'old title']]);
  });

  it('pages the listing newest first with a stable order', async () => {
    const base = Date.now() - 10 * 3_600_000;
    const deals = Array.from({ length: 5 }, (_, i) => dealRecord({ externalId: `d${i}`, startsAt: new Date(base + i * 3_600_000).toISOString() }));
    await storage.deals.applyFeedSnapshot(feed, deals, new Date());
    const page1 = await storage.deals.listLive({ now: new Date(), page: 1, pageSize: 2 });
    const page3 = await storage.deals.listLive({ now: new Date(), page: 3, pageSize: 2 });
    expect(page1.total).toBe(5);
    expect(page1.deals.map((deal) => deal.externalId)).toEqual(['d4', 'd3']);
    expect(page3.deals.map((deal) => deal.externalId)).toEqual(['d0']);
  });

  it('round-trips every field of the deal record, branches through the deal\'s detail only', async () => {
    const record = dealRecord({
      externalId: 'full', title: '仅售68元！川味火锅', imageUrl: 'http://img.example/a.jpg', nationwide: true, city: null,
      district: '春熙路', sold: null, soldOut: true, merchant: { name: '蜀香火锅', phone: '028-1', address: '锦江区' },
      branches: [
        { name: '蜀香火锅(春熙店)', address: '锦江区某街88号', phone: '028-66660001', district: '春熙路', lat: 30.6571, lng: 104.0806 },
        { name: null, address: '青羊区某巷子12号', phone: null, district: null, lat: -33.8688, lng: -151.2093 },
        { name: '蜀香火锅(外卖点)', address: null, phone: '028-66660003', district: null, lat: null, lng: null },
      ],
    });
    await storage.deals.applyFeedSnapshot(feed, [record], new Date());
    const [stored] = (await storage.deals.listLive({ now: new Date(), page: 1, pageSize: 1 })).deals;
    const { id, siteId, siteName, firstSeenAt, updatedAt, ...rest } = stored!;
    const { branches, ...listed } = record;
    // Listings never read branches.
    expect(rest).toEqual({ ...listed, site: 'letuan' });
    expect(siteName).toBe('乐团网');
    const detail = await storage.deals.findDetail(id, new Date());
    expect(detail?.branches).toEqual(branches);
  });

  it('replaces a deal\'s branches when they change, which counts as an update; same branches are unchanged', async () => {
    const shop = (name: string) => ({ name, address: `${name}路1号`, phone: null, district: null, lat: null, lng: null });
    const snapshot = (branches: ReturnType<typeof shop>[]) =>
      storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: 'a', branches }), dealRecord({ externalId: 'b' })], new Date());
    const branchesOfA = async () => {
      const a = (await live()).find((deal) => deal.externalId === 'a')!;
      return (await storage.deals.findDetail(a.id, new Date()))?.branches.map((branch) => branch.name);
    };

    expect(await snapshot([shop('甲'), shop('乙')])).toEqual({ added: 2, updated: 0, unchanged: 0, removed: 0 });
    expect(await branchesOfA()).toEqual(['甲', '乙']);
    expect(await snapshot([shop('甲'), shop('乙')])).toEqual({ added: 0, updated: 0, unchanged: 2, removed: 0 });
    expect(await snapshot([shop('乙'), shop('甲')])).toEqual({ added: 0, updated: 1, unchanged: 1, removed: 0 });
    expect(await branchesOfA()).toEqual(['乙', '甲']);
    expect(await snapshot([shop('丙')])).toEqual({ added: 0, updated: 1, unchanged: 1, removed: 0 });
    expect(await branchesOfA()).toEqual(['丙']);
    expect(await snapshot([])).toEqual({ added: 0, updated: 1, unchanged: 1, removed: 0 });
    expect(await branchesOfA()).toEqual([]);
    expect(await snapshot([])).toEqual({ added: 0, updated: 0, unchanged: 2, removed: 0 });

    // A snapshot that fails half way leaves the branches as they were.
    await snapshot([shop('丁')]);
    const broken = [dealRecord({ externalId: 'a', branches: [shop('戊')] }), { ...dealRecord({ externalId: 'c' }), title: null as unknown as string }];
    await expect(storage.deals.applyFeedSnapshot(feed, broken, new Date())).rejects.toThrow(/NOT NULL/);
    expect(await branchesOfA()).toEqual(['丁']);
  });
});
