import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CrawlScheduler } from '../../../crawlers/schedule/scheduler';
import { crawlSettings } from '../../../src/config';
import { openStorage, type Storage } from '../../../src/storage';
import { fixture, startFeedServer, type FeedServer } from '../../helpers/feed-server';
import { makeTempDir } from '../../helpers/temp-dir';

describe('the crawl scheduler', () => {
  let server: FeedServer;
  let dir: ReturnType<typeof makeTempDir>;
  let storage: Storage;
  let scheduler: CrawlScheduler;

  beforeEach(async () => {
    server = await startFeedServer();
    dir = makeTempDir();
    storage = openStorage(dir.file('schedule.db'));
    scheduler = new CrawlScheduler(storage, crawlSettings(true), { tick: '0 0 1 1 *', concurrency: 4, batchSize: 100 });
  });
  afterEach(async () => {
    await scheduler.stop();
    await storage.close();
    await server.close();
    dir.remove();
  });

  async function addFeed(slug: string, path: string) {
    const site = await storage.sites.upsert({ slug, name: slug, homeUrl: `http://${slug}.example/` });
    return storage.feeds.upsert({ siteId: site.id, url: server.url(path), intervalMinutes: 30 });
  }

  it('crawls each due feed once per tick and schedules its next check', async () => {
    server.answer('/a.xml', { body: fixture('ingest/three-deals.xml') });
    server.answer('/b.xml', { body: fixture('ingest/three-deals.xml') });
    const a = await addFeed('a', '/a.xml');
    await addFeed('b', '/b.xml');
    await scheduler.tick();
    expect([server.requests('/a.xml'), server.requests('/b.xml')]).toEqual([1, 1]);
    const next = (await storage.feeds.findById(a.id))!.nextCheckAt.getTime() - Date.now();
    expect(next).toBeGreaterThan(26 * 60_000);
    expect(next).toBeLessThan(34 * 60_000);
    // Nothing is due any more, so another tick fetches nothing.
    await scheduler.tick();
    expect([server.requests('/a.xml'), server.requests('/b.xml')]).toEqual([1, 1]);
  });

  it('never runs two crawls of one feed at once', async () => {
    // The feed stays due while its slow answer is on the way, so only the guard stops a second fetch.
    server.answer('/slow.xml', { body: fixture('ingest/three-deals.xml'), delayMs: 300 });
    const feed = await addFeed('slow', '/slow.xml');
    const first = scheduler.crawlNow(feed);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await Promise.all([first, scheduler.tick(), scheduler.tick(), scheduler.crawlNow(feed)]);
    expect(server.requests('/slow.xml')).toBe(1);
    expect(await storage.crawlRuns.listForFeed(feed.id, 10)).toHaveLength(1);
  });

  it('backs off a failing feed instead of retrying it every tick', async () => {
    server.answer('/down.xml', { status: 503, headers: { 'retry-after': '7200' }, body: 'down' });
    const feed = await addFeed('down', '/down.xml');
    await scheduler.tick();
    await scheduler.tick();
    expect(server.requests('/down.xml')).toBe(1);
    const after = (await storage.feeds.findById(feed.id))!;
    expect(after.consecutiveFailures).toBe(1);
    expect(after.lastErrorCode).toBe('http_status');
    expect(after.nextCheckAt.getTime() - Date.now()).toBeGreaterThan(7100_000);
  });
});
