import { describe, expect, it } from 'vitest';
import { parseFeedText } from '../../crawlers/formats';
import { dealIdFromUrl } from '../../crawlers/normalize/deal';
import { feedFixtureText, pick } from '../helpers/feed-fixtures';


describe('Sohu ActivitySet (sohu-activityset-broken-15-digit-time.xml)', () => {
  const result = parseFeedText(feedFixtureText('sohu-activityset-broken-15-digit-time.xml'), 'auto', {});

  it('is detected as sohu and reads every field of the first activity', () => {
    expect(result.format).toBe('sohu');
    expect(result.deals[0]).toEqual({
      site: 'jingwei.example',
      externalId: dealIdFromUrl('http://www.jingwei.example/team.php?id=501'),
      url: 'http://www.jingwei.example/team.php?id=501',
      title: '仅售68元！价值158元的川味火锅双人套餐',
      imageUrl: 'http://img.jingwei.example/501.jpg',
      city: 'beijing',
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
      // 201105102359590: ECShop's 15-digit afternoon time is unknown, and the deal is kept.
      endsAt: null,
      merchant: { name: '蜀香火锅(国贸店)', phone: '010-66660001', address: '朝阳区某路88号' },
      branches: [],
    });
  });

  it('reads only 14-digit in-range times; 15- and 16-digit or out-of-range ones are unknown', () => {
    expect(pick(result.deals, 'url', 'startsAt', 'endsAt')).toEqual([
      { url: 'http://www.jingwei.example/team.php?id=501', startsAt: '2011-05-09T16:00:00.000Z', endsAt: null },
      // StartTime 201106011500000 (15 digits).
      { url: 'http://www.jingwei.example/team.php?id=502', startsAt: null, endsAt: '2011-06-07T15:59:59.000Z' },
      // StartTime 20110510930000 (hour 93), EndTime 1305043199000000 (unix + 000000).
      { url: 'http://www.jingwei.example/team.php?id=503', startsAt: null, endsAt: null },
    ]);
  });

  it('ignores ReBate and Rebate alike, recomputing the discount', () => {
    expect(pick(result.deals, 'priceMinor', 'valueMinor', 'discountPercent', 'sold')).toEqual([
      { priceMinor: 6800, valueMinor: 15800, discountPercent: 57, sold: 413 },
      { priceMinor: 3500, valueMinor: 8000, discountPercent: 56, sold: 1024 },
      { priceMinor: 3900, valueMinor: 9900, discountPercent: 61, sold: null },
    ]);
  });

  it('reads cities, and the merchant from Goods (a Contact that is a phone number stands in for Telephone)', () => {
    expect(pick(result.deals, 'city', 'nationwide', 'imageUrl', 'merchant')).toEqual([
      { city: 'beijing', nationwide: false, imageUrl: 'http://img.jingwei.example/501.jpg', merchant: { name: '蜀香火锅(国贸店)', phone: '010-66660001', address: '朝阳区某路88号' } },
      { city: 'shanghai', nationwide: false, imageUrl: 'http://img.jingwei.example/502.jpg', merchant: { name: '星光KTV', phone: '021-55550002', address: null } },
      { city: null, nationwide: true, imageUrl: null, merchant: null },
    ]);
  });

  it('skips an activity without a URL and one that ends before it starts', () => {
    expect(result.skipped).toEqual([
      { item: '没有链接的团购', reason: 'missing deal URL' },
      { item: 'http://www.jingwei.example/team.php?id=505', reason: 'end time before start time' },
    ]);
  });

  it('parses the same with the format given', () => {
    const text = feedFixtureText('sohu-activityset-broken-15-digit-time.xml');
    expect(parseFeedText(text, 'sohu', {})).toEqual(result);
  });
});
