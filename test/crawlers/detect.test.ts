import { describe, expect, it } from 'vitest';
import { looksLikeHtml, xmlRootName } from '../../crawlers/detect';
import { detectFormat, parseFeedText } from '../../crawlers/formats';
import { feedFixtureText } from '../helpers/feed-fixtures';


describe('detectFormat', () => {
  it.each([
    'hao123-v1-basic.xml',
    'hao123-v2-categories-shops.xml',
    'tuan800-ymd-times-shops-addr.xml',
    'hao123-whitespace-before-prolog-raw-ampersand.xml',
    'hao123-cdata-and-empty-elements.xml',
    'hao123-namespaced-snake-case.xml',
    'hao123-bad-items.xml',
  ])('recognises %s as hao123', (name) => {
    expect(detectFormat(feedFixtureText(name))).toBe('hao123');
  });

  it.each([
    ['groupon-v2-two-options-sold-unknown.json', 'groupon'],
    ['goods360-v2-ymdhis.xml', 'goods360'],
    ['sohu-activityset-broken-15-digit-time.xml', 'sohu'],
    ['meituan-response-deals.xml', 'meituan'],
    ['rss-google-merchant-prices.xml', 'rss'],
    ['atom-entries-g-prices.xml', 'atom'],
    ['jsonfeed-deal-extension.json', 'jsonfeed'],
    ['jsonld-graph-aggregate-offer.html', 'jsonld'],
  ])('recognises %s as %s', (name, format) => {
    expect(detectFormat(feedFixtureText(name))).toBe(format);
  });

  it('reads a plain HTML page as html only when the owner registered selectors', () => {
    const page = feedFixtureText('html-plain-listing-for-selectors.html');
    expect(detectFormat(page)).toBeNull();
    expect(detectFormat(page, { selectors: { item: 'li', title: 'h3', price: '.price', url: 'a' } })).toBe('html');
    expect(detectFormat(feedFixtureText('html-error-page.html'))).toBeNull();
  });

  it('looks past BOM, whitespace, prolog, comments and DOCTYPE, any case and prefix', () => {
    const text = '\uFEFF \n<?xml version="1.0"?>\n<!-- feed -->\n<!DOCTYPE x [ <!ENTITY a "<b>"> ]>\n<t:URLSet xmlns:t="urn:x"></t:URLSet>';
    expect(xmlRootName(text)).toBe('urlset');
    expect(detectFormat(text)).toBe('hao123');
  });

  it('does not detect other roots or JSON shapes', () => {
    expect(detectFormat('<rss version="2.0"><channel/></rss>')).toBeNull();
    expect(detectFormat('<data><items/></data>')).toBeNull();
    expect(detectFormat('{"deals": [{"title": "no options"}]}')).toBeNull();
    expect(detectFormat('{"items": []}')).toBeNull();
    expect(detectFormat('[1, 2]')).toBeNull();
    expect(detectFormat('{"deals": [')).toBeNull();
    expect(detectFormat('')).toBeNull();
    expect(detectFormat('urlset')).toBeNull();
  });

  it('accepts an empty Groupon deal list', () => {
    expect(detectFormat(' {"deals": [], "pagination": {"offset": 0, "count": 0}}')).toBe('groupon');
  });
});

describe('looksLikeHtml', () => {
  it('recognises HTML error pages and PHP warnings printed before a feed', () => {
    expect(looksLikeHtml(feedFixtureText('html-error-page.html'))).toBe(true);
    expect(looksLikeHtml('<html><body>Not found</body></html>')).toBe(true);
    expect(looksLikeHtml('\n<br />\n<b>Warning</b>: mysql_connect() failed in api/baidu.php<?xml version="1.0"?><urlset/>')).toBe(true);
  });

  it('does not flag feeds, even when they carry HTML inside', () => {
    expect(looksLikeHtml(feedFixtureText('hao123-cdata-and-empty-elements.xml'))).toBe(false);
    expect(looksLikeHtml(feedFixtureText('groupon-v2-two-options-sold-unknown.json'))).toBe(false);
  });
});

describe('a format chosen by the owner', () => {
  it('is refused for a feed that another format recognises, instead of reading it as no items', () => {
    // An empty parse would end every deal the feed listed; the error keeps them (crawl-feed.ts).
    expect(() => parseFeedText(feedFixtureText('hao123-v1-basic.xml'), 'rss', {})).toThrow(/set to RSS.* reads as hao123/i);
    expect(() => parseFeedText(feedFixtureText('atom-entries-g-prices.xml'), 'rss', {})).toThrow(/reads as Atom/i);
  });

  it('still parses what it recognises', () => {
    expect(parseFeedText(feedFixtureText('hao123-v1-basic.xml'), 'hao123', {}).deals.length).toBeGreaterThan(0);
  });
});
