import { describe, expect, it } from 'vitest';
import { parseFeedBytes, parseFeedText } from '../../crawlers/formats';
import { dealIdFromUrl } from '../../crawlers/normalize/deal';
import type { DealRecord, ParseResult } from '../../crawlers/types';
import { feedFixtureBytes, feedFixtureText, pick } from '../helpers/feed-fixtures';

const parseFixture = (name: string): ParseResult => parseFeedText(feedFixtureText(name), 'auto', {});

describe('360 v2 (goods360-v2-ymdhis.xml)', () => {
  const result = parseFixture('goods360-v2-ymdhis.xml');

  it('is detected as goods360 and reads every field of the first deal', () => {
    expect(result.format).toBe('goods360');
    expect(result.deals[0]).toEqual({
      site: 'letuan.example',
      externalId: '3172',
      url: 'http://www.letuan.example/team.php?id=3172',
      // desc (the full title) wins over the short title.
      title: '仅售68元！价值158元的川味火锅双人套餐，含锅底+8道菜品',
      imageUrl: 'http://img.letuan.example/static/team/2011/0510/hotpot.jpg',
      city: 'chengdu',
      nationwide: false,
      district: '春熙路',
      category: 'food',
      priceMinor: 6800,
      valueMinor: 15800,
      currency: 'CNY',
      discountPercent: 57,
      sold: 413,
      soldOut: false,
      startsAt: '2011-05-09T16:00:00.000Z',
      endsAt: '2011-05-10T16:00:00.000Z',
      merchant: { name: '蜀香火锅', phone: '028-66660001', address: '锦江区某街88号' },
      branches: [],
    });
  });

  it('falls back to the short title when desc is empty, and reads 全国 as nationwide', () => {
    expect(pick(result.deals, 'externalId', 'title', 'city', 'nationwide', 'district', 'merchant')).toEqual([
      { externalId: '3172', title: '仅售68元！价值158元的川味火锅双人套餐，含锅底+8道菜品', city: 'chengdu', nationwide: false, district: '春熙路', merchant: { name: '蜀香火锅', phone: '028-66660001', address: '锦江区某街88号' } },
      { externalId: '3173', title: '39元不锈钢保温杯，全国包邮', city: null, nationwide: true, district: null, merchant: null },
      { externalId: '3180', title: '仅售99元！价值298元的日式美甲+手部护理套餐', city: 'shanghai', nationwide: false, district: '徐家汇', merchant: { name: '某某美甲工作室', phone: null, address: '徐汇区某路12号' } },
    ]);
  });

  it("maps 360's class names (精品购物, 美容保健) to the taxonomy", () => {
    expect(result.deals.map((deal) => deal.category)).toEqual(['food', 'shopping', 'beauty']);
  });

  it('reads YmdHis as Beijing time, yuan as fen, and ignores sale_rate and "0" voucher dates', () => {
    expect(pick(result.deals, 'startsAt', 'endsAt', 'priceMinor', 'valueMinor', 'discountPercent', 'sold')).toEqual([
      { startsAt: '2011-05-09T16:00:00.000Z', endsAt: '2011-05-10T16:00:00.000Z', priceMinor: 6800, valueMinor: 15800, discountPercent: 57, sold: 413 },
      { startsAt: '2011-05-10T16:00:00.000Z', endsAt: '2011-05-17T15:59:59.000Z', priceMinor: 3900, valueMinor: 9900, discountPercent: 61, sold: 0 },
      { startsAt: '2011-05-12T02:00:00.000Z', endsAt: '2011-05-19T15:59:59.000Z', priceMinor: 9900, valueMinor: 29800, discountPercent: 67, sold: 12 },
    ]);
  });

  it('skips items without a usable price or URL, naming them by pid', () => {
    expect(result.skipped).toEqual([
      { item: '3181', reason: 'price "面议" is not an amount' },
      { item: '3182', reason: 'missing deal URL' },
    ]);
  });
});

