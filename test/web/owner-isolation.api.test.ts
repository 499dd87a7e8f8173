// One site owner cannot read or change another owner's site by changing an id in a URL. The
// routes come from the app itself (printRoutes), so a route added later is tried too: every
// /owner and /api route with a :siteId or :feedId (and the ids nested under them) is tried by
// owner A with owner B's ids, GET and POST with a valid CSRF token, and must answer 403 and
// change nothing in the database; every /operator route must answer 403 to an owner.
import Database from 'better-sqlite3';
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodOf } from '../../src/revenue/periods';
import { registerOwnedSite } from '../../src/sites/register-site';
import type { Feed, Site, User } from '../../src/storage';
import type { BrowserSession } from '../helpers/browser-session';
import { buildOwnerTestApp, routesOf, type OwnerTestApp, type Route } from './owner-test-app';

/** Tables every request may touch without changing anything a person owns. */
const VOLATILE_TABLES = new Set(['sessions']);

describe('one owner cannot reach another owner\'s site through any route', () => {
  let t: OwnerTestApp;
  let ownerA: User;
  let ownerB: User;
  let siteA: { site: Site; feed: Feed };
  let siteB: { site: Site; feed: Feed };
  let tokenB: number;
  let session: BrowserSession;
  let csrf: string;
  let routes: Route[];

  const register = async (owner: User, host: string) => {
    const result = await registerOwnedSite(t.storage, { name: host, homeUrl: `http://${host}/`, feedUrl: `http://${host}/feed.xml` }, owner.id, new Date());
    if (!result.ok) throw new Error('registration failed');
    return result;
  };

  /** Every row of every table but the volatile ones, to prove a refused request changed nothing. */
  const snapshot = () => {
    const db = new Database(t.dbFile, { readonly: true });
    try {
      const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
      return Object.fromEntries(tables.filter(({ name }) => !VOLATILE_TABLES.has(name))
        .map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}"`).raw().all().map((row) => JSON.stringify(row)).sort()]));
    } finally {
      db.close();
    }
  };

  /** The path with B's ids in it; `mixed` keeps A's site id and puts B's id only in the nested place. */
  const fill = (path: string, mixed = false) => path
    .replace(':siteId', String(mixed ? siteA.site.id : siteB.site.id))
    .replace(':feedId', String(siteB.feed.id))
    .replace(':tokenId', String(tokenB))
    .replace(':month', periodOf(new Date()))
    .replace(/:[A-Za-z]+/g, '1');

  const tryRoute = async (method: string, url: string) =>
    method === 'GET' ? session.get(url) : session.post(url, { _csrf: csrf });

  beforeAll(async () => {
    t = await buildOwnerTestApp({ allowPrivateNetwork: false });
    [ownerA, ownerB] = [await t.createUser('a@example.com'), await t.createUser('b@example.com')];
    siteA = await register(ownerA, 'a-tuan.example');
    siteB = await register(ownerB, 'b-tuan.example');
    await t.storage.feeds.pause(siteB.feed.id, 'kept failing');
    tokenB = (await t.app.siteTokens.create(siteB.site.id, ownerB.id)).record.id;
    await t.app.ready();
    routes = routesOf(t.app.printRoutes({ commonPrefix: false }));
    session = await t.signedIn(ownerA);
    csrf = cheerio.load((await session.get('/owner/sites/new')).body)('form[action="/owner/sites/new"] input[name="_csrf"]').attr('value')!;
  });
  afterAll(async () => { await t.close(); });

  it('finds the owner routes that take a site or feed id in the app itself', () => {
    const owned = routes.filter((route) => /:(siteId|feedId)\b/.test(route.path) && !route.path.startsWith('/operator'));
    // The ones this file was written against; any route added later is tried as well.
    expect(owned.map((route) => route.path)).toEqual(expect.arrayContaining([
      '/owner/sites/:siteId', '/owner/sites/:siteId/verify', '/owner/sites/:siteId/preview', '/owner/sites/:siteId/postback-secret',
      '/owner/sites/:siteId/feeds/:feedId/resume', '/owner/sites/:siteId/tokens', '/owner/sites/:siteId/tokens/:tokenId/revoke',
      '/owner/sites/:siteId/statements/:month.csv', '/owner/sites/:siteId/edit',
    ]));
  });

  it('answers 403 to owner A for every such route with owner B\'s ids, and changes nothing', async () => {
    const before = snapshot();
    const owned = routes.filter((route) => /:(siteId|feedId)\b/.test(route.path) && !route.path.startsWith('/operator'));
    const answers: string[] = [];
    for (const route of owned) {
      for (const method of route.methods) {
        const urls = [fill(route.path), ...(/:siteId\b.*:\w+Id\b/.test(route.path) ? [fill(route.path, true)] : [])];
        for (const url of urls) answers.push(`${method} ${url} ${(await tryRoute(method, url)).statusCode}`);
      }
    }
    expect(answers.length).toBeGreaterThanOrEqual(10);
    expect(answers.filter((answer) => !answer.endsWith(' 403'))).toEqual([]);
    expect(snapshot()).toEqual(before);
    expect(await t.storage.feeds.findById(siteB.feed.id)).toMatchObject({ status: 'paused' });
  });

  it('answers 403 to an owner for every operator route', async () => {
    const before = snapshot();
    const operatorRoutes = routes.filter((route) => route.path.startsWith('/operator'));
    expect(operatorRoutes.length).toBeGreaterThan(0);
    const answers: string[] = [];
    for (const route of operatorRoutes) {
      for (const method of route.methods) answers.push(`${method} ${fill(route.path)} ${(await tryRoute(method, fill(route.path))).statusCode}`);
    }
    expect(answers.filter((answer) => !answer.endsWith(' 403'))).toEqual([]);
    expect(snapshot()).toEqual(before);
  });

  it('lets owner A do the same on their own site with the same CSRF token (the refusals were about ownership)', async () => {
    expect((await tryRoute('GET', `/owner/sites/${siteA.site.id}`)).statusCode).toBe(200);
    expect((await tryRoute('POST', `/owner/sites/${siteA.site.id}/tokens`)).statusCode).toBe(200);
    expect(await t.storage.siteApiTokens.listForSite(siteA.site.id)).toHaveLength(1);
  });
});
