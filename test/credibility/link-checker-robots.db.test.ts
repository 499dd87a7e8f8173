// The link checker asks robots.txt first: disallowed deal pages are never fetched, and the checks
// are stored as skipped, which the score does not count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostGate } from '../../crawlers/fetch/host-gate';
import { RobotsCache } from '../../crawlers/fetch/robots';
import { checkAllSites } from '../../src/credibility/link-checker';
import { crawlSettings } from '../../src/config';
import { openStorage, type Storage } from '../../src/storage';
import { dealRecord } from '../helpers/deal-record';
import { startFeedServer, type FeedServer } from '../helpers/feed-server';
import { makeTempDir } from '../helpers/temp-dir';

describe('link checks and robots.txt', () => {
  let server: FeedServer;
  let dir: ReturnType<typeof makeTempDir>;
  let storage: Storage;

  beforeAll(async () => {
    server = await startFeedServer();
    server.answer('/robots.txt', { headers: { 'content-type': 'text/plain' }, body: 'User-agent: dealnav\nDisallow: /private/\n' });
    server.answer('/open/1', { headers: { 'content-type': 'text/html' }, body: '<html><body>ok</body></html>' });
    server.answer('/private/2', { headers: { 'content-type': 'text/html' }, body: '<html><body>ok</body></html>' });
    dir = makeTempDir();
    storage = openStorage(dir.file('robots.db'));
    const site = await storage.sites.upsert({ slug: 'polite', name: 'Polite', homeUrl: server.url('/') });
    const feed = await storage.feeds.upsert({ siteId: site.id, url: server.url('/feed.xml') });
    await storage.deals.applyFeedSnapshot({ id: feed.id, siteId: site.id }, [
      dealRecord({ externalId: '1', url: server.url('/open/1'), site: 'polite' }),
      dealRecord({ externalId: '2', url: server.url('/private/2'), site: 'polite' }),
    ], new Date());
  });
  afterAll(async () => {
    await storage.close();
    dir.remove();
    await server.close();
  });

  it('skips what robots.txt disallows without fetching it, and leaves it out of the counts', async () => {
    const fetch = crawlSettings(true).fetch;
    const summary = await checkAllSites(storage, { fetch, hostGate: new HostGate(0), robots: new RobotsCache(fetch), perSite: 20, concurrency: 1 });
    expect(summary.outcomes).toMatchObject({ ok: 1, skipped: 1 });
    expect(server.requests('/private/2')).toBe(0);
    expect(server.requests('/open/1')).toBe(1);
    const [signals] = await storage.credibility.siteSignals(new Date());
    expect(signals).toMatchObject({ linkChecks: 1, linkDead: 0 });
  });
});
