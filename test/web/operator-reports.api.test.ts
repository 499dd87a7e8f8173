// The operators' reports over HTTP: who may open them, the page with its charts and totals, the
// CSV (content, escaping, CSV injection) and the JSON API against its published schema.
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
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

describe('operator reports', () => {
  let t: TestApp;
  let operator: User;
  let owner: User;

  const createUser = async (email: string, role: 'operator' | 'owner') => {
    const result = await t.app.accounts.createUser(email, GOOD_PASSWORD, role);
    if (!result.ok) throw new Error(`could not create ${email}`);
    return result.user;
  };
  const cookieFor = async (user: User) => `${SESSION_COOKIE}=${(await t.app.sessions.start(user.id, 'test')).cookieValue}`;
  const get = async (user: User | null, url: string, accept = 'text/html', extra: Record<string, string> = {}) =>
    t.app.inject({ url, headers: { accept, ...extra, ...(user ? { cookie: await cookieFor(user) } : {}) } });

  beforeEach(async () => {
    t = await buildTestApp();
    operator = await createUser('ops@example.com', 'operator');
    owner = await createUser('owner@example.com', 'owner');
    await t.storage.sites.setOwner(t.site.id, owner.id);
    await t.storage.deals.applyFeedSnapshot(t.feed, [
      dealRecord({ externalId: 'hotpot', title: '=HYPERLINK("http://evil.example","双人火锅")', category: 'food', city: 'chengdu', url: 'http://www.letuan.example/d/1' }),
      dealRecord({ externalId: 'spa', title: 'Spa, "deluxe"', category: 'beauty', city: 'beijing', url: 'http://www.letuan.example/d/2' }),
    ], new Date());
    const deals = (await t.storage.deals.listLive({ now: new Date(), page: 1, pageSize: 10 })).deals;
    const id = (externalId: string) => deals.find((deal) => deal.externalId === externalId)!.id;
    const click = (dealId: number, ip: string, subId: string | null, userAgent: string | null = BROWSER) =>
      t.app.clickService.clickOut({ dealId, method: 'GET', ip, userAgent: userAgent ?? undefined, referrer: undefined, subId });
    const out = await click(id('hotpot'), '10.0.0.1', '=cmd()');
    await click(id('hotpot'), '10.0.0.2', '=cmd()');
    await click(id('spa'), '10.0.0.3', null);
    await click(id('spa'), '10.0.0.4', null, null); // no user agent: a bot
    await click(id('spa'), '10.0.0.3', null); // a repeat: duplicate
    // One approved sale of 100.00 CNY at 10%.
    await t.storage.revenue.addTerm({ siteId: t.site.id, model: 'cps', rateBp: 1000, flatMinor: null, currency: null, category: null, effectiveFrom: new Date(Date.now() - 86_400_000), now: new Date() });
    await t.storage.revenue.rotatePostbackSecret(t.site.id, 'report-secret', new Date(), null);
    const clickId = out.kind === 'redirect' ? out.clickId : '';
    const params = { site: 'letuan', click_id: clickId, order_id: 'A1', amount: '100.00', currency: 'CNY', status: 'approved', ts: String(Math.floor(Date.now() / 1000)) };
    const postbacks = await PostbackService.create(t.storage);
    await postbacks.receive({ ...params, sig: signPostback('report-secret', params) } as PostbackParams);
  });
  afterEach(async () => { await t.close(); });

  it('is for operators only: owners get 403, visitors are sent to sign in (pages) or get 401 (API, CSV)', async () => {
    for (const url of ['/operator/reports', '/operator/reports.csv', '/api/reports']) {
      expect((await get(owner, url, 'application/json')).statusCode).toBe(403);
      expect((await get(operator, url, 'application/json')).statusCode).toBe(200);
    }
    expect((await get(owner, '/operator/reports')).statusCode).toBe(403);
    const anonymousPage = await get(null, '/operator/reports');
    expect(anonymousPage.statusCode).toBe(303);
    expect(anonymousPage.headers.location).toMatch(/^\/account\/sign-in\?next=%2Foperator%2Freports/);
    const anonymousApi = await get(null, '/api/reports', 'application/json');
    expect(anonymousApi.statusCode).toBe(401);
    expect(anonymousApi.json()).toMatchObject({ code: 'DN_ERR_SIGN_IN_REQUIRED' });
    expect((await get(null, '/operator/reports.csv', 'text/csv')).statusCode).toBe(401);
  });

  it('renders the form, the charts as inline SVG with titles, and the table with its totals row', async () => {
    const response = await get(operator, `/operator/reports?grain=day&groupBy=sub&from=${today()}&to=${today()}`, 'text/html', { 'accept-language': 'en' });
    expect(response.statusCode).toBe(200);
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("style-src 'self'");
    const $ = cheerio.load(response.body);
    expect($('[style]')).toHaveLength(0); // the CSP forbids inline style attributes
    expect($('script:not([src])')).toHaveLength(0);
    expect($('link[href="/static/reports.css"]')).toHaveLength(1);
    expect($('select[name=grain] option').map((_, o) => $(o).attr('value')).get()).toEqual(['day', 'week', 'month']);
    expect($('select[name=groupBy] option[selected]').attr('value')).toBe('sub');
    expect($('select[name=site] option').map((_, o) => $(o).attr('value')).get()).toEqual(['', 'letuan']);
    const charts = $('svg.chart[role=img]');
    expect(charts).toHaveLength(2);
    expect(charts.eq(0).find('title').first().text()).toBe('Commission over time (CNY)');
    expect(charts.eq(1).find('title').first().text()).toBe('Top sites by commission (CNY)');
    expect(charts.eq(1).find('rect.chart-bar title').text()).toBe('乐团网: CN¥10.00');
    expect(charts.eq(0).attr('aria-labelledby')).toBe('revenue-title-1 revenue-desc-1');

    const rows = $('table.report-table tbody tr').map((_, row) => [$(row).find('td').map((__, cell) => $(cell).text().trim()).get()]).get() as string[][];
    // Ranked: the line with commission first.
    expect(rows).toEqual([
      [today(), '=cmd()', '2', '0', '1', '50%', 'CN¥100.00', 'CN¥10.00', 'CN¥5.00'],
      [today(), '(none)', '1', '2', '0', '0%', '', '', ''],
    ]);
    const totals = $('table.report-table tfoot tr.totals').children().map((_, cell) => $(cell).text().trim()).get();
    expect(totals).toEqual(['Total', '3', '2', '1', '33.33%', 'CN¥100.00', 'CN¥10.00', 'CN¥3.3333']);
    expect($('tbody abbr').last().attr('title')).toBe('1 bots, 1 duplicates');
    expect($('a[download]').attr('href')).toBe(`/operator/reports.csv?grain=day&groupBy=sub&from=${today()}&to=${today()}`);
  });

  it('formats money for the reader’s language', async () => {
    const response = await get(operator, `/operator/reports?groupBy=category&from=${today()}&to=${today()}`, 'text/html', { 'accept-language': 'zh-CN' });
    const $ = cheerio.load(response.body);
    expect($('h1').text()).toBe('报表');
    const food = $('table.report-table tbody tr').filter((_, row) => $(row).find('td').eq(1).text() === '美食');
    expect(food.find('td').eq(6).text().trim()).toBe('¥100.00');
  });

  it('exports the table as CSV with every line, a totals row, quoting, and formulas neutralised', async () => {
    const response = await get(operator, `/operator/reports.csv?groupBy=deal&from=${today()}&to=${today()}`, 'text/csv');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="dealnav-report-day-deal-${today()}-${today()}.csv"`);
    expect(response.body.startsWith('\uFEFF')).toBe(true);
    const records = parse(response.body.slice(1), { columns: true }) as Record<string, string>[];
    expect(records.map((r) => [r.label, r.billable_clicks, r.bot_clicks, r.duplicate_clicks, r.conversions, r.currency, r.sales, r.commission])).toEqual([
      ["'=HYPERLINK(\"http://evil.example\",\"双人火锅\")", '2', '0', '0', '1', 'CNY', '100.00', '10.00'],
      ['Spa, "deluxe"', '1', '1', '1', '0', '', '', ''],
      ['', '3', '1', '1', '1', 'CNY', '100.00', '10.00'],
    ]);
    expect(records[2]!.period).toBe('total (day)');
    expect(records[0]!.epc).toBe('5.000000');
    // The raw text: the quote-doubling of csv-stringify, and no cell starting with '='.
    expect(response.body).toContain('"Spa, ""deluxe"""');
    expect(response.body).not.toMatch(/(^|,)"?=/m);

    const bySub = parse((await get(operator, `/operator/reports.csv?groupBy=sub&from=${today()}&to=${today()}`, 'text/csv')).body.slice(1), { columns: true }) as Record<string, string>[];
    expect(bySub.map((r) => r.key)).toEqual(['', "'=cmd()", '']);
  });

  it('answers the same data as JSON that validates against the schema published at /docs', async () => {
    const response = await get(operator, `/api/reports?grain=month&groupBy=city&from=${today()}&to=${today()}`, 'application/json');
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toContain('no-store');
    const body = response.json();
    const openapi = (await t.app.inject({ url: '/docs/json' })).json();
    const operation = openapi.paths['/api/reports'].get;
    expect(operation.tags).toEqual(['reports']);
    expect(operation.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['from', 'grain', 'groupBy', 'page', 'pageSize', 'site', 'to']);
    const schema = operation.responses['200'].content['application/json'].schema;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    // The response schema as published, with the shared schemas it refers to (#/components/schemas/…).
    const validate = ajv.compile({ ...schema, components: openapi.components });
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    expect(body.lines.map((l: { period: string; key: string; billableClicks: number }) => [l.period, l.key, l.billableClicks]))
      .toEqual([[today().slice(0, 7), 'chengdu', 2], [today().slice(0, 7), 'beijing', 1]]);
    expect(body.totalLines).toBe(2);
    expect(body.orderCurrency).toBe('CNY');
    expect(body.totals.money).toEqual([{
      currency: 'CNY', salesMinor: 10000, commissionPendingMinor: 0, commissionApprovedMinor: 1000, commissionReversedMinor: 0,
      commissionMinor: 1000, epcMinor: 1000 / 3,
    }]);
    expect(body.topSites).toEqual([{ currency: 'CNY', sites: [{ key: 'letuan', label: '乐团网', commissionMinor: 1000 }] }]);

    const bad = await get(operator, '/api/reports?from=2026-02-30&to=2026-03-01', 'application/json');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'DN_ERR_REPORT_DATE' });
    expect((await get(operator, '/api/reports?site=nope', 'application/json')).json()).toMatchObject({ code: 'DN_ERR_SITE_NOT_FOUND' });
    expect((await get(operator, '/api/reports?from=2020-01-01&to=2026-01-01', 'application/json')).json()).toMatchObject({ code: 'DN_ERR_REPORT_RANGE' });
    expect((await get(operator, '/api/reports?groupBy=referrer', 'application/json')).statusCode).toBe(400);
  });
});
