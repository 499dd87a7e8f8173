import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStorage, type NewAlertSubscription, type Storage } from '../../src/storage';
import { makeTempDir } from '../helpers/temp-dir';

describe('the alert subscriptions table', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let storage: Storage;
  const t0 = new Date('2026-03-01T00:00:00Z');
  const pending = (email: string, overrides: Partial<NewAlertSubscription> = {}): NewAlertSubscription => ({
    email, filter: '?city=chengdu', priceCeilingMinor: null, locale: 'en',
    confirmTokenHash: `c-${email}`, unsubscribeNonce: `n-${email}`, unsubscribeTokenHash: `u-${email}`, now: t0, ...overrides,
  });

  beforeEach(() => { dir = makeTempDir(); storage = openStorage(dir.file('alerts.db')); });
  afterEach(async () => { await storage.close(); dir.remove(); });

  it('keeps one subscription per email (any case) and filter', async () => {
    expect(await storage.alerts.insertPending(pending('a@example.com'))).toMatchObject({ status: 'pending', email: 'a@example.com' });
    expect(await storage.alerts.insertPending(pending('A@Example.com', { confirmTokenHash: 'x', unsubscribeTokenHash: 'y' }))).toBeNull();
    expect(await storage.alerts.insertPending(pending('a@example.com', { filter: '', confirmTokenHash: 'x', unsubscribeTokenHash: 'y' }))).not.toBeNull();
    expect(await storage.alerts.findByEmailAndFilter('A@EXAMPLE.COM', '?city=chengdu')).toMatchObject({ email: 'a@example.com' });
  });

  it('lists only confirmed subscriptions not mailed in the interval, and lets one run claim each digest', async () => {
    const a = (await storage.alerts.insertPending(pending('a@example.com')))!;
    const b = (await storage.alerts.insertPending(pending('b@example.com')))!;
    expect(await storage.alerts.listDueForDigest(t0, 0, 10)).toEqual([]);
    await storage.alerts.confirm(a.id, t0);
    await storage.alerts.confirm(b.id, t0);
    expect((await storage.alerts.listDueForDigest(t0, 0, 10)).map((s) => s.id)).toEqual([a.id, b.id]);
    expect((await storage.alerts.listDueForDigest(t0, a.id, 10)).map((s) => s.id)).toEqual([b.id]);

    const sentAt = new Date(t0.getTime() + 1000);
    expect(await storage.alerts.claimDigest(a.id, null, sentAt)).toBe(true);
    expect(await storage.alerts.claimDigest(a.id, null, sentAt)).toBe(false); // a second run loses
    expect((await storage.alerts.listDueForDigest(t0, 0, 10)).map((s) => s.id)).toEqual([b.id]);
    await storage.alerts.releaseDigest(a.id, sentAt, null);
    expect((await storage.alerts.listDueForDigest(t0, 0, 10)).map((s) => s.id)).toEqual([a.id, b.id]);

    await storage.alerts.unsubscribe(b.id, sentAt);
    expect(await storage.alerts.claimDigest(b.id, null, sentAt)).toBe(false);
    expect((await storage.alerts.listDueForDigest(sentAt, 0, 10)).map((s) => s.id)).toEqual([a.id]);
    expect(await storage.alerts.findByConfirmTokenHash('c-b@example.com')).toBeNull();
    expect(await storage.alerts.findByUnsubscribeTokenHash('u-b@example.com')).toMatchObject({ status: 'unsubscribed' });
  });
});
