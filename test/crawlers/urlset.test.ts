import { describe, expect, it } from 'vitest';
import { parseFeedBytes, parseFeedText } from '../../crawlers/formats';
import { parseUrlsetText } from '../../crawlers/formats/urlset';
import { dealIdFromUrl } from '../../crawlers/normalize/deal';
import type { DealRecord, ParseResult } from '../../crawlers/types';
import { feedFixtureBytes, pick } from '../helpers/feed-fixtures';

const parseFixture = (name: string, feedUrl?: string): ParseResult => parseFeedBytes(feedFixtureBytes(name), null, 'auto', { feedUrl });

describe('hao123 v1 (hao123-v1-basic.xml)', () => {
  it('reads every field of both deals', () => {
    const result = parseFixture('hao123-v1-basic.xml');
    expect(result.format).toBe('hao123');
    expect(result.skipped).toEqual([]);
    expect(result.deals).toEqual([
      {
        site: 'letuan.example',
        externalId: dealIdFromUrl('http://www.letuan.example/team.php?id=3172'),
        url: 'http://www.letuan.example/team.php?id=3172',
        title: '仅售68元！价值158元的川味火锅双人套餐，含锅底+8道菜品',
        imageUrl: 'http://img.letuan.example/static/team/2011/0510/hotpot.jpg',
        city: 'chengdu',
        nationwide: false,
        district: null,
        category: null,
        priceMinor: 6800,
        valueMinor: 15800,
        currency: 'CNY',
        discountPercent: 57,
        sold: 413,
        soldOut: false,
        startsAt: '2011-05-09T16:00:00.000Z',
        endsAt: '2011-05-10T16:00:00.000Z',
        merchant: null,
        branches: [],
      },
      {
        site: 'letuan.example',
        externalId: dealIdFromUrl('http://www.letuan.example/team.php?id=3173'),
        url: 'http://www.letuan.example/team.php?id=3173',
        title: '39元抢购价值99元的不锈钢保温杯，全国包邮',
        imageUrl: 'http://img.letuan.example/static/team/2011/0511/cup.jpg',
        city: null,
        nationwide: true,
        district: null,
        category: null,
        priceMinor: 3900,
        valueMinor: 9900,
        currency: 'CNY',
        discountPercent: 61,
        sold: 0,
        soldOut: false,
        startsAt: '2011-05-10T16:00:00.000Z',
        endsAt: '2011-05-11T16:00:00.000Z',
        merchant: null,
        branches: [],
      },
    ]);
  });

  it('derives a stable 16-hex id from loc, and names the site from the feed URL when given', () => {
    const result = parseFixture('hao123-v1-basic.xml', 'https://API.Letuan.example/hao123.php');
    expect(result.deals[0]?.externalId).toMatch(/^[0-9a-f]{16}$/);
    expect(result.deals[0]?.externalId).not.toBe(result.deals[1]?.externalId);
    expect(result.deals.map((deal) => deal.site)).toEqual(['api.letuan.example', 'api.letuan.example']);
  });
});

describe('hao123 v2 (hao123-v2-categories-shops.xml)', () => {
  const { deals, skipped } = parseFixture('hao123-v2-categories-shops.xml');

  it('maps codes and subcategories to the taxonomy, the subcategory winning', () => {
    expect(skipped).toEqual([]);
    expect(pick(deals, 'url', 'category', 'city')).toEqual([
      { url: 'http://tuan.shuxiang.example/deal/501', category: 'food', city: 'chengdu' },
      { url: 'http://tuan.shuxiang.example/deal/502', category: 'entertainment', city: 'beijing' },
      { url: 'http://tuan.shuxiang.example/deal/503', category: 'beauty', city: 'shanghai' },
      // Code 3 is 生活服务 in the 2012 list, but the subcategory 美发 is unambiguous.
      { url: 'http://tuan.shuxiang.example/deal/504', category: 'beauty', city: 'shenzhen' },
      { url: 'http://tuan.shuxiang.example/deal/505', category: null, city: '乐山' },
    ]);
  });

  it('reads district, merchant from display fields and shops/shop', () => {
    expect(deals[0]?.district).toBe('春熙路');
    expect(deals[0]?.merchant).toEqual({ name: '蜀香火锅(春熙店)', phone: '028-66660001', address: '锦江区某街88号' });
    expect(deals[1]?.merchant).toEqual({ name: '星光影城(朝阳店)', phone: '010-55550002', address: null });
    expect(deals[2]?.merchant).toBeNull();
  });

  it('reads every shops/shop as a branch: shopRange as its district, shopCoords in either order', () => {
    expect(deals[0]?.branches).toEqual([
      { name: '蜀香火锅(春熙店)', address: '锦江区某街88号', phone: '028-66660001', district: '春熙路', lat: 30.6571, lng: 104.0806 },
      // <shopCoords>104.0559,30.6696</shopCoords>: 104 cannot be a latitude, so the pair is lng,lat.
      { name: '蜀香火锅(宽窄巷子店)', address: '青羊区某巷子12号 (近东门)', phone: '028-66660002', district: '宽窄巷子', lat: 30.6696, lng: 104.0559 },
      // <shopCoords>0,0</shopCoords> means unknown; the fourth shop, all empty elements, is no branch.
      { name: '蜀香火锅(外卖点)', address: null, phone: '028-66660003', district: null, lat: null, lng: null },
    ]);
    // display-level seller/phone describe the merchant, not a branch.
    expect(deals.slice(1).map((deal) => deal.branches)).toEqual([[], [], [], []]);
  });

  it('reads prices exactly and recomputes the discount, ignoring rebate', () => {
    expect(pick(deals, 'priceMinor', 'valueMinor', 'discountPercent', 'sold')).toEqual([
      { priceMinor: 6800, valueMinor: 15800, discountPercent: 57, sold: 88 },
      { priceMinor: 3500, valueMinor: 8000, discountPercent: 56, sold: 1024 },
      { priceMinor: 9900, valueMinor: 29800, discountPercent: 67, sold: 12 },
      { priceMinor: 2550, valueMinor: 6000, discountPercent: 58, sold: 7 },
      { priceMinor: 1000, valueMinor: 1000, discountPercent: 0, sold: 3 },
    ]);
    expect(deals[0]?.title).toBe('仅售68元！价值158元的蜀香火锅双人餐');
    expect(deals[0]?.startsAt).toBe('2011-08-31T16:00:00.000Z');
    expect(deals[0]?.endsAt).toBe('2011-09-07T15:59:59.000Z');
  });
});

