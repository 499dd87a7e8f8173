import { describe, expect, it } from 'vitest';
import { nextCheckAfterFailure, nextCheckAfterSuccess } from '../../crawlers/schedule/next-check';

const at = new Date('2026-11-25T00:00:00Z');
const middle = () => 0.5; // no jitter
const minutesAfter = (date: Date) => (date.getTime() - at.getTime()) / 60_000;

describe('when a feed is due again', () => {
  it('waits its interval after a success, spread by at most ±10%', () => {
    expect(minutesAfter(nextCheckAfterSuccess({ intervalMinutes: 60 }, at, middle))).toBe(60);
    expect(minutesAfter(nextCheckAfterSuccess({ intervalMinutes: 60 }, at, () => 0))).toBe(54);
    expect(minutesAfter(nextCheckAfterSuccess({ intervalMinutes: 60 }, at, () => 1))).toBe(66);
  });

  it('backs off exponentially after consecutive failures, capped at a day', () => {
    const waits = [0, 1, 2, 3, 10].map((failures) =>
      minutesAfter(nextCheckAfterFailure({ intervalMinutes: 60, consecutiveFailures: failures }, at, null, middle)));
    expect(waits).toEqual([60, 120, 240, 480, 1440]);
  });

  it('never comes back sooner than the Retry-After the site asked for', () => {
    expect(minutesAfter(nextCheckAfterFailure({ intervalMinutes: 5, consecutiveFailures: 0 }, at, 3600, middle))).toBe(60);
  });
});
