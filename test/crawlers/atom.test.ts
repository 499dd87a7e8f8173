import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFeedText } from '../../crawlers/formats';

const text = readFileSync(new URL('../fixtures/feeds/atom-entries-g-prices.xml', import.meta.url), 'utf8');

describe('Atom 1.0 with Google Merchant prices (atom-entries-g-prices.xml)', () => {
  const { format, deals, skipped } = parseFeedText(text, 'auto', { feedUrl: 'https://deals.harbor.example/feed.atom' });

  it('reads the alternate link, the enclosure image, the g: prices and the sale window', () => {
    expect(format).toBe('atom');
    expect(deals[0]).toEqual({
      site: 'deals.harbor.example',
      externalId: 'tag:deals.harbor.example,2024:kayak-12',
      url: 'https://deals.harbor.example/deals/kayak-12?utm_source=atom',
      title: 'Two-Hour Kayak Tour for Two',
      imageUrl: 'https://img.harbor.example/kayak-12.jpg',
      city: null,
      nationwide: false,
      district: null,
      category: null,
      priceMinor: 3300,
      valueMinor: 6000,
      currency: 'USD',
      discountPercent: 45,
      sold: null,
      soldOut: false,
      startsAt: '2024-06-01T07:00:00.000Z',
      endsAt: '2024-07-01T06:59:00.000Z',
      merchant: null,
      branches: [],
    });
  });

  it('picks rel="alternate" over an earlier self link, strips an HTML title and reads out_of_stock', () => {
    expect(deals[1]).toMatchObject({
      externalId: 'urn:uuid:5b0e1e54-3c1b-4b43-9a0e-6a3f0c1d2e77',
      url: 'https://deals.harbor.example/deals/pizza-night',
      title: 'Pizza Night for Four',
      imageUrl: 'https://img.harbor.example/pizza.jpg',
      priceMinor: 2000,
      valueMinor: null,
      currency: 'USD',
      soldOut: true,
      startsAt: null,
      endsAt: null,
    });
  });

  it('uses the summary without a title, resolves a relative link and starts at published', () => {
    expect(deals[2]).toMatchObject({
      externalId: 'tag:deals.harbor.example,2024:wine-7',
      url: 'https://deals.harbor.example/deals/wine-7',
      title: 'Wine Tasting Flight at Pier 57',
      imageUrl: null,
      priceMinor: 1500,
      currency: 'USD',
      soldOut: false,
      startsAt: '2024-06-03T10:00:00.000Z',
      endsAt: null,
    });
  });

  it('skips an entry without a price', () => {
    expect(deals).toHaveLength(3);
    expect(skipped).toEqual([{ item: 'tag:deals.harbor.example,2024:coming-soon', reason: 'missing price' }]);
  });

  it('names the site from the feed\'s alternate link when there is no feed URL', () => {
    expect(parseFeedText(text, 'auto', {}).deals[0]?.site).toBe('deals.harbor.example');
  });

  it('reads atom:-prefixed elements the same', () => {
    const prefixed = `<atom:feed xmlns:atom="http://www.w3.org/2005/Atom" xmlns:g="http://base.google.com/ns/1.0">
      <atom:entry><atom:id>e1</atom:id><atom:title>Prefixed</atom:title><atom:link href="https://shop.example/e1"/>
      <g:price>5.00 EUR</g:price></atom:entry></atom:feed>`;
    expect(parseFeedText(prefixed, 'auto', {}).deals).toMatchObject([
      { externalId: 'e1', title: 'Prefixed', url: 'https://shop.example/e1', priceMinor: 500, currency: 'EUR' },
    ]);
  });
});
