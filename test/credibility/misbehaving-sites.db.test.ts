// Every credibility signal from real runs: sample sites on 127.0.0.1 that misbehave on purpose
// (a dead link, a redirect to the home page, a sold-out page, a wrong JSON-LD price, a deal kept
// after its end, inflated "worth" values) are crawled and link-checked into a real SQLite file;
// the counts are exact and the score is what the README's formula gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostGate } from '../../crawlers/fetch/host-gate';
import { RobotsCache } from '../../crawlers/fetch/robots';
import { crawlFeed } from '../../crawlers/ingest/crawl-feed';
import { checkAllSites, type LinkCheckSettings } from '../../src/credibility/link-checker';
import { CredibilityService } from '../../src/credibility/service';
import type { Notifier, CredibilityDigest } from '../../src/credibility/notifier';
import { crawlSettings } from '../../src/config';
import { openStorage, type Site, type Storage } from '../../src/storage';
import { fixture, startFeedServer, type FeedServer } from '../helpers/feed-server';
import { makeTempDir } from '../helpers/temp-dir';

const DAY_MS = 86_400_000;
const text = (name: string) => fixture(`credibility/${name}`).toString('utf8');

function feedBody(name: string, base: string): string {
  return text(name)
    .replaceAll('{{base}}', base)
    .replaceAll('{{nextMonth}}', new Date(Date.now() + 30 * DAY_MS).toISOString())
    .replaceAll('{{yesterday}}', new Date(Date.now() - DAY_MS).toISOString());
}

const html = (body: string) => ({ headers: { 'content-type': 'text/html; charset=utf-8' }, body });
const dealPage = (title: string, price: string, url: string) =>
  html(text('deal-page.html').replaceAll('{{title}}', title).replaceAll('{{price}}', price).replaceAll('{{url}}', url));

class RecordingNotifier implements Notifier {
  readonly name = 'recording';
  readonly digests: CredibilityDigest[] = [];
  async send(digest: CredibilityDigest): Promise<void> {
    this.digests.push(digest);
  }
}

