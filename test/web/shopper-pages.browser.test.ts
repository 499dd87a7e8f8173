// The shopper's pages in real Chromium on the demo: filter, sort, search in Chinese, switch
// language, open a deal, star it and find it on /favourites, click out to a sample site, with
// screenshots of the listing and a deal page at phone and desktop sizes, and no CSP violation.
import { mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../../src/demo/run-demo';
import { CHROMIUM_MISSING, chromiumPath, launchBrowser } from '../helpers/browser';
import { makeTempDir } from '../helpers/temp-dir';

const browserRequired = process.env.DEALNAV_REQUIRE_BROWSER === '1';
const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/** The few browser globals the in-page snippets use (the project's tsconfig has no DOM library). */
interface PageWindow {
  document: { documentElement: { scrollWidth: number } };
}

describe.skipIf(!chromiumPath() && !browserRequired)('shopper pages in Chromium', () => {
  const temp = makeTempDir('dealnav-shopper-');
  let demo: RunningDemo;
  let browser: Browser;
  let baseUrl: string;
  const contexts: BrowserContext[] = [];
  /** Console errors and page errors, CSP violations among them. */
  const problems: string[] = [];

  beforeAll(async () => {
    if (!chromiumPath()) throw new Error(`${CHROMIUM_MISSING} (DEALNAV_REQUIRE_BROWSER=1 is set, so browser tests may not be skipped)`);
    mkdirSync(artifacts, { recursive: true });
    demo = await startDemo({ dbPath: temp.file('demo.db'), host: '127.0.0.1', port: 0 }, () => {});
    baseUrl = demo.server.address;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await demo?.close();
    temp.remove();
  });

  async function open(path: string, options: BrowserContextOptions = { locale: 'zh-CN' }): Promise<Page> {
    const context = await browser.newContext(options);
    contexts.push(context);
    await context.route('**/*', (route) => {
      const { hostname } = new URL(route.request().url());
      return hostname === '127.0.0.1' ? route.continue() : route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    page.on('console', (message) => { if (message.type() === 'error') problems.push(`${page.url()}: ${message.text()}`); });
    page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
    const response = await page.goto(`${baseUrl}${path}`);
    expect(response?.status()).toBe(200);
    return page;
  }

  const titles = (page: Page) => page.locator('li.deal .deal-title').allTextContents().then((all) => all.map((text) => text.trim()));
  const query = (page: Page) => Object.fromEntries(new URL(page.url()).searchParams);

  it('filters by city and category with the form, and remembers the city', async () => {
    const page = await open('/');
    await page.getByLabel('城市', { exact: true }).selectOption('chengdu');
    await page.getByLabel('分类', { exact: true }).selectOption('food');
    await Promise.all([page.waitForURL(/category=food/), page.locator('.filter-bar button.apply').click()]);
    expect(query(page)).toMatchObject({ city: 'chengdu', category: 'food' });
    expect(await titles(page)).toEqual([expect.stringContaining('川味火锅双人套餐')]);
    // Counts are shown beside the values.
    expect(await page.locator('#f-city option[value="chengdu"]').textContent()).toMatch(/^成都（\d+）$/);
    // The city stays chosen on the next visit to the bare home page, with nationwide deals too.
    await page.goto(`${baseUrl}/`);
    expect(await page.locator('#f-city').inputValue()).toBe('chengdu');
    const shown = await titles(page);
    expect(shown.some((title) => title.includes('护手霜'))).toBe(true);
    expect(shown.some((title) => title.includes('IMAX'))).toBe(false);
  });

  it('sorts by price', async () => {
    const page = await open('/?site=letuan');
    await page.getByLabel('排序', { exact: true }).selectOption('price');
    await Promise.all([page.waitForURL(/sort=price/), page.locator('.filter-bar button.apply').click()]);
    const prices = await page.locator('li.deal .deal-price').allTextContents();
    const amounts = prices.map((price) => Number(price.replace(/[^\d.]/g, '')));
    expect(amounts).toEqual([35, 39, 68, 128, 1280]);
    expect(query(page)).toMatchObject({ site: 'letuan', sort: 'price' });
  });

  it('finds a deal by a Chinese word inside its title', async () => {
    const page = await open('/');
    await page.getByLabel('搜索', { exact: true }).fill('火锅');
    await Promise.all([page.waitForURL(/q=/), page.getByLabel('搜索', { exact: true }).press('Enter')]);
    expect(query(page).q).toBe('火锅');
    const found = await titles(page);
    expect(found.length).toBe(1);
    expect(found[0]).toContain('川味火锅双人套餐');
  });

  it('switches the language and comes back to the same page', async () => {
    const page = await open('/?category=food');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await Promise.all([page.waitForURL((url) => url.pathname === '/' && url.search === '?category=food'), page.locator('a.language').click()]);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('a.go').first().textContent()).toBe('Get this deal');
    await page.goto(`${baseUrl}/sites`);
    expect(await page.locator('h1').textContent()).toBe('Group-buy sites');
    expect(await page.locator('.site-card').count()).toBe(3);
  });

  it('opens a deal page, stars the deal, finds it on /favourites, and clicks out to the sample site', async () => {
    const page = await open('/');
    const card = page.locator('li.deal', { has: page.locator('.deal-title', { hasText: '川味火锅双人套餐' }) });
    await Promise.all([page.waitForURL(/\/deals\/\d+$/), card.locator('.deal-title a').click()]);
    expect(await page.locator('h1').textContent()).toContain('川味火锅双人套餐');
    expect(await page.locator('.merchant-name').textContent()).toBe('蜀香火锅(春熙店)');
    expect(await page.locator('.price-history tbody tr').count()).toBeGreaterThan(0);

    const star = page.locator('.deal-page button.star');
    expect(await star.getAttribute('aria-pressed')).toBe('false');
    await star.click();
    expect(await star.getAttribute('aria-pressed')).toBe('true');
    expect(await star.textContent()).toBe('★ 已收藏');
    const dealUrl = page.url();

    await page.getByRole('link', { name: '我的收藏' }).click();
    await page.waitForURL(/\/favourites\?ids=\d+$/);
    expect(await titles(page)).toEqual([expect.stringContaining('川味火锅双人套餐')]);
    expect(await page.locator('li.deal button.star').getAttribute('aria-pressed')).toBe('true');

    await page.goto(dealUrl);
    const letuan = demo.sites.find((site) => site.spec.slug === 'letuan') ?? demo.sites[0]!;
    const [landing] = await Promise.all([
      page.waitForResponse((response) => response.url().startsWith(letuan.homeUrl) && response.request().isNavigationRequest()),
      page.locator('a.go-big').click(),
    ]);
    expect(landing.status()).toBe(200);
    expect(landing.request().redirectedFrom()?.url()).toMatch(/\/go\/\d+$/);
    await page.waitForLoadState('load');
    expect((await page.locator('#click-id').textContent())?.trim()).toMatch(/^[0-9a-z]+-[A-Za-z0-9_-]{16}$/);
  });

  it('renders the listing and a deal page at phone and desktop sizes (screenshots in test-artifacts/)', async () => {
    const sizes = [
      { name: 'phone-390x844', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
      { name: 'desktop-1280x800', viewport: { width: 1280, height: 800 } },
    ];
    for (const { name, ...options } of sizes) {
      for (const [label, path, locale] of [['listing-filtered', '/?city=chengdu&minDiscount=50', 'zh-CN'], ['deal', '', 'zh-CN'], ['deal-en', '', 'en-US']] as const) {
        const page = await open(path || '/?city=', { locale, ...options });
        if (!path) {
          await page.locator('li.deal .deal-title a', { hasText: /火锅|Kayak/ }).first().click();
          await page.waitForURL(/\/deals\/\d+$/);
        }
        await page.waitForLoadState('networkidle');
        const scrollWidth = await page.evaluate(() => (globalThis as unknown as PageWindow).document.documentElement.scrollWidth);
        expect(scrollWidth, `${label} ${name}: no horizontal scrolling`).toBeLessThanOrEqual(options.viewport.width);
        const file = `${artifacts}${label}-${name}.png`;
        await page.screenshot({ path: file, fullPage: true });
        expect(statSync(file).size).toBeGreaterThan(1000);
      }
    }
  });

  it('operates the filters with the keyboard alone: Tab to each control, arrows, Enter and Space', async () => {
    const page = await open('/?city=');
    /** Presses Tab until the focused element matches `selector` (a keyboard user's way there). */
    const tabTo = async (selector: string) => {
      for (let presses = 0; presses < 80; presses++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate(`document.activeElement !== null && document.activeElement.matches(${JSON.stringify(selector)})`)) return;
      }
      throw new Error(`Tab never reached ${selector}`);
    };
    await tabTo('#f-city');
    await page.keyboard.press('ArrowDown');
    const city = await page.locator('#f-city').inputValue();
    expect(city).not.toBe('');
    await tabTo('details.more-filters > summary');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(`document.querySelector('details.more-filters').open`)).toBe(true);
    await tabTo('input[name="new"]');
    await page.keyboard.press('Space');
    expect(await page.locator('input[name="new"]').isChecked()).toBe(true);
    await tabTo('.more-grid button.apply');
    await Promise.all([page.waitForURL(/new=1/), page.keyboard.press('Enter')]);
    expect(query(page)).toMatchObject({ city, new: '1' });
    // The focus is visible where the keyboard is: the browser's outline is not taken away.
    await tabTo('#f-q');
    expect(await page.evaluate(`getComputedStyle(document.activeElement).outlineStyle`)).not.toBe('none');
  });

  it('keeps the main text, links, prices and badges at a contrast of 4.5:1 or more, as the browser computes the colours', async () => {
    const page = await open('/?city=');
    // WCAG 2 relative luminance of the computed colour against the nearest opaque background.
    const ratios = await page.evaluate(`(() => {
      const rgb = (text) => text.match(/[\\d.]+/g).map(Number);
      const luminance = ([r, g, b]) => [r, g, b].map((v) => v / 255)
        .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
        .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
      const background = (element) => {
        for (let node = element; node; node = node.parentElement) {
          const colour = rgb(getComputedStyle(node).backgroundColor);
          if (colour.length < 4 || colour[3] === 1) return colour.slice(0, 3);
        }
        return [255, 255, 255];
      };
      const selectors = ['body', '.deal-title a', '.deal-meta', '.deal-status', '.deal-price', '.deal-value', '.deal-discount',
        '.badge-new', 'a.go', '.filters label', '.site-nav a', '.tagline', '.results-head h1'];
      return selectors.map((selector) => {
        const element = document.querySelector(selector);
        if (!element) return { selector, ratio: null };
        const [a, b] = [luminance(rgb(getComputedStyle(element).color).slice(0, 3)), luminance(background(element))];
        return { selector, ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };
      });
    })()`) as { selector: string; ratio: number | null }[];
    for (const { selector, ratio } of ratios) {
      expect(ratio, `${selector} is on the demo listing`).not.toBeNull();
      expect(ratio!, selector).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('broke no content security policy rule and logged no error', () => {
    expect(problems).toEqual([]);
  });
});
