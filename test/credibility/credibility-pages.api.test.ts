// Credibility on the pages and the API: badges on deal cards and the deal page, scores and parts in
// the sites directory and /api/sites, the report form (CSRF, per-address and per-deal limits), the
// operators' console and reports (resolve / dismiss, audited) and the owner's detail page.
import * as cheerio from 'cheerio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/accounts/sessions';
import { translator } from '../../src/web/i18n';
import type { User } from '../../src/storage';
import { buildTestApp, type TestApp } from '../helpers/app';
import { GOOD_PASSWORD } from '../helpers/browser-session';
import { dealRecord } from '../helpers/deal-record';

const HTML = { accept: 'text/html' };

/** Cookies a response set, as a Cookie header value merged over `previous`. */
function cookies(response: { cookies: { name: string; value: string }[] }, previous = ''): string {
  const jar = new Map(previous.split('; ').filter(Boolean).map((pair) => pair.split('=') as [string, string]));
  for (const cookie of response.cookies) jar.set(cookie.name, cookie.value);
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

describe('credibility on the pages', () => {
  let t: TestApp;
  let dealIds: number[];
  let operator: User;
  let owner: User;
  let stranger: User;

  const createUser = async (email: string, role: 'operator' | 'owner') => {
    const result = await t.app.accounts.createUser(email, GOOD_PASSWORD, role);
    if (!result.ok) throw new Error(`could not create ${email}`);
    return result.user;
  };
  const sessionCookie = async (user: User) => `${SESSION_COOKIE}=${(await t.app.sessions.start(user.id, 'test')).cookieValue}`;

  /** A page's form token and the cookies to send it back with. */
  async function formFrom(url: string, cookie = '', remoteAddress = '127.0.0.1') {
    const page = await t.app.inject({ url, headers: { ...HTML, cookie }, remoteAddress });
    expect(page.statusCode).toBe(200);
    const token = cheerio.load(page.body)('input[name=_csrf]').first().val() as string;
    return { token, cookie: cookies(page, cookie), page };
  }

  const report = (dealId: number, form: { token: string; cookie: string }, remoteAddress: string, reason = 'closed_shop') =>
    t.app.inject({
      method: 'POST', url: `/deals/${dealId}/report`, remoteAddress,
      headers: { ...HTML, cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: form.token, reason, details: 'Closed since <b>May</b>' }).toString(),
    });

  beforeEach(async () => {
    t = await buildTestApp();
    await t.storage.deals.applyFeedSnapshot({ id: t.feed.id, siteId: t.site.id }, [
      dealRecord({ externalId: 'd1', title: '川味火锅双人餐', site: 'letuan' }),
      dealRecord({ externalId: 'd2', title: '九寨沟一日游', category: 'travel', priceMinor: 2600, valueMinor: 396000, discountPercent: 99, site: 'letuan' }),
    ], new Date());
    dealIds = (await t.storage.deals.listLive({ now: new Date(), page: 1, pageSize: 10 })).deals.map((deal) => deal.id).sort();
    // Three successful crawls: enough for the feed part, so the site gets a score.
    for (let run = 0; run < 3; run++) {
      const id = await t.storage.crawlRuns.start(t.feed.id, new Date());
      await t.storage.crawlRuns.finish(id, new Date(), {
        outcome: 'ok', httpStatus: 200, bytes: 10, format: 'hao123', itemsSeen: 2, counts: { added: 0, updated: 0, unchanged: 2, removed: 0 },
        skipped: [], errorCode: null, errorMessage: null,
      });
    }
    await t.storage.feeds.recordSuccess(t.feed.id, { at: new Date(), etag: null, lastModified: null, nextCheckAt: new Date(Date.now() + 3_600_000), format: 'hao123', bodyFingerprint: null });
    // Three link checks that found the pages fine.
    for (const dealId of [...dealIds, dealIds[0]!]) {
      await t.storage.credibility.recordLinkCheck({
        dealId, siteId: t.site.id, checkedAt: new Date(), url: 'http://shop.example/', outcome: 'ok', httpStatus: 200, finalUrl: null,
        errorCode: null, feedPriceMinor: 6800, pagePriceMinor: null, currency: 'CNY', priceOutcome: null,
      });
    }
    // And a parse that found none of the listed deals expired.
    const [run] = await t.storage.crawlRuns.listForFeed(t.feed.id, 1);
    await t.storage.credibility.recordExpired({ crawlRunId: run!.id, feedId: t.feed.id, siteId: t.site.id, at: new Date(), listed: 2, expired: 0, sample: [] });
    [operator, owner, stranger] = await Promise.all([
      createUser('ops@example.com', 'operator'), createUser('owner@example.com', 'owner'), createUser('other@example.com', 'owner'),
    ]);
    await t.storage.sites.setOwner(t.site.id, owner.id);
    await t.app.credibility.recompute();
  });
  afterEach(async () => { await t.close(); });

  it('shows the site\'s score as a badge on every deal card and on the deal page, and flags the inflated worth', async () => {
    // feed 1, links 1, reports 1, expired 1, worth 1 of 2 deals honest (the ¥26 trip "worth" ¥3,960
    // is flagged): (25 + 20 + 10 + 10 + 5) / 75; prices and sales have no data.
    expect(t.app.credibility.currentScores().get(t.site.id)).toBe(Math.round((100 * 70) / 75));
    const listing = cheerio.load((await t.app.inject({ url: '/', headers: HTML })).body);
    expect(listing('.deal .cred-badge').map((_, badge) => listing(badge).text()).get()).toEqual(['Credibility 93', 'Credibility 93']);
    const page = cheerio.load((await t.app.inject({ url: `/deals/${dealIds[1]}`, headers: HTML })).body);
    expect(page('.deal-page .cred-badge').text()).toBe('Credibility 93');
    expect(page('.cred-inflated').text()).toContain('The discount is larger than is plausible');
    expect(page('form.cred-report-form input[name=_csrf]').val()).toBeTruthy();
  });

  it('shows on the deal page the discount against the median price of the same offer on other sites', async () => {
    const other = await t.storage.sites.upsert({ slug: 'haotuan', name: '好团网', homeUrl: 'http://haotuan.example/' });
    const otherFeed = await t.storage.feeds.upsert({ siteId: other.id, url: 'http://haotuan.example/api.xml' });
    await t.storage.deals.applyFeedSnapshot({ id: otherFeed.id, siteId: other.id }, [
      dealRecord({ externalId: 'h1', title: '川味火锅双人餐', priceMinor: 7800, site: 'haotuan' }),
    ], new Date());
    await t.app.credibility.recompute();
    const page = cheerio.load((await t.app.inject({ url: `/deals/${dealIds[0]}`, headers: HTML })).body);
    expect(page('.cred-median').text()).toBe('Median price of the same offer on other sites (1): CN¥78.00. This deal is 13% below it.');
    const zh = cheerio.load((await t.app.inject({ url: `/deals/${dealIds[0]}`, headers: { ...HTML, 'accept-language': 'zh-CN' } })).body);
    expect(zh('.cred-median').text()).toBe('同一团购在其他网站（1家）的中位价：¥78.00。本团购便宜13%。');
  });

  it('shows on a flagged deal\'s card the discount against the same offer\'s median instead of the site\'s claim', async () => {
    const card = (body: string, dealId: number) => cheerio.load(body)(`.deal[data-deal-id="${dealId}"] .deal-prices`);
    // Sold nowhere else: the claimed worth stays, marked doubtful, and its 99% discount goes.
    const alone = card((await t.app.inject({ url: '/', headers: HTML })).body, dealIds[1]!);
    expect(alone.find('.deal-value').text()).toBe('CN¥3,960.00');
    expect(alone.find('.cred-flag').text()).toBe('Original price doubtful');
    expect(alone.find('.cred-flag').attr('title')).toContain('The discount is larger than is plausible');
    expect(alone.find('.deal-discount')).toHaveLength(0);
    // The honest deal's card is as the site gives it.
    const honest = card((await t.app.inject({ url: '/', headers: HTML })).body, dealIds[0]!);
    expect(honest.find('.cred-flag')).toHaveLength(0);
    expect(honest.find('.deal-discount')).toHaveLength(1);

    const other = await t.storage.sites.upsert({ slug: 'haotuan', name: '好团网', homeUrl: 'http://haotuan.example/' });
    const otherFeed = await t.storage.feeds.upsert({ siteId: other.id, url: 'http://haotuan.example/api.xml' });
    await t.storage.deals.applyFeedSnapshot({ id: otherFeed.id, siteId: other.id }, [
      dealRecord({ externalId: 'h2', title: '九寨沟一日游', category: 'travel', priceMinor: 3000, valueMinor: 4000, discountPercent: 25, site: 'haotuan' }),
    ], new Date());
    await t.app.credibility.recompute();
    const priced = card((await t.app.inject({ url: '/', headers: HTML })).body, dealIds[1]!);
    expect(priced.find('.cred-card-median').text()).toBe('13% below the median price elsewhere (CN¥30.00)');
    expect(priced.find('.deal-value, .deal-discount')).toHaveLength(0);
    expect(priced.find('.cred-flag').attr('title')).toContain('far above what other sites give');
    const zh = card((await t.app.inject({ url: '/', headers: { ...HTML, 'accept-language': 'zh-CN' } })).body, dealIds[1]!);
    expect(zh.find('.cred-card-median').text()).toBe('比其他网站同款中位价（¥30.00）便宜13%');
    // The flags reach the cards from one read per reload, not one per card.
    expect(t.app.credibility.dealFlag(dealIds[1]!)).toMatchObject({ offerMedianMinor: 3000, reason: 'worth_above_median' });
  });

  it('links every badge to its site in the directory, scored or never scored', async () => {
    const fresh = await t.storage.sites.upsert({ slug: 'haotuan', name: '好团网', homeUrl: 'http://haotuan.example/' });
    const freshFeed = await t.storage.feeds.upsert({ siteId: fresh.id, url: 'http://haotuan.example/api.xml' });
    await t.storage.deals.applyFeedSnapshot({ id: freshFeed.id, siteId: fresh.id }, [dealRecord({ externalId: 'h9', title: '日式烤肉自助', site: 'haotuan' })], new Date());
    expect(t.app.credibility.site(fresh.id)).toBeNull();
    const listing = cheerio.load((await t.app.inject({ url: '/', headers: HTML })).body);
    const badges = listing('.deal .cred-badge').map((_, badge) => `${listing(badge).attr('href')} ${listing(badge).text()}`).get();
    expect(new Set(badges)).toEqual(new Set([`/sites?site=${t.site.id}#site-${t.site.id} Credibility 93`, `/sites?site=${fresh.id}#site-${fresh.id} Credibility: not rated yet`]));
    const sites = cheerio.load((await t.app.inject({ url: '/sites', headers: HTML })).body);
    for (const site of [t.site, fresh]) expect(sites(`#site-${site.id} .site-name`).text()).toBe(site.name);
    expect((await t.app.inject({ url: '/api/sites' })).json().sites.map((site: object) => 'id' in site)).toEqual([false, false]);
  });

  it('lets the listing keep only sites at or above a score', async () => {
    expect((await t.app.inject({ url: '/api/deals?minScore=93' })).json().total).toBe(2);
    expect((await t.app.inject({ url: '/api/deals?minScore=94' })).json().total).toBe(0);
  });

  it('gives the score and its parts in the sites directory and /api/sites', async () => {
    const sites = cheerio.load((await t.app.inject({ url: '/sites', headers: HTML })).body);
    expect(sites(`#site-${t.site.id} .cred-site-score .cred-badge`).text()).toBe('Credibility 93');
    expect(sites(`#site-${t.site.id} .cred-part-worth`).text()).toBe('50%: 1 of 2 original prices doubtful');
    const api = (await t.app.inject({ url: '/api/sites' })).json();
    expect(api.sites[0].credibility.score).toBe(93);
    expect(api.sites[0].credibility.parts.find((part: { name: string }) => part.name === 'worth'))
      .toEqual({ name: 'worth', weight: 10, value: 0.5, numerator: 1, denominator: 2 });
  });

  it('takes a report with a valid CSRF token only, five per address in ten minutes, ten per deal in an hour', async () => {
    const form = await formFrom(`/deals/${dealIds[0]}`);
    const forged = await report(dealIds[0]!, { token: 'forged', cookie: form.cookie }, '10.0.0.8');
    expect(forged.statusCode).toBe(403);
    const sent = await report(dealIds[0]!, form, '10.0.0.1');
    expect(sent.statusCode).toBe(200);
    expect(cheerio.load(sent.body)('h1').text()).toBe('Thank you');
    for (let i = 0; i < 4; i++) expect((await report(dealIds[0]!, form, '10.0.0.1')).statusCode).toBe(200);
    expect((await report(dealIds[0]!, form, '10.0.0.1')).statusCode).toBe(429);
    for (let i = 0; i < 5; i++) expect((await report(dealIds[0]!, form, '10.0.0.2')).statusCode).toBe(200);
    const overDeal = await report(dealIds[0]!, form, '10.0.0.3');
    expect(overDeal.statusCode).toBe(429);
    expect(overDeal.body).toContain('already been reported many times');
    expect((await report(dealIds[1]!, form, '10.0.0.3')).statusCode).toBe(200);
    const stored = await t.storage.credibility.listReports({ status: 'open' }, 100);
    expect(stored).toHaveLength(11);
    expect(stored[0]!.details).toBe('Closed since <b>May</b>');
  });

  it('refuses a reason outside the list and over-long details', async () => {
    const form = await formFrom(`/deals/${dealIds[0]}`);
    expect((await report(dealIds[0]!, form, '10.0.0.9', 'bribe')).statusCode).toBe(400);
    const long = await t.app.inject({
      method: 'POST', url: `/deals/${dealIds[0]}/report`, remoteAddress: '10.0.0.9',
      headers: { ...HTML, cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: form.token, reason: 'other', details: 'x'.repeat(1001) }).toString(),
    });
    expect(long.statusCode).toBe(400);
    expect(await t.storage.credibility.listReports({}, 10)).toEqual([]);
  });

  it('lets operators see, resolve and dismiss reports (audited) and moves the score', async () => {
    const form = await formFrom(`/deals/${dealIds[0]}`);
    await report(dealIds[0]!, form, '10.0.0.4');
    await report(dealIds[1]!, form, '10.0.0.4', 'wrong_price');
    await t.app.credibility.recompute();
    // reports: 1 − 5 × 2/2 = 0: (25 + 20 + 0 + 10 + 5) / 75.
    expect(t.app.credibility.currentScores().get(t.site.id)).toBe(Math.round((100 * 60) / 75));

    const session = await sessionCookie(operator);
    expect((await t.app.inject({ url: '/operator/credibility/reports', headers: { ...HTML, cookie: await sessionCookie(owner) } })).statusCode).toBe(403);
    const list = await formFrom('/operator/credibility/reports', session);
    const $ = cheerio.load(list.page.body);
    expect($('tr[data-report]').length).toBe(2);
    expect(list.page.body).toContain('Closed since &lt;b&gt;May&lt;/b&gt;');
    const ids = $('tr[data-report]').map((_, row) => Number($(row).attr('data-report'))).get();
    const act = (id: number, action: string) => t.app.inject({
      method: 'POST', url: `/operator/credibility/reports/${id}`,
      headers: { ...HTML, cookie: list.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: list.token, action }).toString(),
    });
    expect((await act(ids[0]!, 'resolve')).statusCode).toBe(303);
    expect((await act(ids[1]!, 'dismiss')).statusCode).toBe(303);
    expect((await act(ids[1]!, 'dismiss')).statusCode).toBe(409);
    const audit = await t.app.audit.page(1, 10);
    expect(audit.entries.map((entry) => entry.action).sort()).toEqual(['shopper_report.dismiss', 'shopper_report.resolve']);
    await t.app.credibility.recompute();
    // The resolved report still counts (one reported deal of two: 1 − 5/2 → 0); the dismissed one does not.
    expect(t.app.credibility.currentScores().get(t.site.id)).toBe(Math.round((100 * 60) / 75));

    const console = cheerio.load((await t.app.inject({ url: '/operator/credibility', headers: { ...HTML, cookie: session } })).body);
    expect(console('tr[data-site=letuan] .cred-badge').text()).toBe('Credibility 80');
  });

  it('opens price-mismatch and report-spike alerts, shows them on the console, and closes one when its rule stops firing', async () => {
    // Three pages showing another price than the feed (the third is the threshold)…
    for (const dealId of [dealIds[0]!, dealIds[1]!, dealIds[0]!]) {
      await t.storage.credibility.recordLinkCheck({
        dealId, siteId: t.site.id, checkedAt: new Date(), url: 'http://shop.example/', outcome: 'ok', httpStatus: 200, finalUrl: null,
        errorCode: null, feedPriceMinor: 6800, pagePriceMinor: 7800, currency: 'CNY', priceOutcome: 'mismatch',
      });
    }
    // …and five shopper reports in a day, through the form.
    const form = await formFrom(`/deals/${dealIds[0]}`);
    for (let i = 0; i < 5; i++) expect((await report(dealIds[0]!, form, '10.0.0.5')).statusCode).toBe(200);
    await t.app.credibility.recompute();
    const alerts = async () => {
      const page = cheerio.load((await t.app.inject({ url: '/operator/credibility', headers: { ...HTML, cookie: await sessionCookie(operator) } })).body);
      return page('tr[data-site=letuan] li.cred-alert').map((_, item) => `${page(item).attr('data-rule')}: ${page(item).text()}`).get();
    };
    expect(await alerts()).toEqual([
      expect.stringMatching(/^report_spike: Spike in shopper reports: 5 shopper reports in the last 24 hours \(/),
      expect.stringMatching(/^price_mismatches: Prices differ from the pages: 3 of 3 compared pages show another price than the feed \(/),
    ]);
    // Dismissed reports stop counting: the spike's alert closes at the next recompute, the other stays.
    for (const open of await t.storage.credibility.listReports({ status: 'open' }, 10)) {
      await t.storage.credibility.closeReport(open.id, 'dismissed', operator.id, new Date());
    }
    await t.app.credibility.recompute();
    expect(await alerts()).toEqual([expect.stringMatching(/^price_mismatches: /)]);
  });

  it('lets an operator recompute from the console (audited), and nobody else', async () => {
    const session = await sessionCookie(operator);
    const consolePage = await formFrom('/operator/credibility', session);
    expect(cheerio.load(consolePage.page.body)('tr[data-site=letuan] .cred-part-list li').length).toBe(7);
    const recompute = (form: { token: string; cookie: string }) => t.app.inject({
      method: 'POST', url: '/operator/credibility/recompute',
      headers: { ...HTML, cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: form.token }).toString(),
    });
    expect((await recompute(consolePage)).statusCode).toBe(303);
    expect((await t.app.audit.page(1, 10)).entries.map((entry) => entry.action)).toEqual(['credibility.recompute']);
    const ownerForm = await formFrom('/', await sessionCookie(owner));
    expect((await recompute(ownerForm)).statusCode).toBe(403);
    // Link checks run only inside `dealnav serve`, which gives the service its fetch settings.
    expect((await t.app.inject({
      method: 'POST', url: '/operator/credibility/check-links',
      headers: { ...HTML, cookie: consolePage.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: consolePage.token }).toString(),
    })).statusCode).toBe(409);
  });

  it('shows the owner the specific deals and runs behind each problem, and when the feed last changed', async () => {
    const HOUR_MS = 3_600_000;
    const en = translator('en');
    const check = (dealId: number, changes: object) => t.storage.credibility.recordLinkCheck({
      dealId, siteId: t.site.id, checkedAt: new Date(), url: `http://shop.example/deal/${dealId}`, outcome: 'ok', httpStatus: 200, finalUrl: null,
      errorCode: null, feedPriceMinor: 2600, pagePriceMinor: null, currency: 'CNY', priceOutcome: null, ...changes,
    });
    await check(dealIds[0]!, { outcome: 'dead', httpStatus: 404 });
    await check(dealIds[1]!, { pagePriceMinor: 2900, priceOutcome: 'mismatch' });
    const [run] = await t.storage.crawlRuns.listForFeed(t.feed.id, 1);
    await t.storage.credibility.recordExpired({
      crawlRunId: run!.id, feedId: t.feed.id, siteId: t.site.id, at: new Date(Date.now() + 1000), listed: 3, expired: 1,
      sample: [{ externalId: 'old-7', title: '过期的烤鸭套餐', endsAt: '2026-01-02T03:04:05.000Z' }],
    });
    const crawl = async (at: Date, outcome: 'ok' | 'failed', added: number) => {
      const id = await t.storage.crawlRuns.start(t.feed.id, at);
      await t.storage.crawlRuns.finish(id, at, {
        outcome, httpStatus: outcome === 'ok' ? 200 : 502, bytes: 10, format: null, itemsSeen: added,
        counts: outcome === 'ok' ? { added, updated: 0, unchanged: 0, removed: 0 } : null, skipped: [],
        errorCode: outcome === 'ok' ? null : 'http_status', errorMessage: outcome === 'ok' ? null : 'HTTP 502 from the feed',
      });
    };
    const changedAt = new Date(Date.now() - 5 * HOUR_MS);
    const failedAt = new Date(Date.now() - 2 * HOUR_MS);
    await crawl(changedAt, 'ok', 1);
    await crawl(failedAt, 'failed', 0);
    await report(dealIds[0]!, await formFrom(`/deals/${dealIds[0]}`), '10.0.0.6', 'no_voucher');

    const page = await t.app.inject({ url: `/owner/sites/${t.site.id}/credibility`, headers: { ...HTML, cookie: await sessionCookie(owner) } });
    const $ = cheerio.load(page.body);
    const items = (list: string) => $(`${list} li`).map((_, item) => `${$(item).attr('data-deal') ?? ''} ${$(item).text().replace(/\s+/g, ' ').trim()}`).get();
    expect(items('.cred-bad-links')).toEqual([expect.stringMatching(new RegExp(`^${dealIds[0]} 川味火锅双人餐: dead link \\(HTTP 404\\)`))]);
    expect(items('.cred-mismatches')).toEqual([expect.stringMatching(new RegExp(`^${dealIds[1]} 九寨沟一日游: feed CN¥26.00, page CN¥29.00`))]);
    expect(items('.cred-expired')).toEqual([` 过期的烤鸭套餐 (old-7, ended ${en.dateTime(new Date('2026-01-02T03:04:05.000Z'), 'UTC')})`]);
    expect(items('.cred-inflated-deals')).toEqual([expect.stringMatching(new RegExp(`^${dealIds[1]} 九寨沟一日游: CN¥26.00 / CN¥3,960.00\\. The discount is larger`))]);
    expect(items('.cred-open-reports')).toEqual([expect.stringMatching(new RegExp(`^${dealIds[0]} 川味火锅双人餐: I did not get a voucher: “Closed since <b>May</b>”`))]);
    expect(items('.cred-failed-runs')).toEqual([` ${en.dateTime(failedAt, 'UTC')}: http_status HTTP 502 from the feed`]);
    const facts = Object.fromEntries($('.cred-facts dt').map((index, term) => [[$(term).text(), $('.cred-facts dd').eq(index).text()]]).get());
    expect(facts['Last change in the feed']).toBe(en.dateTime(changedAt, 'UTC'));
  });

  it('shows the owner the deals behind each problem, and nobody else\'s site', async () => {
    const page = await t.app.inject({ url: `/owner/sites/${t.site.id}/credibility`, headers: { ...HTML, cookie: await sessionCookie(owner) } });
    expect(page.statusCode).toBe(200);
    const $ = cheerio.load(page.body);
    expect($('.cred-inflated-deals li').map((_, item) => $(item).attr('data-deal')).get()).toEqual([String(dealIds[1])]);
    expect($('.cred-detail .cred-badge').text()).toBe('Credibility 93');
    const other = await t.app.inject({ url: `/owner/sites/${t.site.id}/credibility`, headers: { ...HTML, cookie: await sessionCookie(stranger) } });
    expect(other.statusCode).toBe(403);
    expect((await t.app.inject({ url: `/owner/sites/${t.site.id}/credibility`, headers: { ...HTML, cookie: await sessionCookie(operator) } })).statusCode).toBe(200);
  });
});
