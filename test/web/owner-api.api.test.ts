// The site owners' API through the real app on a real SQLite file: each route answers about the
// token's own site only (two owners' sites with clicks, conversions and statements side by side),
// a revoked, missing or malformed token is 401, a client naming another site is 403, ranges and
// pages are validated, every route is rate-limited per address, and all of it is in /docs.
import Database from 'better-sqlite3';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodOf } from '../../src/revenue/periods';
import { registerOwnedSite } from '../../src/sites/register-site';
import type { Feed, Site } from '../../src/storage';
import { OWNER_API_PER_MINUTE } from '../../src/web/api/owner';
import { dealRecord } from '../helpers/deal-record';
import { buildOwnerTestApp, routesOf, type OwnerTestApp } from './owner-test-app';

interface OwnedSite { site: Site; feed: Feed; token: string; clickTokens: string[]; orderIds: string[] }

const at = (iso: string) => new Date(iso);

describe('the site owners\' API', () => {
  let t: OwnerTestApp;
  let a: OwnedSite;
  let b: OwnedSite;
  let nextClickId = 1000;

  /** A registered site with one live deal, clicks at these instants and a conversion on the first click. */
  async function ownedSite(email: string, host: string, clickTimes: string[], bots: number[] = []): Promise<OwnedSite> {
    const owner = await t.createUser(email);
    const registered = await registerOwnedSite(t.storage, { name: host, homeUrl: `http://${host}/`, feedUrl: `http://${host}/feed.xml` }, owner.id, new Date());
    if (!registered.ok) throw new Error('registration failed');
    const { site, feed } = registered;
    await t.storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: `${host}-deal` })], new Date());
    const dealId = dealIdOf(site);
    const clickTokens = clickTimes.map((_, index) => `${site.slug}-click-${index}`);
    await t.storage.clicks.insertBatch(clickTimes.map((time, index) => ({
      id: nextClickId++, token: clickTokens[index]!, dealId, siteId: site.id, createdAt: at(time), city: 'chengdu', subId: `sub-${index}`,
      referrer: 'http://portal.example/secret-page', userAgent: 'Mozilla/5.0 visitor', ipHash: `visitor-hash-${host}`,
      isBot: bots.includes(index), isDuplicate: false,
    })));
    const firstClick = nextClickId - clickTimes.length;
    const orderId = `${site.slug}-order-1`;
    t.storage.revenue.transaction((tx) => tx.insertConversion({
      siteId: site.id, clickId: firstClick, orderId, kind: 'sale', amountMinor: 6801, currency: 'CNY', status: 'pending',
      occurredAt: new Date(at(clickTimes[0]!).getTime() + 3_600_000), termId: null, now: new Date(),
    }));
    const { token } = await t.app.siteTokens.create(site.id, owner.id);
    return { site, feed, token, clickTokens, orderIds: [orderId] };
  }

  /** A pending site's deal is listed nowhere, so its id comes from the file itself. */
  const dealIdOf = (site: Site): number => {
    const db = new Database(t.dbFile, { readonly: true });
    try {
      return db.prepare<[number], { id: number }>('SELECT id FROM deals WHERE site_id = ?').get(site.id)!.id;
    } finally {
      db.close();
    }
  };
  const call = (url: string, authorization?: string, remoteAddress = '127.0.0.1') =>
    t.app.inject({ url, remoteAddress, headers: authorization === undefined ? {} : { authorization } });
  const as = (site: OwnedSite, url: string) => call(url, `Bearer ${site.token}`);
  /** Everything that would give site B away in an answer to A's token. */
  const tracesOf = (site: OwnedSite) => [site.site.slug, site.feed.url, site.token, ...site.clickTokens, ...site.orderIds];
  const expectNone = (response: LightMyRequestResponse, traces: string[]) => {
    for (const trace of traces) expect(response.body, trace).not.toContain(trace);
  };

  beforeAll(async () => {
    t = await buildOwnerTestApp({ allowPrivateNetwork: false });
    a = await ownedSite('a@example.com', 'a-tuan.example', ['2026-01-10T08:00:00Z', '2026-01-20T09:00:00Z', '2026-02-05T10:00:00Z'], [1]);
    b = await ownedSite('b@example.com', 'b-tuan.example', ['2026-01-15T12:00:00Z', '2026-01-16T12:00:00Z']);
    await t.storage.feeds.pause(b.feed.id, 'kept failing');
  });
  afterAll(async () => { await t.close(); });

  it('answers the token\'s own site: status, verification, feeds with health, totals and statement months', async () => {
    const response = await as(a, '/api/owner/site');
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body.site).toMatchObject({ id: a.site.id, slug: a.site.slug, status: 'pending', verified: false, verifiedAt: null });
    expect(body.feeds).toEqual([expect.objectContaining({ id: a.feed.id, url: a.feed.url, health: 'ok', status: 'active', runs: [] })]);
    expect(body.liveDeals).toBe(0); // a pending site lists nothing
    expect(body.clicks).toEqual({ total: 3, billable: 2, bots: 1, duplicates: 0 });
    expect(body.conversions).toEqual([{ currency: 'CNY', conversions: 1, sales: 1, leads: 0, salesMinor: 6801 }]);
    expect(body.statements[0]).toEqual({
      month: periodOf(new Date()), closed: false,
      url: `/api/owner/statements/${periodOf(new Date())}`, csvUrl: `/api/owner/statements/${periodOf(new Date())}?format=csv`,
    });
    expectNone(response, tracesOf(b));

    const other = (await as(b, '/api/owner/site')).json();
    expect(other.site.slug).toBe(b.site.slug);
    expect(other.feeds[0]).toMatchObject({ health: 'paused', pausedReason: 'kept failing' });
  });

  it('pages the clicks of a date range, newest first, with nothing about the visitor', async () => {
    const january = await as(a, '/api/owner/clicks?from=2026-01-01&to=2026-01-31');
    expect(january.statusCode).toBe(200);
    expect(january.json()).toEqual({
      site: a.site.slug, from: '2026-01-01', to: '2026-01-31', page: 1, pageSize: 100, total: 2,
      clicks: [
        { clickId: a.clickTokens[1], dealId: expect.any(Number), at: '2026-01-20T09:00:00.000Z', city: 'chengdu', subId: 'sub-1', billable: false, bot: true, duplicate: false },
        { clickId: a.clickTokens[0], dealId: expect.any(Number), at: '2026-01-10T08:00:00.000Z', city: 'chengdu', subId: 'sub-0', billable: true, bot: false, duplicate: false },
      ],
    });
    for (const hidden of ['visitor-hash', 'Mozilla', 'secret-page']) expect(january.body).not.toContain(hidden);
    expectNone(january, tracesOf(b));

    const second = (await as(a, '/api/owner/clicks?from=2026-01-01&to=2026-02-28&pageSize=2&page=2')).json();
    expect(second).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(second.clicks.map((click: { clickId: string }) => click.clickId)).toEqual([a.clickTokens[0]]);
    // The last day of a range is included whole.
    expect((await as(a, '/api/owner/clicks?from=2026-02-05&to=2026-02-05')).json().total).toBe(1);
    expect((await as(b, '/api/owner/clicks?from=2026-01-01&to=2026-01-31')).json().clicks.map((click: { clickId: string }) => click.clickId))
      .toEqual([b.clickTokens[1], b.clickTokens[0]]);
  });

  it('pages the conversions of a date range', async () => {
    const response = await as(a, '/api/owner/conversions?from=2026-01-01&to=2026-01-31');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      site: a.site.slug, from: '2026-01-01', to: '2026-01-31', page: 1, pageSize: 100, total: 1,
      conversions: [{
        orderId: a.orderIds[0], clickId: a.clickTokens[0], kind: 'sale', status: 'pending', amountMinor: 6801, currency: 'CNY',
        occurredAt: '2026-01-10T09:00:00.000Z', updatedAt: expect.any(String),
      }],
    });
    expectNone(response, tracesOf(b));
    expect((await as(a, '/api/owner/conversions?from=2026-02-01&to=2026-02-28')).json()).toMatchObject({ total: 0, conversions: [] });
    expect((await as(b, '/api/owner/conversions?from=2026-01-01&to=2026-01-31')).json().conversions[0].orderId).toBe(b.orderIds[0]);
  });

  it('answers a month\'s statement as JSON and as CSV', async () => {
    const json = await as(a, '/api/owner/statements/2026-01');
    expect(json.statusCode).toBe(200);
    expect(json.json()).toMatchObject({
      site: a.site.slug, period: '2026-01', start: '2026-01-01T00:00:00.000Z', end: '2026-02-01T00:00:00.000Z', closedAt: null,
      clicks: { total: 2, billable: 1, bots: 1, duplicates: 0 },
      lines: [expect.objectContaining({ currency: 'CNY', conversions: 1, salesMinor: 6801 })],
    });
    const csv = await as(a, '/api/owner/statements/2026-01?format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="${a.site.slug}-2026-01.csv"`);
    const [header, line, ...rest] = csv.body.trimEnd().split('\r\n');
    expect(header).toMatch(/^site,period,currency,/);
    expect(line).toMatch(new RegExp(`^${a.site.slug},2026-01,CNY,`));
    expect(rest).toEqual([]);
    expectNone(csv, tracesOf(b));
    const list = (await as(a, '/api/owner/statements')).json();
    expect(list.site).toBe(a.site.slug);
    expect(list.statements.map((statement: { month: string }) => statement.month)).toEqual([periodOf(new Date())]);
    expect((await as(a, '/api/owner/statements/2026-13')).statusCode).toBe(400);
  });

  it('never answers with another site\'s data on any owner API route, and refuses a client that names another site (403)', async () => {
    await t.app.ready();
    const apiRoutes = routesOf(t.app.printRoutes({ commonPrefix: false })).filter((route) => route.path.startsWith('/api/owner'));
    expect(apiRoutes.map((route) => route.path)).toEqual(expect.arrayContaining([
      '/api/owner/site', '/api/owner/clicks', '/api/owner/conversions', '/api/owner/statements', '/api/owner/statements/:month',
    ]));
    for (const route of apiRoutes) {
      expect(route.methods, route.path).toEqual(['GET']); // read-only
      const url = `${route.path.replace(':month', '2026-01')}?from=2026-01-01&to=2026-12-31`;
      const own = await as(a, url);
      expect(own.statusCode, url).toBe(200);
      expectNone(own, tracesOf(b));
      const named = await as(a, `${url}&site=${b.site.slug}`);
      expect(named.statusCode, url).toBe(403);
      expect(named.json()).toMatchObject({ code: 'DN_ERR_FORBIDDEN' });
      expectNone(named, tracesOf(b));
      expect((await as(a, `${url}&site=${a.site.slug}`)).statusCode, url).toBe(200);
    }
  });

  it('answers 401 with a WWW-Authenticate challenge for a missing, malformed, unknown or revoked token', async () => {
    const refusals = [undefined, '', 'Bearer', `Basic ${Buffer.from('a:b').toString('base64')}`, `Token ${a.token}`, `Bearer ${a.token.slice(0, -1)}`,
      `Bearer ${a.token}x`, `Bearer dnt_${'A'.repeat(43)}`, `Bearer ${a.token} extra`];
    for (const authorization of refusals) {
      const response = await call('/api/owner/site', authorization);
      expect(response.statusCode, String(authorization)).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="dealnav"');
      expect(response.json()).toMatchObject({ statusCode: 401, code: 'DN_ERR_API_TOKEN' });
    }
    // The token is checked before the query: a bad query without a token still says 401.
    expect((await call('/api/owner/clicks?from=yesterday')).statusCode).toBe(401);

    const owner = (await t.storage.users.findByEmail('a@example.com'))!;
    const spare = await t.app.siteTokens.create(a.site.id, owner.id);
    expect((await call('/api/owner/site', `Bearer ${spare.token}`)).statusCode).toBe(200);
    await t.app.siteTokens.revoke(spare.record.id, owner.id);
    const revoked = await call('/api/owner/clicks', `Bearer ${spare.token}`);
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json()).toMatchObject({ code: 'DN_ERR_API_TOKEN' });
    expect((await as(a, '/api/owner/site')).statusCode).toBe(200); // the site's other token still works
  });

  it('validates the range and the page with a clear 400', async () => {
    const refused = async (query: string) => {
      const response = await as(a, `/api/owner/clicks?${query}`);
      expect(response.statusCode, query).toBe(400);
      return response.json() as { code: string; message: string };
    };
    expect(await refused('from=2026-02-01&to=2026-01-01')).toMatchObject({ code: 'DN_ERR_INVALID_RANGE', message: '`from` must not be after `to`.' });
    expect((await refused('from=2026-02-30&to=2026-03-01')).message).toContain('`from` is not a calendar day');
    expect((await refused('from=2024-01-01&to=2026-01-01')).message).toContain('at most 400 days');
    expect((await refused('from=01/02/2026')).code).toBe('DN_ERR_INVALID_REQUEST');
    expect((await refused('pageSize=501')).code).toBe('DN_ERR_INVALID_REQUEST');
    expect((await refused('page=0')).code).toBe('DN_ERR_INVALID_REQUEST');
    expect((await refused('page=100000&pageSize=500')).message).toContain('too deep');
  });

  it(`takes ${OWNER_API_PER_MINUTE} requests a minute from one address over every route together`, async () => {
    const address = '203.0.113.40';
    for (let request = 1; request <= OWNER_API_PER_MINUTE; request++) {
      const url = request % 2 ? '/api/owner/site' : '/api/owner/statements';
      expect((await call(url, `Bearer ${a.token}`, address)).statusCode, `request ${request}`).toBe(200);
    }
    const over = await call('/api/owner/clicks', `Bearer ${a.token}`, address);
    expect(over.statusCode).toBe(429);
    expect(over.json()).toMatchObject({ code: 'DN_ERR_RATE_LIMITED' });
    // Guessing tokens counts as well; another address is not held back.
    expect((await call('/api/owner/site', 'Bearer dnt_guess', address)).statusCode).toBe(429);
    expect((await call('/api/owner/site', `Bearer ${a.token}`, '203.0.113.41')).statusCode).toBe(200);
  });

  it('publishes every route with its schemas and the bearer token scheme in the OpenAPI document', async () => {
    const document = (await t.app.inject({ url: '/docs/json' })).json();
    expect(document.components.securitySchemes.siteToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const path of ['/api/owner/site', '/api/owner/clicks', '/api/owner/conversions', '/api/owner/statements', '/api/owner/statements/{month}']) {
      const operation = document.paths[path]?.get;
      expect(operation, path).toBeDefined();
      expect(operation.security).toEqual([{ siteToken: [] }]);
      expect(operation.responses['200']).toBeDefined();
    }
    expect(document.paths['/api/owner/clicks'].get.parameters.map((parameter: { name: string }) => parameter.name))
      .toEqual(expect.arrayContaining(['from', 'to', 'page', 'pageSize', 'site']));
  });
});
