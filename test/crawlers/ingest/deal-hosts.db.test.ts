// A feed naming deal URLs on other hosts, served from a loopback server and crawled into a real
// SQLite file: only deals on the site's home host or domain (and its subdomains) are stored, the
// rest are skipped with a plain reason, so /go never redirects to a host the site does not own.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { crawlFeed } from '../../../crawlers/ingest/crawl-feed';
import { isOnSiteDomain } from '../../../crawlers/normalize/deal-host';
import { crawlSettings } from '../../../src/config';
import { openStorage, type Storage } from '../../../src/storage';
import { startFeedServer, type FeedServer } from '../../helpers/feed-server';
import { makeTempDir } from '../../helpers/temp-dir';

const item = (id: string, url: string) => `
  <url>
    <loc>${url}</loc>
    <data><display>
      <website>乐团网</website><identifier>${id}</identifier><city>成都</city>
      <title>团购 ${id}</title><endTime>4102444800</endTime><value>158.00</value><price>68.00</price>
    </display></data>
  </url>`;
const feedOf = (items: [string, string][]) => ({
  headers: { 'content-type': 'text/xml; charset=utf-8' },
  body: `<?xml version="1.0" encoding="utf-8"?>\n<urlset>${items.map(([id, url]) => item(id, url)).join('')}\n</urlset>`,
});

describe('deal URLs on hosts the site does not own', () => {
  let server: FeedServer;
  let dir: ReturnType<typeof makeTempDir>;
  let storage: Storage;
  const settings = crawlSettings(true);

  beforeAll(async () => { server = await startFeedServer(); });
  afterAll(async () => { await server.close(); });
  beforeEach(() => {
    dir = makeTempDir();
    storage = openStorage(dir.file('crawl.db'));
  });
  afterEach(async () => {
    await storage.close();
    dir.remove();
  });

  const crawlSite = async (homeUrl: string, items: [string, string][]) => {
    const site = await storage.sites.upsert({ slug: 'letuan', name: '乐团网', homeUrl });
    const feed = await storage.feeds.upsert({ siteId: site.id, url: server.url('/api.xml') });
    server.answer('/api.xml', feedOf(items));
    const report = await crawlFeed(storage, (await storage.feeds.findById(feed.id))!, settings);
    const stored = (await storage.deals.listLive({ now: new Date(), page: 1, pageSize: 50 })).deals.map((deal) => deal.externalId).sort();
    return { report, stored };
  };

  it('stores deals on the home host, the domain and its subdomains, and skips the others with a reason', async () => {
    const { report, stored } = await crawlSite('http://www.letuan.example/', [
      ['home', 'http://www.letuan.example/team.php?id=1'],
      ['bare', 'https://letuan.example/t/2'],
      ['mobile', 'http://m.letuan.example/t/3'],
      ['port', 'http://WWW.LETUAN.EXAMPLE:8080/t/4'],
      ['evil', 'http://evil.example/t/5'],
      ['suffix', 'http://letuan.example.evil.example/t/6'],
      ['lookalike', 'http://notletuan.example/t/7'],
      ['userinfo', 'http://www.letuan.example@evil.example/t/8'],
    ]);
    expect(report.outcome).toBe('ok');
    expect(stored).toEqual(['bare', 'home', 'mobile', 'port']);
    expect(report.skipped).toEqual([
      { item: 'evil', reason: "deal URL host evil.example is not on the site's domain letuan.example" },
      { item: 'suffix', reason: "deal URL host letuan.example.evil.example is not on the site's domain letuan.example" },
      { item: 'lookalike', reason: "deal URL host notletuan.example is not on the site's domain letuan.example" },
      { item: 'userinfo', reason: "deal URL host evil.example is not on the site's domain letuan.example" },
    ]);
    const [run] = await storage.crawlRuns.listForFeed(report.feedId, 1);
    expect(run!.skipped).toHaveLength(4);
  });

  it('matches an IP-literal home host exactly (any port), never by suffix', async () => {
    const { stored, report } = await crawlSite('http://127.0.0.1:4101/', [
      ['same', 'http://127.0.0.1:4102/deals/1'],
      ['other', 'http://127.0.0.2:4101/deals/2'],
    ]);
    expect(stored).toEqual(['same']);
    expect(report.skipped.map((skip) => skip.item)).toEqual(['other']);
    expect(isOnSiteDomain('http://1.127.0.0.1/', 'http://127.0.0.1/')).toBe(false);
    expect(isOnSiteDomain('http://[::1]:8080/x', 'http://[::1]/')).toBe(true);
  });

  it('keeps the old deals when every item is on another host, as for a feed of broken items', async () => {
    const first = await crawlSite('http://www.letuan.example/', [['home', 'http://www.letuan.example/t/1']]);
    expect(first.stored).toEqual(['home']);
    const feed = (await storage.feeds.list())[0]!;
    server.answer('/api.xml', feedOf([['evil', 'http://evil.example/t/1']]));
    const report = await crawlFeed(storage, (await storage.feeds.findById(feed.id))!, settings);
    expect(report.outcome).toBe('failed');
    expect(report.error?.message).toContain('evil.example is not on the site');
    expect((await storage.deals.listLive({ now: new Date(), page: 1, pageSize: 50 })).deals.map((deal) => deal.externalId)).toEqual(['home']);
  });
});
