import { describe, expect, it } from 'vitest';
import { ClickGuard } from '../../src/revenue/click-guard';

describe('the click guard', () => {
  const guard = () => new ClickGuard({ duplicateWindowMs: 60_000, requestsPerMinute: 3, maxVisitors: 2 });

  it('marks a repeat click on the same deal within the window as a duplicate, and not after it', () => {
    const g = guard();
    expect(g.isDuplicate('v1', 7, 0)).toBe(false);
    expect(g.isDuplicate('v1', 7, 30_000)).toBe(true);
    expect(g.isDuplicate('v1', 8, 30_000)).toBe(false); // another deal
    expect(g.isDuplicate('v2', 7, 30_000)).toBe(false); // another visitor
    expect(g.isDuplicate('v1', 7, 30_000 + 60_000)).toBe(false); // the window restarts at each click
  });

  it('allows a budget of requests per visitor per minute, then says when to come back', () => {
    const g = guard();
    expect([0, 1, 2, 3].map((t) => g.allowRequest('v1', t * 1000))).toEqual([true, true, true, false]);
    expect(g.allowRequest('v2', 3000)).toBe(true);
    expect(g.retryAfterSeconds('v1', 20_000)).toBe(40);
    expect(g.allowRequest('v1', 60_000)).toBe(true); // a new minute
  });

  it('forgets the oldest visitors beyond its size', () => {
    const g = guard();
    g.isDuplicate('a', 1, 0);
    g.isDuplicate('b', 1, 0);
    g.isDuplicate('c', 1, 0); // 'a' is forgotten
    expect(g.isDuplicate('a', 1, 1000)).toBe(false);
    expect(g.isDuplicate('c', 1, 1000)).toBe(true);
  });
});
