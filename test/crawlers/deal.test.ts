import { describe, expect, it } from 'vitest';
import {
  canonicalDealUrl, cleanBranches, cleanText, collectDeals, dealIdFromUrl, discountPercent, finishDeal, MAX_BRANCHES, resolveHttpUrl,
  type BranchDraft, type DealDraft,
} from '../../crawlers/normalize/deal';

const draft = (overrides: Partial<DealDraft> = {}): DealDraft => ({
  externalId: null,
  url: 'http://www.tuan.example/deal/1',
  title: '仅售20元的肉夹馍',
  imageUrl: null,
  siteUrl: null,
  city: '西安',
  district: null,
  category: null,
  price: '20.00',
  value: '50.00',
  currency: 'CNY',
  sold: null,
  soldOut: false,
  startsAt: null,
  endsAt: null,
  merchant: null,
  branches: [],
  ...overrides,
});

const reasonFor = (overrides: Partial<DealDraft>, feedUrl?: string) => {
  const finished = finishDeal(draft(overrides), { feedUrl }, 3);
  return 'skipped' in finished ? finished.skipped : null;
};

describe('cleanBranches', () => {
  const branch = (overrides: Partial<BranchDraft>): BranchDraft => ({
    name: null, address: null, phone: null, district: null, lat: null, lng: null, ...overrides,
  });

  it('cleans text, checks coordinates and drops empty and repeated branches, keeping the feed order', () => {
    expect(cleanBranches([
      branch({ name: ' 老孙家 <b>钟楼店</b> ', address: '碑林区某路1号', phone: '', district: ' 钟楼 ', lat: '108.94', lng: '34.26' }),
      branch({ district: '回民街', lat: 34.26, lng: 108.94 }), // nothing a shopper can use
      branch({ name: '老孙家 钟楼店', address: '碑林区某路1号', district: '钟楼', lat: 34.26, lng: 108.94 }), // the first again
      branch({ phone: '029-8888&#48;001' }),
    ])).toEqual([
      { name: '老孙家 钟楼店', address: '碑林区某路1号', phone: null, district: '钟楼', lat: 34.26, lng: 108.94 },
      { name: null, address: null, phone: '029-88880001', district: null, lat: null, lng: null },
    ]);
  });

  it(`keeps the first ${MAX_BRANCHES} and caps each text like the merchant's`, () => {
    const many = Array.from({ length: MAX_BRANCHES + 10 }, (_, index) => branch({ name: `店${index}` }));
    const kept = cleanBranches(many);
    expect(kept).toHaveLength(MAX_BRANCHES);
    expect(kept.at(-1)?.name).toBe(`店${MAX_BRANCHES - 1}`);
    const [long] = cleanBranches([branch({ name: 'n'.repeat(300), address: 'a'.repeat(600), phone: '1'.repeat(100), district: 'd'.repeat(150) })]);
    expect([long?.name?.length, long?.address?.length, long?.phone?.length, long?.district?.length]).toEqual([200, 500, 64, 100]);
  });

  it('is empty for a draft without branches', () => {
    const finished = finishDeal(draft(), {}, 1);
    expect('deal' in finished && finished.deal.branches).toEqual([]);
  });
});

describe('discountPercent', () => {
  it('rounds (1 − price/value) × 100 half up', () => {
    expect(discountPercent(6800, 15800)).toBe(57);
    expect(discountPercent(2550, 6000)).toBe(58); // exactly 57.5
    expect(discountPercent(3300, 6000)).toBe(45);
    expect(discountPercent(0, 5000)).toBe(100);
    expect(discountPercent(1, 1000)).toBe(100); // 99.9
  });
  it('is 0 when the price is not below the value and null without a value', () => {
    expect(discountPercent(1000, 1000)).toBe(0);
    expect(discountPercent(1200, 1000)).toBe(0);
    expect(discountPercent(1000, null)).toBeNull();
    expect(discountPercent(1000, 0)).toBeNull();
  });
});

