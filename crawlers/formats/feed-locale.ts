// What the generic web formats (RSS, Atom, JSON Feed, JSON-LD pages, plain HTML) assume when a
// value leaves something out. These formats come from anywhere, so the feed's own language
// (`<language>`, `xml:lang`, JSON Feed `language`, `<html lang>`) stands in for its region:
// a Chinese feed's naive times are Beijing time and its bare prices are yuan, as in Part A;
// any other feed's naive times are UTC (Google Merchant's rule) and its bare prices dollars.
import { parseFeedTime } from '../normalize/time';
import type { ParseContext } from '../types';

/** Zone and currency for values that name neither, and the clock shift for epoch times. */
export interface FeedLocale {
  timeZone: string;
  currency: string;
  clockOffsetSeconds?: number;
  /** True when the feed says it is in Chinese (zh, zh-CN, zh-Hans …). */
  chinese: boolean;
}

const DATE_ONLY = /^\d{4}-\d{1,2}-\d{1,2}$/;

export function feedLocale(language: string | null | undefined, ctx: ParseContext): FeedLocale {
  const chinese = /^zh\b/i.test((language ?? '').trim());
  return {
    // The owner's setting wins over the guess.
    timeZone: ctx.timeZone ?? (chinese ? 'Asia/Shanghai' : 'UTC'),
    currency: chinese ? 'CNY' : 'USD',
    clockOffsetSeconds: ctx.clockOffsetSeconds,
    chinese,
  };
}

export function parseStartTime(text: string | null | undefined, locale: FeedLocale): Date | null {
  return parseFeedTime(text, locale);
}

/** An end given as a bare date (`priceValidUntil: "2011-05-11"`) lasts to the end of that day. */
export function parseEndTime(text: string | null | undefined, locale: FeedLocale): Date | null {
  const trimmed = text?.trim() ?? '';
  if (DATE_ONLY.test(trimmed)) return parseFeedTime(`${trimmed} 23:59:59`, locale);
  return parseFeedTime(trimmed, locale);
}
