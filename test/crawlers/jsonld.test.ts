import { describe, expect, it } from 'vitest';
import { parseFeedText } from '../../crawlers/formats';
import { dealIdFromUrl } from '../../crawlers/normalize/deal';
import { feedFixtureText } from '../helpers/feed-fixtures';


describe('a listing page with JSON-LD, one block broken (jsonld-two-blocks-one-broken.html)', () => {
  const { format, deals, skipped } = parseFeedText(feedFixtureText('jsonld-two-blocks-one-broken.html'), 'auto', {
    feedUrl: 'https://www.letuan.example.cn/list.php',
  });

  it('reads a Product with one Offer: thousands separators, StrikethroughPrice, entities, a date-only end', () => {
    expect(format).toBe('jsonld');
    expect(deals[0]).toEqual({
      site: 'letuan.example.cn',
      externalId: 'letuan-101',
      // Relative offer URL with &amp; in the script text, resolved against the page.
      url: 'https://www.letuan.example.cn/team.php?id=101&src=list',
      title: '温泉 & SPA 双人套餐',
      imageUrl: 'https://img.letuan.example.cn/101-16x9.jpg',
      city: null,
      nationwide: false,
      district: null,
      category: 'beauty',
      priceMinor: 129900,
      valueMinor: 199900,
      currency: 'CNY',
      discountPercent: 35,
      sold: null,
      soldOut: false,
      startsAt: '2024-05-01T02:00:00.000Z',
      // priceValidUntil "2024-05-31": the end of that day in the page's zone (zh → Asia/Shanghai).
      endsAt: '2024-05-31T15:59:59.000Z',
      merchant: null,
      branches: [],
    });
  });

  it('takes the cheapest of an Offer list, the product URL, an ImageObject and a bare SoldOut', () => {
    expect(deals[1]).toEqual({
      site: 'letuan.example.cn',
      externalId: dealIdFromUrl('https://www.letuan.example.cn/team.php?id=102'),
      url: 'https://www.letuan.example.cn/team.php?id=102',
      title: '川味火锅双人套餐',
      imageUrl: 'https://img.letuan.example.cn/102.jpg',
      city: null,
      nationwide: false,
      district: null,
      category: null,
      priceMinor: 6800,
      valueMinor: null,
      currency: 'CNY',
      discountPercent: null,
      sold: null,
      soldOut: true,
      startsAt: null,
      endsAt: '2024-05-20T14:00:00.000Z',
      merchant: null,
      branches: [],
    });
  });

  it('skips the broken block and keeps the good ones around it', () => {
    expect(deals).toHaveLength(2);
    expect(skipped).toEqual([{ item: 'JSON-LD block 3', reason: 'broken JSON-LD block' }]);
  });
});

describe('a page with an @graph, an AggregateOffer and @id references (jsonld-graph-aggregate-offer.html)', () => {
  const feedUrl = 'https://deals.pizza.example/deep-dish';
  const { format, deals, skipped } = parseFeedText(feedFixtureText('jsonld-graph-aggregate-offer.html'), 'auto', { feedUrl });

  it('reads an AggregateOffer at its lowPrice, with the page URL when nothing else has one', () => {
    expect(format).toBe('jsonld');
    expect(skipped).toEqual([]);
    expect(deals[0]).toEqual({
      site: 'deals.pizza.example',
      externalId: 'ddh-dinner',
      url: feedUrl,
      title: 'Deep-Dish Pizza Dinner for Two or Four',
      imageUrl: 'https://img.pizza.example/dinner.jpg',
      city: null,
      nationwide: false,
      district: null,
      category: null,
      priceMinor: 2900,
      valueMinor: null,
      currency: 'USD',
      discountPercent: null,
      sold: null,
      soldOut: true,
      startsAt: null,
      endsAt: null,
      merchant: null,
      branches: [],
    });
  });

  it('follows an offers @id reference once, and reads ListPrice as the worth', () => {
    expect(deals).toHaveLength(3);
    expect(deals[1]).toMatchObject({
      url: 'https://deals.pizza.example/deep-dish/class',
      title: 'Pizza-Making Class',
      priceMinor: 4500,
      valueMinor: 9000,
      discountPercent: 50,
      soldOut: false,
      // A date without a zone on an English page: UTC.
      endsAt: '2024-08-15T23:59:59.000Z',
    });
  });

  it('reads a lone Offer with its itemOffered name, areaServed city and a referenced seller', () => {
    expect(deals[2]).toEqual({
      site: 'deals.pizza.example',
      externalId: dealIdFromUrl('https://deals.pizza.example/deep-dish/lunch'),
      url: 'https://deals.pizza.example/deep-dish/lunch',
      title: 'Lunch Slice & Soda',
      imageUrl: null,
      city: 'chicago',
      nationwide: false,
      district: null,
      category: null,
      priceMinor: 1500,
      valueMinor: null,
      currency: 'USD',
      discountPercent: null,
      sold: null,
      soldOut: false,
      startsAt: '2024-07-01T00:00:00.000Z',
      endsAt: '2024-08-01T04:59:59.000Z',
      merchant: { name: 'Deep Dish House', phone: '312-555-0187', address: null },
      branches: [],
    });
  });
});

