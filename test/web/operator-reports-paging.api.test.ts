// Paging of the operators' reports: lines ranked in SQL (commission, then billable clicks, then
// period and group), totals over every line on every page, previous/next links that keep the
// filters, `totalLines` in the JSON, and a CSV that still carries every line.
import * as cheerio from 'cheerio';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/accounts/sessions';
import { PostbackService, signPostback, type PostbackParams } from '../../src/revenue/postback';
import type { User } from '../../src/storage';
import { buildTestApp, type TestApp } from '../helpers/app';
import { GOOD_PASSWORD } from '../helpers/browser-session';
import { dealRecord } from '../helpers/deal-record';

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const today = () => new Date().toISOString().slice(0, 10);
/** Billable clicks per sub id; `a` also has the one sale (so the most commission). `c` and `d` tie. */
const CLICKS: Record<string, number> = { a: 1, b: 2, c: 3, d: 3, e: 5 };
/** The rank: commission first, then billable clicks, then (ties) the group's key. */
const RANKED = ['a', 'e', 'c', 'd', 'b'];

describe('operator report paging', () => {
  let t: TestApp;
  let cookie: string;
  const range = () => `groupBy=sub&from=${today()}&to=${today()}`;
  const json = async (query: string) => {
    const response = await t.app.inject({ url: `/api/reports?${query}`, headers: { accept: 'application/json', cookie } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const page = async (query: string) => {
    const response = await t.app.inject({ url: `/operator/reports?${query}`, headers: { accept: 'text/html', cookie, 'accept-language': 'en' } });
    expect(response.statusCode).toBe(200);
    return cheerio.load(response.body);
  };

  beforeEach(async () => {
    t = await buildTestApp();
    const operator = await t.app.accounts.createUser('ops@example.com', GOOD_PASSWORD, 'operator');
    if (!operator.ok) throw new Error('no operator');
    cookie = `${SESSION_COOKIE}=${(await t.app.sessions.start((operator.user as User).id, 'test')).cookieValue}`;
    await t.storage.deals.applyFeedSnapshot(t.feed, [
      dealRecord({ externalId: 'hotpot', title: '双人火锅', category: 'food', city: 'chengdu', url: 'http://www.letuan.example/d/1' }),
    ], new Date());
    const [deal] = (await t.storage.deals.listLive({ now: new Date(), page: 1, pageSize: 10 })).deals;
    let ip = 0;
    let saleClick = '';
    for (const [subId, count] of Object.entries(CLICKS)) {
      for (let i = 0; i < count; i++) {
        const out = await t.app.clickService.clickOut({ dealId: deal!.id, method: 'GET', ip: `10.0.1.${++ip}`, userAgent: BROWSER, referrer: undefined, subId });
        if (subId === 'a' && out.kind === 'redirect') saleClick = out.clickId;
      }
    }
    // One approved sale of 100.00 CNY at 10% on sub id a.
    await t.storage.revenue.addTerm({ siteId: t.site.id, model: 'cps', rateBp: 1000, flatMinor: null, currency: null, category: null, effectiveFrom: new Date(Date.now() - 86_400_000), now: new Date() });
    await t.storage.revenue.rotatePostbackSecret(t.site.id, 'paging-secret', new Date(), null);
    const params = { site: 'letuan', click_id: saleClick, order_id: 'P1', amount: '100.00', currency: 'CNY', status: 'approved', ts: String(Math.floor(Date.now() / 1000)) };
    await (await PostbackService.create(t.storage)).receive({ ...params, sig: signPostback('paging-secret', params) } as PostbackParams);
  });
  afterEach(async () => { await t.close(); });

  it('JSON: pages of the ranked lines, stable from request to request, totalLines and totals over every line', async () => {
    const keys: string[] = [];
    for (const n of [1, 2, 3]) {
      const body = await json(`${range()}&page=${n}&pageSize=2`);
      expect(body.request).toMatchObject({ page: n, pageSize: 2 });
      expect(body.totalLines).toBe(5);
      expect(body.orderCurrency).toBe('CNY');
      // Totals are the whole report's on every page.
      expect(body.totals.billableClicks).toBe(14);
      expect(body.totals.money).toMatchObject([{ currency: 'CNY', commissionMinor: 1000, salesMinor: 10000 }]);
      keys.push(...body.lines.map((line: { key: string }) => line.key));
    }
    expect(keys).toEqual(RANKED);
    expect((await json(`${range()}&page=2&pageSize=2`)).lines.map((line: { key: string }) => line.key)).toEqual(['c', 'd']);
    // Each line carries its own figures (not the page's or the report's).
    const first = (await json(`${range()}&pageSize=1`)).lines[0];
    expect(first).toMatchObject({ key: 'a', billableClicks: 1, conversions: 1, money: [{ currency: 'CNY', commissionMinor: 1000 }] });

    const past = await json(`${range()}&page=9&pageSize=2`);
    expect(past.lines).toEqual([]);
    expect(past.totalLines).toBe(5);
    expect(past.totals.billableClicks).toBe(14);

    // The default page size holds all five; one site's rows (a different query shape) rank the same.
    expect((await json(range())).lines.map((line: { key: string }) => line.key)).toEqual(RANKED);
    expect((await json(`${range()}&site=letuan`)).lines.map((line: { key: string }) => line.key)).toEqual(RANKED);
    expect((await json(`${range()}&site=letuan&page=2&pageSize=3`)).lines.map((line: { key: string }) => line.key)).toEqual(['d', 'b']);
  });

  it('JSON: ranks by billable clicks when there is no commission, and refuses a page size over 1000', async () => {
    const byDeal = await json(`groupBy=deal&from=${today()}&to=${today()}&pageSize=1`);
    expect(byDeal.totalLines).toBe(1);
    expect(byDeal.lines[0].billableClicks).toBe(14);
    const bad = await t.app.inject({ url: `/api/reports?${range()}&pageSize=1001`, headers: { accept: 'application/json', cookie } });
    expect(bad.statusCode).toBe(400);
    expect((await t.app.inject({ url: `/api/reports?${range()}&page=0`, headers: { accept: 'application/json', cookie } })).statusCode).toBe(400);
  });

  it('page: the table shows one page, the totals row covers every line, previous/next keep the filters', async () => {
    const rowsOf = ($: cheerio.CheerioAPI) => $('table.report-table tbody tr').map((_, row) => $(row).find('td').eq(1).text()).get();
    const totalOf = ($: cheerio.CheerioAPI) => $('table.report-table tfoot tr.totals td').first().text().trim();
    const base = `grain=day&${range()}&site=letuan`;

    const first = await page(`${base}&pageSize=2`);
    expect(rowsOf(first)).toEqual(['a', 'e']);
    expect(totalOf(first)).toBe('14');
    expect(first('.report-page-info').text()).toContain('Lines 1–2 of 5 (page 1 of 3)');
    expect(first('.report-page-info').text()).toContain('Largest commission in CNY first');
    expect(first('.report-pager a[rel=prev]')).toHaveLength(0);
    expect(first('.report-pager a[rel=next]').attr('href')).toBe(`/operator/reports?grain=day&groupBy=sub&from=${today()}&to=${today()}&site=letuan&page=2&pageSize=2`);

    const second = await page(first('.report-pager a[rel=next]').attr('href')!.split('?')[1]!);
    expect(rowsOf(second)).toEqual(['c', 'd']);
    expect(totalOf(second)).toBe('14');
    expect(second('.report-pager a[rel=prev]').attr('href')).toBe(`/operator/reports?grain=day&groupBy=sub&from=${today()}&to=${today()}&site=letuan&page=1&pageSize=2`);
    expect(second('select[name=site] option[selected]').attr('value')).toBe('letuan');

    const last = await page(`${base}&page=3&pageSize=2`);
    expect(rowsOf(last)).toEqual(['b']);
    expect(last('.report-pager a[rel=next]')).toHaveLength(0);
    expect(last('.report-page-info').text()).toContain('Lines 5–5 of 5 (page 3 of 3)');

    // The default page size is left out of the links; the CSV link has no page at all.
    const whole = await page(base);
    expect(rowsOf(whole)).toEqual(RANKED);
    expect(whole('.report-pager')).toHaveLength(0);
    expect(whole('a[download]').attr('href')).toBe(`/operator/reports.csv?grain=day&groupBy=sub&from=${today()}&to=${today()}&site=letuan`);
  });

  it('CSV: every line whatever the page asks, by period then group, with the totals row', async () => {
    const response = await t.app.inject({ url: `/operator/reports.csv?${range()}&page=2&pageSize=2`, headers: { accept: 'text/csv', cookie } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.body.startsWith('\uFEFF')).toBe(true);
    const records = parse(response.body.slice(1), { columns: true }) as Record<string, string>[];
    expect(records.map((r) => [r.key, r.billable_clicks, r.commission])).toEqual([
      ['a', '1', '10.00'], ['b', '2', ''], ['c', '3', ''], ['d', '3', ''], ['e', '5', ''], ['', '14', '10.00'],
    ]);
    expect(records[5]!.period).toBe('total (day)');
  });

  it('CSV: every period of a long range, each line once, whatever the grain (read one period at a time)', async () => {
    // Clicks on earlier days, written the way the click writer writes them (clicks + rollups).
    const [deal] = (await t.storage.deals.listLive({ now: new Date(), page: 1, pageSize: 10 })).deals;
    const daysAgo = [1, 6, 13, 20, 33, 47, 58];
    await t.storage.clicks.insertBatch(daysAgo.map((ago, i) => ({
      id: 10_000 + i, token: `old-${i}`, dealId: deal!.id, siteId: t.site.id, createdAt: new Date(Date.now() - ago * 86_400_000),
      city: 'chengdu', subId: 'old', referrer: null, userAgent: BROWSER, ipHash: `old-${i}`, isBot: false, isDuplicate: false,
    })));
    const from = new Date(Date.now() - 59 * 86_400_000).toISOString().slice(0, 10);
    for (const grain of ['day', 'week', 'month'] as const) {
      const csv = await t.app.inject({ url: `/operator/reports.csv?grain=${grain}&groupBy=sub&from=${from}&to=${today()}&pageSize=1`, headers: { accept: 'text/csv', cookie } });
      const records = parse(csv.body.slice(1), { columns: true }) as Record<string, string>[];
      const lines = records.slice(0, -1);
      const old = lines.filter((r) => r.key === 'old');
      // Every old click is in some period, none twice; periods are in order and unique per key.
      expect(old.reduce((sum, r) => sum + Number(r.billable_clicks), 0), grain).toBe(daysAgo.length);
      expect(new Set(old.map((r) => r.period)).size, grain).toBe(old.length);
      expect(old.map((r) => r.period_start), grain).toEqual([...old.map((r) => r.period_start)].sort());
      if (grain === 'day') expect(old).toHaveLength(daysAgo.length);
      expect(records.at(-1)!.billable_clicks, grain).toBe(String(14 + daysAgo.length));
      // The JSON agrees on the line count.
      expect((await json(`grain=${grain}&groupBy=sub&from=${from}&to=${today()}&pageSize=1`)).totalLines, grain).toBe(lines.length);
    }
  });
});