describe('团800 (tuan800-ymd-times-shops-addr.xml)', () => {
  const { deals, skipped } = parseFixture('tuan800-ymd-times-shops-addr.xml');

  it('keys on identifier', () => {
    expect(skipped).toEqual([]);
    expect(deals.map((deal) => deal.externalId)).toEqual(['3180', 'T-0042', '3190']);
  });

  it('reads Y-m-d H:i:s times as Beijing time and epoch seconds beside them', () => {
    expect(pick(deals, 'startsAt', 'endsAt')).toEqual([
      { startsAt: '2011-05-09T16:00:00.000Z', endsAt: '2011-05-11T16:00:00.000Z' },
      { startsAt: '2011-06-01T02:30:00.000Z', endsAt: '2011-06-30T15:59:59.000Z' },
      { startsAt: '2011-05-31T16:00:00.000Z', endsAt: '2011-06-07T15:59:59.000Z' },
    ]);
  });

  it('reads shops/shop with addr or address, the first shop standing for the merchant', () => {
    expect(deals.map((deal) => deal.merchant)).toEqual([
      { name: '某某日化旗舰店', phone: '400-000-0000', address: '上海市某区某路1号' },
      { name: '楼外某楼(湖滨店)', phone: '0571-88880003', address: '西湖区湖滨路9号' },
      null,
    ]);
  });

  it('reads every shop as a branch, its area as the district', () => {
    expect(deals.map((deal) => deal.branches)).toEqual([
      [{ name: '某某日化旗舰店', address: '上海市某区某路1号', phone: '400-000-0000', district: '上海', lat: null, lng: null }],
      [
        { name: '楼外某楼(湖滨店)', address: '西湖区湖滨路9号', phone: '0571-88880003', district: null, lat: null, lng: null },
        { name: '楼外某楼(滨江店)', address: '滨江区江南大道1号', phone: '0571-88880004', district: null, lat: null, lng: null },
      ],
      [],
    ]);
  });

  it('reads tag lists, soldOut, nationwide and prices', () => {
    expect(pick(deals, 'category', 'soldOut', 'city', 'nationwide', 'priceMinor', 'valueMinor', 'discountPercent', 'sold')).toEqual([
      { category: 'shopping', soldOut: false, city: null, nationwide: true, priceMinor: 3500, valueMinor: 8800, discountPercent: 60, sold: 1206 },
      { category: 'food', soldOut: true, city: 'hangzhou', nationwide: false, priceMinor: 5990, valueMinor: 12000, discountPercent: 50, sold: 356 },
      { category: null, soldOut: false, city: 'nanjing', nationwide: false, priceMinor: 990, valueMinor: 2000, discountPercent: 51, sold: 41 },
    ]);
  });

  it('reads naive times in the configured zone and applies the clock offset to epochs', () => {
    const text = new TextDecoder().decode(feedFixtureBytes('tuan800-ymd-times-shops-addr.xml'));
    const shifted = parseFeedText(text, 'hao123', { timeZone: 'UTC', clockOffsetSeconds: 8 * 3600 }).deals;
    expect(shifted[0]?.startsAt).toBe('2011-05-10T00:00:00.000Z');
    expect(shifted[2]?.startsAt).toBe('2011-05-31T08:00:00.000Z');
  });
});

