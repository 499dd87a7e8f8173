// The shoppers' listing at /: filters as URL parameters, live counts, paging that keeps the
// filters, the remembered city, the language switch and the Atom link.
import * as cheerio from 'cheerio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app';
import { dealRecord } from '../helpers/deal-record';

const hour = 3_600_000;
const html = (body: string) => cheerio.load(body);

describe('the listing page', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await buildTestApp();
    const other = await t.storage.sites.upsert({ slug: 'haotuan', name: '好团网', homeUrl: 'http://www.haotuan.example/', clickParam: 'u' });
    const otherFeed = await t.storage.feeds.upsert({ siteId: other.id, url: 'http://www.haotuan.example/api.xml' });
    const now = new Date();
    await t.storage.deals.applyFeedSnapshot(t.feed, [
      dealRecord({ externalId: 'hotpot', title: '川味火锅双人套餐', city: 'chengdu', category: 'food', priceMinor: 6800, startsAt: new Date(Date.now() - 2 * hour).toISOString() }),
      dealRecord({ externalId: 'bbq', title: '烧烤自助', city: 'chengdu', category: 'food', priceMinor: 9900, startsAt: new Date(Date.now() - 3 * hour).toISOString() }),
      dealRecord({ externalId: 'spa', title: '精油SPA', city: 'chengdu', category: 'beauty', priceMinor: 12800, startsAt: new Date(Date.now() - 4 * hour).toISOString() }),
      dealRecord({ externalId: 'film', title: 'IMAX电影票', city: 'beijing', category: 'entertainment', priceMinor: 3900 }),
      dealRecord({ externalId: 'cream', title: '护手霜三支装', city: null, nationwide: true, category: 'shopping', priceMinor: 3500 }),
    ], now);
    await t.storage.deals.applyFeedSnapshot(otherFeed, [
      dealRecord({ externalId: 'tea', site: 'haotuan', title: '港式奶茶套餐', city: 'chengdu', category: 'food', priceMinor: 1990 }),
    ], now);
  });
  afterEach(async () => { await t.close(); });

  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ url, headers: { 'accept-language': 'en', accept: 'text/html', ...headers } });
  const titles = ($: cheerio.CheerioAPI) => $('li.deal .deal-title').map((_, el) => $(el).text().trim()).get();

  it('filters by city and category and sorts by price, and the form shows the choices made', async () => {
    const response = await get('/?city=chengdu&category=food&sort=price');
    expect(response.statusCode).toBe(200);
    const $ = html(response.body);
    expect(titles($)).toEqual(['港式奶茶套餐', '川味火锅双人套餐', '烧烤自助']);
    expect($('#f-city option[selected]').attr('value')).toBe('chengdu');
    expect($('#f-category option[selected]').attr('value')).toBe('food');
    expect($('#f-sort option[selected]').attr('value')).toBe('price');
    // Every control has a label.
    for (const id of ['f-q', 'f-city', 'f-category', 'f-sort', 'f-discount', 'f-price-min', 'f-price-max']) {
      expect($(`label[for="${id}"]`).length, id).toBe(1);
    }
  });

  it('shows nationwide deals in every city, once', async () => {
    const $ = html((await get('/?city=beijing')).body);
    expect(titles($).sort()).toEqual(['IMAX电影票', '护手霜三支装'].sort());
  });

  it('shows the live count beside every filter value, in the shopper language', async () => {
    const en = html((await get('/?category=food')).body);
    const cityOptions = en('#f-city option').map((_, el) => en(el).text()).get();
    expect(cityOptions).toContain('Chengdu (3)');
    const siteLabels = en('.site-choices label').map((_, el) => en(el).text().trim()).get();
    expect(siteLabels).toEqual(expect.arrayContaining(['乐团网 (2)', '好团网 (1)']));
    const zh = html((await get('/', { 'accept-language': 'zh-CN' })).body);
    expect(zh('#f-category option').map((_, el) => zh(el).text()).get()).toContain('美食（3）');
  });

  it('filters by site, price range, discount and words, and keeps every filter in the paging links', async () => {
    const bySite = html((await get('/?site=haotuan')).body);
    expect(titles(bySite)).toEqual(['港式奶茶套餐']);
    expect(bySite('.site-choices input[value="haotuan"]').attr('checked')).toBeDefined();

    const byPrice = html((await get('/?priceMin=50&priceMax=100&currency=CNY&sort=price')).body);
    expect(titles(byPrice)).toEqual(['川味火锅双人套餐', '烧烤自助']);
    expect(byPrice('#f-price-min').attr('value')).toBe('50');

    const paged = html((await get('/?city=chengdu&sort=price&pageSize=2&priceMax=200')).body);
    const next = paged('.pager a[rel="next"]').attr('href') ?? '';
    const nextParams = new URL(next, 'http://x').searchParams;
    // The price bound's currency (Chengdu's yuan) is written out, so the link means the same in any language.
    expect(Object.fromEntries(nextParams)).toEqual({ city: 'chengdu', sort: 'price', pageSize: '2', priceMax: '200', currency: 'CNY', page: '2' });
    const page2 = html((await get(next)).body);
    expect(page2('.pager').text()).toContain('Page 2 of 3'); // five with the nationwide deal
    // The form does not carry the page: changing a filter starts again at page 1.
    expect(page2('form.filters [name="page"]').length).toBe(0);
  });

  it('treats empty form fields as no filter, as a GET form sends them', async () => {
    const response = await get('/?q=&city=&category=&district=&priceMin=&priceMax=&minDiscount=&sort=newest');
    expect(response.statusCode).toBe(200);
    expect(html(response.body)('li.deal').length).toBe(6);
  });

  it('says when nothing matches and offers a way back', async () => {
    const $ = html((await get('/?city=chengdu&q=zzzz')).body);
    expect($('li.deal').length).toBe(0);
    expect($('.empty').text()).toContain('No deals match these filters.');
    const ways = $('.empty a').map((_, el) => $(el).attr('href')).get();
    expect(ways).toEqual(['/?city=chengdu', '/?city=']);
  });

  it.each([
    ['sort=cheapest', 'Sort by (sort): must be one of newest, price, price-desc, discount, popular, ending', '排序（sort）：应为以下之一：newest、price、price-desc、discount、popular、ending'],
    ['priceMin=-1', 'priceMin: must be an amount with at most two decimals, like 99.50', 'priceMin：应为最多两位小数的金额，例如 99.50'],
    ['priceMax=9.999', 'priceMax: must be an amount with at most two decimals, like 99.50', 'priceMax：应为最多两位小数的金额，例如 99.50'],
    ['minDiscount=150', 'Discount (minDiscount): must be at most 100', '（minDiscount）：不能大于100'],
    ['page=0', 'page: must be at least 1', 'page：不能小于1'],
    ['pageSize=x', 'pageSize: must be a whole number', 'pageSize：应为整数'],
    ['site=a%20b', 'Sites (site): has characters or a form that is not accepted', '（site）：含有不被接受的字符或格式'],
    ['new=yes', 'new: must be one of 1, true, 0, false', 'new：应为以下之一：1、true、0、false'],
  ])('answers ?%s with a 400 page that says which parameter is wrong, in each language', async (query, english, chinese) => {
    for (const [language, problem, heading] of [['en', english, 'That request could not be understood'], ['zh-CN', chinese, '请求无法识别']] as const) {
      const response = await get(`/?${query}`, { 'accept-language': language });
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/text\/html/);
      const $ = html(response.body);
      expect($('h1').text()).toBe(heading);
      expect($('.problems li').text()).toContain(problem);
      // Never the validator's own English.
      expect(response.body).not.toMatch(/querystring|must match pattern|must be equal to one of/);
    }
  });

  it('answers a failure on our side with a localised 500 page', async () => {
    t.app.get('/__boom', async () => { throw new Error('database on fire'); });
    for (const [language, text] of [['en', 'Something failed on our side'], ['zh-CN', '我们这边出了问题']] as const) {
      const response = await get('/__boom', { 'accept-language': language });
      expect(response.statusCode).toBe(500);
      expect(html(response.body)('main').text()).toContain(text);
      expect(response.body).not.toContain('database on fire');
    }
  });

  it('remembers the chosen city in a cookie, and forgets it for "all cities"', async () => {
    const chosen = await get('/?city=chengdu');
    const cookie = [chosen.cookies].flat().find((c) => c.name === 'city');
    expect(cookie).toMatchObject({ value: 'chengdu', path: '/', httpOnly: true, sameSite: 'Lax' });

    const back = html((await get('/', { cookie: 'city=chengdu' })).body);
    expect(back('#f-city option[selected]').attr('value')).toBe('chengdu');
    expect(titles(back)).not.toContain('IMAX电影票');
    expect(titles(back)).toContain('护手霜三支装');
    // Links carry the remembered city, so the URL says what the page shows.
    expect(back('link[type="application/atom+xml"]').attr('href')).toBe('/feed.atom?city=chengdu');

    const all = await get('/?city=', { cookie: 'city=chengdu' });
    const cleared = [all.cookies].flat().find((c) => c.name === 'city');
    expect(cleared?.value).toBe('');
    expect(html(all.body)('li.deal').length).toBe(6);
  });

  it('links each filter state to an Atom feed of the same filter', async () => {
    const $ = html((await get('/?city=chengdu&category=food&q=火锅&page=1')).body);
    const href = $('link[rel="alternate"][type="application/atom+xml"]').attr('href') ?? '';
    expect(Object.fromEntries(new URL(href, 'http://x').searchParams)).toEqual({ city: 'chengdu', category: 'food', q: '火锅' });
    expect(href.startsWith('/feed.atom?')).toBe(true);
  });

  it('switches language with a link that sets a cookie and returns to the same page', async () => {
    const zh = html((await get('/?city=chengdu&sort=price', { 'accept-language': 'zh-CN' })).body);
    expect(zh('html').attr('lang')).toBe('zh-CN');
    const link = zh('a.language');
    expect(link.text()).toBe('English');
    const switched = await get(link.attr('href') ?? '', { 'accept-language': 'zh-CN' });
    expect(switched.statusCode).toBe(303);
    expect(switched.headers.location).toBe('/?city=chengdu&sort=price');
    const lang = [switched.cookies].flat().find((c) => c.name === 'lang');
    expect(lang?.value).toBe('en');

    const after = html((await get('/?city=chengdu&sort=price', { 'accept-language': 'zh-CN', cookie: 'lang=en' })).body);
    expect(after('html').attr('lang')).toBe('en');
    expect(after('a.language').text()).toBe('中文');
    expect(after('#f-city option[selected]').text()).toMatch(/^Chengdu/);
  });

  it.each([['//evil.example/'], ['/\\evil.example'], ['http://evil.example/']])('refuses to send the language switch back to %s', async (back) => {
    const response = await get(`/language?lang=en&back=${encodeURIComponent(back)}`);
    expect(response.statusCode).toBe(400);
  });

  it('shows what a card needs: image, title, site, prices, discount, bought count and time left', async () => {
    await t.storage.deals.applyFeedSnapshot(t.feed, [dealRecord({
      externalId: 'card', title: '完整的团购', imageUrl: 'http://img.example/a.jpg', priceMinor: 6800, valueMinor: 15800, discountPercent: 57, sold: 2087,
    })], new Date());
    const $ = html((await get('/')).body);
    const card = $('li.deal').filter((_, el) => $(el).find('.deal-title').text().includes('完整的团购'));
    expect(card.find('img').attr('src')).toBe('http://img.example/a.jpg');
    expect(card.find('img').attr('referrerpolicy')).toBe('no-referrer');
    // Decorative: the title beside it is the link text, so a screen reader does not read it twice.
    expect(card.find('img').attr('alt')).toBe('');
    expect(card.find('.deal-site').text()).toBe('on 乐团网');
    expect(card.find('.deal-price').text()).toBe('CN¥68.00');
    expect(card.find('.deal-value').text()).toBe('CN¥158.00');
    expect(card.find('.deal-discount').text()).toBe('57% off');
    expect(card.find('.deal-sold').text()).toBe('2,087 bought');
    expect(card.find('.deal-ends').text()).toMatch(/^Ends in \d+ hours?$/);
    expect(card.find('.deal-title a').attr('href')).toMatch(/^\/deals\/\d+$/);
    expect(card.find('a.go').attr('href')).toMatch(/^\/go\/\d+$/);
    // The star needs the script; without it the button stays hidden.
    expect(card.find('button.star').attr('hidden')).toBeDefined();
  });

  it('filters the listing and the API by minimum site credibility and keeps the choice in links', async () => {
    const haotuan = await t.storage.sites.findBySlug('haotuan');
    await t.storage.sites.setCredibilityScores(new Map([[t.site.id, 55], [haotuan!.id, 85]]));
    const response = await t.app.inject({ url: '/?city=chengdu&minScore=80', headers: { 'accept-language': 'en' } });
    const $ = html(response.body);
    expect($('.deal .deal-title').map((_, el) => $(el).text().trim()).get()).toEqual(['港式奶茶套餐']);
    expect($('#f-score option[selected]').attr('value')).toBe('80');
    expect($('label[for="f-score"]').text()).toBe('Site credibility');
    expect($('a.feed-link').attr('href')).toContain('minScore=80');
    const api = await t.app.inject({ url: '/api/deals?minScore=80' });
    expect(api.json().deals.map((deal: { site: string }) => deal.site)).toEqual(['haotuan']);
    expect((await t.app.inject({ url: '/api/deals?minScore=101' })).statusCode).toBe(400);
  });

  it('shows the live count beside "new today"', async () => {
    const $ = html((await t.app.inject({ url: '/?city=chengdu', headers: { 'accept-language': 'en' } })).body);
    // Chengdu's hotpot, barbecue, spa and tea and the nationwide cream: all first seen just now.
    expect($('input[name="new"]').parent().text().trim()).toBe('New today only (5)');
  });

  it('counts every minimum-discount and credibility step beside its choice, and takes prices to the cent', async () => {
    const haotuan = await t.storage.sites.findBySlug('haotuan');
    await t.storage.sites.setCredibilityScores(new Map([[t.site.id, 65], [haotuan!.id, 85]]));
    const $ = html((await get('/?city=chengdu')).body);
    const options = (id: string) => $(`#${id} option`).map((_, el) => $(el).text()).get().slice(1);
    // Chengdu's four deals and the nationwide one all give 57% off; tea is the only deal of the site scored 85.
    expect(options('f-discount')).toEqual(['At least 30% off (5)', 'At least 50% off (5)', 'At least 70% off (0)', 'At least 90% off (0)']);
    expect(options('f-score')).toEqual(['Score 60 or more (5)', 'Score 70 or more (1)', 'Score 80 or more (1)', 'Score 90 or more (0)']);
    expect($('#f-price-min').attr('step')).toBe('0.01');
    expect($('#f-price-max').attr('step')).toBe('0.01');
    const zh = html((await get('/?city=chengdu&minScore=80', { 'accept-language': 'zh-CN' })).body);
    // With the score filter on, the discount steps count only the deals of the site scored 85.
    expect(zh('#f-discount option').map((_, el) => zh(el).text()).get().slice(1)).toEqual(['至少省30%（1）', '至少省50%（1）', '至少省70%（0）', '至少省90%（0）']);
  });

  it('applies a price range to deals of its currency, the shopper\'s by default, and says which in the form', async () => {
    await t.storage.deals.applyFeedSnapshot(t.feed, [
      dealRecord({ externalId: 'hotpot', title: '川味火锅双人套餐', city: 'chengdu', category: 'food', priceMinor: 6800 }),
      dealRecord({ externalId: 'pizza', title: 'Pizza for two', city: 'new-york', category: 'food', priceMinor: 6800, currency: 'USD' }),
    ], new Date());
    const zh = html((await get('/?priceMax=100', { 'accept-language': 'zh-CN' })).body);
    expect(titles(zh).sort()).toEqual(['川味火锅双人套餐', '港式奶茶套餐']);
    expect(zh('.price-range legend').text()).toBe('价格区间（人民币）');
    expect(zh('#f-currency option[selected]').attr('value')).toBe('CNY');
    const en = html((await get('/?priceMax=100')).body);
    expect(titles(en)).toEqual(['Pizza for two']);
    expect(en('.price-range legend').text()).toBe('Price in US Dollar');
    // A city's own currency comes before the language's; a named one before both.
    expect(titles(html((await get('/?city=chengdu&priceMax=100')).body)).sort()).toEqual(['川味火锅双人套餐', '港式奶茶套餐']);
    expect(titles(html((await get('/?priceMax=100&currency=USD', { 'accept-language': 'zh-CN' })).body))).toEqual(['Pizza for two']);
    // The API answers by URL alone: the city's currency, else CNY.
    const api = await t.app.inject({ url: '/api/deals?priceMax=100', headers: { 'accept-language': 'en' } });
    expect(api.json().deals.map((deal: { externalId: string }) => deal.externalId).sort()).toEqual(['hotpot', 'tea']);
    expect(api.json().facets.discounts).toEqual([{ atLeast: 30, count: 2 }, { atLeast: 50, count: 2 }, { atLeast: 70, count: 0 }, { atLeast: 90, count: 0 }]);
    expect((await t.app.inject({ url: '/api/deals?priceMax=100&currency=XYZ' })).statusCode).toBe(400);
  });

  it('offers every city with deals, past 50, and the top sites with "N more" pointing to the sites directory', async () => {
    const now = new Date();
    for (let i = 0; i < 55; i++) {
      const site = await t.storage.sites.upsert({ slug: `s${i}`, name: `Site ${i}`, homeUrl: `http://s${i}.example/` });
      const feed = await t.storage.feeds.upsert({ siteId: site.id, url: `http://s${i}.example/feed` });
      await t.storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: `x${i}`, site: `s${i}`, title: `团购${i}`, city: `town-${i}` })], now);
    }
    const all = html((await get('/')).body);
    // 55 towns plus Chengdu and Beijing, after the choice "all cities".
    expect(all('#f-city option').length).toBe(1 + 57);
    const $ = html((await get('/?site=s54')).body);
    const sites = $('.site-choices input[name="site"]').map((_, el) => $(el).attr('value')).get();
    // The chosen site first with its own count, then the 50 largest; 57 sites have deals.
    expect(sites[0]).toBe('s54');
    expect($('.site-choices label').first().text().trim()).toBe('Site 54 (1)');
    expect(sites).toHaveLength(51);
    expect($('.more-sites a').text()).toBe('6 more sites have matching deals: find them in the sites directory');
    expect($('.more-sites a').attr('href')).toBe('/sites');
  });

  it('marks a deal whose start is still to come, and sorts it as "newest" by when it was first seen, not by its start', async () => {
    const later = dealRecord({
      externalId: 'later', title: '下月开始的团购', city: 'chengdu', startsAt: new Date(Date.now() + 20 * 24 * hour).toISOString(),
      endsAt: new Date(Date.now() + 40 * 24 * hour).toISOString(),
    });
    await t.storage.deals.applyFeedSnapshot(t.feed, [later], new Date(Date.now() - 5 * hour));
    await t.storage.deals.applyFeedSnapshot(t.feed, [
      later, dealRecord({ externalId: 'hotpot', title: '川味火锅双人套餐', city: 'chengdu', startsAt: new Date(Date.now() - 2 * hour).toISOString() }),
    ], new Date());
    const $ = html((await get('/?city=chengdu')).body);
    // First seen 5 hours ago: after the deals started 2 hours ago or first seen since.
    expect(titles($).at(-1)).toBe('下月开始的团购');
    const card = $('li.deal').filter((_, el) => $(el).find('.deal-title').text().includes('下月开始的团购'));
    expect(card.find('.badge-upcoming').text()).toBe('Starts in 20 days');
  });

  it('says "1 deal" but "2 deals" in the heading', async () => {
    expect(html((await get('/?city=beijing&category=entertainment')).body)('h1').text()).toBe('1 deal · in Beijing · Things to Do');
    expect(html((await get('/?city=beijing')).body)('h1').text()).toMatch(/^2 deals · in Beijing/);
  });
});
