// /go with a click template that would leave the deal URL's origin: a template stored before the
// registration rule tightened (`{url}@evil.example`) on a deal URL without a path. The built URL
// must be refused (no redirect, no click), never answered as a 302 to another host.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app';
import { dealRecord } from '../helpers/deal-record';

describe('/go keeps the deal URL\'s origin', () => {
  let t: TestApp;
  afterEach(async () => { await t.close(); });

  const clickOut = async (clickTemplate: string, url: string) => {
    t = await buildTestApp({ clickTemplate });
    await t.storage.deals.applyFeedSnapshot(t.feed, [dealRecord({ externalId: 'a', url })], new Date());
    const dealId = (await t.storage.deals.listLive({ now: new Date(), page: 1, pageSize: 1 })).deals[0]!.id;
    return t.app.inject({ url: `/go/${dealId}`, headers: { accept: 'application/json', 'user-agent': 'Mozilla/5.0 Chrome/120.0' } });
  };
  const storedClicks = () => {
    const db = new Database(t.dbFile, { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM clicks').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  it('refuses a template that moves the host, storing no click', async () => {
    const response = await clickOut('{url}@evil.example/?c={clickId}', 'http://www.letuan.example');
    expect(response.statusCode).toBe(500);
    expect(response.headers.location).toBeUndefined();
    expect(response.json()).toMatchObject({ code: 'DN_ERR_CLICK_URL_UNSAFE' });
    expect(storedClicks()).toBe(0);
  });

  it('still redirects a template that keeps the origin', async () => {
    const response = await clickOut('{url}?ref={clickId}', 'http://www.letuan.example');
    expect(response.statusCode).toBe(302);
    expect(new URL(response.headers.location as string).origin).toBe('http://www.letuan.example');
    expect(storedClicks()).toBe(1);
  });
});
