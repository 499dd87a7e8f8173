// Reconciliation in real Chromium: an operator uploads a GBK order report through the file input,
// reads the preview, unticks one group with its "apply all" box (the page's script, under the
// strict CSP), applies, and reads the result. No console or CSP error, no request beyond loopback.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPostback } from '../../src/revenue/postback';
import { buildTestApp, type TestApp } from '../helpers/app';
import { CHROMIUM_MISSING, chromiumPath, launchBrowser } from '../helpers/browser';
import { GOOD_PASSWORD } from '../helpers/browser-session';
import { dealRecord } from '../helpers/deal-record';
import { fixture } from '../helpers/feed-server';
import { makeTempDir } from '../helpers/temp-dir';

const browserRequired = process.env.DEALNAV_REQUIRE_BROWSER === '1';
const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const SECRET = 'partner-secret-for-tests';

describe.skipIf(!chromiumPath() && !browserRequired)('reconciliation in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let baseUrl: string;
  let reportFile: string;
  const dir = makeTempDir('dealnav-recon-browser-');
  const problems: string[] = [];
  const offLoopback: string[] = [];

  beforeAll(async () => {
    if (!chromiumPath()) throw new Error(`${CHROMIUM_MISSING} (DEALNAV_REQUIRE_BROWSER=1 is set, so browser tests may not be skipped)`);
    mkdirSync(artifacts, { recursive: true });
    t = await buildTestApp();
    const operator = await t.app.accounts.createUser('ops@example.com', GOOD_PASSWORD, 'operator');
    if (!operator.ok) throw new Error('could not create the operator');
    await t.storage.deals.applyFeedSnapshot(t.feed, [dealRecord({ externalId: 'a' })], new Date());
    const dealId = (await t.storage.deals.listLive({ now: new Date(), page: 1, pageSize: 1 })).deals[0]!.id;
    const clicks: Record<string, string> = { other: 'zz-notaclickid00001' };
    for (const key of ['1', '2', '3', '4', '6']) {
      const response = await t.app.inject({ url: `/go/${dealId}`, headers: { 'user-agent': 'Mozilla/5.0 Chrome/120.0' } });
      clicks[key] = new URL(response.headers.location as string).searchParams.get('dnclick')!;
    }
    await t.storage.revenue.rotatePostbackSecret(t.site.id, SECRET, new Date(), null);
    const posted: [string, string, string, string][] = [['A1', '1', '128.50', 'pending'], ['A2', '2', '99.00', 'approved'], ['A3', '3', '50.00', 'pending']];
    for (const [order, click, amount, status] of posted) {
      const params = { site: 'letuan', click_id: clicks[click]!, order_id: order, amount, currency: 'CNY', status, ts: String(Math.floor(Date.now() / 1000)) };
      expect((await t.app.inject({ url: `/api/postback?${new URLSearchParams({ ...params, sig: signPostback(SECRET, params) })}` })).statusCode).toBe(200);
    }
    const now = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'medium' }).format(new Date(Date.now() + 60_000));
    reportFile = dir.file('订单报表.csv');
    writeFileSync(reportFile, Buffer.from(fixture('reconciliation/gbk-chinese-headers.csv').toString('latin1')
      .replace(/\{click:(\w+)\}/g, (_, key: string) => clicks[key]!).replaceAll('{now}', now), 'latin1'));
    baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchBrowser();
    context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    await context.route('**/*', (route) => {
      if (new URL(route.request().url()).hostname === '127.0.0.1') return route.continue();
      offLoopback.push(route.request().url());
      return route.abort('blockedbyclient');
    });
  });

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await t?.close();
    dir.remove();
  });

  it('uploads a GBK report, unticks a group and applies the rest', async () => {
    const page = await context.newPage();
    page.on('console', (message) => { if (message.type() === 'error') problems.push(`${page.url()}: ${message.text()}`); });
    page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));

    await page.goto(`${baseUrl}/operator/reconciliation?site=letuan`);
    await page.getByLabel('Email').fill('ops@example.com');
    await page.getByLabel('Password').fill(GOOD_PASSWORD);
    await Promise.all([page.waitForURL(/\/operator\/reconciliation\?site=letuan$/), page.getByRole('button', { name: 'Sign in' }).click()]);

    await page.locator('#field-report').setInputFiles(reportFile);
    await page.getByLabel('Order id').fill('订单号');
    await page.getByLabel('Click id').fill('点击ID');
    await page.getByLabel('Amount', { exact: true }).fill('金额(元)');
    await page.getByLabel('Status', { exact: true }).fill('订单状态');
    await page.getByLabel('Order time', { exact: true }).fill('下单时间');
    await page.getByLabel('Status words').fill('已确认 = approved\n有效 = approved\n待确认 = pending\n无效 = rejected\n退款 = reversed');
    await Promise.all([page.waitForURL(/\/operator\/reconciliation\/imports\/\d+$/), page.getByRole('button', { name: 'Preview' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('Reconciliation preview');
    expect(await page.locator('#rows-mismatch tbody tr').count()).toBe(2);
    await page.screenshot({ path: `${artifacts}reconciliation-preview.png`, fullPage: true });

    // The "never posted" group (A4 and B1 here) is unticked as a whole by its box.
    const newGroup = page.locator('input[data-category="new"]');
    expect(await newGroup.count()).toBe(2);
    await page.locator('input[data-category-toggle="new"]').uncheck();
    for (const box of await newGroup.all()) expect(await box.isChecked()).toBe(false);

    await Promise.all([page.waitForURL(/\/result$/), page.getByRole('button', { name: 'Apply the ticked corrections' }).click()]);
    expect(await page.locator('#recon-outcomes').textContent()).toContain('2 applied, 0 already so, 0 refused, 2 not chosen');
    await page.screenshot({ path: `${artifacts}reconciliation-result.png`, fullPage: true });
    expect((await t.storage.revenue.findConversion(t.site.id, 'A1'))!.status).toBe('approved');
    expect((await t.storage.revenue.findConversion(t.site.id, 'A2'))!.status).toBe('reversed');
    expect(await t.storage.revenue.findConversion(t.site.id, 'B1')).toBeNull();

    expect(problems).toEqual([]);
    expect(offLoopback).toEqual([]);
  });
});
