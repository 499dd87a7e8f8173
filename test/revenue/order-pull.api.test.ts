// Order pull against a partner's order API on loopback that checks the portal's signature the way a
// partner would (its own HMAC over the sorted parameters): JSON and GBK CSV answers, each order
// through the postback's path as 'pull', pulled twice and counted once, a bad signature recorded
// as a failed run, the window with its overlap, and a private address refused by the address guard.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import iconv from 'iconv-lite';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OrderPullService } from '../../src/revenue/order-pull/pull-orders';
import { PULL_OVERLAP_MS } from '../../src/revenue/order-pull/window';
import { defaultMapping } from '../../src/revenue/reconciliation/mapping';
import { buildTestApp, type TestApp } from '../helpers/app';
import { dealRecord } from '../helpers/deal-record';
import { loopbackResolver } from '../helpers/loopback-resolver';

const SECRET = 'partner-secret-for-tests';
const HOUR = 3_600_000;

interface Answer {
  status?: number;
  contentType: string;
  body: string | Buffer;
}

/** The partner: checks `sign` with its copy of the secret, answers per path, keeps every query. */
async function startPartner(secret: string) {
  const queries: URLSearchParams[] = [];
  const answers = new Map<string, () => Answer>();
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    queries.push(url.searchParams);
    const params = [...url.searchParams].filter(([key]) => key !== 'sign').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const canonical = params.map(([key, value]) => `${key}=${value}`).join('&');
    const expected = createHmac('sha256', secret).update(canonical).digest('hex');
    if (url.searchParams.get('sign') !== expected) {
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"bad sign"}');
      return;
    }
    const answer = answers.get(url.pathname)?.();
    if (!answer) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(answer.status ?? 200, { 'content-type': answer.contentType }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    queries,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    answer: (path: string, answer: () => Answer) => { answers.set(path, answer); },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe('order pull', () => {
  let t: TestApp;
  let partner: Awaited<ReturnType<typeof startPartner>>;
  const clicks: string[] = [];

  const service = (options: { clock?: () => Date; allowPrivateNetwork?: boolean; lookup?: ReturnType<typeof loopbackResolver> } = {}) =>
    new OrderPullService(t.storage, t.app.postbackService, { allowPrivateNetwork: true, ...options });

  beforeEach(async () => {
    t = await buildTestApp();
    partner = await startPartner(SECRET);
    await t.storage.deals.applyFeedSnapshot(t.feed, [dealRecord({ externalId: 'a' })], new Date());
    const dealId = (await t.storage.deals.listLive({ now: new Date(), page: 1, pageSize: 1 })).deals[0]!.id;
    clicks.length = 0;
    for (let i = 0; i < 3; i++) {
      const response = await t.app.inject({ url: `/go/${dealId}`, headers: { 'user-agent': 'Mozilla/5.0 Chrome/120.0' } });
      clicks.push(new URL(response.headers.location as string).searchParams.get('dnclick')!);
    }
    await t.storage.revenue.rotatePostbackSecret(t.site.id, SECRET, new Date(), null);
  });
  afterEach(async () => {
    await partner.close();
    await t.close();
  });

  const nowSeconds = () => Math.floor(Date.now() / 1000);

  it('pulls JSON orders through the postback path as "pull", counting a second pull of the same orders as unchanged', async () => {
    let status = 'pending';
    partner.answer('/orders.json', () => ({
      contentType: 'application/json',
      body: JSON.stringify({
        orders: [
          { order_id: 'P1', click_id: clicks[0], amount: '88.80', currency: 'CNY', status, time: nowSeconds() },
          { order_id: 'P2', click_id: clicks[1], amount: 19.9, currency: 'CNY', status: '有效', time: new Date().toISOString(), kind: '线索' },
          { order_id: 'P3', click_id: 'zz-notaclickid00000', amount: '5.00', currency: 'CNY', status: 'approved', time: nowSeconds() },
        ],
      }),
    }));
    await t.storage.orderPulls.setSource(t.site.id, { url: partner.url('/orders.json'), intervalMinutes: 60, windowHours: 48 }, new Date());

    const first = await service().pullSite(t.site, 'manual');
    expect(first).toMatchObject({ outcome: 'ok', format: 'json', httpStatus: 200, orders: 3, created: 2, updated: 0, unchanged: 0, refused: 1 });
    expect(first.problems).toEqual([{ orderId: 'P3', code: 'DN_ERR_CLICK_UNKNOWN', message: expect.stringContaining('zz-notaclickid00000') }]);
    const p1 = (await t.storage.revenue.findConversion(t.site.id, 'P1'))!;
    expect(p1).toMatchObject({ amountMinor: 8880, status: 'pending' });
    expect((await t.storage.revenue.listEvents(p1.id)).map((event) => event.source)).toEqual(['pull']);
    expect(await t.storage.revenue.findConversion(t.site.id, 'P2')).toMatchObject({ amountMinor: 1990, status: 'approved', kind: 'lead' });
    expect(p1.kind).toBe('sale');

    const second = await service().pullSite(t.site, 'manual');
    expect(second).toMatchObject({ outcome: 'ok', orders: 3, created: 0, updated: 0, unchanged: 2, refused: 1 });
    expect(await t.storage.revenue.countConversions(t.site.id)).toBe(2);
    expect(await t.storage.revenue.listEvents(p1.id)).toHaveLength(1);

    status = 'approved';
    const third = await service().pullSite(t.site, 'manual');
    expect(third).toMatchObject({ created: 0, updated: 1, unchanged: 1, refused: 1 });
    expect((await t.storage.revenue.listEvents(p1.id)).map((event) => [event.source, event.statusAfter])).toEqual([['pull', 'pending'], ['pull', 'approved']]);

    // What the partner saw: the documented parameters, signed (else it would have answered 401).
    const query = partner.queries[0]!;
    expect([...query.keys()].sort()).toEqual(['end', 'nonce', 'sign', 'site', 'start', 'ts']);
    expect(query.get('site')).toBe('letuan');
    expect(Number(query.get('end')) - Number(query.get('start'))).toBe(48 * 3600);
    expect(new Set(partner.queries.map((q) => q.get('nonce'))).size).toBe(3);
  });

  it('reads a GBK CSV answer with the site\'s report mapping', async () => {
    await t.storage.reconciliation.saveMapping(t.site.id, {
      ...defaultMapping('Asia/Shanghai'), orderIdColumn: '订单号', clickIdColumn: '点击ID', amountColumn: '金额', statusColumn: '状态', orderTimeColumn: '时间',
    }, [], new Date());
    const time = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'medium' }).format(new Date());
    const csv = `订单号,点击ID,金额,状态,时间\r\nC1,${clicks[0]},128.50,已确认,${time}\r\nC2,${clicks[1]},9.90,待确认,${time}\r\n`;
    partner.answer('/orders.csv', () => ({ contentType: 'text/csv; charset=GBK', body: iconv.encode(csv, 'gbk') }));
    await t.storage.orderPulls.setSource(t.site.id, { url: partner.url('/orders.csv?merchant=42'), intervalMinutes: 60, windowHours: 24 }, new Date());

    const run = await service().pullSite(t.site, 'manual');
    expect(run).toMatchObject({ outcome: 'ok', format: 'csv', orders: 2, created: 2, refused: 0 });
    expect(await t.storage.revenue.findConversion(t.site.id, 'C1')).toMatchObject({ amountMinor: 12850, status: 'approved' });
    expect(await t.storage.revenue.findConversion(t.site.id, 'C2')).toMatchObject({ amountMinor: 990, status: 'pending' });
    // The URL's own parameter went along and was signed with the rest.
    expect(partner.queries[0]!.get('merchant')).toBe('42');
  });

  it('records a pull the partner refuses (bad signature) as failed, and does not move the resume point', async () => {
    partner.answer('/orders.json', () => ({ contentType: 'application/json', body: '[]' }));
    await t.storage.orderPulls.setSource(t.site.id, { url: partner.url('/orders.json'), intervalMinutes: 30, windowHours: 48 }, new Date());
    // The portal's secret is rotated; the partner still has the old one.
    await t.storage.revenue.rotatePostbackSecret(t.site.id, 'a-newer-secret', new Date(), null);
    const run = await service().pullSite(t.site, 'schedule');
    expect(run).toMatchObject({ outcome: 'failed', httpStatus: 401, errorCode: 'http_status', orders: 0 });
    expect(run.errorMessage).toContain('401');
    const source = (await t.storage.orderPulls.findSource(t.site.id))!;
    expect(source.lastOkWindowEnd).toBeNull();
    expect(source.nextPullAt.getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
    expect((await t.storage.orderPulls.listRuns(t.site.id, 5)).map((r) => r.outcome)).toEqual(['failed']);

    partner.answer('/broken.json', () => ({ contentType: 'application/json', body: '{"orders": [{"order_id": "X1", "amount": "abc"}]' }));
    await t.storage.revenue.rotatePostbackSecret(t.site.id, SECRET, new Date(), null);
    await t.storage.orderPulls.setSource(t.site.id, { url: partner.url('/broken.json'), intervalMinutes: 30, windowHours: 48 }, new Date());
    expect(await service().pullSite(t.site, 'manual')).toMatchObject({ outcome: 'failed', errorCode: 'bad_json', httpStatus: 200 });
  });

  it('asks for the last N hours, and after a gap reaches back to the last good window less the overlap', async () => {
    partner.answer('/orders.json', () => ({ contentType: 'application/json', body: '[]' }));
    await t.storage.orderPulls.setSource(t.site.id, { url: partner.url('/orders.json'), intervalMinutes: 60, windowHours: 6 }, new Date());
    let now = new Date();
    const pulls = service({ clock: () => now });
    const window = () => {
      const query = partner.queries.at(-1)!;
      return { start: Number(query.get('start')) * 1000, end: Number(query.get('end')) * 1000 };
    };
    const seconds = (at: number) => Math.floor(at / 1000) * 1000;

    expect(await pulls.pullDue()).toHaveLength(1);
    expect(window()).toEqual({ start: seconds(now.getTime() - 6 * HOUR), end: seconds(now.getTime()) });
    // Not due again until its interval has passed.
    expect(await pulls.pullDue()).toHaveLength(0);

    // An hour later: the last 6 hours again (they overlap the previous window by 5 hours).
    const firstEnd = now.getTime();
    now = new Date(firstEnd + HOUR);
    expect(await pulls.pullDue()).toHaveLength(1);
    expect(window()).toEqual({ start: seconds(now.getTime() - 6 * HOUR), end: seconds(now.getTime()) });

    // Down for two days: the next pull starts where the last good one ended, less the overlap.
    const secondEnd = now.getTime();
    now = new Date(secondEnd + 48 * HOUR);
    expect(await pulls.pullDue()).toHaveLength(1);
    expect(window()).toEqual({ start: seconds(secondEnd - PULL_OVERLAP_MS), end: seconds(now.getTime()) });
  });

  it('refuses an order-query URL that resolves to a private address unless private networks are allowed', async () => {
    partner.answer('/orders.json', () => ({ contentType: 'application/json', body: '[]' }));
    await t.storage.orderPulls.setSource(t.site.id, { url: `http://orders.partner.test:${partner.port}/orders.json`, intervalMinutes: 60, windowHours: 48 }, new Date());
    const lookup = loopbackResolver({ 'orders.partner.test': '127.0.0.1' });
    const refused = await service({ allowPrivateNetwork: false, lookup }).pullSite(t.site, 'manual');
    expect(refused).toMatchObject({ outcome: 'failed', errorCode: 'blocked_address' });
    expect(refused.errorMessage).toContain('127.0.0.1');
    expect(partner.queries).toHaveLength(0);
    expect(await service({ allowPrivateNetwork: true, lookup }).pullSite(t.site, 'manual')).toMatchObject({ outcome: 'ok', orders: 0 });
    expect(partner.queries).toHaveLength(1);
  });
});

