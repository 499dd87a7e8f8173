// The demo as a shopper sees it: the listing in real Chromium, in both languages and two screen
// sizes, and a click-out from the listing through /go/:id to a sample site, stored in the database.
import Database from 'better-sqlite3';
import { mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../../src/demo/run-demo';
import { CHROMIUM_MISSING, chromiumPath, launchBrowser } from '../helpers/browser';
import { makeTempDir } from '../helpers/temp-dir';

const browserRequired = process.env.DEALNAV_REQUIRE_BROWSER === '1';
const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const CLICK_ID = /^[0-9a-z]+-[A-Za-z0-9_-]{16}$/;
const SITE_NAMES = ['乐团网', '好团网', 'Harbor Deals'];

/** The few browser globals the in-page snippets use (the project's tsconfig has no DOM library). */
interface PageWindow {
  document: {
    body: { scrollHeight: number };
    documentElement: { scrollWidth: number };
    images: ArrayLike<{ src: string; complete: boolean; naturalWidth: number }>;
  };
  innerHeight: number;
  scrollTo(x: number, y: number): void;
}

// Without Chromium the file is skipped, unless DEALNAV_REQUIRE_BROWSER=1 (CI), where it fails.
describe.skipIf(!chromiumPath() && !browserRequired)('demo in Chromium: listing and click-out', () => {
  const temp = makeTempDir('dealnav-browser-');
  const dbPath = temp.file('demo.db');
  let demo: RunningDemo;
  let browser: Browser;
  let baseUrl: string;
  const contexts: BrowserContext[] = [];
  /** Requests the browser tried to make to anywhere but loopback (blocked). */
  const offLoopback: string[] = [];

  beforeAll(async () => {
    if (!chromiumPath()) throw new Error(`${CHROMIUM_MISSING} (DEALNAV_REQUIRE_BROWSER=1 is set, so browser tests may not be skipped)`);
    mkdirSync(artifacts, { recursive: true });
    demo = await startDemo({ dbPath, host: '127.0.0.1', port: 0 }, () => {});
    baseUrl = demo.server.address;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await demo?.close();
    temp.remove();
  });

  async function newContext(options: BrowserContextOptions): Promise<BrowserContext> {
    const context = await browser.newContext(options);
    contexts.push(context);
    // Only loopback may be reached; anything else is recorded and refused.
    await context.route('**/*', (route) => {
      const { protocol, hostname } = new URL(route.request().url());
      const loopback = hostname === '127.0.0.1' || hostname === '[::1]' || hostname === 'localhost';
      if ((protocol === 'http:' || protocol === 'https:') && !loopback) {
        offLoopback.push(route.request().url());
        return route.abort('blockedbyclient');
      }
      return route.continue();
    });
    return context;
  }

  async function openListing(options: BrowserContextOptions) {
    const context = await newContext(options);
    const page = await context.newPage();
    const response = await page.goto(`${baseUrl}/`);
    expect(response?.status()).toBe(200);
    return page;
  }

  const priceOf = (page: Page, title: string) =>
    page.locator('li.deal', { has: page.locator('.deal-title', { hasText: title }) }).locator('.deal-price').textContent();

  it('lists the deals of all three sample sites, in Chinese for zh-CN', async () => {
    const page = await openListing({ locale: 'zh-CN' });
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    const deals = page.locator('li.deal');
    expect(await deals.count()).toBe(demo.sites.reduce((sum, site) => sum + site.spec.deals.length, 0));

    const siteTexts = await page.locator('li.deal .deal-site').allTextContents();
    for (const name of SITE_NAMES) expect(siteTexts.some((text) => text.includes(name)), name).toBe(true);

    const prices = await page.locator('li.deal .deal-price').allTextContents();
    expect(prices).toContain('¥68.00');
    expect(prices).toContain('US$33.00'); // how zh-CN writes dollars
    // Each price on its own deal's card, not merely somewhere on the page.
    expect(await priceOf(page, '川味火锅双人套餐')).toBe('¥68.00');
    expect(await priceOf(page, 'Kayak Tour')).toBe('US$33.00');

    const goLinks = await page.locator('li.deal a.go').allTextContents();
    expect(goLinks.length).toBe(await deals.count());
    for (const text of goLinks) expect(text.trim()).toBe('去看看');
    expect(await page.locator('body').textContent()).not.toContain('Get this deal');
  });

  it('shows the English interface for en-US', async () => {
    const page = await openListing({ locale: 'en-US' });
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    const goLinks = await page.locator('li.deal a.go').allTextContents();
    expect(goLinks.length).toBeGreaterThan(0);
    for (const text of goLinks) expect(text.trim()).toBe('Get this deal');
    expect(await page.locator('body').textContent()).not.toContain('去看看');
    const siteTexts = await page.locator('li.deal .deal-site').allTextContents();
    for (const name of SITE_NAMES) expect(siteTexts.some((text) => text.includes(name)), name).toBe(true);
    expect(await priceOf(page, 'Kayak Tour')).toBe('$33.00');
    expect(await priceOf(page, '川味火锅双人套餐')).toBe('CN¥68.00'); // how English writes yuan
  });

  it("clicking a deal's link lands on the sample site's deal page with a stored click id", async () => {
    const page = await openListing({ locale: 'zh-CN' });
    const landed: string[] = [];
    // One click-out per sample site: each site takes the click id in its own query parameter.
    for (const site of demo.sites) {
      const card = page.locator('li.deal', { has: page.locator('.deal-site', { hasText: site.spec.name }) }).first();
      const goHref = await card.locator('a.go').getAttribute('href');
      expect(goHref).toMatch(/^\/go\/\d+$/);

      const [landing] = await Promise.all([
        page.waitForResponse((response) => response.url().startsWith(site.homeUrl) && response.request().isNavigationRequest()),
        card.locator('a.go').click(),
      ]);
      expect(landing.status()).toBe(200);
      // The click went through the portal: the landing page is the target of /go/:id's redirect.
      const hop = landing.request().redirectedFrom();
      expect(hop?.url()).toBe(`${baseUrl}${goHref}`);
      const redirect = await hop!.response();
      expect(redirect?.status()).toBe(302);
      expect(redirect?.headers()['cache-control']).toBe('no-store');
      await page.waitForLoadState('load');
      const navigation = page.url();
      expect(new URL(navigation).origin).toBe(new URL(site.homeUrl).origin);

      const clickId = (await page.locator('#click-id').textContent())?.trim() ?? '';
      expect(clickId).not.toBe('');
      expect(clickId).toMatch(CLICK_ID);
      const param = site.spec.clickParams.find((name) => new URL(navigation).searchParams.get(name) === clickId);
      expect(param, `click id passed in one of ${site.spec.clickParams.join(', ')}`).toBeDefined();
      landed.push(clickId);

      await page.goBack();
      await page.waitForURL((url) => url.href.startsWith(baseUrl));
    }
    expect(new Set(landed).size).toBe(demo.sites.length);

    // Every redirect waits for its click to commit, so the rows are there now.
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      const tokens = (db.prepare('SELECT token FROM clicks').all() as { token: string }[]).map((row) => row.token);
      for (const clickId of landed) expect(tokens).toContain(clickId);
    } finally {
      db.close();
    }
  });

  it('renders the listing at phone and desktop sizes (screenshots in test-artifacts/)', async () => {
    const sizes = [
      { name: 'listing-phone-390x844.png', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
      { name: 'listing-desktop-1280x800.png', viewport: { width: 1280, height: 800 } },
    ];
    for (const { name, ...options } of sizes) {
      const page = await openListing({ locale: 'zh-CN', ...options });
      // Bring the lazy-loaded pictures in before the full-page shot, and check that they all load.
      await page.evaluate(async () => {
        const win = globalThis as unknown as PageWindow;
        for (let y = 0; y < win.document.body.scrollHeight; y += win.innerHeight) {
          win.scrollTo(0, y);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        win.scrollTo(0, 0);
      });
      await page.waitForLoadState('networkidle');
      await page.waitForFunction(() => Array.from((globalThis as unknown as PageWindow).document.images).every((image) => image.complete));
      const pictures = await page.evaluate(() => Array.from((globalThis as unknown as PageWindow).document.images)
        .map((image) => ({ src: image.src, loaded: image.naturalWidth > 0 })));
      expect(pictures.length, `${name}: one picture per deal`).toBe(await page.locator('li.deal').count());
      expect(pictures.filter((picture) => !picture.loaded), `${name}: pictures that did not load`).toEqual([]);
      // The page fits the screen: nothing wider than the viewport on a phone either.
      const scrollWidth = await page.evaluate(() => (globalThis as unknown as PageWindow).document.documentElement.scrollWidth);
      expect(scrollWidth, `${name}: no horizontal scrolling`).toBeLessThanOrEqual(options.viewport.width);
      const path = `${artifacts}${name}`;
      await page.screenshot({ path, fullPage: true });
      const size = statSync(path).size;
      expect(size, path).toBeGreaterThan(1000);
    }
  });

  it('made no request beyond loopback', () => {
    expect(offLoopback).toEqual([]);
  });
});
