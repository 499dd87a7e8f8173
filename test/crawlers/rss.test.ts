import { describe, expect, it } from 'vitest';
import { parseFeedText } from '../../crawlers/formats';
import { feedLocale } from '../../crawlers/formats/feed-locale';
import { parseRfc822Date } from '../../crawlers/formats/rss';
import { dealIdFromUrl } from '../../crawlers/normalize/deal';
import { feedFixtureText } from '../helpers/feed-fixtures';


describe('RSS 2.0 with Google Merchant prices (rss-google-merchant-prices.xml)', () => {
  const { format, deals, skipped } = parseFeedText(feedFixtureText('rss-google-merchant-prices.xml'), 'auto', { feedUrl: 'http://www.letuan.example.cn/rss.xml' });

  it('reads g:sale_price as the price, g:price as the worth and the effective date as the window', () => {
    expect(format).toBe('rss');
    expect(deals[0]).toEqual({
      site: 'letuan.example.cn',
      externalId: 'letuan-3172',
      url: 'http://www.letuan.example.cn/team.php?id=3172',
      title: '仅售68元！价值158元的川味火锅双人套餐',
      imageUrl: 'http://img.letuan.example.cn/static/team/2011/0510/hotpot.jpg',
      city: null,
      nationwide: false,
      district: null,
      category: 'food',
      priceMinor: 6800,
      valueMinor: 15800,
      currency: 'CNY',
      discountPercent: 57,
      sold: null,
      soldOut: false,
      startsAt: '2011-05-09T16:00:00.000Z',
      endsAt: '2011-05-10T16:00:00.000Z',
      merchant: null,
      branches: [],
    });
  });

  it('falls back to the link for the id, reads CST in a Chinese feed as +08:00 and "out of stock" as sold out', () => {
    expect(deals[1]).toEqual({
      site: 'letuan.example.cn',
      externalId: dealIdFromUrl('http://www.letuan.example.cn/team.php?id=3175'),
      url: 'http://www.letuan.example.cn/team.php?id=3175',
      title: '仅售88元！原价198元的精致下午茶',
      imageUrl: 'http://img.letuan.example.cn/static/team/2011/0511/tea.jpg',
      city: null,
      nationwide: false,
      district: null,
      category: null,
      priceMinor: 8800,
      valueMinor: null,
      currency: 'CNY',
      discountPercent: null,
      sold: null,
      soldOut: true,
      // pubDate "Wed, 11 May 11 09:30 CST": a 2-digit year, China Standard Time.
      startsAt: '2011-05-11T01:30:00.000Z',
      endsAt: null,
      merchant: null,
      branches: [],
    });
  });

  it('prefers g:id, g:title and g:link, reads ¥ prices with thousands separators and a date-only window', () => {
    expect(deals[2]).toMatchObject({
      externalId: 'letuan-3180',
      url: 'http://www.letuan.example.cn/team.php?id=3180&from=rss',
      title: '仅售1280元！价值2560元的温泉度假两晚',
      imageUrl: null,
      priceMinor: 128000,
      valueMinor: 256000,
      currency: 'CNY',
      discountPercent: 50,
      soldOut: true,
      // 2011-05-12/2011-05-20 in Beijing time: from the first day's start to the last day's end.
      startsAt: '2011-05-11T16:00:00.000Z',
      endsAt: '2011-05-20T15:59:59.000Z',
    });
  });

  it('skips an item without any price', () => {
    expect(deals).toHaveLength(3);
    expect(skipped).toEqual([{ item: 'letuan-3190', reason: 'missing price' }]);
  });

  it('reads CST as US Central in a feed that is not Chinese', () => {
    const feed = (language: string) => `<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel><language>${language}</language>
      <item><title>Deal</title><link>https://shop.example/d/1</link><pubDate>Tue, 10 May 2011 00:00:00 CST</pubDate><g:price>9.00 USD</g:price></item>
      </channel></rss>`;
    expect(parseFeedText(feed('en-us'), 'auto', {}).deals[0]?.startsAt).toBe('2011-05-10T06:00:00.000Z');
    expect(parseFeedText(feed('zh-CN'), 'auto', {}).deals[0]?.startsAt).toBe('2011-05-09T16:00:00.000Z');
  });

  it('does not take an empty rss without the Merchant namespace for a deal feed', () => {
    expect(() => parseFeedText('<rss version="2.0"><channel/></rss>', 'auto', {})).toThrow('is in no known deal format');
    expect(parseFeedText('<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel/></rss>', 'auto', {})).toEqual({ format: 'rss', deals: [], skipped: [] });
  });
});

