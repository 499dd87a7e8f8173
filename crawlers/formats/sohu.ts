// 搜狐团购导航 ActivitySet (feed-formats.md A5): PascalCase `ActivitySet/Activity`, the merchant
// in `Goods`. Element names are matched without regard to case, so `ReBate` and `Rebate` read
// the same (and are ignored either way: the discount is recomputed).
import { CrawlError } from '../errors';
import { collectDeals, readCount, type DealDraft } from '../normalize/deal';
import { DEFAULT_FEED_TIME_ZONE, parseFeedTime, type FeedTimeOptions } from '../normalize/time';
import type { Merchant, ParseContext, ParseResult } from '../types';
import type { FeedFormat } from './format';
import { childNamed, childrenNamed, keyOf, loadXml, readFields, type Element } from './xml';

/** Field → element names (lower case) that carry it, best first. */
const ACTIVITY_FIELDS = {
  title: ['title'],
  url: ['url'],
  image: ['imageurl'],
  city: ['cityname'],
  value: ['value'],
  price: ['price'],
  start: ['starttime'],
  end: ['endtime'],
  sold: ['bought'],
} as const;

const GOODS_FIELDS = {
  name: ['name'],
  provider: ['providername'],
  telephone: ['telephone'],
  contact: ['contact'],
  address: ['address'],
} as const;

/** Only a 14-digit YmdHis is a Sohu time; see readSohuTime. */
const SOHU_TIME = /^\d{14}$/;
/** Enough of a phone number to tell it from a contact person's name. */
const PHONE_LIKE = /^\+?[\d\s()-]{7,}$/;

export function parseSohuText(text: string, ctx: ParseContext): ParseResult {
  const { elements, textOf } = loadXml(text);
  const activitySet = elements.find((element) => keyOf(element) === 'activityset');
  if (!activitySet) throw new CrawlError('parse_error', 'expected a Sohu <ActivitySet> feed');
  const siteUrl = readFields([activitySet], { siteUrl: ['siteurl'] }, textOf).siteUrl;
  const items = childrenNamed(activitySet, 'activity');
  return collectDeals('sohu', items, (item) => readActivity(item, siteUrl, textOf, ctx), ctx);
}

function readActivity(
  activity: Element,
  siteUrl: string | null,
  textOf: (element: Element) => string | null,
  ctx: ParseContext,
): DealDraft {
  const field = readFields([activity], ACTIVITY_FIELDS, textOf);
  const goodsElement = childNamed(activity, 'goods');
  const goods = goodsElement ? readFields([goodsElement], GOODS_FIELDS, textOf) : null;
  const timeOptions = { timeZone: ctx.timeZone ?? DEFAULT_FEED_TIME_ZONE, clockOffsetSeconds: ctx.clockOffsetSeconds };
  return {
    externalId: null,
    url: field.url,
    title: field.title ?? goods?.name ?? null,
    imageUrl: field.image,
    siteUrl,
    city: field.city,
    district: null,
    category: null,
    price: field.price,
    value: field.value,
    currency: 'CNY',
    sold: readCount(field.sold),
    soldOut: false,
    startsAt: readSohuTime(field.start, timeOptions),
    endsAt: readSohuTime(field.end, timeOptions),
    merchant: goods ? readMerchant(goods) : null,
    branches: [],
  };
}

/**
 * ECShop's emitter drops the hour's leading zero and appends a `0`, so afternoon times come out
 * 15 digits long, and TTTuangou appends `000000` to a unix number. Such a time is unknown
 * (null), not guessed at; an unknown end time leaves the deal listed without a deadline.
 */
function readSohuTime(value: string | null, options: FeedTimeOptions): Date | null {
  return value !== null && SOHU_TIME.test(value) ? parseFeedTime(value, options) : null;
}

function readMerchant(goods: Record<keyof typeof GOODS_FIELDS, string | null>): Merchant {
  // `Contact` is a phone number in some emitters and a person's name in others.
  const contactPhone = goods.contact !== null && PHONE_LIKE.test(goods.contact) ? goods.contact : null;
  return { name: goods.provider, phone: goods.telephone ?? contactPhone, address: goods.address };
}

export const sohuFormat: FeedFormat = {
  name: 'sohu',
  label: '搜狐团购导航 ActivitySet',
  syntax: 'xml',
  detect: (document) => document.syntax === 'xml' && document.root === 'activityset',
  parse: (document, ctx) => parseSohuText(document.text, ctx),
};
