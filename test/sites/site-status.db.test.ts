// The site status service on a real SQLite file: which decisions apply from which status, the
// reasons owners see, the unverified override, the audit entries, and the change signal that
// empties the /go and listing caches.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditService } from '../../src/accounts/audit';
import { CommissionTermService } from '../../src/revenue/term-service';
import { decisionsFrom, SiteStatusService, type SiteDecision } from '../../src/sites/site-status';
import { openStorage, type Site, type SiteStatus, type Storage } from '../../src/storage';
import { makeTempDir } from '../helpers/temp-dir';

describe('site status service (real SQLite file)', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let storage: Storage;
  let audit: AuditService;
  let service: SiteStatusService;
  let site: Site;

  beforeEach(async () => {
    dir = makeTempDir();
    storage = openStorage(dir.file('sites.db'));
    audit = new AuditService(storage.auditLog);
    service = new SiteStatusService(storage, audit);
    site = await storage.sites.upsert({ slug: 'letuan', name: '乐团网', homeUrl: 'http://letuan.example/', status: 'pending' });
  });
  afterEach(async () => {
    await storage.close();
    dir.remove();
  });

  /** Writes the verification as another connection would (the owner's verify step is not this service's). */
  const markVerified = (siteId: number) => {
    const db = new Database(dir.file('sites.db'));
    try {
      db.prepare('UPDATE sites SET verified_at = ? WHERE id = ?').run(Date.UTC(2026, 10, 1), siteId);
    } finally {
      db.close();
    }
  };
  const setStatus = (status: SiteStatus) => storage.sites.setStatus(site.id, status, null);
  const decide = (decision: SiteDecision, extra: { reason?: string; overrideUnverified?: boolean } = {}) =>
    service.decide({ siteId: site.id, decision, actorUserId: null, ...extra });

  it('offers each decision only from the statuses it starts from', async () => {
    expect(decisionsFrom('pending')).toEqual(['approve', 'reject']);
    expect(decisionsFrom('active')).toEqual(['suspend']);
    expect(decisionsFrom('suspended')).toEqual(['reactivate']);
    expect(decisionsFrom('rejected')).toEqual(['approve']);
    for (const status of ['pending', 'active', 'suspended', 'rejected'] as const) {
      await setStatus(status);
      for (const decision of ['approve', 'reject', 'suspend', 'reactivate'] as const) {
        if (decisionsFrom(status).includes(decision)) continue;
        expect(await decide(decision, { reason: 'r', overrideUnverified: true }), `${decision} from ${status}`).toEqual({ ok: false, problem: 'wrongStatus', status });
      }
    }
    expect((await audit.page(1, 10)).total).toBe(0);
  });

  it('approves a verified site without an override, an unverified one only with it', async () => {
    expect(await decide('approve')).toEqual({ ok: false, problem: 'unverified' });
    expect((await storage.sites.findById(site.id))!.status).toBe('pending');
    markVerified(site.id);
    const result = await decide('approve');
    expect(result).toMatchObject({ ok: true, site: { status: 'active', statusReason: null } });
    const [entry] = (await audit.page(1, 1)).entries;
    expect(entry).toMatchObject({ action: 'site.approve', subject: `site:${site.id}`, before: { status: 'pending' }, after: { status: 'active', verifiedAt: '2026-11-01T00:00:00.000Z' } });
    expect(entry!.after).not.toHaveProperty('approvedUnverified');
  });

  it('needs a reason to reject or suspend, keeps it for the owner, and clears it on approval or reactivation', async () => {
    expect(await decide('reject')).toEqual({ ok: false, problem: 'reasonRequired' });
    expect(await decide('reject', { reason: 'x'.repeat(501) })).toEqual({ ok: false, problem: 'reasonTooLong' });
    expect(await decide('reject', { reason: '  No prices in the feed.  ' })).toMatchObject({ ok: true, site: { status: 'rejected', statusReason: 'No prices in the feed.' } });
    expect(await decide('approve', { overrideUnverified: true })).toMatchObject({ ok: true, site: { status: 'active', statusReason: null } });
    expect(await decide('suspend', { reason: '' })).toEqual({ ok: false, problem: 'reasonRequired' });
    expect(await decide('suspend', { reason: 'Dead links' })).toMatchObject({ ok: true, site: { status: 'suspended', statusReason: 'Dead links' } });
    expect(await decide('reactivate', { reason: 'ignored' })).toMatchObject({ ok: true, site: { status: 'active', statusReason: null } });
    expect((await audit.page(1, 10)).entries.map((entry) => entry.action)).toEqual(['site.reactivate', 'site.suspend', 'site.approve', 'site.reject']);
  });

  it('tells the deals change listeners after every status change, and only active sites have due feeds', async () => {
    const feed = await storage.feeds.upsert({ siteId: site.id, url: 'http://letuan.example/feed.xml' });
    let signals = 0;
    const stop = storage.deals.onRedirectTargetsChanged(() => { signals++; });
    const due = async () => (await storage.feeds.listDue(new Date(), 10)).map((row) => row.id);
    expect(await due()).toEqual([]);
    await decide('approve', { overrideUnverified: true });
    expect(signals).toBe(1);
    expect(await due()).toEqual([feed.id]);
    await decide('suspend', { reason: 'checking' });
    expect(signals).toBe(2);
    expect(await due()).toEqual([]);
    stop();
    await decide('reactivate');
    expect(signals).toBe(2);
    expect(await due()).toEqual([feed.id]);
  });

  it('answers notFound for a site that does not exist', async () => {
    expect(await service.decide({ siteId: 999, decision: 'approve', actorUserId: null, overrideUnverified: true })).toEqual({ ok: false, problem: 'notFound' });
  });

  it('adds commission terms only from after the latest closed statement month, audited', async () => {
    const terms = new CommissionTermService(storage, audit, () => new Date('2026-04-10T00:00:00Z'));
    const cps = { model: 'cps' as const, rateBp: 850, flatMinor: null, currency: null, category: null };
    expect(await terms.earliestStart(site.id)).toBeNull();
    expect(await terms.add(site.id, { ...cps, effectiveFrom: new Date('2026-01-15T00:00:00Z') }, null)).toMatchObject({ ok: true });
    await storage.revenue.markPeriodClosed(site.id, '2026-01', new Date());
    await storage.revenue.markPeriodClosed(site.id, '2026-03', new Date());
    expect(await terms.earliestStart(site.id)).toEqual({ closedPeriod: '2026-03', earliest: new Date('2026-04-01T00:00:00Z') });
    expect(await terms.add(site.id, { ...cps, effectiveFrom: new Date('2026-03-31T23:59:59Z') }, null))
      .toEqual({ ok: false, problem: 'beforeClosedMonth', closedPeriod: '2026-03', earliest: new Date('2026-04-01T00:00:00Z') });
    expect(await terms.add(site.id, { ...cps, rateBp: 900, effectiveFrom: new Date('2026-04-01T00:00:00Z') }, null)).toMatchObject({ ok: true, term: { rateBp: 900 } });
    expect((await storage.revenue.listTerms(site.id)).map((term) => term.rateBp)).toEqual([850, 900]);
    expect((await audit.page(1, 10)).entries.map((entry) => entry.action)).toEqual(['commission_term.add', 'commission_term.add']);
  });
});
