// A site's own page for its owner, through the real app on a real SQLite file: the figures
// (live deals, clicks billable and filtered, conversions, commission by status) against what was
// stored, feed health with a paused feed resumed, the month's statement as CSV, the postback secret
// shown once, API tokens, and domain verification against a home page served on 127.0.0.1.
import * as cheerio from 'cheerio';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newClickId } from '../../src/revenue/click-id';
import { periodOf } from '../../src/revenue/periods';
import { signPostback, type PostbackParams } from '../../src/revenue/postback';
import { statementCsv, statementFor } from '../../src/revenue/statements';
import { registerOwnedSite } from '../../src/sites/register-site';
import { WELL_KNOWN_PATH } from '../../src/sites/verify-domain';
import type { Feed, Site, User } from '../../src/storage';
import { dealRecord } from '../helpers/deal-record';
import { startFeedServer, type FeedServer } from '../helpers/feed-server';
import { buildOwnerTestApp, type OwnerTestApp } from './owner-test-app';

describe("a site owner's site page", () => {
  let t: OwnerTestApp;
  let server: FeedServer;
  let owner: User;
  let site: Site;
  let feed: Feed;

  beforeAll(async () => { server = await startFeedServer(); });
  afterAll(async () => { await server.close(); });
  beforeEach(async () => {
    t = await buildOwnerTestApp();
    owner = await t.createUser('owner@example.com');
    const registered = await registerOwnedSite(t.storage, {
      name: '团购之家', homeUrl: server.url('/'), feedUrl: server.url('/feed.xml'), clickParam: 'dnclick',
    }, owner.id, new Date());
    if (!registered.ok) throw new Error('registration failed');
    ({ site, feed } = registered);
  });
  afterEach(async () => { await t.close(); });

  const page = async (path = `/owner/sites/${site.id}`) => {
    const response = await (await t.signedIn(owner)).get(path);
    expect(response.statusCode).toBe(200);
    return cheerio.load(response.body);
  };
  const text = ($: cheerio.CheerioAPI, selector: string) => $(selector).text().replace(/\s+/g, ' ').trim();
  /** A table row's cells, each as its text, joined by ' | '. */
  const cells = ($: cheerio.CheerioAPI, selector: string) =>
    $(selector).first().find('td').map((_, cell) => $(cell).text().replace(/\s+/g, ' ').trim()).get().join(' | ');

  it('lists the owner\'s sites with status, the operator\'s reason and verification', async () => {
    const other = await registerOwnedSite(t.storage, { name: 'Rejected one', homeUrl: 'http://rejected.example/', feedUrl: 'http://rejected.example/f.xml' }, owner.id, new Date());
    if (!other.ok) throw new Error('registration failed');
    await t.storage.sites.setStatus(other.site.id, 'rejected', 'The feed lists no prices.');
    const $ = await page('/owner');
    const rows = $('table.owner-sites tbody tr').map((_, row) => cells($, `tr[data-site-id="${$(row).attr('data-site-id')}"]`)).get();
    expect(rows).toHaveLength(2);
    expect(rows.find((row) => row.startsWith('团购之家'))).toContain('Waiting for approval');
    expect(rows.find((row) => row.startsWith('Rejected one'))).toContain("| Rejected The operators' reason: The feed lists no prices. |");
    expect(rows.every((row) => row.includes('Not verified'))).toBe(true);
    // The navigation shows owners their entry.
    expect($('nav.site-nav a[href="/owner"]').attr('aria-current')).toBe('page');
  });

  it('shows the figures as stored: live deals, clicks billable and filtered, conversions, commission by status', async () => {
    await t.storage.sites.setStatus(site.id, 'active', null);
    const now = new Date();
    await t.storage.deals.applyFeedSnapshot(feed, [
      dealRecord({ externalId: 'a' }), dealRecord({ externalId: 'b' }),
      dealRecord({ externalId: 'ended', endsAt: new Date(now.getTime() - 60_000).toISOString() }),
    ], now);
    const [dealA] = (await t.storage.deals.listLive({ now, page: 1, pageSize: 10 })).deals;
    await t.storage.revenue.addTerm({ siteId: site.id, effectiveFrom: new Date(now.getTime() - 86_400_000), model: 'cps', rateBp: 1000, flatMinor: null, currency: null, category: null, now });
    const clicks = [[false, false], [false, false], [false, false], [true, false], [false, true]] as const;
    const tokens = clicks.map((_, index) => newClickId(index + 1));
    await t.storage.clicks.insertBatch(clicks.map(([isBot, isDuplicate], index) => ({
      id: index + 1, token: tokens[index]!, dealId: dealA!.id, siteId: site.id, createdAt: new Date(now.getTime() - 60_000),
      city: null, subId: null, referrer: null, userAgent: 'test', ipHash: `ip${index}`, isBot, isDuplicate,
    })));
    const secret = 'owner-page-secret';
    await t.storage.revenue.rotatePostbackSecret(site.id, secret, now, null);
    const postback = (click: number, order: string, amount: string, status: PostbackParams['status']) => {
      const params = { site: site.slug, click_id: tokens[click - 1]!, order_id: order, amount, currency: 'CNY', status, ts: String(Math.floor(Date.now() / 1000)) };
      return t.app.postbackService.receive({ ...params, sig: signPostback(secret, params) });
    };
    await postback(1, 'A1', '100.00', 'pending');
    await postback(2, 'A2', '50.00', 'pending');
    await new Promise((resolve) => setTimeout(resolve, 5)); // a fresh signature for the same order
    await postback(2, 'A2', '50.00', 'approved');

    const $ = await page();
    expect(text($, '#live-deals')).toBe('2');
    expect(text($, '#clicks-billable')).toBe('3');
    expect(text($, '#clicks-filtered')).toBe('2');
    expect(cells($, 'table.conversions tbody tr')).toBe('CNY | 2 | 2 | 0 | CN¥150.00');
    expect(cells($, 'table.commission tbody tr')).toBe('CNY | CN¥10.00 | CN¥5.00 | CN¥0.00');
  });

  it('shows feed health with the last runs, and resumes a paused feed as `dealnav feeds resume` does', async () => {
    const started = new Date(Date.now() - 5_000);
    const run = await t.storage.crawlRuns.start(feed.id, started);
    await t.storage.crawlRuns.finish(run, new Date(started.getTime() + 1234), {
      outcome: 'failed', httpStatus: 503, bytes: null, format: null, itemsSeen: 0, counts: null, skipped: [], errorCode: 'http_status', errorMessage: 'HTTP 503 Service Unavailable',
    });
    await t.storage.feeds.recordFailure(feed.id, { at: new Date(), code: 'http_status', message: 'HTTP 503 Service Unavailable', nextCheckAt: new Date() });
    await t.storage.feeds.pause(feed.id, '8 failures in a row, the last: http_status HTTP 503 Service Unavailable');
    const $ = await page();
    expect(cells($, '.feed-runs tbody tr')).toMatch(/^[^|]+ \| failed \| 1,234 ms \| 503 \| 0 \| – \| Your server answered HTTP 503 instead of the feed\. HTTP 503 Service Unavailable$/);
    expect(text($, '.feed-paused')).toContain('Paused: 8 failures in a row');
    expect(text($, '.feed-health .last-error')).toBe('Last error: Your server answered HTTP 503 instead of the feed. (HTTP 503 Service Unavailable)');

    const session = await t.signedIn(owner);
    const resumed = await session.submit(`/owner/sites/${site.id}`, `/owner/sites/${site.id}/feeds/${feed.id}/resume`, {});
    expect(resumed.statusCode).toBe(303);
    expect(resumed.headers.location).toBe(`/owner/sites/${site.id}?done=resumed`);
    expect(await t.storage.feeds.findById(feed.id)).toMatchObject({ status: 'active', pausedReason: null, consecutiveFailures: 0 });
    const { entries } = await t.app.audit.page(1, 5);
    expect(entries[0]).toMatchObject({ action: 'feed.resume', subject: `feed:${feed.id}`, actorUserId: owner.id, before: { status: 'paused' } });
  });

  it('reads in Chinese for a Chinese reader, runs and verification results included', async () => {
    const run = await t.storage.crawlRuns.start(feed.id, new Date());
    await t.storage.crawlRuns.finish(run, new Date(), {
      outcome: 'ok', httpStatus: 200, bytes: 10, format: 'hao123', itemsSeen: 3, counts: { added: 3, updated: 0, unchanged: 0, removed: 0 }, skipped: [], errorCode: null, errorMessage: null,
    });
    server.answer('/', { headers: { 'content-type': 'text/html' }, body: '<!doctype html><html><head></head></html>' });
    server.answer(WELL_KNOWN_PATH, { status: 404, body: '' });
    const session = await t.signedIn(owner, { 'accept-language': 'zh-CN,zh;q=0.9' });
    const response = await session.submit(`/owner/sites/${site.id}`, `/owner/sites/${site.id}/verify`, {});
    expect(response.statusCode).toBe(422);
    const $ = cheerio.load(response.body);
    expect(text($, '.site-status')).toBe('等待审核');
    expect(text($, '.verify-result p')).toBe('尚未验证。我们看到的情况：');
    expect(cells($, '.feed-runs tbody tr')).toContain('已读取');
    expect(text($, 'nav.site-nav a[href="/owner"]')).toBe('我的网站');
  });

  it('downloads the month\'s statement as the same CSV `dealnav statements show --csv` prints', async () => {
    const month = periodOf(new Date());
    const $ = await page();
    expect($(`a[href="/owner/sites/${site.id}/statements/${month}.csv"]`)).toHaveLength(1);
    const response = await (await t.signedIn(owner)).get(`/owner/sites/${site.id}/statements/${month}.csv`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="${site.slug}-${month}.csv"`);
    expect(response.body).toBe(statementCsv(await statementFor(t.storage, site, month)));
    expect(response.body.split('\r\n')[0]).toMatch(/^site,period,currency,/);
    expect((await (await t.signedIn(owner)).get(`/owner/sites/${site.id}/statements/2026-13.csv`)).statusCode).toBe(400);
  });

  it('shows a new postback secret once, with a request signed by it, and never again', async () => {
    const session = await t.signedIn(owner);
    const created = await session.submit(`/owner/sites/${site.id}`, `/owner/sites/${site.id}/postback-secret`, {});
    expect(created.statusCode).toBe(200);
    const $ = cheerio.load(created.body);
    const secret = $('#postback-secret').text();
    expect((await t.storage.revenue.postbackSecrets(site.id))?.current).toBe(secret);
    // The example request carries a signature that the postback check accepts for that secret.
    const example = text($, '.shown-once pre.snippet:not(#postback-secret)');
    const data = /--data '([^']+)&sig=([0-9a-f]{64})'/.exec(example)!;
    const params = Object.fromEntries(new URLSearchParams(data[1]));
    expect(signPostback(secret, params)).toBe(data[2]);
    expect(params).toMatchObject({ site: site.slug, order_id: 'A1001', amount: '68.01' });
    const later = await page();
    expect(later('#postback-secret')).toHaveLength(0);
    expect(text(later, '#postback-secret-state')).toBe('Your site has a postback secret.');
    expect(text(later, '#postback-url')).toMatch(/^http:\/\/localhost(:\d+)?\/api\/postback$/);
    const { entries } = await t.app.audit.page(1, 5);
    expect(entries[0]).toMatchObject({ action: 'postback_secret.create', subject: `site:${site.id}` });
    expect(JSON.stringify(entries[0])).not.toContain(secret);
  });

  it('creates an API token shown once and revokes it', async () => {
    const session = await t.signedIn(owner);
    const created = await session.submit(`/owner/sites/${site.id}`, `/owner/sites/${site.id}/tokens`, {});
    const token = cheerio.load(created.body)('#api-token').text();
    expect(token).toMatch(/^dnt_/);
    expect((await t.app.siteTokens.authenticate(token))?.siteId).toBe(site.id);
    const [record] = await t.storage.siteApiTokens.listForSite(site.id);
    const revoked = await session.submit(`/owner/sites/${site.id}`, `/owner/sites/${site.id}/tokens/${record!.id}/revoke`, {});
    expect(revoked.statusCode).toBe(303);
    expect(await t.app.siteTokens.authenticate(token)).toBeNull();
    expect((await page())(`tr[data-token-id="${record!.id}"]`).text()).toContain('revoked');
  });

  describe('domain verification', () => {
    const verify = async () => (await t.signedIn(owner)).submit(`/owner/sites/${site.id}`, `/owner/sites/${site.id}/verify`, {});
    const results = (body: string) => { const $ = cheerio.load(body); return $('.verify-result li').map((_, li) => text($, `.verify-result li:nth-child(${_ + 1})`)).get(); };

    it('shows the token with both ways to place it', async () => {
      const $ = await page();
      expect(text($, '#verification-token')).toBe(site.verificationToken);
      expect(text($, '#meta-snippet')).toBe(`<meta name="dealnav-verification" content="${site.verificationToken}">`);
      expect(text($, '#file-url')).toBe(server.url(WELL_KNOWN_PATH));
    });

    it('fails, saying what it found where, while neither is in place', async () => {
      server.answer('/', { headers: { 'content-type': 'text/html' }, body: '<!doctype html><html><head><meta name="dealnav-verification" content="someone-elses"></head></html>' });
      server.answer(WELL_KNOWN_PATH, { status: 404, body: 'no' });
      const response = await verify();
      expect(response.statusCode).toBe(422);
      expect(results(response.body)).toEqual([
        `Meta tag on the home page (${server.url('/')}): found "someone-elses", which is not this site's token.`,
        `File on your host (${server.url(WELL_KNOWN_PATH)}): could not be read: Your server answered HTTP 404 instead of the feed.`,
      ]);
      expect((await t.storage.sites.findById(site.id))!.verifiedAt).toBeNull();
    });

    it('succeeds with the meta tag on the home page, and records and audits it', async () => {
      server.answer('/', { headers: { 'content-type': 'text/html; charset=utf-8' }, body: `<!doctype html><html><head><title>x</title><meta name="dealnav-verification" content="${site.verificationToken}"></head><body></body></html>` });
      server.answer(WELL_KNOWN_PATH, { status: 404, body: 'no' });
      const response = await verify();
      expect(response.statusCode).toBe(200);
      expect(text(cheerio.load(response.body), '.verify-result p')).toBe('Verified: the domain is yours.');
      expect((await t.storage.sites.findById(site.id))!.verifiedAt).toBeInstanceOf(Date);
      const { entries } = await t.app.audit.page(1, 5);
      expect(entries[0]).toMatchObject({ action: 'site.verify', subject: `site:${site.id}`, after: { method: 'meta' } });
    });

    it('succeeds with the well-known file', async () => {
      server.answer('/', { headers: { 'content-type': 'text/html' }, body: '<!doctype html><html><head></head></html>' });
      server.answer(WELL_KNOWN_PATH, { headers: { 'content-type': 'text/plain' }, body: `${site.verificationToken}\n` });
      const response = await verify();
      expect(response.statusCode).toBe(200);
      expect(results(response.body)[0]).toContain('no token there.');
      expect(results(response.body)[1]).toContain('the token is there.');
      expect((await t.storage.sites.findById(site.id))!.verifiedAt).toBeInstanceOf(Date);
    });
  });
});