describe('encoding and syntax quirks', () => {
  it('reads GBK bytes declared as utf-8 (hao123-gbk-declared-utf8.xml)', () => {
    const { deals } = parseFeedBytes(feedFixtureBytes('hao123-gbk-declared-utf8.xml'), 'text/xml; charset=utf-8', 'auto', {});
    expect(pick(deals, 'title', 'city', 'priceMinor', 'valueMinor', 'sold', 'site')).toEqual([
      { title: '喆记茶餐厅：仅售45元！价值100元的粤式早茶双人套餐', city: 'guangzhou', priceMinor: 4500, valueMinor: 10000, sold: 321, site: 'yuecha.example' },
    ]);
  });

  it('tolerates whitespace before the prolog, raw & and &nbsp; (hao123-whitespace-before-prolog-raw-ampersand.xml)', () => {
    const { deals, skipped } = parseFixture('hao123-whitespace-before-prolog-raw-ampersand.xml');
    expect(skipped).toEqual([]);
    expect(pick(deals, 'title', 'url', 'priceMinor', 'discountPercent')).toEqual([
      {
        title: '仅售128元！价值256元的西冷牛排&红酒双人套餐 (周末通用)',
        url: 'http://www.tuanle.example/deal.php?id=7&from=hao123',
        priceMinor: 12800,
        discountPercent: 50,
      },
      {
        title: 'A&B咖啡：19元享价值38元的拿铁两杯 © 团乐',
        url: 'http://www.tuanle.example/deal.php?id=8&from=hao123',
        priceMinor: 1900,
        discountPercent: 50,
      },
    ]);
  });

  it('reads CDATA, treats empty elements as absent and ignores element case (hao123-cdata-and-empty-elements.xml)', () => {
    const { deals, skipped } = parseFixture('hao123-cdata-and-empty-elements.xml');
    expect(skipped).toEqual([]);
    expect(deals[0]).toMatchObject({
      url: 'http://www.kuaile.example/goods.php?id=66',
      externalId: dealIdFromUrl('http://www.kuaile.example/goods.php?id=66'),
      title: '限时抢购：仅售29元的精美手机壳 & 贴膜',
      imageUrl: null,
      city: null,
      nationwide: false,
      priceMinor: 2900,
      valueMinor: null,
      discountPercent: null,
      sold: null,
      startsAt: null,
      endsAt: null,
      site: 'kuaile.example',
    });
    expect(deals[1]).toMatchObject({
      url: 'http://www.kuaile.example/goods.php?id=67',
      title: '仅售15元！价值30元的 苏式汤面两碗',
      imageUrl: 'http://img.kuaile.example/67.jpg',
      city: 'suzhou',
      priceMinor: 1500,
      valueMinor: 3000,
      discountPercent: 50,
      sold: 9,
      startsAt: '2011-10-31T16:00:00.000Z',
      endsAt: '2011-11-07T16:00:00.000Z',
    });
  });

  it('reads a default namespace, prefixed elements and snake_case fields (hao123-namespaced-snake-case.xml)', () => {
    const { deals, skipped } = parseFixture('hao123-namespaced-snake-case.xml');
    expect(skipped).toEqual([]);
    expect(pick(deals, 'externalId', 'title', 'city', 'district', 'category', 'soldOut', 'startsAt', 'endsAt', 'priceMinor', 'valueMinor')).toEqual([
      {
        externalId: 'ht-2001', title: '仅售49元！价值100元的热干面豪华早餐四人份', city: 'wuhan', district: '光谷', category: 'food',
        soldOut: true, startsAt: '2011-10-31T16:00:00.000Z', endsAt: '2011-11-07T16:00:00.000Z', priceMinor: 4900, valueMinor: 10000,
      },
      {
        externalId: 'ht-2002', title: '39元享价值90元的KTV欢唱3小时', city: 'wuhan', district: null, category: 'entertainment',
        soldOut: false, startsAt: '2011-10-31T16:00:00.000Z', endsAt: '2011-11-07T16:00:00.000Z', priceMinor: 3900, valueMinor: 9000,
      },
    ]);
    expect(deals[0]?.merchant).toEqual({ name: '老街热干面(光谷店)', phone: '027-87870005', address: '洪山区光谷步行街3号' });
    expect(deals.map((deal) => deal.branches)).toEqual([
      [{ name: '老街热干面(光谷店)', address: '洪山区光谷步行街3号', phone: '027-87870005', district: null, lat: null, lng: null }],
      [],
    ]);
  });
});

