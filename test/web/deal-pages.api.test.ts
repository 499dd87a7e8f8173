// The deal page, the sites directory, favourites and the Atom feed.
import * as cheerio from 'cheerio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app';
import { dealRecord } from '../helpers/deal-record';

const hour = 3_600_000;

describe('deal page, sites directory, favourites and feeds', () => {
  let t: TestApp;

  beforeEach(async () => { t = await buildTestApp(); });
  afterEach(async () => { await t.close(); });

  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ url, headers: { 'accept-language': 'en', accept: 'text/html', ...headers } });

  async function idOf(externalId: string): Promise<number> {
    const page = await t.storage.deals.listLive({ now: new Date(), page: 1, pageSize: 100 });
    const deal = page.deals.find((candidate) => candidate.externalId === externalId);
    if (!deal) throw new Error(`no live deal ${externalId}`);
    return deal.id;
  }

  it('shows every field of a deal, its merchant and its price history', async () => {
    const record = dealRecord({
      externalId: 'hotpot', title: '川味火锅双人套餐', city: 'chengdu', district: '春熙路', category: 'food',
      priceMinor: 7800, valueMinor: 15800, discountPercent: 51, sold: 413,
      merchant: { name: '蜀香火锅(春熙店)', phone: '028-12345678', address: '锦江区春熙路88号' },
      imageUrl: 'https://img.example/hotpot.jpg',
    });
    await t.storage.deals.applyFeedSnapshot(t.feed, [record], new Date(Date.now() - 48 * hour));
    await t.storage.deals.applyFeedSnapshot(t.feed, [{ ...record, priceMinor: 6800, discountPercent: 57 }], new Date());
    const id = await idOf('hotpot');

    const response = await get(`/deals/${id}`);
    expect(response.statusCode).toBe(200);
    const $ = cheerio.load(response.body);
    expect($('h1').text()).toBe('川味火锅双人套餐');
    expect($('.deal-page .deal-price').first().text()).toBe('CN¥68.00');
    expect($('.deal-page .deal-value').first().text()).toBe('CN¥158.00');
    expect($('.deal-page .deal-discount').first().text()).toBe('57% off');
    expect($('.deal-facts').text()).toContain('413 bought');
    expect($('.deal-facts').text()).toContain('Chengdu');
    expect($('.deal-facts').text()).toContain('春熙路');
    expect($('.deal-facts').text()).toContain('Food & Drink');
    expect($('.deal-facts').text()).toMatch(/GMT\+8/); // times in China's zone, named
    expect($('.merchant-name').text()).toBe('蜀香火锅(春熙店)');
    expect($('.merchant-address').text()).toBe('锦江区春熙路88号');
    expect($('.merchant-phone').text()).toBe('028-12345678');
    expect($('a.go-big').attr('href')).toBe(`/go/${id}`);
    expect($('img.deal-page-image').attr('referrerpolicy')).toBe('no-referrer');
    // Newest first in the table; the sparkline is drawn on the server.
    const rows = $('.price-history tbody tr').map((_, row) => $(row).find('td').eq(1).text()).get();
    expect(rows).toEqual(['CN¥68.00', 'CN¥78.00']);
    expect($('.price-history svg polyline').attr('points')).toMatch(/^[\d.]+,[\d.]+( [\d.]+,[\d.]+)+$/);
  });

  it('lists the branches with name, address, phone and district, in both languages, escaped', async () => {
    await t.storage.deals.applyFeedSnapshot(t.feed, [
      dealRecord({
        externalId: 'chain', title: '连锁火锅',
        branches: [
          { name: '蜀香火锅(春熙店)', address: '锦江区某街88号', phone: '028-66660001', district: '春熙路', lat: 30.6571, lng: 104.0806 },
          { name: '<script>alert("b")</script>', address: '<img src=x onerror=alert(1)>', phone: '"><b>1</b>', district: '&amp; <i>', lat: null, lng: null },
          { name: null, address: '青羊区某巷子12号', phone: null, district: null, lat: null, lng: null },
        ],
      }),
      dealRecord({ externalId: 'single', title: '单店' }),
    ], new Date());
    const id = await idOf('chain');

    const $ = cheerio.load((await get(`/deals/${id}`)).body);
    expect($('#branches-heading').text()).toBe('Branches');
    const branches = $('.branches li.branch');
    expect(branches.length).toBe(3);
    expect(branches.eq(0).find('.branch-name').text()).toBe('蜀香火锅(春熙店)');
    expect(branches.eq(0).find('.branch-address').text()).toBe('锦江区某街88号');
    expect(branches.eq(0).find('.branch-phone').text()).toBe('028-66660001');
    expect(branches.eq(0).find('.branch-district').text()).toBe('春熙路');
    expect(branches.eq(0).find('dt').map((_, dt) => $(dt).text()).get()).toEqual(['Address', 'Phone', 'District']);
    // Feed text is text: nothing in it becomes markup.
    expect(branches.eq(1).find('.branch-name').text()).toBe('<script>alert("b")</script>');
    expect(branches.eq(1).find('.branch-address').text()).toBe('<img src=x onerror=alert(1)>');
    expect(branches.eq(1).find('.branch-phone').text()).toBe('"><b>1</b>');
    expect(branches.eq(1).find('.branch-district').text()).toBe('&amp; <i>');
    expect(branches.eq(1).find('script, img, b, i').length).toBe(0);
    expect($('.deal-page script').length).toBe(0);
    // A branch without a name shows what it has.
    expect(branches.eq(2).find('.branch-name').length).toBe(0);
    expect(branches.eq(2).find('.branch-address').text()).toBe('青羊区某巷子12号');

    const zh = cheerio.load((await get(`/deals/${id}`, { 'accept-language': 'zh-CN' })).body);
    expect(zh('#branches-heading').text()).toBe('适用门店');
    expect(zh('.branches li.branch').first().find('dt').map((_, dt) => zh(dt).text()).get()).toEqual(['地址', '电话', '商圈']);

    // No branches, no section.
    expect(cheerio.load((await get(`/deals/${await idOf('single')}`)).body)('.branches').length).toBe(0);
  });

  it('shows the same offer on other sites and where it is cheapest, and collapses the group in the listing', async () => {
    const other = await t.storage.sites.upsert({ slug: 'haotuan', name: '好团网', homeUrl: 'http://www.haotuan.example/' });
    const otherFeed = await t.storage.feeds.upsert({ siteId: other.id, url: 'http://www.haotuan.example/api.xml' });
    const merchant = { name: '蜀香火锅(春熙店)', phone: null, address: null };
    const now = new Date();
    await t.storage.deals.applyFeedSnapshot(t.feed, [dealRecord({ externalId: 'a', title: '川味火锅双人套餐', merchant, priceMinor: 6800 })], now);
    await t.storage.deals.applyFeedSnapshot(otherFeed, [dealRecord({ externalId: 'b', site: 'haotuan', title: '川味火锅双人套餐', merchant, priceMinor: 6500 })], now);
    const id = await idOf('a');

    const $ = cheerio.load((await get(`/deals/${id}`)).body);
    const row = $('#same-offer tbody tr');
    expect(row.length).toBe(1);
    expect(row.text()).toContain('好团网');
    expect(row.hasClass('cheapest')).toBe(true);
    expect(row.find('.badge-cheapest').text()).toBe('Cheapest');

    const listing = cheerio.load((await get('/?collapse=1')).body);
    expect(listing('li.deal').length).toBe(1);
    expect(listing('.deal-group').text()).toBe('On 2 sites from CN¥65.00');
  });

  it('answers an unknown deal with a 404 page, and a malformed id with a 400', async () => {
    const missing = await get('/deals/999999', { 'accept-language': 'zh-CN' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/text\/html/);
    expect(missing.body).toContain('页面不存在');
    expect((await get('/deals/abc')).statusCode).toBe(400);
    expect((await get('/deals/1e3')).statusCode).toBe(400);
  });

  it('marks an ended deal on its page and on favourites, without a buy button', async () => {
    await t.storage.deals.applyFeedSnapshot(t.feed, [
      dealRecord({ externalId: 'live', title: '还在卖' }),
      dealRecord({ externalId: 'gone', title: '已经下架' }),
    ], new Date());
    const liveId = await idOf('live');
    const goneId = await idOf('gone');
    await t.storage.deals.applyFeedSnapshot(t.feed, [dealRecord({ externalId: 'live', title: '还在卖' })], new Date());

    const $ = cheerio.load((await get(`/deals/${goneId}`)).body);
    expect($('.ended-banner').text()).toBe('This deal has ended and is no longer sold.');
    expect($('a.go-big').length).toBe(0);

    const favourites = cheerio.load((await get(`/favourites?ids=${liveId},${goneId},999999`)).body);
    const cards = favourites('li.deal');
    expect(cards.length).toBe(2);
    const gone = cards.filter((_, el) => favourites(el).attr('data-deal-id') === String(goneId));
    expect(gone.hasClass('deal-ended')).toBe(true);
    expect(gone.find('.ended').text()).toBe('Ended');
    expect(gone.find('a.go').length).toBe(0);
    expect(favourites('.deal-list').prev().text()).toContain('1 starred deal is no longer listed.');
    expect((await get('/favourites?ids=1,abc')).statusCode).toBe(400);
    expect((await get('/favourites')).statusCode).toBe(200);
  });

  it('lists the sites with their live deals, cities, last crawl and crawl health', async () => {
    await t.storage.deals.applyFeedSnapshot(t.feed, [
      dealRecord({ externalId: '1', city: 'chengdu' }), dealRecord({ externalId: '2', city: 'beijing' }),
    ], new Date());
    const runId = await t.storage.crawlRuns.start(t.feed.id, new Date(Date.now() - 2 * hour));
    await t.storage.crawlRuns.finish(runId, new Date(Date.now() - 2 * hour + 1000), {
      outcome: 'ok', httpStatus: 200, bytes: 100, format: 'hao123', itemsSeen: 2,
      counts: { added: 2, updated: 0, unchanged: 0, removed: 0 }, skipped: [], errorCode: null, errorMessage: null,
    });
    await t.storage.feeds.recordSuccess(t.feed.id, {
      at: new Date(Date.now() - 2 * hour), etag: null, lastModified: null, nextCheckAt: new Date(), format: 'hao123', bodyFingerprint: null,
    });
    const $ = cheerio.load((await get('/sites')).body);
    const card = $('.site-card');
    expect(card.find('.site-name').text()).toBe('乐团网');
    expect(card.find('.site-deals').text()).toBe('2');
    expect(card.find('.site-cities').text()).toMatch(/Beijing|Chengdu/);
    expect(card.find('.site-crawled').text()).toBe('2 hours ago');
    expect(card.find('.site-health').text()).toContain('100%');
    expect(card.find('.site-links a').attr('href')).toBe('/?site=letuan');
  });

  it('serves an Atom feed of the same filter, newest first, linking through /go', async () => {
    await t.storage.deals.applyFeedSnapshot(t.feed, [
      dealRecord({ externalId: 'old', title: '成都火锅 较早', startsAt: new Date(Date.now() - 5 * hour).toISOString() }),
      dealRecord({ externalId: 'new', title: '成都火锅 最新', startsAt: new Date(Date.now() - hour).toISOString() }),
      dealRecord({ externalId: 'bj', title: '北京火锅', city: 'beijing' }),
    ], new Date());
    const response = await t.app.inject({ url: '/feed.atom?city=chengdu&q=火锅', headers: { host: 'dealnav.example' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const $ = cheerio.load(response.body, { xml: true });
    expect($('feed').attr('xmlns')).toBe('http://www.w3.org/2005/Atom');
    expect($('feed > title').text()).toContain('Chengdu');
    expect($('feed > link[rel="self"]').attr('href')).toBe('http://dealnav.example/feed.atom?city=chengdu&q=%E7%81%AB%E9%94%85');
    const entries = $('entry');
    expect(entries.map((_, entry) => $(entry).find('title').text()).get()).toEqual(['成都火锅 最新', '成都火锅 较早']);
    const link = entries.first().find('link[rel="alternate"]').attr('href') ?? '';
    expect(link).toMatch(/^http:\/\/dealnav\.example\/go\/\d+$/);
    expect(entries.first().find('updated').text()).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await t.app.inject({ url: '/feed.atom?sort=bogus' })).statusCode).toBe(400);
  });

  it('pages the sites directory when it lists more than 100 sites, in both languages', async () => {
    for (let i = 0; i < 120; i++) {
      await t.storage.sites.upsert({ slug: `p${String(i).padStart(3, '0')}`, name: `Partner ${String(i).padStart(3, '0')}`, homeUrl: `http://p${i}.example/` });
    }
    const first = cheerio.load((await get('/sites')).body);
    expect(first('.site-card')).toHaveLength(100);
    expect(first('.sites-range').text()).toBe('Sites 1–100 of 121');
    expect(first('.pager a[rel="next"]').attr('href')).toBe('/sites?page=2');
    const second = cheerio.load((await get('/sites?page=2', { 'accept-language': 'zh-CN' })).body);
    expect(second('.site-card')).toHaveLength(21);
    expect(second('.sites-range').text()).toBe('第101–121个网站，共121个');
    expect(second('.pager a[rel="prev"]').attr('href')).toBe('/sites');
    expect(second('.pager a[rel="next"]')).toHaveLength(0);
    expect((await get('/sites?page=0')).statusCode).toBe(400);
    // A credibility badge links to its site by id: the directory opens on the page that lists it.
    const late = await t.storage.sites.findBySlug('p110');
    const linked = cheerio.load((await get(`/sites?site=${late!.id}`)).body);
    expect(linked('.sites-range').text()).toBe('Sites 101–121 of 121');
    expect(linked(`#site-${late!.id}`).text()).toContain('Partner 110');
  });
});