describe('credibility signals from sample sites that misbehave on purpose', () => {
  let honest: FeedServer;
  let shady: FeedServer;
  let fresh: FeedServer;
  let dir: ReturnType<typeof makeTempDir>;
  let storage: Storage;
  let sites: { honest: Site; shady: Site; fresh: Site };
  const notifier = new RecordingNotifier();
  let service: CredibilityService;
  const crawl = crawlSettings(true);
  const links: LinkCheckSettings = {
    fetch: crawl.fetch, hostGate: new HostGate(0), robots: new RobotsCache(crawl.fetch), perSite: 20, concurrency: 2,
  };

  const crawlSite = async (site: Site) => {
    const [feed] = await storage.feeds.listForSite(site.id);
    return crawlFeed(storage, feed!, { ...crawl, hostGate: new HostGate(0) });
  };

  beforeAll(async () => {
    [honest, shady, fresh] = await Promise.all([startFeedServer(), startFeedServer(), startFeedServer()]);
    const base = (server: FeedServer) => server.url('').replace(/\/$/, '');
    honest.answer('/feed.json', { headers: { 'content-type': 'application/feed+json' }, body: feedBody('honest-site.json', base(honest)) });
    const honestPages: [string, string, string][] = [
      ['a1', '川味火锅双人餐', '68.00'], ['a2', '日式烤肉自助', '88.00'], ['a3', '精致英式下午茶', '49.00'],
      ['a4', '泰式精油按摩', '128.00'], ['a5', '儿童艺术写真', '199.00'],
    ];
    for (const [id, title, price] of honestPages) {
      honest.answer(`/deal/${id}`, dealPage(title, price, honest.url(`/deal/${id}`)));
      fresh.answer(`/deal/${id}`, dealPage(title, price, fresh.url(`/deal/${id}`)));
    }

    shady.answer('/feed.json', { headers: { 'content-type': 'application/feed+json' }, body: feedBody('shady-site.json', base(shady)) });
    // b1 is not answered: 404.
    shady.answer('/deal/b2', { status: 302, headers: { location: '/' }, body: '' });
    shady.answer('/', html(text('home-page.html')));
    shady.answer('/deal/b3', html(text('sold-out-page.html')));
    shady.answer('/deal/b4', dealPage('北京烤鸭全鸭宴', '99.00', shady.url('/deal/b4')));
    shady.answer('/deal/b5', dealPage('三亚海景酒店', '399.00', shady.url('/deal/b5')));
    shady.answer('/deal/b6', dealPage('九寨沟一日游', '26.00', shady.url('/deal/b6')));
    shady.answer('/deal/b7', dealPage('川味火锅双人餐', '68.00', shady.url('/deal/b7')));

    fresh.answer('/feed.json', { headers: { 'content-type': 'application/feed+json' }, body: feedBody('new-site.json', base(fresh)) });

    dir = makeTempDir();
    storage = openStorage(dir.file('credibility.db'));
    const register = async (slug: string, name: string, server: FeedServer) => {
      const site = await storage.sites.upsert({ slug, name, homeUrl: server.url('/') });
      await storage.feeds.upsert({ siteId: site.id, url: server.url('/feed.json') });
      return site;
    };
    sites = {
      honest: await register('honest', '诚信团', honest),
      shady: await register('shady', '可疑团', shady),
      fresh: await register('fresh', 'New Deals', fresh),
    };
    service = new CredibilityService(storage, undefined, notifier, () => undefined);
    service.linkChecks = links;

    // Three good crawls each for the honest and shady sites, then one failure for the shady one.
    for (let run = 0; run < 3; run++) {
      expect((await crawlSite(sites.honest)).outcome).not.toBe('failed');
      expect((await crawlSite(sites.shady)).outcome).not.toBe('failed');
    }
    shady.answer('/feed.json', { status: 500, body: 'oops' });
    expect((await crawlSite(sites.shady)).outcome).toBe('failed');
    // The new site is crawled once and has two deals: fewer than 3 links to check, no score.
    await crawlSite(sites.fresh);
  });

  afterAll(async () => {
    await storage.close();
    dir.remove();
    await Promise.all([honest.close(), shady.close(), fresh.close()]);
  });

  it('counts the expired listing the shady feed keeps, at ingest', async () => {
    const expired = await storage.credibility.latestExpired(sites.shady.id);
    expect(expired).toMatchObject({ listed: 7, expired: 1 });
    expect(expired!.sample.map((deal) => deal.externalId)).toEqual(['b5-expired']);
    expect(await storage.credibility.latestExpired(sites.honest.id)).toMatchObject({ listed: 5, expired: 0 });
  });

  it('checks each live deal page once and records dead links, home redirects, sold-out pages and wrong prices', async () => {
    const summary = await checkAllSites(storage, links);
    // 5 honest + 6 shady live deals (the expired one is not checked) + 2 on the new site.
    expect(summary.checked).toBe(13);
    expect(summary.outcomes).toEqual({ ok: 10, dead: 1, home_redirect: 1, sold_out: 1, skipped: 0 });
    expect(summary.priceMismatches).toBe(1);
    expect(shady.requests('/deal/b5')).toBe(0);
    const problems = await storage.credibility.problemLinkChecks(sites.shady.id, new Date(Date.now() - DAY_MS), 50);
    const byDeal = Object.fromEntries(problems.map((check) => [check.dealTitle, [check.outcome, check.priceOutcome, check.httpStatus]]));
    expect(byDeal).toEqual({
      海鲜自助晚餐: ['dead', null, 404],
      韩式炸鸡啤酒: ['home_redirect', null, 200],
      澳洲牛排西餐: ['sold_out', null, 200],
      北京烤鸭全鸭宴: ['ok', 'mismatch', 200],
    });
    const mismatch = problems.find((check) => check.priceOutcome === 'mismatch')!;
    expect([mismatch.feedPriceMinor, mismatch.pagePriceMinor]).toEqual([6800, 9900]);
  });

  it('flags inflated worth values and gives the same offer\'s median elsewhere', async () => {
    await service.recompute();
    const inflated = await storage.credibility.inflatedDeals(sites.shady.id, new Date(), 10);
    expect(inflated.map((deal) => [deal.title, deal.reason])).toEqual([
      ['九寨沟一日游', 'implausible_discount'],
      ['川味火锅双人餐', 'worth_above_median'],
    ]);
    expect(await storage.credibility.inflatedDeals(sites.honest.id, new Date(), 10)).toEqual([]);
    const hotpot = inflated.find((deal) => deal.reason === 'worth_above_median')!;
    const flag = (await storage.credibility.findDealFlag(hotpot.dealId))!;
    // The same hotpot sells on the honest site and on the new site, both at ¥68 worth ¥158.
    expect(flag).toMatchObject({ offerMedianMinor: 6800, offerWorthMedianMinor: 15800, offerSites: 2 });
  });

  it('redoes the same flags for the crawled sites alone (after a crawl) as a whole rebuild (daily)', async () => {
    const before = await storage.credibility.inflatedDeals(sites.shady.id, new Date(), 10);
    await service.recompute(new Date(), [sites.shady.id]);
    expect(await storage.credibility.inflatedDeals(sites.shady.id, new Date(), 10)).toEqual(before);
    await service.recompute(new Date(), [sites.honest.id]);
    expect(await storage.credibility.inflatedDeals(sites.shady.id, new Date(), 10)).toEqual(before);
    expect(await storage.credibility.inflatedDeals(sites.honest.id, new Date(), 10)).toEqual([]);
  });

  it('scores each site by the documented formula, and says so when a site has too little data', async () => {
    const signals = (await storage.credibility.siteSignals(new Date())).find((s) => s.siteId === sites.shady.id)!;
    expect(signals).toMatchObject({
      crawlRuns: 4, crawlRunsSucceeded: 3, liveDeals: 6, linkChecks: 6, linkDead: 1, linkHomeRedirect: 1, linkSoldOut: 1,
      pricesCompared: 3, priceMismatches: 1, expiredListed: 7, expiredCount: 1, dealsWithWorth: 6, inflatedDeals: 2,
      reportedDeals: 0, conversions: 0,
    });
    // feed 25×3/4, links 20×3/6, prices 15×2/3, reports 10×1, sales (no data), expired 10×6/7, worth 10×4/6; over 90.
    const expected = Math.round((100 * (25 * 0.75 + 20 * 0.5 + 15 * (2 / 3) + 10 * 1 + 10 * (6 / 7) + 10 * (4 / 6))) / 90);
    expect(expected).toBe(71);
    expect(service.currentScores().get(sites.shady.id)).toBe(71);
    expect(service.currentScores().get(sites.honest.id)).toBe(100);
    expect(service.currentScores().get(sites.fresh.id)).toBeNull();
    const parts = service.site(sites.shady.id)!.parts;
    expect(parts.find((part) => part.name === 'sales')!.value).toBeNull();
    expect(parts.find((part) => part.name === 'links')).toMatchObject({ value: 0.5, numerator: 3, denominator: 6 });
  });

  it('moves the score by what the formula says when a deal is reported, and back when the report is dismissed', async () => {
    const [deal] = (await storage.credibility.dealsToCheck(sites.shady.id, new Date(), 1));
    const reportId = await storage.credibility.insertReport({
      dealId: deal!.id, siteId: sites.shady.id, reason: 'closed_shop', details: null, ipHash: 'x', createdAt: new Date(),
    });
    await service.recompute();
    // reports: 1 − 5 × 1/6 = 1/6 instead of 1.
    const reported = Math.round((100 * (25 * 0.75 + 20 * 0.5 + 15 * (2 / 3) + 10 / 6 + 10 * (6 / 7) + 10 * (4 / 6))) / 90);
    expect(reported).toBe(62);
    expect(service.currentScores().get(sites.shady.id)).toBe(62);
    const operator = await storage.users.create({ email: 'op@example.com', passwordHash: 'x', role: 'operator', now: new Date() });
    expect(await storage.credibility.closeReport(reportId, 'dismissed', operator!.id, new Date())).toBe(true);
    await service.recompute();
    expect(service.currentScores().get(sites.shady.id)).toBe(71);
  });

  it('keeps one history row per site and day', async () => {
    const history = await storage.credibility.scoreHistory(sites.shady.id, 10);
    expect(history).toHaveLength(1);
    expect(history[0]!.score).toBe(71);
  });

  it('opens alerts for crossed thresholds and sends them once in the digest', async () => {
    const alerts = await storage.credibility.openAlerts();
    expect(alerts.filter((alert) => alert.siteId === sites.shady.id).map((alert) => alert.rule).sort()).toEqual(['dead_links']);
    expect(alerts.filter((alert) => alert.siteId !== sites.shady.id)).toEqual([]);
    const digest = await service.sendDigest();
    expect(digest.newAlerts).toEqual([{ site: '可疑团', rule: 'dead_links', detail: '3 of 6 checked links bad (1 dead, 1 to the home page, 1 sold out)', closedAt: null }]);
    expect(notifier.digests).toHaveLength(1);
    expect((await service.sendDigest()).newAlerts).toEqual([]);
  });
});
