// RSS 2.0 (feed-formats.md C1) with Google Merchant `g:` fields (C5): `rss/channel/item`. RSS
// has no price of its own, so an item without `g:price`/`g:sale_price` is skipped.
import { collectDeals, type DealDraft } from '../normalize/deal';
import { parseFeedTime, wallClockToUtc } from '../normalize/time';
import type { ParseContext, ParseResult } from '../types';
import { feedLocale, type FeedLocale } from './feed-locale';
import type { FeedFormat } from './format';
import { GOOGLE_MERCHANT_NAMESPACE, merchantDealDraft, readItemFields, type ItemFields } from './merchant-fields';
import { childNamed, childrenNamed, loadXml, type Element } from './xml';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** RFC 822 zone names, in minutes east of UTC. `CST` is not here: see zoneOffsetMinutes. */
const NAMED_ZONES: Readonly<Record<string, number>> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0,
  EST: -300, EDT: -240, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  HKT: 480, JST: 540, KST: 540,
};

/** `Tue, 10 May 2011 00:00:00 +0800`; the day name (any language) and seconds are optional. */
const RFC_822 = /^(?:[^\d\s,]+,?\s*)?(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{4}|\d{2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([A-Za-z]{1,5}|[+-]\d{2}:?\d{2})?$/;

export function parseRssDocument(text: string, ctx: ParseContext): ParseResult {
  const { elements, textOf } = loadXml(text);
  const channel = elements[0] ? childNamed(elements[0], 'channel') : null;
  const items = channel ? childrenNamed(channel, 'item') : [];
  const locale = feedLocale(channel ? ownText(channel, 'language', textOf) : null, ctx);
  const siteUrl = channel ? ownText(channel, 'link', textOf) : null;
  return collectDeals('rss', items, (item) => readItem(readItemFields(item, textOf, null), textOf, siteUrl, locale), ctx);
}

function readItem(fields: ItemFields, textOf: (element: Element) => string | null, siteUrl: string | null, locale: FeedLocale): DealDraft {
  return merchantDealDraft(
    fields,
    {
      // Without a guid the id is derived from the link (finishDeal hashes the canonical URL).
      id: fields.own('guid'),
      // RSS allows an item with only a description; cleanText strips its markup.
      title: fields.own('title') ?? fields.own('description'),
      url: fields.own('link'),
      imageUrl: enclosureImage(fields.ownElements('enclosure')),
      published: parseRfc822Date(fields.own('pubdate'), locale),
      categories: fields.ownElements('category').map(textOf).filter((category) => category !== null),
      siteUrl,
    },
    locale,
  );
}

/** The first enclosure that is an image (or does not say what it is). */
function enclosureImage(enclosures: Element[]): string | null {
  const image = enclosures.find((enclosure) => {
    const type = enclosure.attribs.type?.trim().toLowerCase() ?? '';
    return enclosure.attribs.url?.trim() && (type === '' || type.startsWith('image/'));
  });
  return image?.attribs.url?.trim() ?? null;
}

/**
 * RFC 822 dates as feeds write them: named zones, 2-digit years (00–49 → 20xx, RFC 5322 §4.3)
 * and non-English day names. `CST` is China Standard Time (+08:00) in a feed whose channel
 * language is Chinese and US Central Standard Time (−06:00) otherwise. A date without a zone is
 * read in the feed's zone; ISO 8601 in `pubDate` (seen in the wild) is accepted too.
 */
export function parseRfc822Date(text: string | null, locale: FeedLocale): Date | null {
  if (text === null) return null;
  const match = RFC_822.exec(text.trim());
  if (!match) return parseFeedTime(text, locale);
  const [, dayText, monthText, yearText, hourText, minuteText, secondText, zone] = match;
  const month = MONTHS.indexOf((monthText ?? '').toLowerCase()) + 1;
  const shortYear = Number(yearText);
  const year = yearText?.length === 2 ? (shortYear < 50 ? 2000 : 1900) + shortYear : shortYear;
  const clock = { year, month, day: Number(dayText), hour: Number(hourText), minute: Number(minuteText), second: Number(secondText ?? 0) };
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month === 0 || clock.day < 1 || clock.day > daysInMonth || clock.hour > 23 || clock.minute > 59 || clock.second > 60) return null;
  if (zone === undefined) return wallClockToUtc(clock, locale.timeZone);
  const offset = zoneOffsetMinutes(zone, locale);
  if (offset === null) return null;
  const asIfUtc = Date.UTC(year, month - 1, clock.day, clock.hour, clock.minute, Math.min(clock.second, 59));
  return new Date(asIfUtc - offset * 60_000);
}

function zoneOffsetMinutes(zone: string, locale: FeedLocale): number | null {
  const numeric = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (numeric) return (numeric[1] === '-' ? -1 : 1) * (Number(numeric[2]) * 60 + Number(numeric[3]));
  const name = zone.toUpperCase();
  if (name === 'CST') return locale.chinese ? 480 : -360;
  return NAMED_ZONES[name] ?? null;
}

/** Text of an unprefixed child (a channel's `language`, not an `atom:link`). */
function ownText(parent: Element, name: string, textOf: (element: Element) => string | null): string | null {
  return readItemFields(parent, textOf, null).own(name);
}

/** An `rss` root that looks like a deal feed: it declares the Merchant namespace or has items. */
function looksLikeDealRss(text: string): boolean {
  return text.includes(GOOGLE_MERCHANT_NAMESPACE) || /<item[\s>/]/i.test(text);
}

export const rssFormat: FeedFormat = {
  name: 'rss',
  label: 'RSS 2.0 (with Google Merchant g: prices)',
  syntax: 'xml',
  detect: (document) => document.syntax === 'xml' && document.root === 'rss' && looksLikeDealRss(document.text),
  parse: (document, ctx) => parseRssDocument(document.text, ctx),
};