describe('parseRfc822Date', () => {
  const english = feedLocale('en', {});
  const chinese = feedLocale('zh-cn', {});
  const iso = (text: string, locale = english) => parseRfc822Date(text, locale)?.toISOString() ?? null;

  it('reads numeric and named zones', () => {
    expect(iso('Tue, 10 May 2011 00:00:00 +0800')).toBe('2011-05-09T16:00:00.000Z');
    expect(iso('Tue, 10 May 2011 00:00:00 -0530')).toBe('2011-05-10T05:30:00.000Z');
    expect(iso('Tue, 10 May 2011 00:00:00 GMT')).toBe('2011-05-10T00:00:00.000Z');
    expect(iso('10 May 2011 12:00 UTC')).toBe('2011-05-10T12:00:00.000Z');
    expect(iso('Tue, 10 May 2011 00:00:00 EDT')).toBe('2011-05-10T04:00:00.000Z');
    expect(iso('Tue, 10 May 2011 00:00:00 CST')).toBe('2011-05-10T06:00:00.000Z');
    expect(iso('Tue, 10 May 2011 00:00:00 CST', chinese)).toBe('2011-05-09T16:00:00.000Z');
  });

  it('reads 2-digit years, full month names and non-English day names', () => {
    expect(iso('Wed, 11 May 11 09:30 GMT')).toBe('2011-05-11T09:30:00.000Z');
    expect(iso('Fri, 01 Jan 99 00:00:00 GMT')).toBe('1999-01-01T00:00:00.000Z');
    expect(iso('周四, 12 May 2011 08:00:00 GMT')).toBe('2011-05-12T08:00:00.000Z');
    expect(iso('Thursday, 12 September 2024 08:00:00 +0000')).toBe('2024-09-12T08:00:00.000Z');
  });

  it('reads a date without a zone in the feed zone, accepts ISO 8601, refuses nonsense', () => {
    expect(iso('Tue, 10 May 2011 08:00:00', chinese)).toBe('2011-05-10T00:00:00.000Z');
    expect(iso('2011-05-10T00:00:00+08:00')).toBe('2011-05-09T16:00:00.000Z');
    expect(iso('Tue, 31 Feb 2011 00:00:00 GMT')).toBeNull();
    expect(iso('Tue, 10 Foo 2011 00:00:00 GMT')).toBeNull();
    expect(iso('Tue, 10 May 2011 00:00:00 XYZ')).toBeNull();
    expect(iso('yesterday')).toBeNull();
  });
});

describe('RSS with hostile titles and links (rss-hostile-titles.xml)', () => {
  const { format, deals, skipped } = parseFeedText(feedFixtureText('rss-hostile-titles.xml'), 'auto', {});

  it('keeps titles as plain text: tags and script contents removed, an entity-escaped tag left as literal text', () => {
    expect(format).toBe('rss');
    expect(deals.map((deal) => [deal.externalId, deal.title])).toEqual([
      ['hostile-1', 'Spa Day for Two'],
      ['hostile-2', 'Half off pizza'],
      ['hostile-3', 'javascript:alert(3)'],
      // Doubly escaped in the feed: it is text that reads "<script>…", and pages escape it as such.
      ['hostile-4', '<script>alert(5)</script>'],
    ]);
    expect(deals.map((deal) => deal.url)).toEqual([
      'https://deals.hostile.example/d/1',
      'https://deals.hostile.example/d/2',
      'https://deals.hostile.example/d/3',
      'https://deals.hostile.example/d/4',
    ]);
  });

  it('drops data: and javascript: images but keeps the deal', () => {
    expect(deals.map((deal) => deal.imageUrl)).toEqual([null, null, null, null]);
    expect(deals[1]).toMatchObject({ priceMinor: 1000, currency: 'USD' });
  });

  it('skips items whose deal URL is javascript: or data:, whatever the case, and a title that was only a script', () => {
    expect(skipped).toEqual([
      { item: 'hostile-5', reason: 'deal URL is not http(s)' },
      { item: 'hostile-6', reason: 'deal URL is not http(s)' },
      { item: 'hostile-7', reason: 'deal URL is not http(s)' },
      { item: 'hostile-8', reason: expect.stringMatching(/title/) },
    ]);
  });
});