describe('canonicalDealUrl and dealIdFromUrl', () => {
  it('lower-cases scheme and host, keeps path and query, drops the fragment', () => {
    expect(canonicalDealUrl(' HTTP://WWW.Tuan.Example:80/Deal/1?ID=7&b=2#top ')).toBe('http://www.tuan.example/Deal/1?ID=7&b=2');
  });
  it('gives equal ids to equivalent URLs and different ids otherwise', () => {
    const id = dealIdFromUrl('http://www.tuan.example/deal/1');
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(dealIdFromUrl('HTTP://WWW.TUAN.EXAMPLE/deal/1#x')).toBe(id);
    expect(dealIdFromUrl('http://www.tuan.example/deal/1?id=2')).not.toBe(id);
    expect(dealIdFromUrl('http://www.tuan.example/Deal/1')).not.toBe(id);
  });
});

describe('resolveHttpUrl', () => {
  it('keeps absolute http(s) URLs verbatim', () => {
    expect(resolveHttpUrl(' http://a.example/x?q=%E4%B8%AD&b ', undefined)).toEqual({ href: 'http://a.example/x?q=%E4%B8%AD&b' });
  });
  it('resolves relative URLs against the feed URL', () => {
    expect(resolveHttpUrl('/deal/7', 'https://feeds.example/api/hao123.php')).toEqual({ href: 'https://feeds.example/deal/7' });
    expect(resolveHttpUrl('//cdn.example/a.jpg', 'https://feeds.example/api')).toEqual({ href: 'https://cdn.example/a.jpg' });
  });
  it('refuses other schemes and unresolvable relatives', () => {
    expect(resolveHttpUrl('javascript:alert(1)', 'http://feeds.example/')).toEqual({ problem: 'deal URL is not http(s)' });
    expect(resolveHttpUrl('data:text/html,hi', undefined)).toEqual({ problem: 'deal URL is not http(s)' });
    expect(resolveHttpUrl('ftp://files.example/a', undefined)).toEqual({ problem: 'deal URL is not http(s)' });
    expect(resolveHttpUrl('/deal/7', undefined)).toEqual({ problem: 'deal URL is relative and the feed URL is unknown' });
  });
});

describe('cleanText', () => {
  it('decodes HTML entities left by XML parsing and collapses whitespace', () => {
    expect(cleanText('  牛排&nbsp;&amp;&nbsp;红酒\n\t套餐 &#20013;&#x6587; &copy; &bogus; ', 100)).toBe('牛排 & 红酒 套餐 中文 © &bogus;');
  });
  it('removes markup', () => {
    expect(cleanText('<b>限时</b>抢购<br/>精美<font color="red">手机壳</font>', 100)).toBe('限时抢购 精美手机壳');
    expect(cleanText('满100 < 200元', 100)).toBe('满100 < 200元');
  });
  it('caps the length by characters and returns null when empty', () => {
    expect(cleanText('一二三四五六', 4)).toBe('一二三…');
    expect(cleanText(' \u3000 ', 10)).toBeNull();
    expect(cleanText(null, 10)).toBeNull();
  });
});