describe('branch lists', () => {
  const feed = (shops: string) => `<urlset><url><loc>http://www.tuan.example/deal/1</loc><data>
    <display><title>火锅双人餐</title><city>成都</city><price>68</price><value>158</value></display>
    ${shops}</data></url></urlset>`;
  const branchesOf = (shops: string) => parseUrlsetText(feed(shops), {}).deals[0]?.branches;

  it("reads 聚淘's componays/componay, with contact as the phone", () => {
    expect(branchesOf(`<componays><componay><name>老码头</name><contact>028-1234</contact><address>武侯区某路1号</address></componay>
      <componay><name>老码头(二店)</name><address>成华区某路2号</address></componay></componays>`)).toEqual([
      { name: '老码头', address: '武侯区某路1号', phone: '028-1234', district: null, lat: null, lng: null },
      { name: '老码头(二店)', address: '成华区某路2号', phone: null, district: null, lat: null, lng: null },
    ]);
  });

  it('reads longitude/latitude (or lng/lat) apart, unswapping a longitude written as the latitude', () => {
    expect(branchesOf(`<shops>
      <shop><name>甲</name><longitude>104.0806</longitude><latitude>30.6571</latitude></shop>
      <shop><name>乙</name><longitude>30.6571</longitude><latitude>104.0806</latitude></shop>
      <shop><name>丙</name><lng>104.1</lng><lat>30.7</lat></shop>
      <shop><name>丁</name><longitude>200</longitude><latitude>95</latitude></shop>
      <shop><name>戊</name><longitude>104.0806</longitude><latitude></latitude><shopCoords>30.6,104.0</shopCoords></shop>
      <shop><name>己</name><longitude>东经104度</longitude><latitude>北纬30度</latitude></shop>
    </shops>`)?.map(({ name, lat, lng }) => ({ name, lat, lng }))).toEqual([
      { name: '甲', lat: 30.6571, lng: 104.0806 },
      { name: '乙', lat: 30.6571, lng: 104.0806 },
      { name: '丙', lat: 30.7, lng: 104.1 },
      { name: '丁', lat: null, lng: null },
      // Half a pair is no position (the shopCoords beside it are not mixed in).
      { name: '戊', lat: null, lng: null },
      { name: '己', lat: null, lng: null },
    ]);
  });

  it('keeps at most 50 branches, drops repeats, and cleans their text like the merchant\'s', () => {
    const many = Array.from({ length: 60 }, (_, index) => `<shop><name>分店${index + 1}</name></shop>`).join('');
    const branches = branchesOf(`<shops><shop><name>总店</name></shop><shop><name> 总店 </name></shop>${many}</shops>`);
    expect(branches).toHaveLength(50);
    expect(branches?.slice(0, 2).map((branch) => branch.name)).toEqual(['总店', '分店1']);
    expect(branchesOf(`<shops><shop><name><![CDATA[<b>蜀香</b>&amp;火锅<script>alert(1)</script>]]></name>
      <addr>${'长'.repeat(600)}</addr></shop></shops>`)?.[0]).toMatchObject({ name: '蜀香&火锅', address: `${'长'.repeat(499)}…` });
  });
});

describe('bad items (hao123-bad-items.xml)', () => {
  const { deals, skipped } = parseFixture('hao123-bad-items.xml', 'http://www.tuanba.example/api/hao123.php');

  it('keeps the good items, resolving a relative loc against the feed URL', () => {
    expect(pick(deals, 'url', 'title', 'priceMinor', 'city')).toEqual([
      { url: 'http://www.tuanba.example/deal/1', title: '仅售20元！价值50元的肉夹馍套餐', priceMinor: 2000, city: 'xian' },
      { url: 'http://www.tuanba.example/deal/7?from=hao123', title: '相对地址的冰峰汽水一箱', priceMinor: 3600, city: 'xian' },
    ]);
  });

  it('says why each other item was skipped', () => {
    expect(skipped).toEqual([
      { item: 'http://www.tuanba.example/deal/2', reason: 'missing price' },
      { item: 'javascript:alert(document.cookie)', reason: 'deal URL is not http(s)' },
      { item: 'http://www.tuanba.example/deal/4', reason: 'end time before start time' },
      { item: 'http://www.tuanba.example/deal/5', reason: 'missing title' },
      { item: 'http://www.tuanba.example/deal/6', reason: 'price "面议" is not an amount' },
      { item: 'HTTP://WWW.TUANBA.EXAMPLE/deal/1#top', reason: 'same id as an earlier item in the feed' },
    ]);
  });
});

describe('parseUrlsetText', () => {
  it('refuses a document whose root is not urlset', () => {
    expect(() => parseUrlsetText('<rss><channel/></rss>', {})).toThrow(/expected an <urlset> feed, found <rss>/);
  });

  it('returns no deals for an empty urlset', () => {
    expect(parseUrlsetText('<urlset></urlset>', {})).toEqual({ format: 'hao123', deals: [], skipped: [] });
  });
});
