import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { crawlFeed } from '../../../crawlers/ingest/crawl-feed';
import { crawlSettings } from '../../../src/config';
import { openStorage, type Feed, type Storage } from '../../../src/storage';
import { fixture, startFeedServer, type FeedServer } from '../../helpers/feed-server';
import { makeTempDir } from '../../helpers/temp-dir';

const xml = (name: string) => ({ headers: { 'content-type': 'text/xml; charset=utf-8' }, body: fixture(`ingest/${name}`) });

describe('crawling one feed from a loopback server into a real SQLite file', () => {
  let server: FeedServer;
  let dir: ReturnType<typeof makeTempDir>;
  let storage: Storage;
  let feed: Feed;
  const settings = crawlSettings(true);

  beforeAll(async () => { server = await startFeedServer(); });
  afterAll(async () => { await server.close(); });
  beforeEach(async () => {
    dir = makeTempDir();
    storage = openStorage(dir.file('crawl.db'));
    const site = await storage.sites.upsert({ slug: 'letuan', name: '乐团网', homeUrl: 'http://www.letuan.example/' });
    feed = await storage.feeds.upsert({ siteId: site.id, url: server.url('/api.xml') });
    server.answer('/api.xml', xml('three-deals.xml'));
  });
  afterEach(async () => {
    await storage.close();
    dir.remove();
  });

  const liveTitles = async () =>
    (await storage.deals.listLive({ now: new Date(), page: 1, pageSize: 50 })).deals.map((deal) => `${deal.externalId}:${deal.priceMinor}`).sort();
  const crawl = async () => crawlFeed(storage, (await storage.feeds.findById(feed.id))!, settings);

  it('stores the deals of a feed and records the run', async () => {
    const report = await crawl();
    expect(report.outcome).toBe('ok');
    expect(report.format).toBe('hao123');
    expect(report.counts).toEqual({ added: 3, updated: 0, unchanged: 0, removed: 0 });
    expect(await liveTitles()).toEqual(['1:6800', '2:3900', '3:12800']);
    const [run] = await storage.crawlRuns.listForFeed(feed.id, 1);
    expect(run).toMatchObject({ outcome: 'ok', httpStatus: 200, format: 'hao123', itemsSeen: 3, errorCode: null });
    expect(run!.bytes).toBe(fixture('ingest/three-deals.xml').length);
    const after = await storage.feeds.findById(feed.id);
    expect(after!.lastSuccessAt).not.toBeNull();
    expect(after!.nextCheckAt.getTime()).toBeGreaterThan(Date.now());
  });

  it('updates a deal seen again instead of duplicating it, and stops listing one that left the feed', async () => {
    await crawl();
    server.answer('/api.xml', xml('deal-2-repriced-deal-3-gone.xml'));
    expect((await crawl()).counts).toEqual({ added: 0, updated: 1, unchanged: 1, removed: 1 });
    expect(await liveTitles()).toEqual(['1:6800', '2:2900']);
  });

  it('skips the parse when the body is byte for byte the one it last stored', async () => {
    await crawl();
    const again = await crawl();
    expect(again).toMatchObject({ outcome: 'not_modified', counts: null });
    const [run] = await storage.crawlRuns.listForFeed(feed.id, 1);
    expect(run).toMatchObject({ outcome: 'not_modified', httpStatus: 200 });
    expect(await liveTitles()).toEqual(['1:6800', '2:3900', '3:12800']);
  });

  it('reads the same body again when the way to read it changed', async () => {
    await crawl();
    await storage.feeds.upsert({ siteId: feed.siteId, url: feed.url, timeZone: 'America/New_York' });
    const again = await crawl();
    expect(again.outcome).toBe('ok');
    expect(again.counts).toEqual({ added: 0, updated: 0, unchanged: 3, removed: 0 });
  });

  it('answers a 304 to a conditional GET without parsing or changing anything', async () => {
    let conditionalRequests = 0;
    server.answer('/api.xml', (headers) => {
      if (headers['if-none-match'] === '"v1"') {
        conditionalRequests++;
        return { status: 304, body: '' };
      }
      return { headers: { etag: '"v1"', 'content-type': 'text/xml' }, body: fixture('ingest/three-deals.xml') };
    });
    await crawl();
    const report = await crawl();
    expect(conditionalRequests).toBe(1);
    expect(report.outcome).toBe('not_modified');
    expect(await liveTitles()).toEqual(['1:6800', '2:3900', '3:12800']);
  });

  const failures: [string, () => void, string][] = [
    ['an HTTP 500', () => server.answer('/api.xml', { status: 500, body: 'boom' }), 'http_status'],
    ['an HTML error page with status 200', () => server.answer('/api.xml', { headers: { 'content-type': 'text/html' }, body: fixture('feeds/html-error-page.html') }), 'not_a_feed'],
    ['a feed whose every item is broken', () => server.answer('/api.xml', xml('every-item-broken.xml')), 'parse_error'],
    ['truncated XML with no items', () => server.answer('/api.xml', { body: '<?xml version="1.0"?><urlset><url><loc>' }), 'parse_error'],
  ];
  for (const [what, breakFeed, code] of failures) {
    it(`keeps the previous deals when the feed answers ${what}`, async () => {
      await crawl();
      breakFeed();
      const report = await crawl();
      expect(report.outcome).toBe('failed');
      expect(report.error?.code).toBe(code);
      const [run] = await storage.crawlRuns.listForFeed(feed.id, 1);
      expect(run).toMatchObject({ outcome: 'failed', errorCode: code });
      expect((await storage.feeds.findById(feed.id))!.consecutiveFailures).toBe(1);
      expect(await liveTitles()).toEqual(['1:6800', '2:3900', '3:12800']);
    });
  }

  it('pauses a feed after the configured number of failures in a row, until it is resumed', async () => {
    server.answer('/api.xml', { status: 500, body: 'boom' });
    const strict = { ...settings, pauseAfterFailures: 2 };
    const first = await crawlFeed(storage, (await storage.feeds.findById(feed.id))!, strict);
    expect(first.pausedReason).toBeNull();
    const second = await crawlFeed(storage, (await storage.feeds.findById(feed.id))!, strict);
    expect(second.pausedReason).toMatch(/2 failures in a row.*http_status/);
    const paused = (await storage.feeds.findById(feed.id))!;
    expect(paused.status).toBe('paused');
    expect(await storage.feeds.listDue(new Date(Date.now() + 365 * 86_400_000), 10)).toEqual([]);
    await storage.feeds.resume(feed.id);
    const resumed = await storage.feeds.listDue(new Date(), 10);
    expect(resumed.map((due) => [due.id, due.status, due.consecutiveFailures])).toEqual([[feed.id, 'active', 0]]);
  });

  it('pauses a feed at once when it answers 410 Gone', async () => {
    server.answer('/api.xml', { status: 410, body: 'gone' });
    const report = await crawl();
    expect(report.pausedReason).toBe('the feed answered 410 Gone');
    expect((await storage.feeds.findById(feed.id))!.status).toBe('paused');
  });

  it('refuses a loopback feed while the address guard is on, without sending it a request', async () => {
    const before = server.requests('/api.xml');
    const report = await crawlFeed(storage, feed, crawlSettings(false));
    expect(report.error?.code).toBe('blocked_address');
    expect(server.requests('/api.xml')).toBe(before);
    expect(await liveTitles()).toEqual([]);
  });
});
