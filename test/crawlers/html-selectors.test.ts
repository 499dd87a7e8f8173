import { describe, expect, it } from 'vitest';
import { CrawlError } from '../../crawlers/errors';
import { parseFeedText } from '../../crawlers/formats';
import { dealIdFromUrl } from '../../crawlers/normalize/deal';
import type { HtmlSelectors } from '../../crawlers/types';
import { feedFixtureText } from '../helpers/feed-fixtures';

const text = feedFixtureText('html-plain-listing-for-selectors.html');
const feedUrl = 'http://www.tuan.example.cn/list/today.html';

/** What the site owner registered for html-plain-listing-for-selectors.html. */
const selectors: HtmlSelectors = {
  item: 'li.deal',
  title: '.name',
  price: '.now',
  url: '.go',
  value: '.was',
  image: '.pic',
  endsAt: '.until',
  city: '.city',
};

describe('a plain HTML listing read with CSS selectors (html-plain-listing-for-selectors.html)', () => {
  const { format, deals, skipped } = parseFeedText(text, 'auto', { feedUrl, selectors });

  it('reads the href and src of the matched elements and a <time datetime>', () => {
    expect(format).toBe('html');
    expect(deals[0]).toEqual({
      site: 'tuan.example.cn',
      externalId: dealIdFromUrl('http://www.tuan.example.cn/team/3172'),
      url: 'http://www.tuan.example.cn/team/3172',
      title: '仅售68元！川味火锅双人套餐',
      imageUrl: 'http://img.tuan.example.cn/3172.jpg',
      city: 'chengdu',
      nationwide: false,
      district: null,
      category: null,
      priceMinor: 6800,
      valueMinor: 15800,
      currency: 'CNY',
      discountPercent: 57,
      sold: null,
      soldOut: false,
      startsAt: null,
      endsAt: '2011-05-10T16:00:00.000Z',
      merchant: null,
      branches: [],
    });
  });

  it('looks inside containers for the first a/img, skips a data: placeholder and finds the amount in words', () => {
    expect(deals[1]).toEqual({
      site: 'tuan.example.cn',
      externalId: dealIdFromUrl('http://www.tuan.example.cn/list/team/3173?from=list&pos=2'),
      url: 'http://www.tuan.example.cn/list/team/3173?from=list&pos=2',
      title: '仅售39.9元！精品洗车',
      imageUrl: 'http://www.tuan.example.cn/img/3173.jpg',
      city: 'beijing',
      nationwide: false,
      district: null,
      category: null,
      priceMinor: 3990,
      valueMinor: 9900,
      currency: 'CNY',
      discountPercent: 60,
      sold: null,
      soldOut: false,
      startsAt: null,
      endsAt: '2011-05-20T15:59:59.000Z',
      merchant: null,
      branches: [],
    });
  });

  it('skips an item without a price and one with a javascript: link', () => {
    expect(deals).toHaveLength(2);
    expect(skipped).toEqual([
      { item: '/team/3174', reason: 'missing price' },
      { item: 'javascript:void(0)', reason: 'deal URL is not http(s)' },
    ]);
  });

  it('is only chosen when selectors are registered', () => {
    expect(() => parseFeedText(text, 'auto', { feedUrl })).toThrow('the response is an HTML page, not a feed');
    expect(() => parseFeedText(text, 'html', { feedUrl })).toThrow(CrawlError);
  });

  it('leaves a page with JSON-LD to the jsonld format', () => {
    const page = feedFixtureText('jsonld-two-blocks-one-broken.html');
    expect(parseFeedText(page, 'auto', { feedUrl, selectors }).format).toBe('jsonld');
  });

  it('reports an invalid selector as a parse error naming the field', () => {
    let error: unknown;
    try {
      parseFeedText(text, 'auto', { feedUrl, selectors: { ...selectors, price: 'span[class=' } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CrawlError);
    expect(error).toMatchObject({ code: 'parse_error' });
    expect((error as Error).message).toMatch(/^the CSS selector for "price" \("span\[class="\) is not valid/);
  });
});
