import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFeedText } from '../../crawlers/formats';
import { parseGrouponDocument } from '../../crawlers/formats/groupon';

const text = readFileSync(new URL('../fixtures/feeds/groupon-v2-two-options-sold-unknown.json', import.meta.url), 'utf8');

describe('Groupon v2 (groupon-v2-two-options-sold-unknown.json)', () => {
  const { format, deals, skipped } = parseFeedText(text, 'auto', {});

  it('takes the cheapest option, keeps dealUrl verbatim and reads -1 sold as unknown', () => {
    expect(format).toBe('groupon');
    expect(deals[0]).toEqual({
      site: 'tracking.groupon.example',
      externalId: '0f6b2c1e-7d3a-4c55-9a1e-2b8f0c4d9e11',
      url: 'http://tracking.groupon.example/r?tsToken=US_AFF_0_123456_212556_0&url=https%3A%2F%2Fwww.groupon.example%2Fdeals%2Fharbor-kayak-tours-3%3Futm_medium%3Dafl',
      title: 'Two-Hour Kayak Tour for One or Two (Up to 45% Off)',
      imageUrl: 'https://img.groupon-cdn.example/deal/abc/t440x300.jpg',
      city: 'seattle',
      nationwide: false,
      district: 'Waterfront',
      category: 'entertainment',
      priceMinor: 3300,
      valueMinor: 6000,
      currency: 'USD',
      discountPercent: 45,
      sold: null,
      soldOut: false,
      startsAt: '2018-05-02T07:00:00.000Z',
      endsAt: '2018-06-30T06:59:59.000Z',
      merchant: { name: 'Harbor Kayak Tours', phone: '206-555-0142', address: '1200 Alaskan Way, Pier 57, Seattle, WA 98101' },
      // Every option's redemptionLocations, in option order (the cheapest option is the second).
      branches: [
        { name: 'South Dock', address: '900 Harbor Way, Seattle, WA 98104', phone: '206-555-0199', district: null, lat: null, lng: null },
        {
          name: 'Main Dock', address: '1200 Alaskan Way, Pier 57, Seattle, WA 98101', phone: '206-555-0142',
          district: 'Waterfront', lat: 47.6, lng: -122.3,
        },
      ],
    });
  });

  it('lists a location that several options share once, and drops coordinates out of range', () => {
    const location = { name: 'Loop', streetAddress1: '1 State St', city: 'Chicago', state: 'IL', lat: 41.88, lng: -87.63 };
    const option = (amount: number, redemptionLocations: unknown[]) => ({
      price: { amount, currencyCode: 'USD', currencyExponent: 2 }, redemptionLocations,
    });
    const { deals: [deal] } = parseGrouponDocument({
      deals: [{
        id: 'pizza', dealUrl: 'https://www.groupon.example/deals/pizza', title: 'Pizza',
        options: [
          option(1000, [location, { name: 'Nowhere', city: 'Chicago', lat: 241.88, lng: -87.63 }]),
          option(900, [location]),
        ],
      }],
    }, {});
    expect(deal?.branches).toEqual([
      { name: 'Loop', address: '1 State St, Chicago, IL', phone: null, district: null, lat: 41.88, lng: -87.63 },
      { name: 'Nowhere', address: 'Chicago', phone: null, district: null, lat: null, lng: null },
    ]);
  });

  it('keys on id without uuid, converts other exponents and reads isSoldOut', () => {
    expect(deals[1]).toMatchObject({
      externalId: 'deep-dish-house-12',
      url: 'https://www.groupon.example/deals/deep-dish-house-12?utm_source=dealnav',
      imageUrl: 'https://img.groupon-cdn.example/deal/pizza/grid4.jpg',
      city: 'chicago',
      category: 'food',
      priceMinor: 2000,
      valueMinor: 4000,
      discountPercent: 50,
      sold: 1540,
      soldOut: true,
      merchant: { name: 'Deep Dish House', phone: null, address: null },
      branches: [],
    });
    expect(deals[2]).toMatchObject({
      externalId: '9b8a7c6d-0000-4000-8000-00000000000a',
      city: 'new-york',
      category: 'food',
      priceMinor: 2900,
      valueMinor: 6500,
      discountPercent: 55,
      sold: 75,
      imageUrl: 'https://img.groupon-cdn.example/deal/wine/small.jpg',
    });
  });

  it('skips a deal without purchasable options', () => {
    expect(deals).toHaveLength(3);
    expect(skipped).toEqual([{ item: 'c3a9e4f0-1111-4222-8333-444455556666', reason: 'missing price' }]);
  });
});

describe('parseGrouponDocument', () => {
  const deal = (overrides: Record<string, unknown>) => ({
    uuid: 'u-1',
    dealUrl: 'https://deals.example/d/1',
    title: 'Massage',
    options: [{ price: { amount: 4500, currencyCode: 'USD', currencyExponent: 2 } }],
    ...overrides,
  });

  it('marks National divisions nationwide and maps tags', () => {
    const { deals } = parseGrouponDocument({ deals: [deal({ division: { name: 'National' }, tags: [{ name: 'Massage' }] })] }, {});
    expect(deals[0]).toMatchObject({ city: null, nationwide: true, category: 'beauty', valueMinor: null, discountPercent: null });
  });

  it('treats a deal as sold out when every option is', () => {
    const options = [
      { isSoldOut: true, price: { amount: 1000, currencyCode: 'USD', currencyExponent: 2 } },
      { isSoldOut: true, price: { amount: 2000, currencyCode: 'USD', currencyExponent: 2 } },
    ];
    expect(parseGrouponDocument({ deals: [deal({ options })] }, {}).deals[0]?.soldOut).toBe(true);
  });

  it('ignores options in a second currency', () => {
    const options = [
      { price: { amount: 5000, currencyCode: 'EUR', currencyExponent: 2 } },
      { price: { amount: 100, currencyCode: 'JPY', currencyExponent: 0 } },
    ];
    expect(parseGrouponDocument({ deals: [deal({ options })] }, {}).deals[0]).toMatchObject({ priceMinor: 5000, currency: 'EUR' });
  });

  it('names non-object entries by position and refuses a document without deals', () => {
    expect(parseGrouponDocument({ deals: [null] }, {}).skipped).toEqual([{ item: 'item 1', reason: 'missing title' }]);
    expect(() => parseGrouponDocument({ offers: [] }, {})).toThrow(/"deals" list/);
  });
});
