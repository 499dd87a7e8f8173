import { describe, expect, it } from 'vitest';
import { finishDeal, type DealDraft } from '../../crawlers/normalize/deal';
import { isShownImageUrl } from '../../crawlers/normalize/image-url';

const draft = (imageUrl: string): DealDraft => ({
  externalId: 'x', url: 'http://www.tuan.example/deal/1', title: '肉夹馍', imageUrl, siteUrl: null, city: '西安', district: null,
  category: null, price: '20.00', value: null, currency: 'CNY', sold: null, soldOut: false, startsAt: null, endsAt: null,
  merchant: null, branches: [],
});

const imageOf = (imageUrl: string, allowPrivateImages?: boolean) => {
  const finished = finishDeal(draft(imageUrl), { feedUrl: 'http://www.tuan.example/feed', allowPrivateImages }, 1);
  if ('skipped' in finished) throw new Error(finished.skipped.reason);
  return finished.deal.imageUrl;
};

describe('deal pictures a shopper\'s browser may be sent to', () => {
  it.each([
    'http://127.0.0.1/a.jpg', 'http://127.1/a.jpg', 'http://2130706433/a.jpg', 'http://0x7f000001/a.jpg', 'http://10.0.0.5/a.jpg',
    'http://192.168.1.1/a.jpg', 'http://172.16.0.1/a.jpg', 'http://169.254.169.254/latest/meta-data', 'http://100.64.0.1/a.jpg',
    'http://0.0.0.0/a.jpg', 'http://[::1]/a.jpg', 'http://[fe80::1]/a.jpg', 'http://[fd00::1]/a.jpg', 'http://[::ffff:127.0.0.1]/a.jpg',
    'http://224.0.0.1/a.jpg', 'http://localhost:8080/a.jpg', 'http://LOCALHOST./a.jpg', 'http://printer.localhost/a.jpg',
  ])('drops %s (the deal stays, without its picture)', (url) => {
    expect(isShownImageUrl(new URL(url).href)).toBe(false);
    expect(imageOf(url)).toBeNull();
  });

  it.each(['https://img.tuan.example/a.jpg', 'http://8.8.8.8/a.jpg', 'http://[2001:4860::8888]/a.jpg', 'http://localhost.example.com/a.jpg'])(
    'keeps %s', (url) => {
      expect(imageOf(url)).toBe(new URL(url).href);
    });

  it('resolves a relative picture against the feed and keeps private hosts only where feeds may be private too (the demo)', () => {
    expect(imageOf('/img/1.jpg')).toBe('http://www.tuan.example/img/1.jpg');
    expect(imageOf('http://127.0.0.1:4100/img/1.svg', true)).toBe('http://127.0.0.1:4100/img/1.svg');
  });
});
