// An operator's day in real Chromium: sign in, find a site waiting in the approval queue, approve
// it (it is unverified, so only with the override ticked), give it a CPS commission term, and
// read the revenue report: a click-out and a sale recorded beforehand show in its figures.
// Screenshots of each page in test-artifacts/, no CSP violation, and no request beyond loopback.
import { mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app';
import { CHROMIUM_MISSING, chromiumPath, launchBrowser } from '../helpers/browser';
import { GOOD_PASSWORD } from '../helpers/browser-session';
import { dealRecord } from '../helpers/deal-record';
import { signPostback } from '../../src/revenue/postback';

const browserRequired = process.env.DEALNAV_REQUIRE_BROWSER === '1';
const POSTBACK_SECRET = 'walk-postback-secret';
const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

describe.skipIf(!chromiumPath() && !browserRequired)('operator walk in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let baseUrl: string;
  let pendingSiteId: number;
  /** Console errors and page errors (CSP violations among them), and requests beyond loopback. */
  const problems: string[] = [];
  const offLoopback: string[] = [];

  beforeAll(async () => {
    if (!chromiumPath()) throw new Error(`${CHROMIUM_MISSING} (DEALNAV_REQUIRE_BROWSER=1 is set, so browser tests may not be skipped)`);
    mkdirSync(artifacts, { recursive: true });
    t = await buildTestApp();
    const operator = await t.app.accounts.createUser('ops@example.com', GOOD_PASSWORD, 'operator');
    const owner = await t.app.accounts.createUser('owner@haotuan.example', GOOD_PASSWORD, 'owner');
    if (!operator.ok || !owner.ok) throw new Error('could not create the accounts');
    const site = await t.storage.sites.upsert({ slug: 'haotuan', name: '好团网', homeUrl: 'http://haotuan.example/', status: 'pending' });
    await t.storage.sites.setOwner(site.id, owner.user.id);
    await t.storage.feeds.upsert({ siteId: site.id, url: 'http://haotuan.example/api/hao123.xml' });
    pendingSiteId = site.id;
    await recordSale();
    baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchBrowser();
    context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    await context.route('**/*', (route) => {
      const { hostname } = new URL(route.request().url());
      if (hostname === '127.0.0.1') return route.continue();
      offLoopback.push(route.request().url());
      return route.abort('blockedbyclient');
    });
  });

  /**
   * What the report must show: a shopper's click-out from an active site's deal through /go and
   * the partner's signed postback for it (a 68.01 CNY sale at 10%), both through the app itself.
   */
  async function recordSale(): Promise<void> {
    await t.storage.deals.applyFeedSnapshot(t.feed, [dealRecord({ externalId: 'hotpot', title: '双人火锅套餐' })], new Date());
    const dealId = (await t.storage.deals.listLive({ now: new Date(), page: 1, pageSize: 1 })).deals[0]!.id;
    await t.storage.revenue.addTerm({ siteId: t.site.id, effectiveFrom: new Date(0), model: 'cps', rateBp: 1000, flatMinor: null, currency: null, category: null, now: new Date() });
    await t.storage.revenue.rotatePostbackSecret(t.site.id, POSTBACK_SECRET, new Date(), null);
    const click = await t.app.inject({ url: `/go/${dealId}`, headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0' } });
    const clickId = new URL(click.headers.location as string).searchParams.get('dnclick')!;
    const params: Record<string, string> = {
      site: t.site.slug, click_id: clickId, order_id: 'HOTPOT-1', amount: '68.01', currency: 'CNY', status: 'pending', ts: String(Math.floor(Date.now() / 1000)),
    };
    const postback = await t.app.inject({ url: `/api/postback?${new URLSearchParams({ ...params, sig: signPostback(POSTBACK_SECRET, params) })}` });
    if (postback.statusCode !== 200) throw new Error(`postback refused: ${postback.body}`);
  }

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await t?.close();
  });

  async function screenshot(page: Page, name: string): Promise<void> {
    const path = `${artifacts}operator-${name}.png`;
    await page.screenshot({ path, fullPage: true });
    expect(statSync(path).size, path).toBeGreaterThan(1000);
  }

  it('signs in, approves the pending site, adds a CPS term and reads the click and the sale in the report', async () => {
    const page = await context.newPage();
    page.on('console', (message) => { if (message.type() === 'error') problems.push(`${page.url()}: ${message.text()}`); });
    page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));

    // The console asks for a sign-in and comes back to it afterwards.
    await page.goto(`${baseUrl}/operator`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/account/sign-in');
    await page.getByLabel('Email').fill('ops@example.com');
    await page.getByLabel('Password').fill(GOOD_PASSWORD);
    await Promise.all([page.waitForURL(`${baseUrl}/operator`), page.getByRole('button', { name: 'Sign in' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('Operator console');
    expect(await page.locator('.attention-pending').textContent()).toContain('Sites waiting for approval: 1');
    await screenshot(page, 'console');

    // The queue, then the site.
    await Promise.all([page.waitForURL(/\/operator\/sites\?status=pending$/), page.locator('.attention-pending a').click()]);
    const row = page.locator(`tr[data-site-id="${pendingSiteId}"]`);
    expect(await row.textContent()).toContain('owner@haotuan.example');
    await screenshot(page, 'queue');
    await Promise.all([page.waitForURL(`${baseUrl}/operator/sites/${pendingSiteId}`), row.getByRole('link', { name: '好团网' }).click()]);
    expect(await page.locator('.verification').textContent()).toContain('Not verified');

    // Approving without the override is refused next to the box; with it, the site goes live.
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForLoadState();
    expect(await page.locator('#error-overrideUnverified').textContent()).toContain('not proven');
    await page.getByLabel(/Approve although the domain is not verified/).check();
    await Promise.all([page.waitForURL(/done=approve/), page.getByRole('button', { name: 'Approve' }).click()]);
    expect(await page.locator('.notice').textContent()).toContain('Approved');
    expect(await page.locator('h1 .status').textContent()).toBe('Active');
    expect((await t.storage.sites.findById(pendingSiteId))!.status).toBe('active');
    await screenshot(page, 'site-approved');

    // A CPS term of 8.5 % from the first of next month.
    const now = new Date();
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
    await page.getByLabel('Model').selectOption('cps');
    await page.getByLabel(/Rate for CPS/).fill('8.5');
    await page.getByLabel(/Effective from/).fill(from);
    await Promise.all([page.waitForURL(/done=term/), page.getByRole('button', { name: 'Add term' }).click()]);
    const term = page.locator('.terms-table tbody tr');
    expect(await term.count()).toBe(1);
    expect(await term.textContent()).toContain('8.5% of the sale');
    expect(await term.textContent()).toContain('scheduled');
    expect(await t.storage.revenue.listTerms(pendingSiteId)).toMatchObject([{ model: 'cps', rateBp: 850, effectiveFrom: new Date(`${from}T00:00:00Z`) }]);
    await screenshot(page, 'site-term');

    // The revenue reports, from the console.
    await page.goto(`${baseUrl}/operator`);
    const [reports] = await Promise.all([
      page.waitForResponse((response) => new URL(response.url()).pathname === '/operator/reports'),
      page.locator('.console-sections a[href="/operator/reports"]').click(),
    ]);
    expect(reports.status()).toBe(200);
    await page.waitForLoadState();
    // Today's line for the site with the sale (the default report: the last 30 days per day, by site).
    const today = new Date().toISOString().slice(0, 10);
    const line = page.locator('table.report-table tbody tr', { hasText: '乐团网' });
    expect(await line.count()).toBe(1);
    const cells = await line.locator('td').allTextContents();
    expect(cells.slice(0, 5).map((cell) => cell.trim())).toEqual([today, '乐团网', '1', '0', '1']);
    expect(cells[5]).toContain('100');
    expect(cells[6]).toContain('68.01');
    expect(cells[7]).toContain('6.80');
    const totals = (await page.locator('table.report-table tfoot tr.totals td').allTextContents()).map((cell) => cell.trim());
    expect(totals.slice(0, 3)).toEqual(['1', '0', '1']);
    expect(totals[4]).toContain('68.01');
    expect(totals[5]).toContain('6.80');
    expect(await page.locator('.report-chart svg.chart').count()).toBeGreaterThan(0);
    await screenshot(page, 'reports');

    // The same site page in Chinese, through the header's language switch.
    await page.goto(`${baseUrl}/operator/sites/${pendingSiteId}`);
    await Promise.all([page.waitForURL(`${baseUrl}/operator/sites/${pendingSiteId}`), page.locator('a.language').click()]);
    expect(await page.locator('h1 .status').textContent()).toBe('已上线');
    expect(await page.locator('.terms-table tbody tr').textContent()).toContain('销售额的 8.5%');
    await screenshot(page, 'site-zh-CN');
  });

  it('met no console error or CSP violation, and made no request beyond loopback', () => {
    // Chromium reports every 4xx document as a console error; the refused approval is one on purpose.
    const refusedApproval = /\/operator\/sites\/\d+\/approve: Failed to load resource: .* 409 \(Conflict\)$/;
    expect(problems.filter((problem) => !refusedApproval.test(problem))).toEqual([]);
    expect(offLoopback).toEqual([]);
  });
});
