// CSV downloads beside the tables an operator or a site owner reads: a reconciliation import's rows
// and a site's conversions. Read back with csv-parse: the columns, exact amounts, UTC times, and
// cells from outside (order ids, problems quoting them) neutralised so a spreadsheet never runs them.
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/accounts/sessions';
import { defaultMapping } from '../../src/revenue/reconciliation/mapping';
import type { ReconciliationImport } from '../../src/storage';
import { buildTestApp, type TestApp } from '../helpers/app';
import { BrowserSession, GOOD_PASSWORD } from '../helpers/browser-session';
import { dealRecord } from '../helpers/deal-record';

const UA = { 'user-agent': 'Mozilla/5.0 Chrome/120.0' };

describe('CSV exports of reconciliation imports and a site\'s conversions', () => {
  let t: TestApp;
  let clickToken: string;

  beforeEach(async () => {
    t = await buildTestApp();
    await t.storage.deals.applyFeedSnapshot(t.feed, [dealRecord({ externalId: 'a' })], new Date());
    const dealId = (await t.storage.deals.listLive({ now: new Date(), page: 1, pageSize: 1 })).deals[0]!.id;
    const click = await t.app.inject({ url: `/go/${dealId}`, headers: UA });
    clickToken = new URL(click.headers.location as string).searchParams.get('dnclick')!;
  });
  afterEach(async () => { await t.close(); });

  const sessionOf = async (email: string, role: 'owner' | 'operator') => {
    const created = await t.app.accounts.createUser(email, GOOD_PASSWORD, role);
    if (!created.ok) throw new Error(`no ${role}`);
    const browser = new BrowserSession(t.app);
    browser.cookies.set(SESSION_COOKIE, (await t.app.sessions.start(created.user.id, 'test')).cookieValue);
    return { browser, user: created.user };
  };
  const csvOf = (body: string): string[][] => {
    expect(body.startsWith('\ufeff')).toBe(true);
    expect(body).toContain('\r\n');
    return parse(body, { bom: true }) as string[][];
  };

  const storedImport = async (): Promise<ReconciliationImport> => {
    const at = new Date('2026-11-20T02:00:00Z');
    const base = {
      line: 2, clickToken, amountMinor: 6801, currency: 'CNY', status: 'approved' as const, kind: 'sale' as const, occurredAt: at,
      portalStatus: null, portalAmountMinor: null, portalCurrency: null, applicable: true, problemCode: null, problem: null,
    };
    return t.storage.reconciliation.insertImport({
      siteId: t.site.id, fileName: 'report.csv', charset: 'utf-8', orders: 2, periodStart: at, periodEnd: new Date(at.getTime() + 86_400_000),
      mapping: defaultMapping('Asia/Shanghai'),
      createdByUserId: null, createdAt: new Date(),
    }, [
      { ...base, position: 0, category: 'new', orderId: 'A1' },
      { ...base, position: 1, category: 'mismatch', orderId: 'A2', kind: 'lead', amountMinor: 0, portalStatus: 'pending', portalAmountMinor: 0, portalCurrency: 'CNY',
        applicable: false, problemCode: 'DN_ERR_CONVERSION_CONFLICT', problem: '=HYPERLINK("http://evil.example")' },
      { ...base, position: 2, line: null, category: 'missing', orderId: '@SUM(A1)', clickToken: '-1+2', amountMinor: null, currency: null, status: null, kind: null,
        portalStatus: 'pending', portalAmountMinor: 1250, portalCurrency: 'CNY', applicable: false },
    ]);
  };

  it('gives an operator every row of an import, in the page\'s category order, with formula-like cells neutralised', async () => {
    const batch = await storedImport();
    const { browser } = await sessionOf('ops@example.com', 'operator');
    const page = await browser.get(`/operator/reconciliation/imports/${batch.id}`);
    expect(page.body).toContain(`/operator/reconciliation/imports/${batch.id}/rows.csv`);
    const response = await browser.get(`/operator/reconciliation/imports/${batch.id}/rows.csv`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="reconciliation-letuan-${batch.id}.csv"`);
    const [header, ...rows] = csvOf(response.body);
    expect(header!.slice(0, 9)).toEqual(['import', 'category', 'line', 'order_id', 'click_id', 'kind', 'order_time_utc', 'reported_status', 'reported_amount']);
    const column = (name: string) => header!.indexOf(name);
    expect(rows.map((row) => [row[column('category')], row[column('order_id')]])).toEqual([['mismatch', 'A2'], ['new', 'A1'], ['missing', "'@SUM(A1)"]]);
    const [mismatch, fresh, missing] = rows as [string[], string[], string[]];
    expect(mismatch[column('kind')]).toBe('lead');
    expect(mismatch[column('problem')]).toBe('\'=HYPERLINK("http://evil.example")');
    expect(mismatch[column('applicable')]).toBe('no');
    expect(fresh[column('reported_amount')]).toBe('68.01');
    expect(fresh[column('order_time_utc')]).toBe('2026-11-20T02:00:00.000Z');
    expect(fresh[column('click_id')]).toBe(clickToken);
    expect(missing[column('click_id')]).toBe("'-1+2");
    expect(missing[column('portal_amount')]).toBe('12.50');
    expect(missing[column('reported_amount')]).toBe('');
  });

  it('keeps the import CSV to operators', async () => {
    const batch = await storedImport();
    const { browser } = await sessionOf('owner@example.com', 'owner');
    const response = await browser.get(`/operator/reconciliation/imports/${batch.id}/rows.csv`);
    expect(response.statusCode).toBe(403);
    expect((await t.app.inject({ url: `/operator/reconciliation/imports/${batch.id}/rows.csv` })).headers['content-type']).not.toMatch(/csv/);
  });

  it('gives a site\'s owner every conversion of the site, newest first, and no other owner', async () => {
    const { browser, user } = await sessionOf('owner@example.com', 'owner');
    await t.storage.sites.setOwner(t.site.id, user.id);
    const now = new Date();
    const change = { siteId: t.site.id, clickToken, currency: 'CNY', status: 'pending' as const, now, source: 'postback' as const };
    t.app.postbackService.applyChange({ ...change, orderId: 'A1', kind: 'sale', amountMinor: 6801, at: new Date(now.getTime() - 2_000) });
    t.app.postbackService.applyChange({ ...change, orderId: '-5+3', kind: 'lead', amountMinor: 0, at: new Date(now.getTime() - 1_000) });
    const page = await browser.get(`/owner/sites/${t.site.id}`);
    expect(page.body).toContain(`/owner/sites/${t.site.id}/conversions.csv`);
    const response = await browser.get(`/owner/sites/${t.site.id}/conversions.csv`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toBe('attachment; filename="letuan-conversions.csv"');
    const [header, ...rows] = csvOf(response.body);
    expect(header).toEqual(['order_id', 'click_id', 'kind', 'status', 'amount', 'currency', 'occurred_at_utc', 'updated_at_utc']);
    expect(rows.map((row) => row.slice(0, 6))).toEqual([
      ["'-5+3", clickToken, 'lead', 'pending', '0.00', 'CNY'],
      ['A1', clickToken, 'sale', 'pending', '68.01', 'CNY'],
    ]);
    expect(rows[1]![6]).toBe(new Date(now.getTime() - 2_000).toISOString());

    const other = await sessionOf('other@example.com', 'owner');
    expect((await other.browser.get(`/owner/sites/${t.site.id}/conversions.csv`)).statusCode).toBe(403);
  });
});
