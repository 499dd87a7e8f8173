import { describe, expect, it } from 'vitest';
import { CrawlError } from '../../crawlers/errors';
import { feedFormats, parseFeedBytes, parseFeedText } from '../../crawlers/formats';
import { feedFixtureText } from '../helpers/feed-fixtures';


/** The CrawlError code and message a call throws. */
function failure(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof CrawlError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a CrawlError');
}

describe('parseFeedText', () => {
  it('rejects the HTML error page as not a feed', () => {
    expect(failure(() => parseFeedText(feedFixtureText('html-error-page.html'), 'auto', {}))).toEqual({
      code: 'not_a_feed',
      message: 'the response is an HTML page, not a feed',
    });
    expect(failure(() => parseFeedText(feedFixtureText('html-error-page.html'), 'hao123', {})).code).toBe('not_a_feed');
  });

  it('rejects empty and plain-text bodies as not a feed', () => {
    expect(failure(() => parseFeedText(' \n\uFEFF', 'auto', {}))).toEqual({ code: 'not_a_feed', message: 'the response is empty' });
    expect(failure(() => parseFeedText('Database error', 'auto', {})).code).toBe('not_a_feed');
  });

  it('reports unknown formats', () => {
    expect(failure(() => parseFeedText('<rss version="2.0"><channel/></rss>', 'auto', {}))).toEqual({
      code: 'format_unknown',
      message: 'XML with root element <rss> is in no known deal format',
    });
    expect(failure(() => parseFeedText('{"items": []}', 'auto', {})).code).toBe('format_unknown');
  });

  it('reports broken JSON as a parse error', () => {
    const { code, message } = failure(() => parseFeedText('{"deals": [', 'auto', {}));
    expect(code).toBe('parse_error');
    expect(message).toMatch(/^broken JSON: /);
  });

  it('reports a feed that does not match the format it was registered as', () => {
    expect(failure(() => parseFeedText(feedFixtureText('hao123-v1-basic.xml'), 'groupon', {})).code).toBe('parse_error');
    expect(failure(() => parseFeedText(feedFixtureText('groupon-v2-two-options-sold-unknown.json'), 'hao123', {})).code).toBe('parse_error');
    expect(failure(() => parseFeedText('<rss/>', 'hao123', {})).code).toBe('parse_error');
  });

  it('refuses an unknown time zone in the feed settings', () => {
    expect(failure(() => parseFeedText(feedFixtureText('hao123-v1-basic.xml'), 'auto', { timeZone: 'Asia/Beijing' }))).toEqual({
      code: 'parse_error',
      message: 'unknown time zone "Asia/Beijing" in the feed settings',
    });
  });

  it('parses with an explicit format the same as with detection', () => {
    const text = feedFixtureText('tuan800-ymd-times-shops-addr.xml');
    expect(parseFeedText(text, 'hao123', {})).toEqual(parseFeedText(text, 'auto', {}));
  });

  it('honours maxItems', () => {
    const result = parseFeedText(feedFixtureText('hao123-v2-categories-shops.xml'), 'auto', { maxItems: 3 });
    expect(result.deals.map((deal) => deal.url)).toEqual([
      'http://tuan.shuxiang.example/deal/501',
      'http://tuan.shuxiang.example/deal/502',
      'http://tuan.shuxiang.example/deal/503',
    ]);
    expect(result.skipped).toEqual([
      { item: 'item 4', reason: 'over the limit of 3 items per feed' },
      { item: 'item 5', reason: 'over the limit of 3 items per feed' },
    ]);
  });
});

describe('parseFeedBytes', () => {
  it('decodes then parses, and calls zero bytes not a feed', () => {
    const bytes = new TextEncoder().encode(feedFixtureText('hao123-v1-basic.xml'));
    expect(parseFeedBytes(bytes, 'text/html; charset=gbk', 'auto', {}).deals).toHaveLength(2);
    expect(failure(() => parseFeedBytes(new Uint8Array(), null, 'auto', {}))).toEqual({ code: 'not_a_feed', message: 'the response is empty' });
  });
});

describe('feedFormats', () => {
  it('lists every format name once', () => {
    const names = feedFormats.map((format) => format.name);
    expect(names).toEqual(expect.arrayContaining(['hao123', 'groupon']));
    expect(new Set(names).size).toBe(names.length);
  });
});
