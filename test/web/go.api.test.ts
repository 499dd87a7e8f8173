import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStorage } from '../../src/storage';
import { buildTestApp, type TestApp } from '../helpers/app';
import { dealRecord } from '../helpers/deal-record';

describe('GET /go/:dealId', () => {
  let t: TestApp;
  let dealId: number;

  beforeEach(async () => {
    t = await buildTestApp();
    await t.storage.deals.applyFeedSnapshot(t.feed, [dealRecord({ externalId: 'a', url: 'http://www.letuan.example/team.php?id=3172' })], new Date());
    dealId = (await t.storage.deals.listLive({ now: new Date(), page: 1, pageSize: 1 })).deals[0]!.id;
  });
  afterEach(async () => { await t.close(); });

  /** Reads the clicks table through a second connection: what is there is on disk, not in our process. */
  const clickTokensOnDisk = () => {
    const db = new Database(t.dbFile, { readonly: true });
    try {
      return db.prepare('SELECT token, deal_id, sub_id, is_bot FROM clicks ORDER BY id').all() as { token: string; deal_id: number; sub_id: string | null; is_bot: number }[];
    } finally {
      db.close();
    }
  };

  it('answers 302 to the stored deal URL with the click id, uncached, after the click is committed', async () => {
    const response = await t.app.inject({ url: `/go/${dealId}?sub=home-top`, headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0' } });
    expect(response.statusCode).toBe(302);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['referrer-policy']).toBe('origin');
    const location = new URL(response.headers.location as string);
    expect(`${location.origin}${location.pathname}`).toBe('http://www.letuan.example/team.php');
    expect(location.searchParams.get('id')).toBe('3172');
    const clickId = location.searchParams.get('dnclick');
    expect(clickId).toMatch(/^[0-9a-z]+-[A-Za-z0-9_-]{16}$/);
    expect(clickTokensOnDisk()).toEqual([{ token: clickId, deal_id: dealId, sub_id: 'home-top', is_bot: 0 }]);
  });

  it('gives every click its own id', async () => {
    const locations = await Promise.all(Array.from({ length: 20 }, () => t.app.inject({ url: `/go/${dealId}` }).then((r) => r.headers.location as string)));
    const ids = locations.map((location) => new URL(location).searchParams.get('dnclick'));
    expect(new Set(ids).size).toBe(20);
    expect(clickTokensOnDisk().map((row) => row.token).sort()).toEqual([...ids].sort());
  });

  it('does not redirect when the click cannot be stored', async () => {
    t.storage.clicks.insertBatch = async () => { throw new Error('disk full'); };
    const response = await t.app.inject({ url: `/go/${dealId}`, headers: { accept: 'application/json' } });
    expect(response.statusCode).toBe(500);
    expect(response.headers.location).toBeUndefined();
    expect(response.body).not.toMatch(/disk full|at .*\.ts/);
  });

  it('marks bots and HEAD requests as not billable but still redirects them', async () => {
    const bot = await t.app.inject({ url: `/go/${dealId}`, headers: { 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' } });
    const head = await t.app.inject({ method: 'HEAD', url: `/go/${dealId}`, headers: { 'user-agent': 'Mozilla/5.0 Chrome/120.0' } });
    expect([bot.statusCode, head.statusCode]).toEqual([302, 302]);
    expect(clickTokensOnDisk().map((row) => row.is_bot)).toEqual([1, 1]);
  });

  it('marks a repeat click by the same visitor on the same deal as a duplicate, still redirecting it', async () => {
    const first = await t.app.inject({ url: `/go/${dealId}`, remoteAddress: '127.0.0.2' });
    const second = await t.app.inject({ url: `/go/${dealId}`, remoteAddress: '127.0.0.2' });
    const other = await t.app.inject({ url: `/go/${dealId}`, remoteAddress: '127.0.0.3' });
    expect([first.statusCode, second.statusCode, other.statusCode]).toEqual([302, 302, 302]);
    const db = new Database(t.dbFile, { readonly: true });
    const rows = db.prepare('SELECT is_duplicate FROM clicks ORDER BY id').all();
    db.close();
    expect(rows).toEqual([{ is_duplicate: 0 }, { is_duplicate: 1 }, { is_duplicate: 0 }]);
  });

  it('answers 429 to a visitor probing /go too fast, without storing clicks', async () => {
    const answers = [];
    for (let i = 0; i < 125; i++) answers.push((await t.app.inject({ url: `/go/${i % 2 ? dealId : 999_999}`, remoteAddress: '127.0.0.9', headers: { accept: 'application/json' } })).statusCode);
    expect(answers.slice(0, 120).every((code) => code === 302 || code === 404)).toBe(true);
    expect(answers.slice(120)).toEqual([429, 429, 429, 429, 429]);
    const limited = await t.app.inject({ url: `/go/${dealId}`, remoteAddress: '127.0.0.9', headers: { accept: 'application/json' } });
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited.json().code).toBe('DN_ERR_TOO_MANY_CLICKS');
    expect(clickTokensOnDisk()).toHaveLength(60);
  });

  it('answers 404 for an unknown deal and stores no click', async () => {
    const response = await t.app.inject({ url: '/go/999999', headers: { accept: 'application/json' } });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'DN_ERR_DEAL_NOT_FOUND' });
    expect(clickTokensOnDisk()).toEqual([]);
  });

  it('answers a shopper\'s browser with a 404 page in the language the shopper chose, with the security headers', async () => {
    const response = await t.app.inject({ url: '/go/999999', headers: { accept: 'text/html', 'accept-language': 'en', cookie: 'lang=zh-CN' } });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.body).toContain('没有找到这个页面或团购。');
    expect(response.headers['content-security-policy']).toBeTruthy();
    const english = await t.app.inject({ url: '/go/999999', headers: { accept: 'text/html', 'accept-language': 'en' } });
    expect(english.body).toContain('There is no such page or deal.');
  });

  it.each([
    ['/go/abc'], ['/go/-1'], ['/go/1e3'], ['/go/0'], ['/go/http%3A%2F%2Fevil.example'], [`/go/1?sub=${'x'.repeat(65)}`], ['/go/1?sub=%3Cscript%3E'],
  ])('refuses %s with a 400 and no redirect', async (url) => {
    const response = await t.app.inject({ url, headers: { accept: 'application/json' } });
    expect(response.statusCode).toBe(400);
    expect(response.headers.location).toBeUndefined();
    expect(response.json().message).toBeTruthy();
  });

  it('never redirects outside the stored deal URL, whatever the query says', async () => {
    const response = await t.app.inject({ url: `/go/${dealId}?url=http://evil.example/&redirect=http://evil.example/` });
    expect(response.statusCode).toBe(302);
    expect((response.headers.location as string).startsWith('http://www.letuan.example/team.php?id=3172')).toBe(true);
  });
});

