// The reconciliation service on a real SQLite file: applying an import is claimed once (two at
// the same time: one applies, the other changes nothing), and an apply that fails part way can be
// applied again, the rows it already applied then counting as unchanged.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditService } from '../../src/accounts/audit';
import { newClickId } from '../../src/revenue/click-id';
import { PostbackService } from '../../src/revenue/postback';
import { defaultMapping } from '../../src/revenue/reconciliation/mapping';
import { ReconciliationService } from '../../src/revenue/reconciliation/reconciliation-service';
import { openStorage, type Site, type Storage } from '../../src/storage';
import { dealRecord } from '../helpers/deal-record';
import { makeTempDir } from '../helpers/temp-dir';

describe('ReconciliationService', () => {
  const dir = makeTempDir();
  let storage: Storage;
  let site: Site;
  let postbacks: PostbackService;
  let report: Buffer;

  beforeEach(async () => {
    storage = openStorage(dir.file(`recon-${Date.now()}-${Math.random()}.db`));
    site = await storage.sites.upsert({ slug: 'letuan', name: '乐团网', homeUrl: 'http://www.letuan.example/' });
    const feed = await storage.feeds.upsert({ siteId: site.id, url: 'http://www.letuan.example/api.xml' });
    await storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: 'a' })], new Date());
    const deal = (await storage.deals.listLive({ now: new Date(), page: 1, pageSize: 1 })).deals[0]!;
    const clickedAt = new Date(Date.now() - 3_600_000);
    const tokens = [1, 2, 3].map((id) => newClickId(id));
    await storage.clicks.insertBatch(tokens.map((token, i) => ({
      id: i + 1, token, dealId: deal.id, siteId: site.id, createdAt: clickedAt, city: null, subId: null, referrer: null,
      userAgent: 'Mozilla/5.0', ipHash: 'h', isBot: false, isDuplicate: false,
    })));
    postbacks = await PostbackService.create(storage);
    const orderTime = Math.floor((Date.now() - 1_800_000) / 1000);
    report = Buffer.from(`order_id,click_id,amount,status,order_time\n${tokens.map((token, i) => `N${i + 1},${token},10.00,approved,${orderTime}`).join('\n')}\n`);
  });
  afterEach(async () => { await storage.close(); });
  afterAll(() => dir.remove());

  const previewWith = async (service: ReconciliationService) => {
    const outcome = await service.preview({
      site, upload: { fileName: 'r.csv', bytes: report, truncated: false }, mapping: defaultMapping(), periodFrom: null, periodTo: null, actorUserId: null,
    });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.problems));
    return outcome.batch;
  };

  it('applies an import once when two applies race', async () => {
    const service = new ReconciliationService(storage, postbacks, new AuditService(storage.auditLog));
    const batch = await previewWith(service);
    const [first, second] = await Promise.all([service.apply(batch.id, [0, 1, 2], null), service.apply(batch.id, [0, 1, 2], null)]);
    expect([first.alreadyApplied, second.alreadyApplied].sort()).toEqual([false, true]);
    expect(await storage.revenue.countConversions(site.id)).toBe(3);
    expect((await storage.reconciliation.findImport(batch.id))!.status).toBe('applied');
  });

  it('releases an import whose apply failed part way, and applying it again finishes the rest', async () => {
    let calls = 0;
    const failing = Object.create(postbacks) as PostbackService;
    failing.applyChange = (change) => {
      calls += 1;
      if (calls === 2) throw new Error('disk full');
      return postbacks.applyChange(change);
    };
    const batch = await previewWith(new ReconciliationService(storage, postbacks, new AuditService(storage.auditLog)));
    await expect(new ReconciliationService(storage, failing, new AuditService(storage.auditLog)).apply(batch.id, [0, 1, 2], null)).rejects.toThrow('disk full');
    expect((await storage.reconciliation.findImport(batch.id))!.status).toBe('previewed');
    expect(await storage.revenue.countConversions(site.id)).toBe(1);

    const again = await new ReconciliationService(storage, postbacks, new AuditService(storage.auditLog)).apply(batch.id, [0, 1, 2], null);
    expect(again).toEqual({ alreadyApplied: false, summary: { applied: 2, unchanged: 1, refused: 0, skipped: 0 } });
    expect(await storage.revenue.countConversions(site.id)).toBe(3);
    const n1 = (await storage.revenue.findConversion(site.id, 'N1'))!;
    expect((await storage.revenue.listEvents(n1.id)).map((event) => event.source)).toEqual(['import']);
  });
});
