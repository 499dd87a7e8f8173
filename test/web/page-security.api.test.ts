// Every page under the content security policy, and hostile feed text escaped everywhere it shows.
import * as cheerio from 'cheerio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app';
import { dealRecord } from '../helpers/deal-record';

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';

describe('page security', () => {
  let t: TestApp;
  let id: number;
  let twinId: number;

  beforeEach(async () => {
    t = await buildTestApp();
    await t.storage.sites.upsert({ slug: 'letuan', name: `乐团网${HOSTILE}`, homeUrl: 'http://www.letuan.example/', clickParam: 'dnclick' });
    const other = await t.storage.sites.upsert({ slug: 'evil', name: `Evil${HOSTILE}`, homeUrl: 'http://evil.example/' });
    const otherFeed = await t.storage.feeds.upsert({ siteId: other.id, url: 'http://evil.example/feed.xml' });
    const hostile = {
      title: `火锅${HOSTILE}\u0001]]>`,
      city: `城${HOSTILE}`,
      district: `区${HOSTILE}`,
      imageUrl: 'http://img.example/a.jpg" onerror="alert(3)',
      merchant: { name: `店${HOSTILE}`, phone: `1${HOSTILE}`, address: `路${HOSTILE}` },
    };
    await t.storage.deals.applyFeedSnapshot(t.feed, [dealRecord({ externalId: 'x', ...hostile })], new Date());
    await t.storage.deals.applyFeedSnapshot(otherFeed, [dealRecord({ externalId: 'y', site: 'evil', ...hostile, priceMinor: 6700 })], new Date());
    const live = await t.storage.deals.listLive({ now: new Date(), page: 1, pageSize: 10 });
    id = live.deals.find((deal) => deal.externalId === 'x')!.id;
    twinId = live.deals.find((deal) => deal.externalId === 'y')!.id;
  });
  afterEach(async () => { await t.close(); });

  const pages = () => ['/', `/?city=${encodeURIComponent(`城${HOSTILE}`)}`, `/?q=${encodeURIComponent(HOSTILE)}`, `/deals/${id}`, `/deals/${twinId}`,
    '/sites', `/favourites?ids=${id},${twinId}`, '/deals/999999', '/nope'];

  it('sends a content security policy that forbids inline script and style and framing', async () => {
    const response = await t.app.inject({ url: '/', headers: { accept: 'text/html' } });
    const csp = response.headers['content-security-policy'] as string;
    const directives = new Map(csp.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values.join(' ')];
    }));
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('style-src')).toBe("'self'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(directives.get('img-src')).toBe("'self' https: http:");
    expect(directives.get('object-src')).toBe("'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('has no inline script, style or event handler on any page, and feed text stays text', async () => {
    for (const url of pages()) {
      for (const language of ['en', 'zh-CN']) {
        const response = await t.app.inject({ url, headers: { accept: 'text/html', 'accept-language': language } });
        expect(response.statusCode, url).toBeLessThan(500);
        expect(response.headers['content-security-policy'], url).toBeDefined();
        const $ = cheerio.load(response.body);
        const scripts = $('script').map((_, el) => $(el).attr('src') ?? 'INLINE').get();
        expect(scripts, url).toEqual(['/static/favourites.js']);
        expect($('style').length, url).toBe(0);
        expect($('[style]').length, url).toBe(0);
        const handlers = $('*').filter((_, el) => Object.keys((el as { attribs?: Record<string, string> }).attribs ?? {}).some((name) => name.startsWith('on')));
        expect(handlers.length, `${url}: elements with on* attributes`).toBe(0);
        expect(response.body, url).not.toContain('<script>alert');
        expect(response.body, url).not.toContain('<img src=x');
        // Partner pictures are <img> only, without our referrer, and their URL stays one attribute.
        $('img').each((_, el) => {
          expect($(el).attr('referrerpolicy'), url).toBe('no-referrer');
          expect($(el).attr('src'), url).toBe('http://img.example/a.jpg" onerror="alert(3)');
        });
      }
    }
  });

  it('shows hostile titles, merchants, cities and site names as the text they are', async () => {
    const $ = cheerio.load((await t.app.inject({ url: `/deals/${id}`, headers: { accept: 'text/html', 'accept-language': 'en' } })).body);
    expect($('h1').text()).toBe(`火锅${HOSTILE}\u0001]]>`);
    expect($('.merchant-name').text()).toBe(`店${HOSTILE}`);
    expect($('.merchant-address').text()).toBe(`路${HOSTILE}`);
    expect($('.deal-page .deal-city').first().text()).toBe(`城${HOSTILE}`);
    expect($('.deal-page .deal-site').first().text()).toBe(`on 乐团网${HOSTILE}`);
    const sites = cheerio.load((await t.app.inject({ url: '/sites', headers: { accept: 'text/html' } })).body);
    expect(sites('.site-name').map((_, el) => sites(el).text()).get()).toContain(`Evil${HOSTILE}`);
  });

  it('escapes hostile text in the Atom feed and keeps it well-formed', async () => {
    const response = await t.app.inject({ url: '/feed.atom', headers: { 'accept-language': 'en' } });
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain('<script>');
    expect(response.body).not.toContain('\u0001');
    expect(response.body).not.toMatch(/<img/);
    const $ = cheerio.load(response.body, { xml: true });
    // Nothing but Atom elements: the hostile text did not open any element of its own.
    const names = new Set($('*').map((_, el) => (el as { tagName: string }).tagName).get());
    expect([...names].sort()).toEqual(['author', 'category', 'entry', 'feed', 'id', 'link', 'name', 'published', 'summary', 'title', 'updated']);
    expect($('entry > title').first().text()).toBe(`火锅${HOSTILE}]]>`);
    expect($('entry > author > name').map((_, el) => $(el).text()).get()).toContain(`Evil${HOSTILE}`);
    expect($('entry > summary').first().text()).toContain(`城${HOSTILE}`);
  });

  it('serves the favourites script as a file the policy allows', async () => {
    const response = await t.app.inject({ url: '/static/favourites.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.body).toContain('localStorage');
  });
});
