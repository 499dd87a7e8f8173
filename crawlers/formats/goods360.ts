// 360团购导航 (feed-formats.md A4): `data/goodsdata/goods`, v2 and v4. `goods@id` is a running
// index that changes between crawls, so a deal is keyed on `pid`, else on its `goods_url`.
// Times are 14-digit YmdHis in Beijing time (TTTuangou writes `Y-m-d H:i:s` instead); money is
// yuan; `sale_rate` (折) is ignored because the discount is recomputed.
import { CrawlError } from '../errors';
import { mapCategory } from '../normalize/category';
import { collectDeals, readCount, type BranchDraft, type DealDraft } from '../normalize/deal';
import { DEFAULT_FEED_TIME_ZONE, parseFeedTime } from '../normalize/time';
import type { Merchant, ParseContext, ParseResult } from '../types';
import type { FeedFormat } from './format';
import { childNamed, childrenNamed, keyOf, loadXml, readFields, type Element } from './xml';

/** Field → element names (lower case, no `_`) that carry it, best first. */
const GOODS_FIELDS = {
  pid: ['pid'],
  url: ['goodsurl'],
  // `desc` is the full deal title; `title` is cut to 10–20 characters by most emitters.
  longTitle: ['desc'],
  shortTitle: ['title'],
  image: ['imgurl', 'bigimgurl'],
  siteUrl: ['siteurl'],
  city: ['cityname'],
  district: ['hotarea'],
  mainClass: ['class'],
  subClass: ['endclass'],
  value: ['originalprice'],
  price: ['saleprice'],
  sold: ['salesnum'],
  start: ['starttime'],
  end: ['closetime'],
  merchantName: ['merchantname'],
  merchantPhone: ['merchanttel'],
  merchantAddress: ['merchantaddr'],
} as const;

/** v4's `merchants/merchant`: every one a branch, the first also filling missing merchant_* fields. */
const MERCHANT_FIELDS = { name: ['name'], phone: ['tel'], address: ['addr'] } as const;

/**
 * 360's first-level classes (ZuituGo 2012 list) that the taxonomy does not name, as a word it
 * does know; 餐饮美食, 休闲娱乐 and 其他 map as they are.
 */
const CLASS_WORDS: Readonly<Record<string, string>> = {
  美容保健: '美容',
  优惠券票: '代金券',
  精品购物: '购物',
};

export function parseGoods360Text(text: string, ctx: ParseContext): ParseResult {
  const { elements, textOf } = loadXml(text);
  const data = elements.find((element) => keyOf(element) === 'data');
  const goodsdata = data && childNamed(data, 'goodsdata');
  if (!goodsdata) throw new CrawlError('parse_error', 'expected a 360 <data> feed with <goodsdata>');
  const items = childrenNamed(goodsdata, 'goods');
  return collectDeals('goods360', items, (item) => readGoods(item, textOf, ctx), ctx);
}

function readGoods(goods: Element, textOf: (element: Element) => string | null, ctx: ParseContext): DealDraft {
  const field = readFields([goods], GOODS_FIELDS, textOf);
  const timeOptions = { timeZone: ctx.timeZone ?? DEFAULT_FEED_TIME_ZONE, clockOffsetSeconds: ctx.clockOffsetSeconds };
  // end_class is free text, several names separated by spaces; it is more specific than class.
  const subClasses = field.subClass?.split(/[\s\u3000]+/) ?? [];
  const mainClass = field.mainClass === null ? null : (CLASS_WORDS[field.mainClass] ?? field.mainClass);
  const listed = listedMerchants(goods, textOf);
  return {
    // Never goods@id: it is the item's position in this snapshot.
    externalId: field.pid,
    url: field.url,
    title: field.longTitle ?? field.shortTitle,
    imageUrl: field.image,
    siteUrl: field.siteUrl,
    city: field.city,
    district: field.district,
    category: mapCategory(...subClasses, mainClass),
    price: field.price,
    value: field.value,
    currency: 'CNY',
    sold: readCount(field.sold),
    soldOut: false,
    startsAt: parseFeedTime(field.start, timeOptions),
    endsAt: parseFeedTime(field.end, timeOptions),
    merchant: readMerchant(field, listed[0] ?? null),
    branches: listed.map((merchant): BranchDraft => ({ ...merchant, district: null, lat: null, lng: null })),
  };
}

/** v4's `merchants/merchant` list; empty for v2. */
function listedMerchants(goods: Element, textOf: (element: Element) => string | null): Merchant[] {
  const list = childNamed(goods, 'merchants');
  return list ? childrenNamed(list, 'merchant').map((merchant) => readFields([merchant], MERCHANT_FIELDS, textOf)) : [];
}

/** The flat merchant_* fields, each falling back to the first of v4's `merchants/merchant`. */
function readMerchant(
  field: { merchantName: string | null; merchantPhone: string | null; merchantAddress: string | null },
  listed: Merchant | null,
): Merchant {
  return {
    name: field.merchantName ?? listed?.name ?? null,
    phone: field.merchantPhone ?? listed?.phone ?? null,
    address: field.merchantAddress ?? listed?.address ?? null,
  };
}

export const goods360Format: FeedFormat = {
  name: 'goods360',
  label: '360团购导航 (data/goodsdata/goods)',
  syntax: 'xml',
  detect: (document) => document.syntax === 'xml' && document.root === 'data' && /<goodsdata[\s/>]/i.test(document.text),
  parse: (document, ctx) => parseGoods360Text(document.text, ctx),
};
