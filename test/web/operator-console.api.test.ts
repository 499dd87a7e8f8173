// The operator's console through its pages, as a browser would use them (cookies, forms with
// their CSRF token): the approval queue and its decisions, commission terms, crawl health,
// users, and that none of it is reachable by a site owner or without the form's token.
import * as cheerio from 'cheerio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/accounts/sessions';
import type { Feed, Site, User } from '../../src/storage';
import { buildTestApp, type TestApp } from '../helpers/app';
import { BrowserSession, GOOD_PASSWORD } from '../helpers/browser-session';
import { dealRecord } from '../helpers/deal-record';

describe('operator console', () => {
  let t: TestApp;
  let operator: User;
  let owner: User;
  let pending: Site;
  let pendingFeed: Feed;
  let ops: BrowserSession;
  let ownerBrowser: BrowserSession;

  const createUser = async (email: string, role: 'operator' | 'owner') => {
    const result = await t.app.accounts.createUser(email, GOOD_PASSWORD, role);
    if (!result.ok) throw new Error(`could not create ${email}`);
    return result.user;
  };
  const signedIn = async (user: User) => {
    const session = new BrowserSession(t.app);
    session.cookies.set(SESSION_COOKIE, (await t.app.sessions.start(user.id, 'test')).cookieValue);
    return session;
  };
  const auditActions = async () => (await t.app.audit.page(1, 100)).entries.map((entry) => entry.action);

  beforeEach(async () => {
    t = await buildTestApp();
    [operator, owner] = await Promise.all([createUser('ops@example.com', 'operator'), createUser('owner@example.com', 'owner')]);
    pending = await t.storage.sites.upsert({ slug: 'haotuan', name: '好团网', homeUrl: 'http://haotuan.example/', status: 'pending' });
    await t.storage.sites.setOwner(pending.id, owner.id);
    pendingFeed = await t.storage.feeds.upsert({ siteId: pending.id, url: 'http://haotuan.example/feed.xml' });
    ops = await signedIn(operator);
    ownerBrowser = await signedIn(owner);
  });
  afterEach(async () => { await t.close(); });

  const OPERATOR_GETS = () => ['/operator', '/operator/sites', '/operator/sites?status=all', `/operator/sites/${pending.id}`, '/operator/crawl-health', '/operator/users'];
  const OPERATOR_POSTS = () => [
    `/operator/sites/${pending.id}/approve`, `/operator/sites/${pending.id}/reject`, `/operator/sites/${t.site.id}/suspend`,
    `/operator/sites/${t.site.id}/reactivate`, `/operator/sites/${pending.id}/terms`, `/operator/sites/${pending.id}/attribution`,
    `/operator/sites/${pending.id}/preview`, `/operator/feeds/${pendingFeed.id}/resume`, `/operator/users/${owner.id}/disable`,
    `/operator/users/${owner.id}/enable`,
  ];

  it('refuses every operator page and form to a site owner (403) and sends visitors to sign in', async () => {
    for (const url of OPERATOR_GETS()) {
      const page = await ownerBrowser.get(url);
      expect(page.statusCode, url).toBe(403);
      expect(page.body).not.toContain('haotuan.example/feed.xml');
      const anonymous = await new BrowserSession(t.app).get(url);
      expect(anonymous.statusCode, url).toBe(303);
      expect(anonymous.headers.location).toMatch(/^\/account\/sign-in\?next=/);
    }
    // With a valid CSRF token of the owner's own session, so only the role stops them.
    const token = cheerio.load((await ownerBrowser.get('/account')).body)('input[name="_csrf"]').attr('value')!;
    for (const url of OPERATOR_POSTS()) {
      const response = await ownerBrowser.post(url, { _csrf: token, reason: 'x', days: '10', feedId: String(pendingFeed.id), model: 'cps', rate: '5' });
      expect(response.statusCode, url).toBe(403);
    }
    expect((await t.storage.sites.findById(pending.id))!.status).toBe('pending');
    expect((await t.storage.sites.findById(t.site.id))!.status).toBe('active');
    expect(await t.storage.revenue.listTerms(pending.id)).toEqual([]);
    expect(await auditActions()).toEqual([]);
  });

  it('refuses every operator form without its CSRF token (403), changing nothing', async () => {
    for (const url of OPERATOR_POSTS()) {
      const response = await ops.post(url, { reason: 'x', days: '10', feedId: String(pendingFeed.id), model: 'cps', rate: '5', overrideUnverified: 'on' });
      expect(response.statusCode, url).toBe(403);
      expect(response.body).toContain('form');
    }
    expect((await ops.post(`/operator/sites/${pending.id}/approve`, { _csrf: 'forged', overrideUnverified: 'on' })).statusCode).toBe(403);
    expect((await t.storage.sites.findById(pending.id))!.status).toBe('pending');
    expect(await auditActions()).toEqual([]);
  });

  it('shows the console with what needs attention and links to every operator page', async () => {
    await t.storage.feeds.pause(t.feed.id, 'HTTP 410 Gone');
    const page = await ops.get('/operator');
    expect(page.statusCode).toBe(200);
    const $ = cheerio.load(page.body);
    expect($('.attention-pending').attr('data-count')).toBe('1');
    expect($('.attention-paused').attr('data-count')).toBe('1');
    expect($('.attention-pending a').attr('href')).toBe('/operator/sites?status=pending');
    const links = $('.console-sections a').map((_, a) => $(a).attr('href')).get();
    expect(links).toEqual(expect.arrayContaining([
      '/operator/sites', '/operator/crawl-health', '/operator/users', '/operator/audit', '/operator/reports', '/operator/reconciliation', '/operator/credibility',
    ]));
    expect($('.site-nav a[href="/operator"]').length).toBe(1);
    // Owners get no console link.
    expect(cheerio.load((await ownerBrowser.get('/')).body)('.site-nav a[href="/operator"]').length).toBe(0);
  });

  it('lists the approval queue oldest first, and every status on request', async () => {
    const later = await t.storage.sites.upsert({ slug: 'later', name: 'Later', homeUrl: 'http://later.example/', status: 'pending' });
    const queue = cheerio.load((await ops.get('/operator/sites')).body);
    expect(queue('tr[data-site-id]').map((_, row) => Number(queue(row).attr('data-site-id'))).get()).toEqual([pending.id, later.id]);
    expect(queue('tbody').text()).toContain('owner@example.com');
    const all = cheerio.load((await ops.get('/operator/sites?status=all')).body);
    expect(all('tr[data-site-id]').length).toBe(3);
    expect((await ops.get('/operator/sites?status=bogus')).statusCode).toBe(400);
    expect((await ops.get('/operator/sites/9999')).statusCode).toBe(404);
  });

  it('refuses to approve an unverified site unless the operator ticks the override, then audits it and makes its feeds due', async () => {
    const page = cheerio.load((await ops.get(`/operator/sites/${pending.id}`)).body);
    expect(page('.verification').text()).toContain('Not verified');
    expect(page('input[name="overrideUnverified"]').length).toBe(1);

    const refused = await ops.submit(`/operator/sites/${pending.id}`, `/operator/sites/${pending.id}/approve`, {});
    expect(refused.statusCode).toBe(409);
    expect(cheerio.load(refused.body)('#error-overrideUnverified').text()).toContain('not proven');
    expect((await t.storage.sites.findById(pending.id))!.status).toBe('pending');
    expect((await t.storage.feeds.listDue(new Date(), 10)).map((feed) => feed.id)).toEqual([t.feed.id]);

    const approved = await ops.submit(`/operator/sites/${pending.id}`, `/operator/sites/${pending.id}/approve`, { overrideUnverified: 'on' });
    expect(approved.statusCode).toBe(303);
    expect(approved.headers.location).toBe(`/operator/sites/${pending.id}?done=approve`);
    expect((await t.storage.sites.findById(pending.id))!.status).toBe('active');
    expect((await t.storage.feeds.listDue(new Date(), 10)).map((feed) => feed.id).sort()).toEqual([t.feed.id, pendingFeed.id].sort());

    const [entry] = (await t.app.audit.page(1, 10)).entries;
    expect(entry).toMatchObject({
      action: 'site.approve', subject: `site:${pending.id}`, actorEmail: 'ops@example.com',
      before: { status: 'pending', statusReason: null, verifiedAt: null },
      after: { status: 'active', statusReason: null, approvedUnverified: true },
    });
    const after = cheerio.load((await ops.get(approved.headers.location as string)).body);
    expect(after('.notice').text()).toContain('Approved');
    expect(after('.site-history').text()).toContain('site.approve');
    const audit = cheerio.load((await ops.get('/operator/audit')).body);
    expect(audit(`table.audit-log a[href="/operator/sites/${pending.id}"]`).text()).toBe(`site:${pending.id}`);
    // Approving twice is refused: the site is no longer pending.
    expect((await ops.post(`/operator/sites/${pending.id}/approve`, { _csrf: after('form.decision-suspend input[name="_csrf"]').attr('value')! })).statusCode).toBe(409);
  });

  it('rejects with a reason the owner sees (none given: refused), and a rejected site can be approved later', async () => {
    const noReason = await ops.submit(`/operator/sites/${pending.id}`, `/operator/sites/${pending.id}/reject`, { reason: '   ' });
    expect(noReason.statusCode).toBe(400);
    expect(cheerio.load(noReason.body)('#error-rejectReason').text()).toContain('reason');
    expect((await t.storage.sites.findById(pending.id))!.status).toBe('pending');

    const rejected = await ops.submit(`/operator/sites/${pending.id}`, `/operator/sites/${pending.id}/reject`, { reason: 'The feed lists no prices.' });
    expect(rejected.statusCode).toBe(303);
    const site = (await t.storage.sites.findById(pending.id))!;
    expect(site).toMatchObject({ status: 'rejected', statusReason: 'The feed lists no prices.' });
    const [entry] = (await t.app.audit.page(1, 10)).entries;
    expect(entry).toMatchObject({ action: 'site.reject', before: { status: 'pending' }, after: { status: 'rejected', statusReason: 'The feed lists no prices.' } });
    expect((await t.storage.feeds.listDue(new Date(), 10)).map((feed) => feed.id)).toEqual([t.feed.id]);

    const approved = await ops.submit(`/operator/sites/${pending.id}`, `/operator/sites/${pending.id}/approve`, { overrideUnverified: 'on' });
    expect(approved.statusCode).toBe(303);
    expect((await t.storage.sites.findById(pending.id))!).toMatchObject({ status: 'active', statusReason: null });
  });

  it('suspends an active site: its deals leave /api/deals, / and /go at once, nothing is deleted, and reactivation brings them back', async () => {
    await t.storage.deals.applyFeedSnapshot(t.feed, [dealRecord({ externalId: 'a', title: 'Hotpot for two' }), dealRecord({ externalId: 'b', title: 'Noodles' })], new Date());
    const other = await t.storage.sites.upsert({ slug: 'other', name: 'Other', homeUrl: 'http://other.example/' });
    const otherFeed = await t.storage.feeds.upsert({ siteId: other.id, url: 'http://other.example/feed.xml' });
    await t.storage.deals.applyFeedSnapshot(otherFeed, [dealRecord({ externalId: 'c', title: 'Massage' })], new Date());
    const listed = async () => {
      const api = (await t.app.inject({ url: '/api/deals' })).json() as { deals: { title: string; id: number }[]; total: number };
      const page = cheerio.load((await t.app.inject({ url: '/', headers: { accept: 'text/html' } })).body);
      return { api: api.deals.map((deal) => deal.title).sort(), total: api.total, page: page('li.deal .deal-title').map((_, el) => page(el).text().trim()).get().sort(), ids: api.deals };
    };
    const before = await listed();
    expect(before.api).toEqual(['Hotpot for two', 'Massage', 'Noodles']);
    expect(before.page).toEqual(['Hotpot for two', 'Massage', 'Noodles']);
    const hotpot = before.ids.find((deal) => deal.title === 'Hotpot for two')!.id;
    // Warm /go's redirect cache: the suspension must reach it through the change listener.
    expect((await t.app.inject({ url: `/go/${hotpot}` })).statusCode).toBe(302);

    expect(cheerio.load((await ops.get(`/operator/sites/${t.site.id}`)).body)('.current-deals').text()).toContain('2 current deals, listed');
    const suspended = await ops.submit(`/operator/sites/${t.site.id}`, `/operator/sites/${t.site.id}/suspend`, { reason: 'Deals link to a closed shop.' });
    expect(suspended.statusCode).toBe(303);
    expect((await t.storage.sites.findById(t.site.id))!).toMatchObject({ status: 'suspended', statusReason: 'Deals link to a closed shop.' });
    expect((await t.app.inject({ url: `/go/${hotpot}` })).statusCode).toBe(404);
    expect(await t.storage.deals.findById(hotpot)).not.toBeNull(); // nothing deleted
    expect(cheerio.load((await ops.get(`/operator/sites/${t.site.id}`)).body)('.current-deals').text()).toContain('2 current deals, not listed');
    expect((await t.storage.feeds.listDue(new Date(), 10)).map((feed) => feed.id)).toEqual([otherFeed.id]); // the pending site's feed is not due either
    const during = await listed();
    expect(during.api).toEqual(['Massage']);
    expect(during.total).toBe(1);
    expect(during.page).toEqual(['Massage']);

    const reactivated = await ops.submit(`/operator/sites/${t.site.id}`, `/operator/sites/${t.site.id}/reactivate`, {});
    expect(reactivated.statusCode).toBe(303);
    expect((await t.storage.sites.findById(t.site.id))!).toMatchObject({ status: 'active', statusReason: null });
    expect((await t.app.inject({ url: `/go/${hotpot}` })).statusCode).toBe(302);
    const after = await listed();
    expect(after.api).toEqual(['Hotpot for two', 'Massage', 'Noodles']);
    expect(after.page).toEqual(['Hotpot for two', 'Massage', 'Noodles']);
    expect((await auditActions()).slice(0, 2)).toEqual(['site.reactivate', 'site.suspend']);
  });

  it('adds effective-dated commission terms from the form, audited, never before a closed month, with errors beside the fields', async () => {
    const url = `/operator/sites/${t.site.id}`;
    const added = await ops.submit(url, `${url}/terms`, { model: 'cps', rate: '8.5', from: '2026-01-01', category: '' });
    expect(added.statusCode).toBe(303);
    const [term] = await t.storage.revenue.listTerms(t.site.id);
    expect(term).toMatchObject({ model: 'cps', rateBp: 850, flatMinor: null, category: null, effectiveFrom: new Date('2026-01-01T00:00:00Z') });
    expect((await t.app.audit.page(1, 1)).entries[0]).toMatchObject({ action: 'commission_term.add', subject: `site:${t.site.id}`, after: { model: 'cps', rateBp: 850 } });

    const cpc = await ops.submit(url, `${url}/terms`, { model: 'cpc', amount: '0.30', currency: 'cny', from: '2026-02-01', category: 'food' });
    expect(cpc.statusCode).toBe(303);
    const page = cheerio.load((await ops.get(url)).body);
    const rows = page('.terms-table tbody tr');
    expect(rows.length).toBe(2);
    expect(rows.eq(0).text()).toContain('8.5%');
    expect(rows.eq(1).text()).toContain('0.30');
    expect(rows.eq(1).text()).toContain('food');

    const badRate = await ops.submit(url, `${url}/terms`, { model: 'cps', rate: '120', from: '2026-03-01' });
    expect(badRate.statusCode).toBe(400);
    const bad = cheerio.load(badRate.body);
    expect(bad('#error-termRate').text()).toContain('at most 100');
    expect(bad('#term-rate').attr('value')).toBe('120');
    const badAmount = await ops.submit(url, `${url}/terms`, { model: 'cpa_sale', amount: '5.001', currency: 'CNY', from: '2026-03-01' });
    expect(badAmount.statusCode).toBe(400);
    expect(cheerio.load(badAmount.body)('#error-termAmount').text()).toContain('exact amount');
    const badDate = await ops.submit(url, `${url}/terms`, { model: 'cps', rate: '5', from: '2026-02-30x' });
    expect(badDate.statusCode).toBe(400);

    await t.storage.revenue.markPeriodClosed(t.site.id, '2026-02', new Date());
    const beforeClosed = await ops.submit(url, `${url}/terms`, { model: 'cps', rate: '9', from: '2026-02-15' });
    expect(beforeClosed.statusCode).toBe(409);
    expect(cheerio.load(beforeClosed.body)('#error-termFrom').text()).toContain('2026-03-01');
    const afterClosed = await ops.submit(url, `${url}/terms`, { model: 'cps', rate: '9', from: '2026-03-01' });
    expect(afterClosed.statusCode).toBe(303);
    expect((await t.storage.revenue.listTerms(t.site.id)).map((row) => row.rateBp ?? row.flatMinor)).toEqual([850, 30, 900]);
  });

  it('sets the attribution window, audited, and refuses a window out of range', async () => {
    const url = `/operator/sites/${t.site.id}`;
    expect((await ops.submit(url, `${url}/attribution`, { days: '0' })).statusCode).toBe(400);
    const saved = await ops.submit(url, `${url}/attribution`, { days: '7' });
    expect(saved.statusCode).toBe(303);
    expect((await t.storage.sites.findById(t.site.id))!.attributionWindowDays).toBe(7);
    expect((await t.app.audit.page(1, 1)).entries[0]).toMatchObject({
      action: 'site.attribution_window', before: { attributionWindowDays: 30 }, after: { attributionWindowDays: 7 },
    });
  });

  it('shows crawl health with failing and paused filters and resumes a paused feed, audited', async () => {
    await t.storage.feeds.recordFailure(t.feed.id, { at: new Date(), code: 'http_status', message: 'HTTP 500', nextCheckAt: new Date(Date.now() + 60_000) });
    await t.storage.feeds.pause(pendingFeed.id, 'HTTP 410 Gone');
    const runId = await t.storage.crawlRuns.start(t.feed.id, new Date(Date.now() - 12_000));
    await t.storage.crawlRuns.finish(runId, new Date(), {
      outcome: 'failed', httpStatus: 500, bytes: null, format: null, itemsSeen: 0, counts: null, skipped: [], errorCode: 'http_status', errorMessage: 'HTTP 500',
    });

    const failing = cheerio.load((await ops.get('/operator/crawl-health?filter=failing')).body);
    expect(failing('tr[data-feed-id]').map((_, row) => Number(failing(row).attr('data-feed-id'))).get()).toEqual([t.feed.id]);
    expect(failing('tbody').text()).toContain('http_status: HTTP 500');
    const slow = cheerio.load((await ops.get('/operator/crawl-health?filter=slow')).body);
    expect(slow('tr[data-feed-id]').length).toBe(1);
    expect(slow('tbody').text()).toMatch(/1[12]\.\d s/);
    const paused = cheerio.load((await ops.get('/operator/crawl-health?filter=paused')).body);
    expect(paused('tr[data-feed-id]').map((_, row) => Number(paused(row).attr('data-feed-id'))).get()).toEqual([pendingFeed.id]);
    expect(paused('tbody').text()).toContain('HTTP 410 Gone');

    const resumed = await ops.submit('/operator/crawl-health?filter=paused', `/operator/feeds/${pendingFeed.id}/resume`, {});
    expect(resumed.statusCode).toBe(303);
    expect(resumed.headers.location).toBe(`/operator/crawl-health?filter=paused&resumed=${pendingFeed.id}`);
    expect((await t.storage.feeds.findById(pendingFeed.id))!).toMatchObject({ status: 'active', pausedReason: null });
    expect((await t.app.audit.page(1, 1)).entries[0]).toMatchObject({
      action: 'feed.resume', subject: `site:${pending.id}`, before: { status: 'paused', pausedReason: 'HTTP 410 Gone' }, after: { status: 'active' },
    });
  });

  it('lists users with their role, sites owned and latest sign-in', async () => {
    const page = cheerio.load((await ops.get('/operator/users')).body);
    const rows = page('tr[data-user-id]');
    expect(rows.length).toBe(2);
    const ownerRow = page(`tr[data-user-id="${owner.id}"]`).text();
    expect(ownerRow).toContain('owner@example.com');
    expect(ownerRow).toContain('Site owner');
    expect(page(`tr[data-user-id="${owner.id}"] td`).eq(3).text()).toBe('1');
    expect(page(`tr[data-user-id="${operator.id}"] time`).length).toBe(2); // created, latest session
  });

  it('disables a site owner: signed out at once, sign-in refused, sites kept; enabling lets them in again; operators cannot be disabled here', async () => {
    const signInAsOwner = () => new BrowserSession(t.app).submit('/account/sign-in', '/account/sign-in', { email: 'owner@example.com', password: GOOD_PASSWORD });
    expect((await ownerBrowser.get('/account')).statusCode).toBe(200);

    const disabled = await ops.submit('/operator/users', `/operator/users/${owner.id}/disable`, {});
    expect(disabled.statusCode).toBe(303);
    expect(disabled.headers.location).toBe('/operator/users?done=disable');
    expect((await ownerBrowser.get('/account')).statusCode).toBe(303); // the session is gone
    expect(await t.storage.sessions.countForUser(owner.id)).toBe(0);
    expect((await signInAsOwner()).statusCode).toBe(401);
    expect((await t.storage.sites.findById(pending.id))!.ownerUserId).toBe(owner.id);
    const page = cheerio.load((await ops.get('/operator/users?done=disable')).body);
    expect(page(`tr[data-user-id="${owner.id}"]`).hasClass('user-disabled')).toBe(true);
    expect(page(`form[action="/operator/users/${operator.id}/disable"]`).length).toBe(0);
    expect((await t.app.audit.page(1, 1)).entries[0]).toMatchObject({
      action: 'user.disable', subject: `user:${owner.id}`, before: { disabledAt: null }, after: { email: 'owner@example.com', sessionsEnded: 1 },
    });

    expect((await ops.submit('/operator/users', `/operator/users/${owner.id}/enable`, {})).statusCode).toBe(303);
    expect((await signInAsOwner()).statusCode).toBe(303);
    expect((await t.app.audit.page(1, 1)).entries[0]).toMatchObject({ action: 'user.enable', after: { disabledAt: null } });

    const token = cheerio.load((await ops.get('/operator/users')).body)('input[name="_csrf"]').first().attr('value')!;
    expect((await ops.post(`/operator/users/${operator.id}/disable`, { _csrf: token })).statusCode).toBe(409);
    expect((await t.storage.users.findById(operator.id))!.disabledAt).toBeNull();
  });
});
