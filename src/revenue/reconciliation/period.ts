// The period a report covers, in the site's zone: the recorded conversions of that period that the
// report does not list are "missing from the report".
import { wallClockToUtc } from '../../../crawlers/normalize/time';
import type { ReportedOrder } from './reported-order';

export interface Period {
  start: Date;
  /** Exclusive. */
  end: Date;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Midnight at the start of `day` (YYYY-MM-DD) in `timeZone`; null when it is not a date. */
export function startOfDay(day: string, timeZone: string): Date | null {
  const match = DAY.exec(day);
  if (!match) return null;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, date));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) return null;
  return wallClockToUtc({ year, month, day: date, hour: 0, minute: 0, second: 0 }, timeZone);
}

/** The calendar day (YYYY-MM-DD) of an instant in `timeZone`. */
export function dayOf(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

const nextDay = (day: string): string => {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date + 1)).toISOString().slice(0, 10);
};

/** From the first to the last day (inclusive) in `timeZone`; both given, or else the days of the report's orders. */
export function reportPeriod(orders: ReportedOrder[], timeZone: string, fromDay: string | null, toDay: string | null): Period {
  const times = orders.map((order) => order.occurredAt.getTime());
  const first = fromDay ?? dayOf(new Date(Math.min(...times)), timeZone);
  const last = toDay ?? dayOf(new Date(Math.max(...times)), timeZone);
  return { start: startOfDay(first, timeZone)!, end: startOfDay(nextDay(last), timeZone)! };
}
