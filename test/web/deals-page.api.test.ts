import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app';
import { dealRecord } from '../helpers/deal-record';

describe('the deal listing page and /api/deals', () => {
  let t: TestApp;

  beforeEach(async () => { t = await buildTestApp(); });
  afterEach(async () => { await t.close(); });

  it('escapes hostile text from feeds', async () => {
    await t.storage.deals.applyFeedSnapshot(t.feed, [dealRecord({
      externalId: 'x',
      title: '<script>alert(1)</script>"><img src=x onerror=alert(2)>',
      imageUrl: 'http://img.example/a.jpg" onerror="alert(3)',
      merchant: { name: '<b>m</b>', phone: null, address: null },
    })], new Date());
    const response = await t.app.inject({ url: '/', headers: { 'accept-language': 'en' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.body).not.toContain('<script>alert(1)</script>');
    expect(response.body).not.toContain('<img src=x');
    expect(response.body).not.toContain('" onerror="alert(3)');
    expect(response.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('lists live deals newest first with prices formatted for the shopper', async () => {
    const hour = 3_600_000;
    await t.storage.deals.applyFeedSnapshot(t.feed, [
      dealRecord({ externalId: 'old', title: '较早的团购', startsAt: new Date(Date.now() - 5 * hour).toISOString(), priceMinor: 6800, valueMinor: 15800 }),
      dealRecord({ externalId: 'new', title: '最新的团购', startsAt: new Date(Date.now() - hour).toISOString(), priceMinor: 128000, valueMinor: 268000 }),
    ], new Date());
    const zh = await t.app.inject({ url: '/', headers: { 'accept-language': 'zh-CN,zh;q=0.9' } });
    expect(zh.body.indexOf('最新的团购')).toBeLessThan(zh.body.indexOf('较早的团购'));
    expect(zh.body).toContain('¥1,280.00');
    expect(zh.body).toContain('去看看');
    expect(zh.body).toContain('<html lang="zh-CN">');
    const en = await t.app.inject({ url: '/', headers: { 'accept-language': 'en-US' } });
    expect(en.body).toContain('Get this deal');
    expect(en.body).toContain('CN¥1,280.00');
    // City codes display as names in the shopper's language.
    expect(zh.body).toContain('<span class="deal-city">成都</span>');
    expect(en.body).toContain('<span class="deal-city">Chengdu</span>');
  });

  it('pages the listing', async () => {
    await t.storage.deals.applyFeedSnapshot(t.feed, Array.from({ length: 30 }, (_, i) => dealRecord({ externalId: `d${i}` })), new Date());
    const page2 = await t.app.inject({ url: '/?page=2', headers: { 'accept-language': 'en' } });
    expect(page2.body.match(/class="deal"/g)).toHaveLength(6);
    expect(page2.body).toContain('Page 2 of 2');
  });

  it('serves the same deals as JSON, paged, with every field of the deal record', async () => {
    await t.storage.deals.applyFeedSnapshot(t.feed, Array.from({ length: 3 }, (_, i) => dealRecord({ externalId: `d${i}` })), new Date());
    const response = await t.app.inject({ url: '/api/deals?page=1&pageSize=2' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ page: 1, pageSize: 2, total: 3 });
    expect(body.deals).toHaveLength(2);
    expect(Object.keys(body.deals[0]).sort()).toEqual([
      'category', 'city', 'clickUrl', 'currency', 'discountPercent', 'district', 'endsAt', 'externalId', 'group', 'id', 'imageUrl',
      'merchant', 'nationwide', 'priceMinor', 'site', 'siteName', 'sold', 'soldOut', 'startsAt', 'title', 'url', 'valueMinor',
    ]);
    expect(body.deals[0]).toMatchObject({ site: 'letuan', currency: 'CNY', priceMinor: 6800, clickUrl: `/go/${body.deals[0].id}` });
  });

  it.each([['page=0'], ['pageSize=1000'], ['page=abc']])('answers /api/deals?%s with a 400 and a message', async (query) => {
    const response = await t.app.inject({ url: `/api/deals?${query}` });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ statusCode: 400, code: 'DN_ERR_INVALID_REQUEST' });
    expect(response.json().message).toMatch(/querystring/);
  });

  it('ignores query parameters it does not know, such as campaign tags on shared links', async () => {
    const response = await t.app.inject({ url: '/api/deals?utm_source=weibo' });
    expect(response.statusCode).toBe(200);
  });

  it('answers unknown pages with a 404 page in the shopper language, and JSON for API clients', async () => {
    const page = await t.app.inject({ url: '/nope', headers: { accept: 'text/html', 'accept-language': 'zh-CN' } });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('页面不存在');
    const api = await t.app.inject({ url: '/api/nope' });
    expect(api.statusCode).toBe(404);
    expect(api.json().code).toBe('DN_ERR_NOT_FOUND');
  });
});
