import { describe, expect, it } from 'vitest';
import { ClickWriter } from '../../src/revenue/click-writer';
import type { ClicksRepository, NewClick } from '../../src/storage';

function fakeClicks(fail: (batch: NewClick[]) => boolean) {
  const batches: number[][] = [];
  const repo: ClicksRepository = {
    maxId: async () => 41,
    async insertBatch(clicks) {
      if (fail(clicks)) throw new Error('disk full');
      batches.push(clicks.map((click) => click.id));
    },
    findById: async () => null,
    count: async () => batches.flat().length,
  };
  return { repo, batches };
}

const click = (id: number): NewClick => ({
  id, token: `${id}-x`, dealId: 1, siteId: 1, createdAt: new Date(), city: null, subId: null, referrer: null,
  userAgent: null, ipHash: 'h', isBot: false, isDuplicate: false,
});

describe('ClickWriter (group commit)', () => {
  it('writes the clicks of one event-loop turn as one batch, and resolves only after it', async () => {
    const { repo, batches } = fakeClicks(() => false);
    const writer = await ClickWriter.open(repo);
    const ids = [writer.allocateId(), writer.allocateId(), writer.allocateId()];
    expect(ids).toEqual([42, 43, 44]);
    let settled = 0;
    const waits = ids.map((id) => writer.record(click(id)).then(() => { settled++; }));
    await Promise.resolve();
    expect(settled).toBe(0); // nothing resolves before the setImmediate flush
    await Promise.all(waits);
    expect(batches).toEqual([[42, 43, 44]]);
  });

  it('rejects every waiter of a failed batch, and the next batch is written normally', async () => {
    let failNext = true;
    const { repo, batches } = fakeClicks(() => { const fail = failNext; failNext = false; return fail; });
    const writer = await ClickWriter.open(repo);
    const failed = await Promise.allSettled([1, 2, 3].map(() => writer.record(click(writer.allocateId()))));
    expect(failed.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    await writer.record(click(writer.allocateId()));
    expect(batches).toEqual([[45]]); // keys of the failed batch are never handed out again
    await writer.drain();
  });

  it('asks for a roll-up after the batch is answered, at most every rollUpEveryMs, and once more when drained', async () => {
    const { repo } = fakeClicks(() => false);
    const events: string[] = [];
    const writer = await ClickWriter.open(repo, { rollUp: async () => { events.push('roll-up'); return 1; }, rollUpEveryMs: 60_000 });
    await writer.record(click(writer.allocateId())).then(() => events.push('answered 1'));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    await writer.record(click(writer.allocateId())).then(() => events.push('answered 2'));
    await new Promise((resolve) => setImmediate(resolve));
    // The first batch's answer goes before its roll-up; the second batch is within the minute: none.
    expect(events).toEqual(['answered 1', 'roll-up', 'answered 2']);
    await writer.drain();
    expect(events).toEqual(['answered 1', 'roll-up', 'answered 2', 'roll-up']);
  });

  it('asks again after the next batch when a roll-up pass was full (a backlog), whatever the interval', async () => {
    const { repo } = fakeClicks(() => false);
    const limits: (number | undefined)[] = [];
    const writer = await ClickWriter.open(repo, { rollUp: async (limit) => { limits.push(limit); return limit ?? 0; }, rollUpEveryMs: 60_000 });
    for (let batch = 0; batch < 3; batch++) {
      await writer.record(click(writer.allocateId()));
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(limits).toEqual([2_000, 2_000, 2_000]); // every pass full: one after each batch
    await writer.drain();
    expect(limits.at(-1)).toBeUndefined(); // drain folds in everything
  });
});
