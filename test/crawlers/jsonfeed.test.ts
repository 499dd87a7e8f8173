import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFeedText } from '../../crawlers/formats';

const text = readFileSync(new URL('../fixtures/feeds/jsonfeed-deal-extension.json', import.meta.url), 'utf8');

describe('JSON Feed 1.1 with the _deal extension (jsonfeed-deal-extension.json)', () => {
  const { format, deals, skipped } = parseFeedText(text, 'auto', {});

  it('reads the reference example field by field', () => {
    expect(format).toBe('jsonfeed');
    expect(deals[0]).toEqual({
      // No feed URL given: the site is named from home_page_url.
      site: 'letuan.example.cn',
      externalId: '3172',
      url: 'http://www.letuan.example.cn/team.php?id=3172',
      title: '仅售68元！价值158元的川味火锅双人套餐',
      imageUrl: 'http://img.letuan.example.cn/static/team/2011/0510/hotpot.jpg',
      city: 'chengdu',
      nationwide: false,
      district: null,
      category: 'food',
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
    });
  });

  it('coerces a numeric id, falls back to external_url and banner_image, and defaults the currency from the language', () => {
    expect(deals[1]).toEqual({
      site: 'letuan.example.cn',
      externalId: '3180',
      url: 'http://www.letuan.example.cn/team.php?id=3180',
      title: '仅售39.9元！价值99元的精品洗车',
      imageUrl: 'http://img.letuan.example.cn/static/team/2011/0512/wash.jpg',
      city: 'beijing',
      nationwide: false,
      district: null,
      category: null,
      priceMinor: 3990,
      valueMinor: 9900,
      currency: 'CNY',
      discountPercent: 60,
      sold: 1200,
      soldOut: true,
      // No starts_at: date_published; ends_at "2011-05-20" lasts to the end of that day in Beijing.
      startsAt: '2011-05-12T02:00:00.000Z',
      endsAt: '2011-05-20T15:59:59.000Z',
      merchant: null,
      branches: [],
    });
  });

  it('skips items without _deal.price', () => {
    expect(deals).toHaveLength(2);
    expect(skipped).toEqual([
      { item: '3181', reason: 'missing price' },
      { item: '3182', reason: 'missing price' },
    ]);
  });

  it('detects JSON Feed 1.0 by its version URL and reads its times in UTC without a language', () => {
    const feed = {
      version: 'https://jsonfeed.org/version/1',
      title: 'Deals',
      items: [{ id: 7, url: 'https://shop.example/7', title: 'Seven', _deal: { price: '7.00', currency: 'usd', ends_at: '2024-01-31' } }],
    };
    expect(parseFeedText(JSON.stringify(feed), 'auto', {})).toEqual({
      format: 'jsonfeed',
      deals: [expect.objectContaining({ externalId: '7', priceMinor: 700, currency: 'USD', endsAt: '2024-01-31T23:59:59.000Z' })],
      skipped: [],
    });
  });

  it('leaves JSON without the jsonfeed.org version to other formats', () => {
    expect(() => parseFeedText('{"version": "1.1", "items": []}', 'auto', {})).toThrow('JSON in no known deal format');
  });
});
