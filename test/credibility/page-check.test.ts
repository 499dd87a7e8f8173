// What a fetched deal page says: a redirect to the front page, "sold out" in the visible text,
// and the page's own price (JSON-LD or the site's registered selector) against the feed's.
import { describe, expect, it } from 'vitest';
import { judgePage, redirectedHome, saysEnded } from '../../src/credibility/page-check';
import type { DealToCheck } from '../../src/storage';

const deal: DealToCheck = { id: 1, siteId: 1, title: 'Hotpot', url: 'http://shop.example/deal/1', priceMinor: 6800, currency: 'CNY', soldOut: false };
const page = (html: string, finalUrl = deal.url, redirects = 0) => ({ finalUrl, redirects, body: Buffer.from(html), contentType: 'text/html; charset=utf-8' });
const jsonLd = (price: string, availability = 'InStock') =>
  `<html><head><script type="application/ld+json">{"@type":"Product","name":"Hotpot","offers":{"@type":"Offer","price":"${price}","priceCurrency":"CNY","availability":"https://schema.org/${availability}"}}</script></head><body>ok</body></html>`;

describe('judging a deal page', () => {
  it('knows a redirect to the front page from a redirect to another deal page', () => {
    expect(redirectedHome(deal.url, { finalUrl: 'http://shop.example/', redirects: 1 })).toBe(true);
    expect(redirectedHome(deal.url, { finalUrl: 'http://shop.example/index.php', redirects: 2 })).toBe(true);
    expect(redirectedHome(deal.url, { finalUrl: 'http://shop.example/deal/1?from=x', redirects: 1 })).toBe(false);
    expect(redirectedHome(deal.url, { finalUrl: 'http://shop.example/', redirects: 0 })).toBe(false);
    expect(redirectedHome('http://shop.example/?id=5', { finalUrl: 'http://shop.example/?id=5', redirects: 1 })).toBe(false);
  });

  it('reads "sold out" and "ended" in Chinese and English from the visible text only', () => {
    for (const text of ['本团购已售罄', '活动已结束', '该商品已下架', '已抢完', '商家已关闭', 'Sold out!', 'This deal has ended', 'Deal expired', 'This deal is closed']) {
      expect(saysEnded(`<html><body><p>${text}</p></body></html>`)).toBe(true);
    }
    expect(saysEnded('<html><body><p>立即抢购</p><script>var s = "已售罄";</script></body></html>')).toBe(false);
  });

  it('calls a "page not found" answered with 200 dead, in Chinese or English', () => {
    for (const html of ['<title>页面不存在</title><body>返回首页</body>', '<body><h1>该团购不存在</h1></body>', '<body><h1>404 - Not Found</h1></body>', '<body>Page not found</body>']) {
      expect(judgePage(deal, page(html), null).outcome).toBe('dead');
    }
    expect(judgePage(deal, page('<body>Hotpot for two, 404 Main Street</body>'), null).outcome).toBe('ok');
  });

  it('compares the JSON-LD price with the feed\'s, exactly in minor units', () => {
    expect(judgePage(deal, page(jsonLd('68.00')), null)).toEqual({ outcome: 'ok', pagePriceMinor: 6800, priceOutcome: 'match' });
    expect(judgePage(deal, page(jsonLd('68.01')), null)).toEqual({ outcome: 'ok', pagePriceMinor: 6801, priceOutcome: 'mismatch' });
    expect(judgePage(deal, page('<html><body>¥68</body></html>'), null)).toEqual({ outcome: 'ok', pagePriceMinor: null, priceOutcome: null });
  });

  it('uses the site\'s registered price selector where the page has no JSON-LD', () => {
    const selectors = { item: '.deal', title: 'h1', price: '.price', url: 'a' };
    expect(judgePage(deal, page('<html><body><span class="price">¥ 78.00</span></body></html>'), selectors))
      .toMatchObject({ pagePriceMinor: 7800, priceOutcome: 'mismatch' });
  });

  it('calls a page sold out when it says so (or its offer is SoldOut) while the feed says live, not when the feed agrees', () => {
    expect(judgePage(deal, page(jsonLd('68.00', 'SoldOut')), null).outcome).toBe('sold_out');
    expect(judgePage({ ...deal, soldOut: true }, page('<p>已售罄</p>'), null).outcome).toBe('ok');
    expect(judgePage(deal, page('<p>ok</p>', 'http://shop.example/', 1), null).outcome).toBe('home_redirect');
  });
});
