// Feed times to UTC instants. Chinese feeds mix epoch seconds, 14-digit YYYYMMDDHHMMSS and
// naive "Y-m-d H:i:s" wall-clock strings; Groupon sends ISO 8601 with an offset. Wall-clock
// forms are read in the feed's zone, converted with Intl so DST zones work without a library.

export interface FeedTimeOptions {
  /** IANA zone for times without an offset. Default Asia/Shanghai. */
  timeZone?: string;
  /** Seconds to subtract from epoch times (FanWe emitters add 8 h to theirs). */
  clockOffsetSeconds?: number;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export const DEFAULT_FEED_TIME_ZONE = 'Asia/Shanghai';

const EPOCH_SECONDS = /^\d{10}$/;
const EPOCH_MILLISECONDS = /^\d{13}$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;
const NAIVE = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/** Returns null for empty, `0`, and anything that is not a real instant. */
export function parseFeedTime(
  value: string | number | null | undefined,
  options: FeedTimeOptions = {},
): Date | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  if (text === '' || /^0+$/.test(text)) return null;

  const offsetMilliseconds = (options.clockOffsetSeconds ?? 0) * 1000;
  if (EPOCH_SECONDS.test(text)) return new Date(Number(text) * 1000 - offsetMilliseconds);
  if (EPOCH_MILLISECONDS.test(text)) return new Date(Number(text) - offsetMilliseconds);

  const timeZone = options.timeZone ?? DEFAULT_FEED_TIME_ZONE;
  const wall = COMPACT.exec(text) ?? NAIVE.exec(text);
  if (wall) {
    const clock = toWallClock(wall);
    return isValidWallClock(clock) ? wallClockToUtc(clock, timeZone) : null;
  }

  const withOffset = WITH_OFFSET.exec(text);
  // Date would roll "02-30" over into March, so the fields are range-checked first.
  if (withOffset && isValidWallClock(toWallClock(withOffset))) {
    const instant = new Date(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    return Number.isNaN(instant.getTime()) ? null : instant;
  }
  return null;
}

/** True when Intl knows the zone; a feed's configured zone is checked once before parsing. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    zoneFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The UTC instant at which the clocks in `timeZone` show `clock`. Two passes cover DST: the
 * offset found at the first guess may differ from the one in force at the answer.
 */
export function wallClockToUtc(clock: WallClock, timeZone: string): Date {
  const asIfUtc = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
  const firstOffset = zoneOffsetMilliseconds(asIfUtc, timeZone);
  let instant = asIfUtc - firstOffset;
  const secondOffset = zoneOffsetMilliseconds(instant, timeZone);
  if (secondOffset !== firstOffset) instant = asIfUtc - secondOffset;
  return new Date(instant);
}

/** Groups 1–6 of COMPACT or NAIVE; absent time-of-day parts are midnight. */
function toWallClock(match: RegExpExecArray): WallClock {
  const part = (index: number) => Number(match[index] ?? 0);
  return { year: part(1), month: part(2), day: part(3), hour: part(4), minute: part(5), second: part(6) };
}

function isValidWallClock(clock: WallClock): boolean {
  const { year, month, day, hour, minute, second } = clock;
  if (year < 1970 || year > 2200 || month < 1 || month > 12) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59;
}

/** How far the zone's wall clock is ahead of UTC at `instant`, in milliseconds. */
function zoneOffsetMilliseconds(instant: number, timeZone: string): number {
  const parts = zoneFormatter(timeZone).formatToParts(new Date(instant));
  const field = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((part) => part.type === type)?.value ?? 0);
  const wallAsUtc = Date.UTC(
    field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'),
  );
  return wallAsUtc - Math.floor(instant / 1000) * 1000;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}
