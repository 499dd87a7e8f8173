// The validation preview finds what a crawl of the same feed stores, because it runs the crawler's
// own fetch and parse: the same deal count and the same skipped items with the same reasons. It
// stores nothing, reads the feed once, and turns fetch failures into a coded result.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { crawlFeed } from '../../crawlers/ingest/crawl-feed';
import { crawlSettings } from '../../src/config';
import { previewFeed } from '../../src/sites/validation-preview';
import { translator } from '../../src/web/i18n';
import { feedPreviewView } from '../../src/web/pages/owner-preview-view';
import { openStorage, type Storage } from '../../src/storage';
import { fixture, startFeedServer, type FeedServer } from '../helpers/feed-server';
import { makeTempDir } from '../helpers/temp-dir';

describe('previewFeed', () => {
  let server: FeedServer;
  let dir: ReturnType<typeof makeTempDir>;
  let storage: Storage;
  const settings = crawlSettings(true);

  beforeAll(async () => {
    server = await startFeedServer();
    server.answer('/feed.xml', { headers: { 'content-type': 'application/xml' }, body: fixture('owner/feed-with-broken-items.xml') });
    server.answer('/html', { headers: { 'content-type': 'text/html' }, body: fixture('owner/not-a-feed.html') });
    // Deal 2 on another host, deal 3 on a subdomain of the site's (which a crawl keeps).
    server.answer('/other-hosts.xml', {
      headers: { 'content-type': 'application/xml' },
      body: fixture('owner/feed-with-broken-items.xml').toString('utf8')
        .replace('http://www.tuanowner.example/team.php?id=2', 'http://evil.example/team.php?id=2')
        .replace('http://www.tuanowner.example/team.php?id=3', 'http://m.tuanowner.example/team.php?id=3'),
    });
  });
  afterAll(async () => { await server.close(); });
  beforeEach(() => {
    dir = makeTempDir();
    storage = openStorage(dir.file('preview.db'));
  });
  afterEach(async () => {
    await storage.close();
    dir.remove();
  });

  it('finds the deals and skipped items a crawl of the same feed stores, and stores nothing itself', async () => {
    const before = server.requests('/feed.xml');
    const preview = await previewFeed({ feedUrl: server.url('/feed.xml'), format: 'auto', homeUrl: 'http://www.tuanowner.example/' },
      { ...settings, now: new Date('2026-01-01T00:00:00Z') });
    expect(server.requests('/feed.xml') - before).toBe(1);
    if (!preview.ok) throw new Error(preview.error.message);
    expect(preview).toMatchObject({ format: 'hao123', itemsSeen: 9, dealCount: 4, everyItemBroken: false, robotsDisallowed: false, httpStatus: 200 });
    expect(preview.sample.map((deal) => deal.externalId)).toEqual(['1', '2', '3', '4']);
    expect(preview.problems.map((problem) => [problem.item, problem.code, problem.severity, problem.detail])).toEqual([
      ['5', 'missing_price', 'skipped', null],
      ['6', 'end_before_start', 'skipped', null],
      ['7', 'url_not_http', 'skipped', null],
      ['8', 'missing_title', 'skipped', null],
      ['9', 'price_not_amount', 'skipped', '面议'],
      ['4', 'unknown_city', 'warning', 'Atlantis'],
    ]);
    expect(await storage.sites.list()).toEqual([]);

    // The fixture's deals are on the site's own domain (a crawl skips deals on other hosts).
    const site = await storage.sites.upsert({ slug: 'tuan', name: 'Tuan', homeUrl: 'http://www.tuanowner.example/' });
    const feed = await storage.feeds.upsert({ siteId: site.id, url: server.url('/feed.xml') });
    const report = await crawlFeed(storage, feed, settings);
    expect(report.counts?.added).toBe(preview.dealCount);
    expect(report.skipped).toEqual(preview.problems.filter((problem) => problem.severity === 'skipped').map(({ item, reason }) => ({ item, reason })));
  });

  it('skips deals off the site\'s domain as the crawl does, with the same reason, and says so in both languages', async () => {
    const source = { feedUrl: server.url('/other-hosts.xml'), format: 'auto', homeUrl: 'http://www.tuanowner.example/' };
    const preview = await previewFeed(source, { ...settings, now: new Date('2026-01-01T00:00:00Z') });
    if (!preview.ok) throw new Error(preview.error.message);
    expect(preview).toMatchObject({ itemsSeen: 9, dealCount: 3 });
    expect(preview.sample.map((deal) => deal.externalId)).toEqual(['1', '3', '4']);
    const offDomain = preview.problems.filter((problem) => problem.code === 'url_other_host');
    expect(offDomain.map((problem) => [problem.item, problem.severity, problem.detail])).toEqual([['2', 'skipped', 'evil.example']]);

    const site = await storage.sites.upsert({ slug: 'tuan', name: 'Tuan', homeUrl: source.homeUrl });
    const report = await crawlFeed(storage, await storage.feeds.upsert({ siteId: site.id, url: source.feedUrl }), settings);
    expect(report.counts?.added).toBe(preview.dealCount);
    expect(report.skipped).toEqual(preview.problems.filter((problem) => problem.severity === 'skipped').map(({ item, reason }) => ({ item, reason })));

    const texts = (['en', 'zh-CN'] as const).map((locale) =>
      feedPreviewView(preview, translator(locale), 'Tuan').problems.find((problem) => problem.item === '2')!.text);
    expect(texts[0]).toBe(translator('en').t('owner.problem.urlOtherHost', { detail: 'evil.example' }));
    expect(texts[1]).toBe(translator('zh-CN').t('owner.problem.urlOtherHost', { detail: 'evil.example' }));
    expect(texts[0]).toMatch(/^its deal link goes to evil\.example, which is not your site's domain/);
    expect(texts[1]).toContain('evil.example');
    expect(texts[1]).not.toBe(texts[0]);
    // Without a home URL (a registration form that has none yet) the rule has nothing to go by.
    const unchecked = await previewFeed({ ...source, homeUrl: null }, settings);
    expect(unchecked.ok && unchecked.dealCount).toBe(4);
  });

  it('flags deals that have already ended', async () => {
    const preview = await previewFeed({ feedUrl: server.url('/feed.xml'), format: 'auto' }, { ...settings, now: new Date('2100-01-02T00:00:00Z') });
    if (!preview.ok) throw new Error('preview failed');
    expect(preview.problems.filter((problem) => problem.code === 'already_ended').map((problem) => problem.item)).toEqual(['1', '2', '3', '4']);
  });

  it('reports fetch and format failures with the crawler\'s codes', async () => {
    expect(await previewFeed({ feedUrl: server.url('/html'), format: 'auto' }, settings))
      .toMatchObject({ ok: false, error: { code: 'not_a_feed' } });
    expect(await previewFeed({ feedUrl: server.url('/missing'), format: 'auto' }, settings))
      .toMatchObject({ ok: false, error: { code: 'http_status', httpStatus: 404 } });
    // The wrong format of the right syntax, when another format recognises the feed, is refused
    // and says which format it reads as (a crawl would otherwise end every deal the feed listed).
    const wrong = await previewFeed({ feedUrl: server.url('/feed.xml'), format: 'rss' }, settings);
    expect(wrong).toMatchObject({ ok: false, error: { code: 'parse_error' } });
    expect(JSON.stringify(wrong)).toMatch(/reads as hao123/);
    expect(await previewFeed({ feedUrl: server.url('/feed.xml'), format: 'groupon' }, settings))
      .toMatchObject({ ok: false, error: { code: 'parse_error' } });
    expect(await previewFeed({ feedUrl: server.url('/feed.xml'), format: 'auto' }, crawlSettings(false)))
      .toMatchObject({ ok: false, error: { code: 'blocked_address' } });
    const big = await previewFeed({ feedUrl: server.url('/feed.xml'), format: 'auto' }, { ...settings, fetch: { ...settings.fetch, maxBytes: 100 } });
    expect(big).toMatchObject({ ok: false, error: { code: 'too_large' } });
  });
});