describe('finishDeal', () => {
  it('builds a record from a good draft', () => {
    const finished = finishDeal(
      draft({
        imageUrl: '/img/1.jpg',
        siteUrl: 'http://www.tuan.example',
        sold: 12,
        startsAt: new Date('2011-10-31T16:00:00Z'),
        endsAt: new Date('2011-11-07T16:00:00Z'),
        merchant: { name: ' 老孙家 ', phone: '', address: null },
      }),
      { feedUrl: 'http://api.tuan.example/hao123.php' },
      1,
    );
    expect(finished).toEqual({
      deal: {
        site: 'api.tuan.example',
        externalId: dealIdFromUrl('http://www.tuan.example/deal/1'),
        url: 'http://www.tuan.example/deal/1',
        title: '仅售20元的肉夹馍',
        imageUrl: 'http://api.tuan.example/img/1.jpg',
        city: 'xian',
        nationwide: false,
        district: null,
        category: null,
        priceMinor: 2000,
        valueMinor: 5000,
        currency: 'CNY',
        discountPercent: 60,
        sold: 12,
        soldOut: false,
        startsAt: '2011-10-31T16:00:00.000Z',
        endsAt: '2011-11-07T16:00:00.000Z',
        merchant: { name: '老孙家', phone: null, address: null },
        branches: [],
      },
    });
  });

  it('names the site from the feed itself when the feed URL is unknown', () => {
    const finished = finishDeal(draft({ siteUrl: 'http://www.Tuan.example/' }), {}, 1);
    expect('deal' in finished && finished.deal.site).toBe('tuan.example');
  });

  it('skips items with plain-words reasons', () => {
    expect(reasonFor({ title: '  ' })).toEqual({ item: 'http://www.tuan.example/deal/1', reason: 'missing title' });
    expect(reasonFor({ url: null, externalId: 'x-1' })).toEqual({ item: 'x-1', reason: 'missing deal URL' });
    expect(reasonFor({ price: null })?.reason).toBe('missing price');
    expect(reasonFor({ price: '' })?.reason).toBe('missing price');
    expect(reasonFor({ price: '面议' })?.reason).toBe('price "面议" is not an amount');
    expect(reasonFor({ url: 'javascript:void(0)' })?.reason).toBe('deal URL is not http(s)');
    expect(reasonFor({ startsAt: new Date('2011-11-08T00:00:00Z'), endsAt: new Date('2011-11-01T00:00:00Z') })?.reason)
      .toBe('end time before start time');
    expect(reasonFor({ url: null, title: null })).toEqual({ item: 'item 3', reason: 'missing title' });
    expect(reasonFor({ url: '  ', title: '烤串' })).toEqual({ item: '烤串', reason: 'missing deal URL' });
  });

  it('drops an unreadable value or image rather than the deal', () => {
    const finished = finishDeal(draft({ value: 'n/a', imageUrl: 'javascript:x' }), {}, 1);
    expect('deal' in finished && [finished.deal.valueMinor, finished.deal.discountPercent, finished.deal.imageUrl]).toEqual([null, null, null]);
  });

  it('drops a value in another currency than the price', () => {
    const finished = finishDeal(draft({ price: { minor: 2000, currency: 'USD' }, value: { minor: 5000, currency: 'CNY' } }), {}, 1);
    expect('deal' in finished && [finished.deal.currency, finished.deal.valueMinor]).toEqual(['USD', null]);
  });

  it('hashes an over-long feed id instead of storing it', () => {
    const finished = finishDeal(draft({ externalId: 'x'.repeat(300) }), {}, 1);
    expect('deal' in finished && finished.deal.externalId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('treats negative or fractional sold counts as unknown', () => {
    for (const sold of [-1, 2.5]) {
      const finished = finishDeal(draft({ sold }), {}, 1);
      expect('deal' in finished && finished.deal.sold).toBeNull();
    }
  });
});

describe('collectDeals', () => {
  const items = ['http://a.example/1', 'http://a.example/2', 'HTTP://A.EXAMPLE/1#again', 'http://a.example/3'];
  const read = (url: string) => draft({ url });

  it('skips repeats of an id already seen', () => {
    const result = collectDeals('hao123', items, read, {});
    expect(result.deals.map((deal) => deal.url)).toEqual(['http://a.example/1', 'http://a.example/2', 'http://a.example/3']);
    expect(result.skipped).toEqual([{ item: 'HTTP://A.EXAMPLE/1#again', reason: 'same id as an earlier item in the feed' }]);
  });

  it('honours maxItems', () => {
    const result = collectDeals('hao123', items, read, { maxItems: 2 });
    expect(result.deals).toHaveLength(2);
    expect(result.skipped).toEqual([
      { item: 'item 3', reason: 'over the limit of 2 items per feed' },
      { item: 'item 4', reason: 'over the limit of 2 items per feed' },
    ]);
  });
});
