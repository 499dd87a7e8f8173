// A newcomer's walk through the owners' pages in real Chromium: sign up → register a site whose
// feed and home page a sample server on 127.0.0.1 serves → preview it (deal count and a problem)
// → submit → verify the domain with the well-known file → the dashboard says "waiting for
// approval". A screenshot of the site page lands in test-artifacts/; no CSP violation is allowed.
import { mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server';
import { WELL_KNOWN_PATH } from '../../src/sites/verify-domain';
import { CHROMIUM_MISSING, chromiumPath, launchBrowser } from '../helpers/browser';
import { GOOD_PASSWORD } from '../helpers/browser-session';
import { fixture, startFeedServer, type FeedServer } from '../helpers/feed-server';
import { makeTempDir } from '../helpers/temp-dir';

const browserRequired = process.env.DEALNAV_REQUIRE_BROWSER === '1';
const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

describe.skipIf(!chromiumPath() && !browserRequired)('a site owner\'s first walk in Chromium', () => {
  const temp = makeTempDir('dealnav-owner-walk-');
  let portal: RunningServer;
  let sample: FeedServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!chromiumPath()) throw new Error(`${CHROMIUM_MISSING} (DEALNAV_REQUIRE_BROWSER=1 is set, so browser tests may not be skipped)`);
    mkdirSync(artifacts, { recursive: true });
    sample = await startFeedServer();
    sample.answer('/', { headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!doctype html><html><head><title>Tuan</title></head><body>Deals</body></html>' });
    // Its deals on the sample site's own host, as the preview and the crawl keep only those.
    sample.answer('/api/hao123.xml', {
      headers: { 'content-type': 'application/xml' },
      body: fixture('owner/feed-with-broken-items.xml').toString('utf8').replaceAll('http://www.tuanowner.example/', sample.url('/')),
    });
    // The sample site is on loopback, so the portal may fetch private addresses, as in the demo.
    portal = await startServer({ dbPath: temp.file('walk.db'), host: '127.0.0.1', port: 0, allowPrivateNetwork: true });
    browser = await launchBrowser();
    context = await browser.newContext({ locale: 'en-US' });
    await context.route('**/*', (route) => {
      const { hostname } = new URL(route.request().url());
      return hostname === '127.0.0.1' ? route.continue() : route.abort('blockedbyclient');
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    // The feed's pictures are on invented hosts that the fence above blocks; anything else counts.
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().includes('ERR_BLOCKED_BY_CLIENT')) problems.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
  });

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await portal?.close();
    await sample?.close();
    temp.remove();
  });

  it('signs up, registers, previews, submits, verifies and sees the site waiting for approval', async () => {
    const base = portal.address;
    await page.goto(`${base}/account/sign-up`);
    await page.getByLabel('Email').fill('newcomer@tuan.example');
    await page.getByLabel('Password').fill(GOOD_PASSWORD);
    await Promise.all([page.waitForURL(`${base}/account`), page.getByRole('button', { name: 'Create account' }).click()]);

    await Promise.all([page.waitForURL(`${base}/owner`), page.getByRole('link', { name: 'My sites' }).click()]);
    await Promise.all([page.waitForURL(`${base}/owner/sites/new`), page.getByRole('link', { name: 'Register a site' }).click()]);
    await page.getByLabel('Site name').fill('Tuan Owner');
    await page.getByLabel('Home page URL').fill(sample.url('/'));
    await page.getByLabel('Feed URL').fill(sample.url('/api/hao123.xml'));
    await page.getByLabel('Click-id parameter').fill('dnclick');

    await Promise.all([page.waitForURL(`${base}/owner/sites/preview`), page.getByRole('button', { name: 'Preview' }).click()]);
    await expect.poll(() => page.locator('.preview-summary').textContent()).toBe('Found 4 deals in 9 items (hao123 format).');
    expect(await page.locator('.preview-problems li', { hasText: 'it has no price.' }).count()).toBe(1);
    expect(await page.locator('.preview-sample li.deal').count()).toBe(4);
    // The form kept what was typed.
    expect(await page.getByLabel('Feed URL').inputValue()).toBe(sample.url('/api/hao123.xml'));

    await Promise.all([page.waitForURL(/\/owner\/sites\/\d+\?registered=1$/), page.getByRole('button', { name: 'Submit for approval' }).click()]);
    const token = (await page.locator('#verification-token').textContent())!.trim();
    expect(token).toMatch(/^dealnav-/);
    expect((await page.locator('#file-url').textContent())!.trim()).toBe(sample.url(WELL_KNOWN_PATH));
    sample.answer(WELL_KNOWN_PATH, { headers: { 'content-type': 'text/plain' }, body: `${token}\n` });
    await Promise.all([page.waitForURL(/\/verify$/), page.getByRole('button', { name: 'Check now' }).click()]);
    expect((await page.locator('.verify-result p').first().textContent())!.trim()).toBe('Verified: the domain is yours.');
    expect((await page.locator('.site-status').textContent())!.trim()).toBe('Waiting for approval');
    expect((await page.locator('.site-verification').textContent())!.trim()).toMatch(/^Verified /);
    const file = `${artifacts}owner-site-page.png`;
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(10_000);

    await Promise.all([page.waitForURL(`${base}/owner`), page.getByRole('link', { name: '← My sites' }).click()]);
    const row = page.locator('table.owner-sites tbody tr').first();
    expect(await row.locator('td').nth(1).textContent()).toContain('Waiting for approval');
    expect((await row.locator('td').nth(2).textContent())!.trim()).toBe('Verified');
    await page.screenshot({ path: `${artifacts}owner-dashboard.png`, fullPage: true });
    expect(problems).toEqual([]);
  });
});
