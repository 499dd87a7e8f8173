// Operator alerts, sales outcomes and automatic suspension, on a real SQLite file; the digest's
// webhook on a loopback server, refused by the address guard unless private addresses are allowed.
import Database from 'better-sqlite3';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/credibility/alert-rules';
import { WebhookNotifier, type CredibilityDigest } from '../../src/credibility/notifier';
import { CredibilityService } from '../../src/credibility/service';
import { openStorage, type Feed, type Site, type Storage } from '../../src/storage';
import { dealRecord } from '../helpers/deal-record';
import { makeTempDir } from '../helpers/temp-dir';

const HOUR_MS = 3_600_000;

describe('credibility alerts, sales outcomes and automatic suspension', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let storage: Storage;
  let site: Site;
  let feed: Feed;
  const now = new Date();
  const ago = (hours: number) => new Date(now.getTime() - hours * HOUR_MS);

  async function run(at: Date, outcome: 'ok' | 'failed') {
    const id = await storage.crawlRuns.start(feed.id, at);
    await storage.crawlRuns.finish(id, at, {
      outcome, httpStatus: outcome === 'ok' ? 200 : 500, bytes: 1, format: null, itemsSeen: 0,
      counts: outcome === 'ok' ? { added: 0, updated: 0, unchanged: 0, removed: 0 } : null, skipped: [],
      errorCode: outcome === 'ok' ? null : 'http_status', errorMessage: outcome === 'ok' ? null : 'HTTP 500',
    });
    if (outcome === 'ok') await storage.feeds.recordSuccess(feed.id, { at, etag: null, lastModified: null, nextCheckAt: now, format: 'hao123', bodyFingerprint: null });
    else await storage.feeds.recordFailure(feed.id, { at, code: 'http_status', message: 'HTTP 500', nextCheckAt: now });
  }

  beforeEach(async () => {
    dir = makeTempDir();
    storage = openStorage(dir.file('alerts.db'));
    site = await storage.sites.upsert({ slug: 'flaky', name: 'Flaky Deals', homeUrl: 'http://flaky.example/' });
    feed = await storage.feeds.upsert({ siteId: site.id, url: 'http://flaky.example/feed.xml' });
    await storage.deals.applyFeedSnapshot({ id: feed.id, siteId: site.id }, [dealRecord({ externalId: '1', site: 'flaky' })], ago(40));
    for (const hours of [40, 35, 30]) await run(ago(hours), 'ok');
    for (const hours of [25, 1]) await run(ago(hours), 'failed');
    const [deal] = (await storage.deals.listLive({ now, page: 1, pageSize: 1 })).deals;
    // Three link checks that found the page fine.
    for (let i = 0; i < 3; i++) {
      await storage.credibility.recordLinkCheck({
        dealId: deal!.id, siteId: site.id, checkedAt: ago(2), url: deal!.url, outcome: 'ok', httpStatus: 200, finalUrl: deal!.url,
        errorCode: null, feedPriceMinor: deal!.priceMinor, pagePriceMinor: null, currency: 'CNY', priceOutcome: null,
      });
    }
    // Ten sales from clicks on the deal; four later reversed (the revenue side's statuses, written as it writes them).
    const db = new Database(dir.file('alerts.db'));
    const click = db.prepare(`INSERT INTO clicks (id, token, deal_id, site_id, created_at, ip_hash) VALUES (?, ?, ?, ?, ?, 'h')`);
    const conversion = db.prepare(`INSERT INTO conversions (site_id, click_id, order_id, kind, amount_minor, currency, status, occurred_at, created_at, updated_at)
      VALUES (?, ?, ?, 'sale', 1000, 'CNY', ?, ?, ?, ?)`);
    for (let i = 1; i <= 10; i++) {
      click.run(i, `t${i}`, deal!.id, site.id, ago(48).getTime());
      conversion.run(site.id, i, `order-${i}`, i <= 4 ? 'reversed' : 'approved', ago(47).getTime(), ago(47).getTime(), ago(47).getTime());
    }
    db.close();
  });
  afterEach(async () => {
    await storage.close();
    dir.remove();
  });

  it('counts reversed sales and a feed failing for a day, and alerts on the feed', async () => {
    const service = new CredibilityService(storage, DEFAULT_THRESHOLDS, undefined, () => undefined);
    await service.recompute(now);
    const parts = Object.fromEntries(service.site(site.id)!.parts.map((part) => [part.name, part.value]));
    // feed: 3 of 5 runs × freshness 0.5 (last success 30 h ago); sales: 6 of 10 kept.
    expect(parts.feed).toBeCloseTo(0.3, 10);
    expect(parts.sales).toBeCloseTo(0.6, 10);
    // feed 25×0.3, links 20×1, reports 10×1, sales 10×0.6, worth 10×1 (57 % off food is plausible): over 75.
    expect(service.currentScores().get(site.id)).toBe(Math.round((100 * (7.5 + 20 + 10 + 6 + 10)) / 75));
    expect((await storage.credibility.openAlerts()).map((alert) => alert.rule)).toEqual(['feed_failing']);
    expect((await storage.sites.findById(site.id))!.status).toBe('active');
  });

  it('suspends a site below the configured score with the reason recorded and audited', async () => {
    const service = new CredibilityService(storage, { ...DEFAULT_THRESHOLDS, suspendBelowScore: 80 }, undefined, () => undefined);
    const report = await service.recompute(now);
    expect(report.suspended).toEqual(['flaky']);
    const suspended = await storage.sites.findById(site.id);
    expect(suspended!.status).toBe('suspended');
    const audit = await storage.auditLog.page(1, 10);
    expect(audit.entries[0]).toMatchObject({ action: 'site.suspend_automatic', subject: `site:${site.id}`, actorUserId: null });
    expect(JSON.stringify(audit.entries[0]!.after)).toContain('credibility score 71 is below 80');
    expect((await storage.credibility.openAlerts()).map((alert) => alert.rule).sort()).toEqual(['feed_failing', 'low_score']);
    // Already suspended: the next recompute does not suspend (or audit) again.
    expect((await service.recompute(now)).suspended).toEqual([]);
  });

  it('lists in the next digest an alert that opened and closed again since the previous one, and only once', async () => {
    const digests: CredibilityDigest[] = [];
    const service = new CredibilityService(storage, DEFAULT_THRESHOLDS, { name: 'test', send: async (digest) => { digests.push(digest); } }, () => undefined);
    const later = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
    await service.recompute(now);
    await service.sendDigest(now);
    expect(digests[0]!.newAlerts).toEqual([{ site: 'Flaky Deals', rule: 'feed_failing', detail: expect.stringContaining('no successful crawl'), closedAt: null }]);
    // A run with a suspension line opens a low-score alert; the next, without it, closes it again.
    await new CredibilityService(storage, { ...DEFAULT_THRESHOLDS, suspendBelowScore: 100 }, undefined, () => undefined).recompute(later(1));
    await service.recompute(later(2));
    expect((await storage.credibility.openAlerts()).map((alert) => alert.rule)).toEqual(['feed_failing']);
    await service.sendDigest(later(3));
    expect(digests[1]!.newAlerts).toEqual([{ site: 'Flaky Deals', rule: 'low_score', detail: expect.stringContaining('is below 100'), closedAt: later(2).toISOString() }]);
    await service.sendDigest(later(4));
    expect(digests[2]!.newAlerts).toEqual([]);
  });
});

describe('the digest webhook', () => {
  let received: { method: string; type: string; body: string }[];
  let server: ReturnType<typeof createServer>;
  let url: string;
  const digest: CredibilityDigest = { at: '2026-11-25T05:00:00.000Z', newAlerts: [{ site: '可疑团', rule: 'dead_links', detail: '3 of 6', closedAt: null }], sites: [] };

  beforeEach(async () => {
    received = [];
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => { body += chunk; });
      request.on('end', () => {
        received.push({ method: request.method!, type: request.headers['content-type']!, body });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterEach(async () => { await new Promise((resolve) => server.close(resolve)); });

  it('POSTs the digest as JSON', async () => {
    await new WebhookNotifier(url, true).send(digest);
    expect(received).toEqual([{ method: 'POST', type: 'application/json', body: JSON.stringify(digest) }]);
  });

  it('refuses a loopback webhook when private addresses are not allowed, without connecting', async () => {
    await expect(new WebhookNotifier(url, false).send(digest)).rejects.toMatchObject({ code: 'blocked_address' });
    expect(received).toEqual([]);
  });
});
