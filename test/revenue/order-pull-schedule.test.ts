// OrderPullSchedule's cron wiring, with vitest's fake clock driving node-cron: one pass over the
// due sites each minute, none before the minute turns, a pass never overlapping the one under way,
// every run logged, and nothing after stop().
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OrderPullService } from '../../src/revenue/order-pull/pull-orders';
import { OrderPullSchedule } from '../../src/revenue/order-pull/schedule';
import type { OrderPullRun } from '../../src/storage';

const run = (siteId: number, outcome: 'ok' | 'failed'): OrderPullRun => ({
  siteId, outcome, orders: 2, created: 1, updated: 1, refused: 0, errorCode: outcome === 'failed' ? 'http_status' : null,
  errorMessage: outcome === 'failed' ? 'HTTP 500' : null,
} as unknown as OrderPullRun);

describe('OrderPullSchedule', () => {
  beforeEach(() => { vi.useFakeTimers({ now: new Date('2026-11-25T10:00:30Z') }); });
  afterEach(() => { vi.useRealTimers(); });

  it('pulls the due sites once a minute through node-cron, logs each run, and stops', async () => {
    const passes: Date[] = [];
    const service = { pullDue: vi.fn(async () => { passes.push(new Date()); return [run(1, 'ok'), run(2, 'failed')]; }) };
    const lines: string[] = [];
    const schedule = new OrderPullSchedule(service as unknown as OrderPullService, (line) => lines.push(line));
    schedule.start();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(service.pullDue).not.toHaveBeenCalled(); // 10:00:50: the minute has not turned
    await vi.advanceTimersByTimeAsync(15_000);
    expect(passes.map((at) => at.toISOString().slice(0, 16))).toEqual(['2026-11-25T10:01']);
    expect(service.pullDue).toHaveBeenCalledWith(20, expect.any(AbortSignal));
    expect(lines).toEqual([
      'orders: pulled site #1: 2 orders (1 new, 1 changed, 0 refused)',
      'orders: pull of site #2 failed: http_status: HTTP 500',
    ]);
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    expect(passes.map((at) => at.toISOString().slice(0, 16))).toEqual(['2026-11-25T10:01', '2026-11-25T10:02', '2026-11-25T10:03']);
    await schedule.stop();
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(service.pullDue).toHaveBeenCalledTimes(3);
  });

  it('never starts a pass while one is under way, and a failed pass is logged, not thrown', async () => {
    let finish: (runs: OrderPullRun[]) => void = () => {};
    const service = {
      pullDue: vi.fn()
        .mockImplementationOnce(() => new Promise<OrderPullRun[]>((resolve) => { finish = resolve; }))
        .mockImplementationOnce(async () => { throw new Error('database is locked'); }),
    };
    const lines: string[] = [];
    const schedule = new OrderPullSchedule(service as unknown as OrderPullService, (line) => lines.push(line));
    schedule.start();
    await vi.advanceTimersByTimeAsync(3 * 60_000); // 10:01, 10:02 and 10:03 fire; the first pass is still running
    expect(service.pullDue).toHaveBeenCalledTimes(1);
    finish([]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(service.pullDue).toHaveBeenCalledTimes(2);
    expect(lines).toEqual(['orders: pull pass failed: database is locked']);
    await schedule.stop();
  });
});
