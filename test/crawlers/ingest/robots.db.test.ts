import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crawlFeed } from '../../../crawlers/ingest/crawl-feed';
import { crawlSettings } from '../../../src/config';
import { openStorage, type Storage } from '../../../src/storage';
import { fixture, startFeedServer, type FeedServer } from '../../helpers/feed-server';
import { makeTempDir } from '../../helpers/temp-dir';

describe('robots.txt for feeds that are HTML pages', () => {
  let server: FeedServer;
  let dir: ReturnType<typeof makeTempDir>;
  let storage: Storage;

  beforeEach(async () => {
    server = await startFeedServer();
    dir = makeTempDir();
    storage = openStorage(dir.file('robots.db'));
    server.answer('/deals.html', { headers: { 'content-type': 'text/html; charset=utf-8' }, body: fixture('feeds/jsonld-graph-aggregate-offer.html') });
    server.answer('/api.xml', { body: fixture('ingest/three-deals.xml') });
  });
  afterEach(async () => {
    await storage.close();
    await server.close();
    dir.remove();
  });

  async function feedAt(path: string, format: string, homeUrl = server.url('/')) {
    const site = await storage.sites.upsert({ slug: 'shop', name: 'Shop', homeUrl });
    return storage.feeds.upsert({ siteId: site.id, url: server.url(path), format });
  }

  it('does not fetch an HTML page that robots.txt disallows, and records why', async () => {
    server.answer('/robots.txt', { body: 'User-agent: *\nDisallow: /deals\n' });
    const feed = await feedAt('/deals.html', 'jsonld');
    const report = await crawlFeed(storage, feed, crawlSettings(true));
    expect(report.error?.code).toBe('robots_disallowed');
    expect(server.requests('/deals.html')).toBe(0);
  });

  it('reads the page when robots.txt allows it, or when there is no robots.txt', async () => {
    server.answer('/robots.txt', { body: 'User-agent: dealnav\nAllow: /deals\n\nUser-agent: *\nDisallow: /\n' });
    const allowed = await crawlFeed(storage, await feedAt('/deals.html', 'jsonld'), crawlSettings(true));
    expect(allowed.outcome).toBe('ok');
    server.answer('/robots.txt', { status: 404, body: 'no such file' });
    const missing = await crawlFeed(storage, (await storage.feeds.list())[0]!, crawlSettings(true));
    expect(missing.outcome).toBe('not_modified'); // fetched again, and the same page as before
    expect(server.requests('/deals.html')).toBe(2);
  });

  it('assumes disallowed while robots.txt answers a server error', async () => {
    server.answer('/robots.txt', { status: 503, body: 'down' });
    const report = await crawlFeed(storage, await feedAt('/deals.html', 'jsonld'), crawlSettings(true));
    expect(report.error?.code).toBe('robots_disallowed');
    expect(server.requests('/deals.html')).toBe(0);
  });

  it('does not consult robots.txt for a feed the owner made for us', async () => {
    server.answer('/robots.txt', { body: 'User-agent: *\nDisallow: /\n' });
    // The fixture's deals are on www.letuan.example, the site's own domain.
    const report = await crawlFeed(storage, await feedAt('/api.xml', 'auto', 'http://www.letuan.example/'), crawlSettings(true));
    expect(report.outcome).toBe('ok');
    expect(server.requests('/robots.txt')).toBe(0);
  });
});
