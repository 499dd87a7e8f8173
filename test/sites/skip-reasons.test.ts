// Every reason the crawler gives for leaving an item out has a stable code, so the owners' preview
// can say it in the reader's language; the reason texts themselves (what crawl runs and `dealnav
// parse` record) stay as they were.
import { describe, expect, it } from 'vitest';
import { isKnownCityCode } from '../../crawlers/normalize/city';
import { classifySkipReason, collectDeals, finishDeal, type DealDraft, type SkipReasonCode } from '../../crawlers/normalize/deal';
import { parseFeedText } from '../../crawlers/formats';
import { otherHostReason } from '../../crawlers/normalize/deal-host';
import { feedFixtureText } from '../helpers/feed-fixtures';

const draft = (overrides: Partial<DealDraft> = {}): DealDraft => ({
  externalId: null, url: 'http://www.tuan.example/deal/1', title: '仅售20元的肉夹馍', imageUrl: null, siteUrl: null, city: '西安',
  district: null, category: null, price: '20.00', value: '50.00', currency: 'CNY', sold: null, soldOut: false, startsAt: null,
  endsAt: null, merchant: null, branches: [], ...overrides,
});

const skippedReason = (overrides: Partial<DealDraft>, feedUrl?: string): string => {
  const finished = finishDeal(draft(overrides), { feedUrl }, 1);
  if (!('skipped' in finished)) throw new Error('the item was not skipped');
  return finished.skipped.reason;
};

describe('skip reason codes', () => {
  const cases: [string, Partial<DealDraft>, SkipReasonCode, string | null][] = [
    ['no title', { title: '  ' }, 'missing_title', null],
    ['no URL', { url: '' }, 'missing_url', null],
    ['an over-long URL', { url: `http://x.example/${'a'.repeat(2100)}` }, 'url_too_long', '2048'],
    ['a relative URL without a feed URL', { url: '/deal/1' }, 'url_relative', null],
    ['a javascript: URL', { url: 'javascript:alert(1)' }, 'url_not_http', null],
    ['no price', { price: null }, 'missing_price', null],
    ['a price that is no amount', { price: '面议' }, 'price_not_amount', '面议'],
    ['an end before the start', { startsAt: new Date('2026-01-02'), endsAt: new Date('2026-01-01') }, 'end_before_start', null],
  ];
  for (const [name, overrides, code, detail] of cases) {
    it(`classifies ${name}`, () => {
      expect(classifySkipReason(skippedReason(overrides))).toEqual({ code, detail });
    });
  }

  it('classifies an invalid relative URL, a repeated id, the item limit and a broken JSON-LD block', () => {
    expect(classifySkipReason(skippedReason({ url: 'http://[bad' }, 'http://feed.example/f.xml'))?.code).toBe('url_invalid');
    const repeated = collectDeals('hao123', [draft(), draft()], (item) => item, {});
    expect(classifySkipReason(repeated.skipped[0]!.reason)?.code).toBe('duplicate_id');
    const limited = collectDeals('hao123', [draft(), draft({ url: 'http://www.tuan.example/deal/2' })], (item) => item, { maxItems: 1 });
    expect(classifySkipReason(limited.skipped[0]!.reason)).toEqual({ code: 'over_limit', detail: '1' });
    const page = parseFeedText(feedFixtureText('jsonld-two-blocks-one-broken.html'), 'auto', { feedUrl: 'http://www.tuan.example/' });
    expect(page.skipped.map((item) => classifySkipReason(item.reason)?.code)).toEqual(['broken_block']);
  });

  it('classifies a deal on another host than the site\'s domain (the crawl\'s deal-domain rule)', () => {
    expect(classifySkipReason(otherHostReason('https://evil.example:8443/d/1', 'http://www.tuan.example/'))).toEqual({ code: 'url_other_host', detail: 'evil.example' });
  });

  it('leaves the reason texts themselves unchanged', () => {
    expect(skippedReason({ price: null })).toBe('missing price');
    expect(skippedReason({ price: '面议' })).toBe('price "面议" is not an amount');
    expect(classifySkipReason('something new')).toBeNull();
  });

  it('tells known city codes from unknown names kept as they were', () => {
    expect(isKnownCityCode('chengdu')).toBe(true);
    expect(isKnownCityCode('Atlantis')).toBe(false);
  });
});
