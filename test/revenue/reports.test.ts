// Period labels of the reports: ISO weeks belong to the year of their Thursday.
import { describe, expect, it } from 'vitest';
import { dayNumber, dayText, periodEnd, periodLabel } from '../../src/revenue/reports';
import { neutraliseCell } from '../../src/revenue/report-csv';

describe('report periods', () => {
  it('labels days, ISO weeks (by their Monday) and months', () => {
    expect(periodLabel('day', dayNumber('2026-11-25'))).toBe('2026-11-25');
    expect(periodLabel('month', dayNumber('2026-11-01'))).toBe('2026-11');
    expect(periodLabel('week', dayNumber('2026-11-02'))).toBe('2026-W45');
    expect(periodLabel('week', dayNumber('2026-12-28'))).toBe('2026-W53');
    expect(periodLabel('week', dayNumber('2027-01-04'))).toBe('2027-W01');
    expect(periodLabel('week', dayNumber('2024-12-30'))).toBe('2025-W01');
    expect(periodLabel('week', dayNumber('2021-01-04'))).toBe('2021-W01');
  });
});

describe('period ends (the CSV export reads one period at a time)', () => {
  const end = (grain: 'day' | 'week' | 'month', date: string) => dayText(periodEnd(grain, dayNumber(date)));
  it('ends a day on itself, a week on its Sunday, a month on its last day', () => {
    expect(end('day', '2026-11-25')).toBe('2026-11-25');
    expect(end('week', '2026-11-02')).toBe('2026-11-08'); // Monday
    expect(end('week', '2026-11-25')).toBe('2026-11-29'); // Wednesday
    expect(end('week', '2026-11-29')).toBe('2026-11-29'); // Sunday
    expect(end('week', '2026-12-31')).toBe('2027-01-03');
    expect(end('month', '2026-02-10')).toBe('2026-02-28');
    expect(end('month', '2028-02-01')).toBe('2028-02-29');
    expect(end('month', '2026-12-31')).toBe('2026-12-31');
  });
});

describe('CSV cells', () => {
  it('prefixes text a spreadsheet would run as a formula, and nothing else', () => {
    expect(['=cmd()', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx', 'banner', '', "'quoted"].map(neutraliseCell))
      .toEqual(["'=cmd()", "'+1", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx", 'banner', '', "'quoted"]);
  });
});
