// When credibility runs inside `dealnav serve` (src/credibility/schedule.ts), with a clock the test
// sets: one run a little after a burst of crawls, for the crawled sites, and not again before the
// gap; each site's links checked about once a day; the daily run with every flag and the digest.
// The links are checked for real, against a loopback sample site read through the CSS selectors
// its owner registered, whose price selector is what the deal pages are compared with.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HostGate } from '../../crawlers/fetch/host-gate';
import { RobotsCache } from '../../crawlers/fetch/robots';
import { crawlFeed } from '../../crawlers/ingest/crawl-feed';
import type { CredibilityDigest, Notifier } from '../../src/credibility/notifier';
import { CredibilitySchedule, LINK_CHECK_EVERY_MS } from '../../src/credibility/schedule';
import { CredibilityService } from '../../src/credibility/service';
import { crawlSettings } from '../../src/config';
import { openStorage, type Site, type Storage } from '../../src/storage';
import { fixture, startFeedServer, type FeedServer } from '../helpers/feed-server';
import { makeTempDir } from '../helpers/temp-dir';

const HOUR_MS = 3_600_000;
const html = (body: string) => ({ headers: { 'content-type': 'text/html; charset=utf-8' }, body });
const dealPage = (title: string, price: string) =>
  html(fixture('credibility/selector-deal-page.html').toString('utf8').replaceAll('{{title}}', title).replaceAll('{{price}}', price));

describe('the credibility schedule', () => {
  let server: FeedServer;
  let dir: ReturnType<typeof makeTempDir>;
  let storage: Storage;
  let site: Site;
  let service: CredibilityService;
  let schedule: CredibilitySchedule;
  /** What the schedule's clock says; the test moves it. */
  let clock: Date;
  /** The sites each run redid flags for (undefined: every site), in order. */
  let runs: (number[] | undefined)[];
  const digests: CredibilityDigest[] = [];
  const crawl = crawlSettings(true);

  const signals = async () => (await storage.credibility.siteSignals(new Date(), site.id))[0]!;

  beforeEach(async () => {
    server = await startFeedServer();
    server.answer('/today.html', html(fixture('credibility/selector-listing.html').toString('utf8')));
    server.answer('/deal/s1', dealPage('川味火锅双人餐', '68.00'));
    server.answer('/deal/s2', dealPage('日式烤肉自助', '98.00')); // the feed says ¥88
    server.answer('/deal/s3', html('<!DOCTYPE html><p>精致英式下午茶</p>')); // no price shown: not compared
    dir = makeTempDir();
    storage = openStorage(dir.file('schedule.db'));
    site = await storage.sites.upsert({ slug: 'selectors', name: '选择器团', homeUrl: server.url('/') });
    const feed = await storage.feeds.upsert({
      siteId: site.id, url: server.url('/today.html'), selectors: { item: 'li.deal', title: '.name', price: '.now', url: '.go', value: '.was', city: '.city' },
    });
    expect((await crawlFeed(storage, feed, { ...crawl, hostGate: new HostGate(0) })).outcome).toBe('ok');
    const notifier: Notifier = { name: 'test', send: async (digest) => { digests.push(digest); } };
    service = new CredibilityService(storage, undefined, notifier, () => undefined);
    service.linkChecks = { fetch: crawl.fetch, hostGate: new HostGate(0), robots: new RobotsCache(crawl.fetch), perSite: 20, concurrency: 1 };
    clock = new Date();
    runs = [];
    schedule = new CredibilitySchedule(service, {
      hour: 5, timeZone: 'UTC', afterCrawlDelayMs: 20, minRunGapMs: 15 * 60_000, clock: () => clock,
      recompute: async (flagSites) => {
        runs.push(flagSites);
        await service.recompute(clock, flagSites);
      },
    }, () => undefined);
  });
  afterEach(async () => {
    await schedule.stop();
    await storage.close();
    dir.remove();
    await server.close();
  });

  it('runs once shortly after a burst of crawls, checking the due links with the registered price selector', async () => {
    for (let i = 0; i < 3; i++) schedule.crawlFinished(site.id);
    await vi.waitFor(() => expect(runs).toEqual([[site.id]]));
    expect(await signals()).toMatchObject({ linkChecks: 3, linkDead: 0, pricesCompared: 2, priceMismatches: 1 });
    const [mismatch] = await storage.credibility.problemLinkChecks(site.id, new Date(0), 10);
    expect(mismatch).toMatchObject({ dealTitle: '日式烤肉自助', outcome: 'ok', feedPriceMinor: 8800, pagePriceMinor: 9800, priceOutcome: 'mismatch' });
    expect(service.site(site.id)!.parts.find((part) => part.name === 'prices')).toMatchObject({ numerator: 1, denominator: 2, value: null });

    // Another crawl a minute later waits for the 15-minute gap (the clock says 14 minutes to go).
    clock = new Date(clock.getTime() + 60_000);
    schedule.crawlFinished(site.id);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(runs).toHaveLength(1);
  });

  it('checks a site\'s links again only once its last check is a day old', async () => {
    const started = clock.getTime();
    await schedule.checkDueAndRecompute();
    expect((await signals()).linkChecks).toBe(3);
    for (const hours of [1, 22]) {
      clock = new Date(started + hours * HOUR_MS);
      await schedule.checkDueAndRecompute();
      expect((await signals()).linkChecks).toBe(3);
    }
    clock = new Date(started + LINK_CHECK_EVERY_MS + 60_000);
    await schedule.checkDueAndRecompute();
    expect((await signals()).linkChecks).toBe(6);
    expect(server.requests('/deal/s2')).toBe(2);
    expect(runs).toEqual([[], [], [], []]);
  });

  it('redoes every flag and sends the digest in the daily run', async () => {
    await schedule.daily();
    expect(runs).toEqual([undefined]);
    expect(digests.at(-1)).toMatchObject({ at: clock.toISOString(), sites: [{ slug: 'selectors' }] });
  });
});
