// Roles, site ownership, the audit log page and per-site API tokens, through routes a later
// feature would declare the same way.
import * as cheerio from 'cheerio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requireOperator, requireSiteOwner, requireSiteToken, siteIdParam } from '../../src/accounts/guards';
import { SESSION_COOKIE } from '../../src/accounts/sessions';
import type { Site, User } from '../../src/storage';
import { buildTestApp, type TestApp } from '../helpers/app';
import { GOOD_PASSWORD } from '../helpers/browser-session';

describe('access', () => {
  let t: TestApp;
  let ownerA: User;
  let ownerB: User;
  let operator: User;
  let siteA: Site;
  let siteB: Site;

  const createUser = async (email: string, role: 'operator' | 'owner') => {
    const result = await t.app.accounts.createUser(email, GOOD_PASSWORD, role);
    if (!result.ok) throw new Error(`could not create ${email}`);
    return result.user;
  };
  const cookieFor = async (user: User) => `${SESSION_COOKIE}=${(await t.app.sessions.start(user.id, 'test')).cookieValue}`;
  const as = async (user: User | null, url: string, accept = 'text/html') =>
    t.app.inject({ url, headers: { accept, ...(user ? { cookie: await cookieFor(user) } : {}) } });

  beforeEach(async () => {
    // What a later route file does: declare the guard, use the site it leaves behind.
    t = await buildTestApp(undefined, (pages) => {
      pages.get('/owner/sites/:siteId/probe', {
        preHandler: requireSiteOwner(siteIdParam()),
        schema: { params: { type: 'object', properties: { siteId: { type: 'integer', minimum: 1 } } } },
      }, async (request) => ({ site: request.authorizedSite!.slug }));
      pages.get('/operator/probe', { preHandler: requireOperator }, async () => ({ ok: true }));
      pages.get('/api/site-token/probe', { preHandler: requireSiteToken }, async (request) => ({ siteId: request.siteToken!.siteId }));
    });
    [ownerA, ownerB, operator] = await Promise.all([
      createUser('a@example.com', 'owner'), createUser('b@example.com', 'owner'), createUser('ops@example.com', 'operator'),
    ]);
    siteA = t.site;
    siteB = await t.storage.sites.upsert({ slug: 'haotuan', name: '好团网', homeUrl: 'http://haotuan.example/' });
    await t.storage.sites.setOwner(siteA.id, ownerA.id);
    await t.storage.sites.setOwner(siteB.id, ownerB.id);
  });
  afterEach(async () => { await t.close(); });

  it('lets an owner through for their own site only; operators for every site', async () => {
    const own = await as(ownerA, `/owner/sites/${siteA.id}/probe`, 'application/json');
    expect(own.statusCode).toBe(200);
    expect(own.json()).toEqual({ site: 'letuan' });
    const other = await as(ownerA, `/owner/sites/${siteB.id}/probe`, 'application/json');
    expect(other.statusCode).toBe(403);
    expect(other.json()).toMatchObject({ code: 'DN_ERR_FORBIDDEN' });
    // An id that does not exist looks the same to an owner as another owner's site.
    expect((await as(ownerA, '/owner/sites/999/probe', 'application/json')).statusCode).toBe(403);
    expect((await as(ownerB, `/owner/sites/${siteB.id}/probe`, 'application/json')).statusCode).toBe(200);

    expect((await as(operator, `/owner/sites/${siteB.id}/probe`, 'application/json')).statusCode).toBe(200);
    expect((await as(operator, '/owner/sites/999/probe', 'application/json')).statusCode).toBe(404);
    expect((await as(null, `/owner/sites/${siteA.id}/probe`, 'application/json')).statusCode).toBe(401);
    const page = await as(null, `/owner/sites/${siteA.id}/probe`);
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe(`/account/sign-in?next=%2Fowner%2Fsites%2F${siteA.id}%2Fprobe`);
  });

  it('keeps operator pages from owners (403) and shows operators the audit log, newest first', async () => {
    expect((await as(ownerA, '/operator/probe', 'application/json')).statusCode).toBe(403);
    expect((await as(operator, '/operator/probe', 'application/json')).statusCode).toBe(200);

    await t.app.audit.record({ actorUserId: ownerA.id, action: 'site.update', subject: `site:${siteA.id}`, before: { name: 'old' }, after: { name: '<b>new</b>' } });
    await t.app.siteTokens.create(siteA.id, operator.id);

    const refused = await as(ownerA, '/operator/audit');
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain('site.update');
    const audit = await as(operator, '/operator/audit');
    expect(audit.statusCode).toBe(200);
    const $ = cheerio.load(audit.body);
    const rows = $('table.audit-log tbody tr');
    expect(rows.length).toBe(2);
    expect(rows.eq(0).text()).toContain('site_token.create');
    expect(rows.eq(0).text()).toContain('ops@example.com');
    expect(rows.eq(1).text()).toContain('site.update');
    expect(rows.eq(1).text()).toContain('a@example.com');
    expect(rows.eq(1).find('pre').last().text()).toContain('<b>new</b>'); // shown as text, not markup
    expect($('.site-nav a[href="/operator/audit"]').length).toBe(1);
    expect((await as(operator, '/operator/audit?page=0')).statusCode).toBe(400);
  });

  it('creates a site API token shown once, accepts it as a bearer token, lists it by prefix, and refuses it once revoked', async () => {
    const { token, record } = await t.app.siteTokens.create(siteB.id, ownerB.id);
    expect(token).toMatch(/^dnt_[\w-]{43}$/);
    const call = (authorization?: string) => t.app.inject({ url: '/api/site-token/probe', headers: authorization ? { authorization } : {} });

    const used = await call(`Bearer ${token}`);
    expect(used.statusCode).toBe(200);
    expect(used.json()).toEqual({ siteId: siteB.id });
    const [listed] = await t.app.siteTokens.list(siteB.id);
    expect(listed).toMatchObject({ id: record.id, prefix: token.slice(0, 10), revokedAt: null });
    expect(listed!.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(token);

    const missing = await call();
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toContain('Bearer');
    expect((await call(`Bearer ${token.slice(0, -1)}x`)).statusCode).toBe(401);

    expect(await t.app.siteTokens.revoke(record.id, ownerB.id)).not.toBeNull();
    expect((await call(`Bearer ${token}`)).statusCode).toBe(401);
    expect(await t.app.siteTokens.revoke(record.id, ownerB.id)).toBeNull();
    const { entries } = await t.app.audit.page(1, 10);
    expect(entries.map((entry) => entry.action)).toEqual(['site_token.revoke', 'site_token.create']);
  });
});
