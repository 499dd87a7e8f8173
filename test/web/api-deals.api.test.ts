import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app';
import { dealRecord } from '../helpers/deal-record';

describe('the JSON API: /api/deals, /api/deals/:id, /api/sites, /api/cities, /api/categories', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await buildTestApp();
    await t.storage.deals.applyFeedSnapshot(t.feed, [
      dealRecord({ externalId: 'hotpot', title: '川味火锅双人餐', city: 'chengdu', category: 'food', priceMinor: 6800 }),
      dealRecord({ externalId: 'spa', title: '精油SPA', city: 'chengdu', category: 'beauty', priceMinor: 12800 }),
      dealRecord({ externalId: 'duck', title: '北京烤鸭', city: 'beijing', category: 'food', priceMinor: 9900 }),
      dealRecord({ externalId: 'tea', title: '全国通用茶叶', city: null, nationwide: true, category: 'shopping', priceMinor: 3000 }),
    ], new Date());
  });
  afterEach(async () => { await t.close(); });

  const get = (url: string) => t.app.inject({ url });

  it('filters, sorts and counts facets', async () => {
    const response = await get('/api/deals?city=chengdu&sort=price&priceMax=100&site=letuan,other');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.deals.map((deal: { externalId: string }) => deal.externalId)).toEqual(['tea', 'hotpot']);
    expect(body).toMatchObject({ total: 2, page: 1, pageSize: 24 });
    expect(body.facets.cities).toEqual([{ value: 'beijing', count: 2 }, { value: 'chengdu', count: 2 }]);
    expect(body.deals[0]).toMatchObject({ clickUrl: `/go/${body.deals[0].id}`, group: null, priceMinor: 3000 });
  });

  it('searches Chinese text and reads decimal prices exactly', async () => {
    expect((await get(`/api/deals?q=${encodeURIComponent('火锅')}`)).json().total).toBe(1);
    expect((await get('/api/deals?priceMin=68&priceMax=68.00')).json().deals.map((deal: { externalId: string }) => deal.externalId)).toEqual(['hotpot']);
    expect((await get('/api/deals?priceMin=67.99&priceMax=68.01&new=1&collapse=1&category=food&minDiscount=10')).json().total).toBe(1);
  });

  it.each([
    ['sort=cheapest', /sort/],
    ['priceMin=12.345', /priceMin/],
    ['priceMin=-1', /priceMin/],
    ['priceMin=100&priceMax=50', /priceMin must not be above priceMax/],
    ['minDiscount=101', /minDiscount/],
    ['category=Food!', /category/],
    ['site=' + encodeURIComponent('a b'), /site/],
    ['q=' + 'x'.repeat(101), /q/],
    ['pageSize=1000', /pageSize/],
    ['new=yes', /new/],
  ])('answers /api/deals?%s with a 400 and a message', async (query, message) => {
    const response = await get(`/api/deals?${query}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ statusCode: 400, code: 'DN_ERR_INVALID_REQUEST' });
    expect(response.json().message).toMatch(message);
  });

  it('serves one deal with its price history, and a JSON 404 for an unknown one', async () => {
    const listed = (await get(`/api/deals?q=${encodeURIComponent('烤鸭')}`)).json().deals[0];
    const response = await get(`/api/deals/${listed.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ externalId: 'duck', live: true, group: null, sameOffer: [], clickUrl: `/go/${listed.id}` });
    expect(response.json().priceHistory).toEqual([expect.objectContaining({ priceMinor: 9900, currency: 'CNY', soldOut: false })]);
    const missing = await get('/api/deals/999999');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'DN_ERR_DEAL_NOT_FOUND' });
    expect((await get('/api/deals/abc')).statusCode).toBe(400);
  });

  it('serves a deal\'s branches on /api/deals/:id only, never in the listing', async () => {
    const branches = [
      { name: '全聚德(前门店)', address: '东城区前门大街30号', phone: '010-65112418', district: '前门', lat: 39.8973, lng: 116.3977 },
      { name: null, address: '西城区某街1号', phone: null, district: null, lat: null, lng: null },
    ];
    await t.storage.deals.applyFeedSnapshot(t.feed, [
      dealRecord({ externalId: 'hotpot', title: '川味火锅双人餐', city: 'chengdu', category: 'food', priceMinor: 6800 }),
      dealRecord({ externalId: 'duck', title: '北京烤鸭', city: 'beijing', category: 'food', priceMinor: 9900, branches }),
    ], new Date());
    const listed = (await get(`/api/deals?q=${encodeURIComponent('烤鸭')}`)).json().deals[0];
    expect(listed).not.toHaveProperty('branches');
    expect((await get(`/api/deals/${listed.id}`)).json().branches).toEqual(branches);
    const other = (await get(`/api/deals?q=${encodeURIComponent('火锅')}`)).json().deals[0];
    expect((await get(`/api/deals/${other.id}`)).json().branches).toEqual([]);
    const schema = (await get('/docs/json')).json().paths['/api/deals/{id}'].get.responses['200'].content['application/json'].schema;
    expect(schema.required).toContain('branches');
    expect(Object.keys(schema.properties.branches.items.properties)).toEqual(['name', 'address', 'phone', 'district', 'lat', 'lng']);
  });

  it('lists sites, cities and categories with live counts', async () => {
    const sites = (await get('/api/sites')).json().sites;
    expect(sites).toEqual([expect.objectContaining({ slug: 'letuan', liveDeals: 4, cities: ['beijing', 'chengdu'], crawlSuccessRate: null })]);
    const cities = (await get('/api/cities')).json();
    expect(cities.nationwide).toBe(1);
    expect(cities.cities.slice(0, 2)).toEqual([
      { code: 'beijing', zh: '北京', en: 'Beijing', count: 2 },
      { code: 'chengdu', zh: '成都', en: 'Chengdu', count: 3 },
    ].sort((a, b) => b.count - a.count));
    expect(cities.cities.find((city: { code: string }) => city.code === 'shanghai')).toMatchObject({ count: 1 });
    const categories = (await get('/api/categories')).json().categories;
    expect(categories.find((category: { slug: string }) => category.slug === 'food')).toEqual({ slug: 'food', zh: '美食', en: 'Food & Drink', count: 2 });
  });

  it('publishes every API route in the OpenAPI document and serves the UI at /docs', async () => {
    const document = (await get('/docs/json')).json();
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths).sort()).toEqual([
      '/api/categories', '/api/cities', '/api/deals', '/api/deals/{id}',
      '/api/owner/clicks', '/api/owner/conversions', '/api/owner/site', '/api/owner/statements', '/api/owner/statements/{month}',
      '/api/postback', '/api/reports', '/api/sites',
    ]);
    expect(document.paths['/api/deals'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['city', 'q', 'sort', 'site', 'collapse', 'minScore']));
    const ui = await get('/docs/');
    expect([200, 302]).toContain(ui.statusCode);
  });
});
