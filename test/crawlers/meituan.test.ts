import { describe, expect, it } from 'vitest';
import { parseFeedText } from '../../crawlers/formats';
import { feedFixtureText, pick } from '../helpers/feed-fixtures';


describe('Meituan API v1 (meituan-response-deals.xml)', () => {
  const result = parseFeedText(feedFixtureText('meituan-response-deals.xml'), 'auto', {});

  it('is detected as meituan and reads every field of the first deal', () => {
    expect(result.format).toBe('meituan');
    expect(result.deals[0]).toEqual({
      site: 'cd.meituan-like.example',
      externalId: 'cdhotpot0510',
      url: 'http://cd.meituan-like.example/deal/cdhotpot0510.html',
      title: '仅售68元！价值158元的川味火锅双人套餐',
      imageUrl: 'http://p0.meituan-like.example/hotpot.jpg',
      city: 'chengdu',
      nationwide: false,
      district: null,
      category: null,
      priceMinor: 6800,
      valueMinor: 15800,
      currency: 'CNY',
      // Recomputed: the feed's discount_percent "4.3折" is not a percentage.
      discountPercent: 57,
      sold: 413,
      soldOut: false,
      startsAt: '2011-05-09T16:00:00.000Z',
      endsAt: '2011-05-10T15:59:59.000Z',
      merchant: { name: '蜀香火锅', phone: null, address: null },
      branches: [],
    });
  });

  it('uses the ISO offsets, not the bogus division_offset_gmt', () => {
    expect(pick(result.deals, 'externalId', 'startsAt', 'endsAt')).toEqual([
      { externalId: 'cdhotpot0510', startsAt: '2011-05-09T16:00:00.000Z', endsAt: '2011-05-10T15:59:59.000Z' },
      { externalId: '366723', startsAt: '2011-07-09T16:00:00.000Z', endsAt: '2011-07-10T15:59:59.000Z' },
      { externalId: 'bjwsktv', startsAt: '2010-11-16T16:00:00.000Z', endsAt: '2010-11-17T15:59:59.000Z' },
    ]);
  });

  it('reads prices, sold_out, the largest image present, division_name (else a division_id slug) and vendor_name', () => {
    expect(pick(result.deals, 'priceMinor', 'valueMinor', 'discountPercent', 'sold', 'soldOut', 'imageUrl', 'city', 'merchant')).toEqual([
      { priceMinor: 6800, valueMinor: 15800, discountPercent: 57, sold: 413, soldOut: false, imageUrl: 'http://p0.meituan-like.example/hotpot.jpg', city: 'chengdu', merchant: { name: '蜀香火锅', phone: null, address: null } },
      // division_id "1" is not a city; vendor_name is empty.
      { priceMinor: 990, valueMinor: 2000, discountPercent: 51, sold: 2000, soldOut: true, imageUrl: 'http://p0.meituan-like.example/200.121/duck.jpg', city: 'nanjing', merchant: null },
      // vendor_id is not read: Groupon v1 puts a slug there.
      { priceMinor: 4500, valueMinor: 10000, discountPercent: 55, sold: 5, soldOut: false, imageUrl: 'http://p0.meituan-like.example/120.76/ktv.jpg', city: 'beijing', merchant: null },
    ]);
  });

  it('skips a deal without a price', () => {
    expect(result.skipped).toEqual([{ item: 'shnail0510', reason: 'missing price' }]);
  });
});

describe('Groupon API v1 XML (groupon-v1-xml-formatted-money.xml)', () => {
  it('reads formatted money with its currency, and ignores discount_percent', () => {
    const result = parseFeedText(feedFixtureText('groupon-v1-xml-formatted-money.xml'), 'auto', {});
    expect(result).toEqual({
      format: 'meituan',
      skipped: [],
      deals: [
        {
          site: 'groupon-like.example',
          externalId: 'lakeside-kayak-rental',
          url: 'http://www.groupon-like.example/deals/lakeside-kayak-rental',
          title: '$19 for a Two-Hour Kayak Rental ($40 Value)',
          imageUrl: 'http://img.groupon-like.example/kayak.jpg',
          city: 'Madison',
          nationwide: false,
          district: null,
          category: null,
          priceMinor: 1900,
          valueMinor: 4000,
          currency: 'USD',
          discountPercent: 53,
          sold: 311,
          soldOut: false,
          startsAt: '2010-06-01T05:00:00.000Z',
          endsAt: '2010-06-02T04:59:59.000Z',
          merchant: { name: 'Lakeside Kayaks', phone: null, address: null },
          branches: [],
        },
      ],
    });
  });
});

describe('meituan detection and errors', () => {
  it('does not claim a <response> without deals', () => {
    expect(() => parseFeedText('<response code="0"><divisions/></response>', 'auto', {})).toThrow(/<response> is in no known deal format/);
  });

  it('reports an API error answer when the format is given', () => {
    expect(() => parseFeedText('<response code="401" message="bad key"/>', 'meituan', {})).toThrow(
      'expected a Meituan/Groupon v1 <response> with <deals> (code 401: bad key)',
    );
  });
});