describe('JSON-LD detection and edge cases', () => {
  const page = (...blocks: string[]) =>
    `<!DOCTYPE html><html><head>${blocks.map((block) => `<script type="application/ld+json">${block}</script>`).join('')}</head><body></body></html>`;
  const offer = (fields: Record<string, unknown>) =>
    JSON.stringify({ '@context': 'https://schema.org', '@type': 'Offer', name: 'Deal', url: 'https://shop.example/d', price: '9.00', priceCurrency: 'USD', ...fields });

  it('leaves a page whose JSON-LD has no Product or Offer to the not-a-feed answer', () => {
    expect(() => parseFeedText(page('{"@type": "Organization", "name": "Shop"}'), 'auto', {})).toThrow('the response is an HTML page, not a feed');
  });

  it('reads every spelling of SoldOut and OutOfStock', () => {
    for (const availability of ['https://schema.org/SoldOut', 'http://schema.org/OutOfStock', 'OutOfStock', 'schema:SoldOut']) {
      expect(parseFeedText(page(offer({ availability })), 'auto', {}).deals[0]?.soldOut).toBe(true);
    }
    expect(parseFeedText(page(offer({ availability: 'https://schema.org/InStock' })), 'auto', {}).deals[0]?.soldOut).toBe(false);
  });

  it('reads a block escaped as a whole and a numeric price', () => {
    const escaped = offer({ price: 1299.5 }).replace(/"/g, '&quot;');
    expect(parseFeedText(page(escaped), 'auto', {}).deals[0]).toMatchObject({ priceMinor: 129950, currency: 'USD' });
  });

  it('reads availableAtOrFrom places as branches: address, telephone, geo, @id references and bare names', () => {
    const store = {
      '@type': 'Restaurant', '@id': '#river-north', name: 'Deep Dish House River North', telephone: '312-555-0101',
      address: { '@type': 'PostalAddress', streetAddress: '10 W Hubbard St', addressLocality: 'Chicago', addressRegion: 'IL', postalCode: '60654' },
      geo: { '@type': 'GeoCoordinates', latitude: '41.8899', longitude: '-87.6285' },
    };
    const deals = parseFeedText(page(JSON.stringify({ '@context': 'https://schema.org', '@graph': [store] }), offer({
      availableAtOrFrom: [
        { '@id': '#river-north' },
        { '@type': 'Place', name: 'Loop kiosk', address: '1 N State St, Chicago', geo: { latitude: 191, longitude: -87.6 } },
        'Midway stand',
      ],
    })), 'auto', {}).deals;
    expect(deals[0]?.branches).toEqual([
      { name: 'Deep Dish House River North', address: '10 W Hubbard St, Chicago, IL 60654', phone: '312-555-0101', district: null, lat: 41.8899, lng: -87.6285 },
      // 191 is neither a latitude nor a longitude, so the position is unknown.
      { name: 'Loop kiosk', address: '1 N State St, Chicago', phone: null, district: null, lat: null, lng: null },
      { name: 'Midway stand', address: null, phone: null, district: null, lat: null, lng: null },
    ]);
    expect(parseFeedText(page(offer({})), 'auto', {}).deals[0]?.branches).toEqual([]);
  });

  it('counts a block that is not JSON at all as broken', () => {
    expect(parseFeedText(page(offer({})), 'auto', {}).skipped).toEqual([]);
    expect(parseFeedText(page('{not json', offer({})), 'auto', {}).skipped).toEqual([{ item: 'JSON-LD block 1', reason: 'broken JSON-LD block' }]);
  });
});
