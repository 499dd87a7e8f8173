// A month of mixed events through the real postback path on a real SQLite file, with the
// statement recomputed by hand.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newClickId } from '../../src/revenue/click-id';
import { PostbackService, signPostback, type PostbackParams } from '../../src/revenue/postback';
import { closeStatement, statementCsv, statementFor } from '../../src/revenue/statements';
import { openStorage, type NewCommissionTerm, type Site, type Storage } from '../../src/storage';
import { dealRecord } from '../helpers/deal-record';
import { makeTempDir } from '../helpers/temp-dir';

const SECRET = 'statement-test-secret';
const at = (iso: string) => new Date(iso);

describe('commissions and monthly statements', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let storage: Storage;
  let site: Site;
  let postbacks: PostbackService;
  let clock: Date;
  let nextClick = 1;
  const clickTokens = new Map<string, string>();

  beforeEach(async () => {
    dir = makeTempDir();
    storage = openStorage(dir.file('money.db'));
    site = await storage.sites.upsert({ slug: 'letuan', name: '乐团网', homeUrl: 'http://www.letuan.example/', clickParam: 'dnclick' });
    const feed = await storage.feeds.upsert({ siteId: site.id, url: 'http://www.letuan.example/api.xml' });
    await storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: 'food', category: 'food' }), dealRecord({ externalId: 'spa', category: 'beauty' })], new Date());
    await storage.revenue.rotatePostbackSecret(site.id, SECRET, new Date(), null);
    postbacks = await PostbackService.create(storage, { now: () => clock });
  });
  afterEach(async () => {
    await storage.close();
    dir.remove();
  });

  const dealIds = async () => {
    const deals = (await storage.deals.listLive({ now: new Date(), page: 1, pageSize: 10 })).deals;
    return { food: deals.find((d) => d.externalId === 'food')!.id, beauty: deals.find((d) => d.externalId === 'spa')!.id };
  };
  const click = async (name: string, iso: string, deal: 'food' | 'beauty' = 'food', isBot = false) => {
    const id = nextClick++;
    const token = newClickId(id);
    await storage.clicks.insertBatch([{
      id, token, dealId: (await dealIds())[deal], siteId: site.id, createdAt: at(iso), city: null, subId: null,
      referrer: null, userAgent: null, ipHash: `ip${id}`, isBot, isDuplicate: false,
    }]);
    clickTokens.set(name, token);
  };
  const term = (term: Partial<NewCommissionTerm> & Pick<NewCommissionTerm, 'model' | 'effectiveFrom'>) =>
    storage.revenue.addTerm({ siteId: site.id, rateBp: null, flatMinor: null, currency: null, category: null, now: new Date(), ...term });
  /** A postback signed at `iso`, received by a server whose clock reads `receivedIso` (default the same). */
  const post = (iso: string, fields: { click: string; order: string; amount: string; status: PostbackParams['status']; currency?: string; kind?: 'sale' | 'lead' }, receivedIso = iso) => {
    clock = at(receivedIso);
    const params: Record<string, string> = {
      site: 'letuan', click_id: clickTokens.get(fields.click)!, order_id: fields.order, amount: fields.amount,
      currency: fields.currency ?? 'CNY', status: fields.status, ts: String(at(iso).getTime() / 1000),
      ...(fields.kind ? { kind: fields.kind } : {}),
    };
    return postbacks.receive({ ...params, sig: signPostback(SECRET, params) } as unknown as PostbackParams);
  };

  it('prices each conversion with the term in force when it happened, never rewritten later', async () => {
    await term({ model: 'cps', rateBp: 1000, effectiveFrom: at('2026-10-01T00:00:00Z') });
    await term({ model: 'cps', rateBp: 850, effectiveFrom: at('2026-10-15T00:00:00Z'), category: 'food' });
    await click('c1', '2026-10-14T10:00:00Z');
    await click('c2', '2026-10-14T11:00:00Z', 'beauty');
    await post('2026-10-14T23:59:59Z', { click: 'c1', order: 'before', amount: '68.01', status: 'pending' });
    await post('2026-10-15T00:00:00Z', { click: 'c1', order: 'after', amount: '68.01', status: 'pending' });
    await post('2026-10-15T00:00:00Z', { click: 'c2', order: 'other-category', amount: '68.01', status: 'pending' });
    // A later, retroactive term does not touch conversions already priced, even on their approval.
    await term({ model: 'cps', rateBp: 5000, effectiveFrom: at('2026-10-01T00:00:00Z'), category: 'food' });
    await post('2026-10-16T00:00:00Z', { click: 'c1', order: 'after', amount: '68.01', status: 'approved' });
    const entries = await storage.revenue.listEntries(site.id);
    expect(entries.map((e) => [e.bucket, e.amountMinor])).toEqual([
      ['pending', 680], // 10% of 6801 = 680.1 → 680
      ['pending', 578], // 8.5% of 6801 = 578.085 → 578
      ['pending', 680], // beauty: the all-category 10%
      ['pending', -578], ['approved', 578],
    ]);
    expect(entries[1]!.explanation).toContain('cps 850bp × 6801 = 578.085 → 578 (half-up)');
  });

  it('adds up a month of mixed events, closes it, and sends a late event to the next month', async () => {
    await term({ model: 'cps', rateBp: 1000, effectiveFrom: at('2026-10-01T00:00:00Z') });
    await term({ model: 'cps', rateBp: 850, effectiveFrom: at('2026-10-15T00:00:00Z'), category: 'food' });
    await term({ model: 'cpa_lead', flatMinor: 200, currency: 'CNY', effectiveFrom: at('2026-10-01T00:00:00Z') });
    await term({ model: 'cpc', flatMinor: 10, currency: 'CNY', effectiveFrom: at('2026-10-18T00:00:00Z') });
    await click('c1', '2026-10-02T10:00:00Z');
    await click('c2', '2026-10-10T10:00:00Z');
    await click('c3', '2026-10-16T10:00:00Z');
    await click('c4', '2026-10-20T10:00:00Z');
    await click('bot', '2026-10-20T11:00:00Z', 'food', true);

    await post('2026-10-03T12:00:00Z', { click: 'c1', order: 'A1', amount: '68.01', status: 'pending' });            // 10% → 680
    await post('2026-10-11T12:00:00Z', { click: 'c2', order: 'C1', amount: '100.00', status: 'pending' });           // 10% → 1000
    await post('2026-10-12T12:00:00Z', { click: 'c2', order: 'D1', amount: '10.00', currency: 'USD', status: 'pending' }); // 10% → 100 USD
    await post('2026-10-16T12:00:00Z', { click: 'c3', order: 'B1', amount: '68.01', status: 'pending' });            // 8.5% food → 578
    await post('2026-10-20T12:00:00Z', { click: 'c1', order: 'A1', amount: '68.01', status: 'approved' });
    await post('2026-10-21T12:00:00Z', { click: 'c2', order: 'C1', amount: '100.00', status: 'rejected' });
    await post('2026-10-22T12:00:00Z', { click: 'c4', order: 'L1', amount: '0', kind: 'lead', status: 'pending' });  // flat 200
    await post('2026-10-25T12:00:00Z', { click: 'c3', order: 'B1', amount: '68.01', status: 'approved' });

    // By hand, October, CNY: conversions A1, B1, L1 (C1 rejected); sales A1 + B1 = 6801 + 6801.
    // Pending at the end: A1 +680 −680, C1 +1000 −1000, B1 +578 −578, L1 +200 = 200.
    // Approved: A1 680 + B1 578 = 1258. CPC: clicks from 18 Oct on that are billable: c4 only = 10.
    // Payable = 1258 + 0 + 10 = 1268. USD: D1 pending 100, nothing approved.
    const october = {
      site: 'letuan', period: '2026-10', start: '2026-10-01T00:00:00.000Z', end: '2026-11-01T00:00:00.000Z',
      clicks: { total: 5, bots: 1, duplicates: 0, billable: 4 },
      lines: [
        { currency: 'CNY', conversions: 3, sales: 2, leads: 1, salesMinor: 13602, pendingMinor: 200, approvedMinor: 1258, reversedMinor: 0, cpcMinor: 10, adjustmentMinor: 0, payableMinor: 1268 },
        { currency: 'USD', conversions: 1, sales: 1, leads: 0, salesMinor: 1000, pendingMinor: 100, approvedMinor: 0, reversedMinor: 0, cpcMinor: 0, adjustmentMinor: 0, payableMinor: 0 },
      ],
    };
    expect(await statementFor(storage, site, '2026-10')).toMatchObject({ ...october, closedAt: null });

    await expect(closeStatement(storage, site, '2026-11', at('2026-11-01T00:01:00Z'))).rejects.toMatchObject({ code: 'DN_ERR_PERIOD_OPEN' });
    const closed = await closeStatement(storage, site, '2026-10', at('2026-11-01T00:01:00Z'));
    expect(closed).toMatchObject({ ...october, closedAt: '2026-11-01T00:01:00.000Z' });
    await expect(closeStatement(storage, site, '2026-10', at('2026-11-02T00:00:00Z'))).rejects.toMatchObject({ code: 'DN_ERR_PERIOD_CLOSED' });

    // A1 refunded on 31 Oct, reported a minute after October closed (ts within the 5-minute window).
    await post('2026-10-31T23:59:00Z', { click: 'c1', order: 'A1', amount: '68.01', status: 'reversed' }, '2026-11-01T00:02:00Z');
    await post('2026-11-03T12:00:00Z', { click: 'c4', order: 'L1', amount: '0', kind: 'lead', status: 'approved' });
    await post('2026-11-05T12:00:00Z', { click: 'c3', order: 'B1', amount: '68.01', status: 'reversed' });
    // A click in an October that is closed no longer counts anywhere new; one in November does.
    await click('c5', '2026-11-06T10:00:00Z');

    // October is frozen: the same statement as at its close.
    expect(await statementFor(storage, site, '2026-10')).toEqual(closed);
    const reversal = (await storage.revenue.listEntries(site.id)).find((e) => e.bucket === 'reversed' && e.originalPeriod === '2026-10')!;
    expect(reversal).toMatchObject({ amountMinor: -680, period: '2026-11' });
    expect(reversal.explanation).toMatch(/2026-10 closed; adjustment in 2026-11/);

    // By hand, November, CNY: no new conversions. Pending through November: 200 − 200 = 0.
    // Approved: L1 200. Reversed: A1 −680 (adjustment from October) + B1 −578 = −1258.
    // CPC: c5 = 10. Payable = 200 − 1258 + 10 = −1048. USD: D1 still pending 100.
    expect(await statementFor(storage, site, '2026-11')).toMatchObject({
      period: '2026-11', closedAt: null, clicks: { total: 1, bots: 0, duplicates: 0, billable: 1 },
      lines: [
        { currency: 'CNY', conversions: 0, sales: 0, salesMinor: 0, pendingMinor: 0, approvedMinor: 200, reversedMinor: -1258, cpcMinor: 10, adjustmentMinor: -680, payableMinor: -1048 },
        { currency: 'USD', conversions: 0, pendingMinor: 100, approvedMinor: 0, reversedMinor: 0, payableMinor: 0 },
      ],
    });
    // October's CPC went into the ledger when it closed.
    expect((await storage.revenue.listEntries(site.id)).filter((e) => e.source === 'cpc')).toMatchObject([{ period: '2026-10', amountMinor: 10, bucket: 'approved' }]);
    expect(statementCsv(closed).split('\r\n')[1]).toBe('letuan,2026-10,CNY,2026-11-01T00:01:00.000Z,5,4,1,0,3,2,1,136.02,2.00,12.58,0.00,0.10,0.00,12.68');
  });
});
