// The window a scheduled pull asks for, and the signed query it sends. Pure functions.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signedPullUrl } from '../../src/revenue/order-pull/sign-request';
import { MAX_CATCH_UP_MS, PULL_OVERLAP_MS, pullWindow } from '../../src/revenue/order-pull/window';

const HOUR = 3_600_000;
const now = new Date('2026-11-25T12:00:00Z');

describe('pullWindow', () => {
  it('asks for the last windowHours when nothing was pulled yet or the last pull was recent', () => {
    expect(pullWindow({ windowHours: 48, lastOkWindowEnd: null }, now)).toEqual({ start: new Date(now.getTime() - 48 * HOUR), end: now });
    expect(pullWindow({ windowHours: 48, lastOkWindowEnd: new Date(now.getTime() - HOUR) }, now).start).toEqual(new Date(now.getTime() - 48 * HOUR));
  });

  it('reaches back to the last good window end less the overlap after a gap, at most MAX_CATCH_UP', () => {
    const lastOk = new Date(now.getTime() - 72 * HOUR);
    expect(pullWindow({ windowHours: 48, lastOkWindowEnd: lastOk }, now).start).toEqual(new Date(lastOk.getTime() - PULL_OVERLAP_MS));
    const longAgo = new Date(now.getTime() - 90 * 24 * HOUR);
    expect(pullWindow({ windowHours: 48, lastOkWindowEnd: longAgo }, now).start).toEqual(new Date(now.getTime() - MAX_CATCH_UP_MS));
  });
});

describe('signedPullUrl', () => {
  it('adds site, start, end, ts, nonce and the HMAC of the sorted parameters, keeping the URL\'s own', () => {
    const url = new URL(signedPullUrl('https://partner.example/api/orders?merchant=42&sign=stale', 'letuan', 'secret',
      { start: new Date('2026-11-24T12:00:00Z'), end: now }, now, '0011223344556677'));
    const canonical = 'end=1795608000&merchant=42&nonce=0011223344556677&site=letuan&start=1795521600&ts=1795608000';
    expect(url.searchParams.get('sign')).toBe(createHmac('sha256', 'secret').update(canonical).digest('hex'));
    expect([...url.searchParams.keys()]).toEqual(['merchant', 'site', 'start', 'end', 'ts', 'nonce', 'sign']);
  });
});