describe('360 v4 (goods360-v4-pid-merchants.xml)', () => {
  const result = parseFixture('goods360-v4-pid-merchants.xml');

  it('keys on pid, else the goods URL, never on the positional goods@id', () => {
    expect(result.format).toBe('goods360');
    expect(result.deals.map((deal) => deal.externalId)).toEqual([
      '8801',
      dealIdFromUrl('http://www.haotuan.example/deal/8802.html'),
      '8799',
    ]);
    for (const position of ['1', '2', '3', '4']) {
      expect(result.deals.map((deal) => deal.externalId)).not.toContain(position);
    }
  });

  it('skips a second item with the same pid even though its goods@id differs', () => {
    expect(result.skipped).toEqual([
      { item: 'http://www.haotuan.example/deal/8801.html?city=tianjin', reason: 'same id as an earlier item in the feed' },
    ]);
  });

  it('reads merchants/merchant, the flat merchant_* fields winning field by field', () => {
    expect(result.deals.map((deal) => deal.merchant)).toEqual([
      { name: '铜锅涮肉(后海店)', phone: '010-55550001', address: '西城区某胡同8号' },
      { name: '西湖某游船公司', phone: '0571-88880003', address: '西湖区湖滨路9号' },
      null,
    ]);
  });

  it('reads every merchants/merchant as a branch, whatever the flat fields say', () => {
    expect(result.deals.map((deal) => deal.branches)).toEqual([
      [
        { name: '铜锅涮肉(后海店)', address: '西城区某胡同8号', phone: '010-55550001', district: null, lat: null, lng: null },
        { name: '铜锅涮肉(望京店)', address: '朝阳区某街1号', phone: '010-55550002', district: null, lat: null, lng: null },
      ],
      // <tel></tel> is absent; the flat merchant_name does not rename the listed branch.
      [{ name: '别的名字', address: '西湖区湖滨路9号', phone: null, district: null, lat: null, lng: null }],
      [],
    ]);
  });

  it('reads TTTuangou Y-m-d H:i:s times as Beijing time beside YmdHis ones', () => {
    expect(pick(result.deals, 'startsAt', 'endsAt')).toEqual([
      { startsAt: '2012-02-29T16:00:00.000Z', endsAt: '2012-03-15T15:59:59.000Z' },
      { startsAt: '2012-03-02T02:30:00.000Z', endsAt: '2012-03-09T15:59:59.000Z' },
      { startsAt: '2012-02-29T16:00:00.000Z', endsAt: '2012-03-31T15:59:59.000Z' },
    ]);
  });

  it('maps end_class words before class, and takes bigimg_url when img_url is empty', () => {
    expect(pick(result.deals, 'title', 'category', 'imageUrl', 'city', 'district', 'priceMinor', 'valueMinor', 'sold')).toEqual([
      { title: '仅售88元！价值200元的老北京铜锅涮肉4人套餐', category: 'food', imageUrl: 'http://img.haotuan.example/8801-big.jpg', city: 'beijing', district: '后海', priceMinor: 8800, valueMinor: 20000, sold: 1024 },
      { title: '仅售30元！价值60元的西湖游船双人票', category: 'entertainment', imageUrl: 'http://img.haotuan.example/8802.jpg', city: 'hangzhou', district: null, priceMinor: 3000, valueMinor: 6000, sold: 56 },
      // class 其他 is the fallback; end_class 汽车服务 is the answer.
      { title: '洗车', category: 'services', imageUrl: 'http://img.haotuan.example/8799.jpg', city: 'beijing', district: null, priceMinor: 1990, valueMinor: 5000, sold: 7 },
    ]);
  });
});

describe('360 in GBK with the charset only in the HTTP header (goods360-gbk-header-only.xml)', () => {
  it('decodes by the header and parses', () => {
    const result = parseFeedBytes(feedFixtureBytes('goods360-gbk-header-only.xml'), 'text/xml; charset=GBK', 'auto', {});
    expect(result.format).toBe('goods360');
    expect(result.skipped).toEqual([]);
    expect(pick(result.deals, 'externalId', 'title', 'city', 'district', 'category', 'priceMinor', 'valueMinor', 'sold', 'startsAt', 'merchant')).toEqual([
      {
        externalId: 'GZ-0045',
        title: '喆记茶餐厅：仅售45元！价值100元的粤式早茶双人套餐',
        city: 'guangzhou',
        district: '北京路',
        category: 'food',
        priceMinor: 4500,
        valueMinor: 10000,
        sold: 321,
        startsAt: '2011-05-09T16:00:00.000Z',
        merchant: { name: '喆记茶餐厅', phone: '020-83330001', address: '越秀区某路3号' },
      },
    ]);
  });
});

describe('goods360 detection', () => {
  it('does not claim another <data> document', () => {
    expect(() => parseFeedText('<data><items/></data>', 'auto', {})).toThrow(/<data> is in no known deal format/);
  });

  it('parses the same with the format given', () => {
    const text = feedFixtureText('goods360-v4-pid-merchants.xml');
    expect(parseFeedText(text, 'goods360', {})).toEqual(parseFeedText(text, 'auto', {}));
  });
});
