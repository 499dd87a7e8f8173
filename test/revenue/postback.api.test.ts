import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clickKeyOf, newClickId } from '../../src/revenue/click-id';
import { signPostback } from '../../src/revenue/postback';
import { buildTestApp, type TestApp } from '../helpers/app';
import { dealRecord } from '../helpers/deal-record';

const SECRET = 'partner-secret-for-tests';

describe('GET|POST /api/postback', () => {
  let t: TestApp;
  let clickId: string;
  let dealId: number;

  beforeEach(async () => {
    t = await buildTestApp();
    await t.storage.deals.applyFeedSnapshot(t.feed, [dealRecord({ externalId: 'a' })], new Date());
    dealId = (await t.storage.deals.listLive({ now: new Date(), page: 1, pageSize: 1 })).deals[0]!.id;
    await t.storage.revenue.rotatePostbackSecret(t.site.id, SECRET, new Date(), null);
    const click = await t.app.inject({ url: `/go/${dealId}`, headers: { 'user-agent': 'Mozilla/5.0 Chrome/120.0' } });
    clickId = new URL(click.headers.location as string).searchParams.get('dnclick')!;
  });
  afterEach(async () => { await t.close(); });

  const nowTs = (offsetSeconds = 0) => String(Math.floor(Date.now() / 1000) + offsetSeconds);
  const signed = (fields: Record<string, string>, secret = SECRET) => {
    const params: Record<string, string> = {
      site: 'letuan', click_id: clickId, order_id: 'A1001', amount: '68.01', currency: 'CNY', status: 'pending', ts: nowTs(), ...fields,
    };
    return { ...params, sig: signPostback(secret, params) };
  };
  const get = (params: Record<string, string>) =>
    t.app.inject({ url: `/api/postback?${new URLSearchParams(params)}` });
  const conversionCount = () => t.storage.revenue.countConversions(t.site.id);
  const clickIdKey = () => clickKeyOf(clickId)!;

  it('accepts a signed postback by GET and records the conversion with its event and commission entries', async () => {
    await t.storage.revenue.addTerm({ siteId: t.site.id, effectiveFrom: new Date(0), model: 'cps', rateBp: 850, flatMinor: null, currency: null, category: null, now: new Date() });
    const response = await get(signed({}));
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toEqual({ ok: true, conversionId: expect.any(Number), status: 'pending', duplicate: false });
    const conversion = await t.storage.revenue.findConversion(t.site.id, 'A1001');
    expect(conversion).toMatchObject({ id: body.conversionId, amountMinor: 6801, currency: 'CNY', kind: 'sale', status: 'pending' });
    expect(await t.storage.revenue.listEvents(body.conversionId)).toMatchObject([{ source: 'postback', statusBefore: null, statusAfter: 'pending', amountAfter: 6801 }]);
    expect(await t.storage.revenue.listEntries(t.site.id)).toMatchObject([{ bucket: 'pending', amountMinor: 578, currency: 'CNY' }]);
  });

  it('accepts POST as a form and as JSON, and a lead', async () => {
    const form = await t.app.inject({
      method: 'POST', url: '/api/postback', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(signed({ order_id: 'F-1' })).toString(),
    });
    const json = await t.app.inject({ method: 'POST', url: '/api/postback', payload: signed({ order_id: 'J-1', kind: 'lead', amount: '0' }) });
    expect([form.statusCode, json.statusCode]).toEqual([200, 200]);
    expect((await t.storage.revenue.findConversion(t.site.id, 'J-1'))?.kind).toBe('lead');
    expect(await conversionCount()).toBe(2);
  });

  it('refuses a forged or tampered signature with 401', async () => {
    const forged = await get(signed({}, 'not-the-secret'));
    const tampered = await get({ ...signed({}), amount: '6801.00' });
    for (const response of [forged, tampered]) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'DN_ERR_POSTBACK_SIGNATURE', message: expect.stringMatching(/HMAC-SHA256/) });
    }
    expect(await conversionCount()).toBe(0);
  });

  it('refuses a ts outside 5 minutes with 401', async () => {
    for (const ts of [nowTs(-301), nowTs(301)]) {
      const response = await get(signed({ ts }));
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('DN_ERR_POSTBACK_STALE');
    }
    expect((await get(signed({ ts: nowTs(-290) }))).statusCode).toBe(200);
  });

  it('refuses an exact replay of an accepted postback, but a re-sent order with a fresh signature is a no-op 200', async () => {
    const params = signed({});
    expect((await get(params)).statusCode).toBe(200);
    const replay = await get(params);
    expect(replay.statusCode).toBe(409);
    expect(replay.json()).toMatchObject({ code: 'DN_ERR_POSTBACK_REPLAY' });
    const again = await get(signed({ ts: nowTs(1) }));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ duplicate: true, status: 'pending' });
    expect(await conversionCount()).toBe(1);
  });

  it('records one conversion when identical postbacks arrive at once', async () => {
    const params = signed({});
    const responses = await Promise.all(Array.from({ length: 10 }, () => get(params)));
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, ...Array(9).fill(409)]);
    // The same order re-signed ten times (different ts): all accepted, one creates, nine are duplicates.
    const resent = await Promise.all(Array.from({ length: 10 }, (_, i) => get(signed({ order_id: 'B2', ts: nowTs(i + 1) }))));
    expect(resent.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    expect(resent.filter((r) => r.json().duplicate === false)).toHaveLength(1);
    expect(await conversionCount()).toBe(2);
    const conversion = await t.storage.revenue.findConversion(t.site.id, 'B2');
    expect(await t.storage.revenue.listEvents(conversion!.id)).toHaveLength(1);
  });

  it('moves pending → approved → reversed and answers 409 to any other transition', async () => {
    let ts = 0;
    const send = (status: string, fields: Record<string, string> = {}) => get(signed({ status, ts: nowTs(ts++), ...fields }));
    expect((await send('pending')).statusCode).toBe(200);
    const backwards = [];
    expect((await send('approved')).json()).toMatchObject({ status: 'approved', duplicate: false });
    backwards.push(await send('pending'), await send('rejected'));
    expect((await send('approved', { amount: '70.00' })).json().code).toBe('DN_ERR_CONVERSION_AMOUNT');
    expect((await send('reversed')).json()).toMatchObject({ status: 'reversed', duplicate: false });
    backwards.push(await send('approved'));
    for (const response of backwards) {
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ code: 'DN_ERR_CONVERSION_TRANSITION', message: expect.stringMatching(/^order A1001 is (approved|reversed)/) });
    }
    expect((await send('pending', { order_id: 'R1' })).statusCode).toBe(200);
    expect((await send('rejected', { order_id: 'R1' })).json().status).toBe('rejected');
    expect((await send('approved', { order_id: 'R1' })).statusCode).toBe(409);
    expect((await send('reversed', { order_id: 'NEW' })).statusCode).toBe(409);
    expect((await send('pending', { currency: 'USD' })).json().code).toBe('DN_ERR_CONVERSION_CONFLICT');
    const conversion = await t.storage.revenue.findConversion(t.site.id, 'A1001');
    expect((await t.storage.revenue.listEvents(conversion!.id)).map((e) => `${e.statusBefore}→${e.statusAfter}`))
      .toEqual(['null→pending', 'pending→approved', 'approved→reversed']);
  });

  it('answers 422 for a click id that is forged, unknown, another site\'s or too old', async () => {
    const other = await t.storage.sites.upsert({ slug: 'haotuan', name: '好团网', homeUrl: 'http://haotuan.example/', clickParam: 'c' });
    const otherFeed = await t.storage.feeds.upsert({ siteId: other.id, url: 'http://haotuan.example/feed.xml' });
    await t.storage.deals.applyFeedSnapshot(otherFeed, [dealRecord({ externalId: 'b' })], new Date());
    const otherDeal = (await t.storage.deals.listLive({ now: new Date(), page: 1, pageSize: 10 })).deals.find((d) => d.siteId === other.id)!;
    const otherClick = new URL((await t.app.inject({ url: `/go/${otherDeal.id}` })).headers.location as string).searchParams.get('c')!;
    const oldId = 1_000_000;
    const oldToken = newClickId(oldId);
    await t.storage.clicks.insertBatch([{
      id: oldId, token: oldToken, dealId, siteId: t.site.id, createdAt: new Date(Date.now() - 31 * 86_400_000),
      city: null, subId: null, referrer: null, userAgent: null, ipHash: 'x', isBot: false, isDuplicate: false,
    }]);
    const cases: [string, string][] = [
      [`${clickId.split('-')[0]}-AAAAAAAAAAAAAAAA`, 'DN_ERR_CLICK_UNKNOWN'],
      [newClickId(999_999), 'DN_ERR_CLICK_UNKNOWN'],
      // A real key with characters other than the ones it was issued with.
      [newClickId(oldId), 'DN_ERR_CLICK_UNKNOWN'],
      [otherClick, 'DN_ERR_CLICK_OTHER_SITE'],
      [oldToken, 'DN_ERR_CLICK_EXPIRED'],
    ];
    for (const [token, code] of cases) {
      const response = await get(signed({ click_id: token, order_id: `X-${code}-${token.length}` }));
      expect(response.statusCode, code).toBe(422);
      expect(response.json()).toMatchObject({ code, message: expect.stringContaining(token) });
    }
    expect(await conversionCount()).toBe(0);
  });

  it('answers 400 with a message for malformed parameters, 404 for an unknown site', async () => {
    const { sig: _sig, ...unsigned } = signed({});
    const missing = await get(unsigned);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().message).toMatch(/sig/);
    const subFen = await get(signed({ amount: '68.015' }));
    expect(subFen.statusCode).toBe(400);
    expect(subFen.json().code).toBe('DN_ERR_POSTBACK_AMOUNT');
    expect((await get(signed({ status: 'paid' }))).statusCode).toBe(400);
    expect((await get(signed({ site: 'nosuch' }))).json()).toMatchObject({ statusCode: 404, code: 'DN_ERR_SITE_NOT_FOUND' });
  });

  it('dates a new order at its signed order_time (unix seconds or ISO 8601), keeping ts as the replay window', async () => {
    const clickedAt = (await t.storage.revenue.transaction((tx) => tx.findClick(clickIdKey())))!.createdAt;
    const placed = new Date(Math.floor(clickedAt.getTime() / 1000) * 1000 + 60_000);
    const epoch = await get(signed({ order_id: 'T-1', order_time: String(placed.getTime() / 1000) }));
    const iso = await get(signed({ order_id: 'T-2', order_time: placed.toISOString().replace('Z', '+00:00') }));
    const offset = await get(signed({ order_id: 'T-3', order_time: new Date(placed.getTime() + 8 * 3_600_000).toISOString().slice(0, 19) + '+08:00' }));
    expect([epoch.statusCode, iso.statusCode, offset.statusCode]).toEqual([200, 200, 200]);
    for (const order of ['T-1', 'T-2', 'T-3']) {
      expect((await t.storage.revenue.findConversion(t.site.id, order))?.occurredAt.toISOString(), order).toBe(placed.toISOString());
    }
    // order_time is signed like every other parameter: changing it breaks the signature.
    const tampered = await get({ ...signed({ order_id: 'T-4', order_time: String(placed.getTime() / 1000) }), order_time: nowTs() });
    expect(tampered.json().code).toBe('DN_ERR_POSTBACK_SIGNATURE');
    // A status change of a known order is dated at ts, when the partner reports it.
    const approved = await get(signed({ order_id: 'T-1', status: 'approved', order_time: String(placed.getTime() / 1000) }));
    expect(approved.statusCode).toBe(200);
    const events = await t.storage.revenue.listEvents(approved.json().conversionId);
    expect(events[0]!.occurredAt.toISOString()).toBe(placed.toISOString());
    expect(Math.abs(events[1]!.occurredAt.getTime() - Date.now())).toBeLessThan(10_000);
  });

  it('refuses an order_time in the future, before the click, or not a time', async () => {
    const future = await get(signed({ order_time: nowTs(600) }));
    expect(future.statusCode).toBe(400);
    expect(future.json()).toMatchObject({ code: 'DN_ERR_POSTBACK_ORDER_TIME', message: expect.stringMatching(/future/) });
    expect((await get(signed({ order_id: 'S-1', order_time: nowTs(120) }))).statusCode).toBe(200); // clock skew
    const beforeClick = await get(signed({ order_id: 'B-1', order_time: nowTs(-3_600) }));
    expect(beforeClick.statusCode).toBe(422);
    expect(beforeClick.json().code).toBe('DN_ERR_CLICK_AFTER_CONVERSION');
    for (const bad of ['2026-02-30T10:00:00Z', '2026-11-25T14:03:00', '2026-11-25 14:03:00+08:00', 'yesterday']) {
      const response = await get(signed({ order_id: 'N-1', order_time: bad }));
      expect(response.statusCode, bad).toBe(400);
    }
    expect(await t.storage.revenue.findConversion(t.site.id, 'N-1')).toBeNull();
  });

  it('names unknown parameters in a 400 instead of dropping them and failing the signature', async () => {
    const typo = await get(signed({ orderTime: '1764086400' }));
    expect(typo.statusCode).toBe(400);
    expect(typo.json()).toMatchObject({ code: 'DN_ERR_POSTBACK_UNKNOWN_PARAMETER', message: expect.stringContaining("'orderTime'") });
    const form = await t.app.inject({
      method: 'POST', url: '/api/postback', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(signed({ 'order-id': 'x', note: 'hi' })).toString(),
    });
    expect(form.statusCode).toBe(400);
    expect(form.json().message).toMatch(/unknown parameters 'order-id', 'note'/);
    const json = await t.app.inject({ method: 'POST', url: '/api/postback', payload: signed({ extra: '1' }) });
    expect(json.json().code).toBe('DN_ERR_POSTBACK_UNKNOWN_PARAMETER');
    expect(await conversionCount()).toBe(0);
  });
});
