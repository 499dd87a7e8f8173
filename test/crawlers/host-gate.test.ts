import { describe, expect, it } from 'vitest';
import { HostGate } from '../../crawlers/fetch/host-gate';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the per-host gate', () => {
  it('runs one task at a time per host, with the gap between them, and hosts independently', async () => {
    const gate = new HostGate(40);
    const log: string[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const task = (name: string) => async () => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      log.push(`${name}@${Date.now()}`);
      await sleep(10);
      running--;
    };
    const started = Date.now();
    await Promise.all([
      gate.run('http://a.example/1', task('a1')),
      gate.run('http://a.example/2', task('a2')),
      gate.run('http://b.example/1', task('b1')),
    ]);
    const at = (name: string) => Number(log.find((entry) => entry.startsWith(name))!.split('@')[1]) - started;
    expect(at('b1')).toBeLessThan(30);
    // a2 starts after a1 ran (10 ms) and the 40 ms gap.
    expect(at('a2') - at('a1')).toBeGreaterThanOrEqual(48);
    expect(mostAtOnce).toBe(2); // a1 and b1 together, never a1 and a2
  });

  it('keeps a host waiting after it asked for a Retry-After', async () => {
    const gate = new HostGate(0);
    gate.deferHost('http://slow.example/feed', 0.1);
    const started = Date.now();
    await gate.run('http://slow.example/other', async () => undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('passes a task failure through without blocking the host', async () => {
    const gate = new HostGate(0);
    await expect(gate.run('http://a.example/', async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    await expect(gate.run('http://a.example/', async () => 'next')).resolves.toBe('next');
  });
});
