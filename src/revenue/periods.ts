// Statement months: `YYYY-MM` of UTC. An instant belongs to the month its UTC date falls in.
const PERIOD = /^([0-9]{4})-(0[1-9]|1[0-2])$/;

export const isPeriod = (text: string): boolean => PERIOD.test(text);

export function periodOf(at: Date): string {
  return `${at.getUTCFullYear().toString().padStart(4, '0')}-${(at.getUTCMonth() + 1).toString().padStart(2, '0')}`;
}

/** The month's first instant (inclusive) and the next month's first instant (exclusive). */
export function periodBounds(period: string): { start: Date; end: Date } {
  const match = PERIOD.exec(period);
  if (!match) throw new Error(`revenue: '${period}' is not a month (YYYY-MM)`);
  const year = Number(match[1]);
  const month = Number(match[2]) - 1;
  return { start: new Date(Date.UTC(year, month, 1)), end: new Date(Date.UTC(year, month + 1, 1)) };
}

export const nextPeriod = (period: string): string => periodOf(periodBounds(period).end);