describe('GET /go/:dealId with a click template', () => {
  it('fills {clickId} and {subId} after the verbatim deal URL', async () => {
    const t = await buildTestApp({ clickTemplate: '{url}&from=dealnav&cid={clickId}&sub={subId}' });
    try {
      await t.storage.deals.applyFeedSnapshot(t.feed, [dealRecord({ externalId: 'a', url: 'http://www.haotuan.example/team.php?id=ht-1' })], new Date());
      const [deal] = (await t.storage.deals.listLive({ now: new Date(), page: 1, pageSize: 1 })).deals;
      const response = await t.app.inject({ url: `/go/${deal!.id}?sub=p1` });
      expect(response.headers.location).toMatch(/^http:\/\/www\.haotuan\.example\/team\.php\?id=ht-1&from=dealnav&cid=[0-9a-z]+-[A-Za-z0-9_-]{16}&sub=p1$/);
    } finally {
      await t.close();
    }
  });
});

describe('GET /go/:dealId after the deal or its site changes (redirect targets are cached in memory)', () => {
  let t: TestApp;
  let dealId: number;
  const browser = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0', accept: 'application/json' };

  beforeEach(async () => {
    t = await buildTestApp();
    await t.storage.deals.applyFeedSnapshot(t.feed, [dealRecord({ externalId: 'a', url: 'http://www.letuan.example/team.php?id=3172' })], new Date());
    dealId = (await t.storage.deals.listLive({ now: new Date(), page: 1, pageSize: 1 })).deals[0]!.id;
  });
  afterEach(async () => { await t.close(); });

  const go = () => t.app.inject({ url: `/go/${dealId}`, headers: browser });
  const clicksOnDisk = () => {
    const db = new Database(t.dbFile, { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM clicks').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  /** Another process's connection: what `dealnav crawl` or an operator's sqlite3 would do. */
  const otherProcess = (sql: string, ...params: unknown[]) => {
    const db = new Database(t.dbFile);
    try {
      db.pragma('busy_timeout = 5000');
      db.prepare(sql).run(...params);
    } finally {
      db.close();
    }
  };
  /** The cache's worst case for another connection's change is versionCheckMs (100 ms) after the commit. */
  const afterOtherProcessBound = () => new Promise((resolve) => setTimeout(resolve, 150));

  it('stops redirecting a deal the next snapshot removed, at once (404, no click stored)', async () => {
    expect((await go()).statusCode).toBe(302); // now cached
    await t.storage.deals.applyFeedSnapshot(t.feed, [dealRecord({ externalId: 'b' })], new Date());
    const response = await go();
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'DN_ERR_DEAL_NOT_FOUND' });
    expect(clicksOnDisk()).toBe(1);
  });

  it('stops redirecting when another process suspends the site, within the bound, and resumes when it is active again', async () => {
    expect((await go()).statusCode).toBe(302);
    otherProcess("UPDATE sites SET status = 'suspended' WHERE id = ?", t.site.id);
    await afterOtherProcessBound();
    const suspended = await go();
    expect(suspended.statusCode).toBe(404);
    expect(suspended.headers.location).toBeUndefined();
    expect(clicksOnDisk()).toBe(1);

    otherProcess("UPDATE sites SET status = 'active' WHERE id = ?", t.site.id);
    await afterOtherProcessBound();
    expect((await go()).statusCode).toBe(302);
    expect(clicksOnDisk()).toBe(2);
  });

  it('follows a crawl by another process: a changed URL, then the deal removed', async () => {
    expect((await go()).statusCode).toBe(302);
    const crawler = openStorage(t.dbFile); // its own connection, as `dealnav crawl` has
    try {
      await crawler.deals.applyFeedSnapshot(t.feed, [dealRecord({ externalId: 'a', url: 'http://www.letuan.example/team.php?id=9999' })], new Date());
      await afterOtherProcessBound();
      const moved = await go();
      expect(moved.statusCode).toBe(302);
      expect(moved.headers.location).toMatch(/^http:\/\/www\.letuan\.example\/team\.php\?id=9999&dnclick=/);

      await crawler.deals.applyFeedSnapshot(t.feed, [], new Date());
      await afterOtherProcessBound();
      expect((await go()).statusCode).toBe(404);
      expect(clicksOnDisk()).toBe(2);
    } finally {
      await crawler.close();
    }
  });
});

describe('GET /go/:dealId and the security headers', () => {
  it('sends the pages\' security headers on a 404 or 400 from /go, and only its own headers on a 302', async () => {
    const t = await buildTestApp();
    try {
      await t.storage.deals.applyFeedSnapshot(t.feed, [dealRecord({ externalId: 'a' })], new Date());
      const [deal] = (await t.storage.deals.listLive({ now: new Date(), page: 1, pageSize: 1 })).deals;
      for (const url of ['/go/999999', '/go/abc']) {
        for (const accept of ['text/html', 'application/json']) {
          const response = await t.app.inject({ url, headers: { accept } });
          expect(response.statusCode).toBeGreaterThanOrEqual(400);
          expect(response.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
          expect(response.headers['x-content-type-options']).toBe('nosniff');
        }
      }
      const redirect = await t.app.inject({ url: `/go/${deal!.id}` });
      expect(redirect.statusCode).toBe(302);
      expect(redirect.headers['referrer-policy']).toBe('origin');
      expect(redirect.headers['content-security-policy']).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});
