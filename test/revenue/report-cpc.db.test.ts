// CPC commission in the operators' reports before and after the month closes: clicks through the
// real click path (ClickService → ClickWriter group commit → rollups), a site with an every-category
// CPC price and a food price that starts mid-day, a deal re-filed under another category after its
// clicks, and a second site without CPC. The report of the open month must say what closing it then
// writes to the ledger, and after the close the month must not count it twice.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClickService } from '../../src/revenue/click-service';
import { ClickWriter } from '../../src/revenue/click-writer';
import { buildReport, type ReportRequest } from '../../src/revenue/reports';
import { closeStatement } from '../../src/revenue/statements';
import { openStorage, type Site, type Storage } from '../../src/storage';
import { dealRecord } from '../helpers/deal-record';
import { makeTempDir } from '../helpers/temp-dir';

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

describe('CPC commission in reports', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let storage: Storage;
  let letuan: Site;
  let haotuan: Site;
  let writer: ClickWriter;
  let clicks: ClickService;
  let letuanFeed: Awaited<ReturnType<Storage['feeds']['upsert']>>;
  const deals: Record<string, number> = {};

  beforeEach(async () => {
    dir = makeTempDir();
    storage = openStorage(dir.file('reports.db'));
    letuan = await storage.sites.upsert({ slug: 'letuan', name: '乐团网', homeUrl: 'http://www.letuan.example/', clickParam: 'dnclick' });
    haotuan = await storage.sites.upsert({ slug: 'haotuan', name: '好团网', homeUrl: 'http://haotuan.example/', clickParam: 'ref' });
    letuanFeed = await storage.feeds.upsert({ siteId: letuan.id, url: 'http://www.letuan.example/api.xml' });
    const feedB = await storage.feeds.upsert({ siteId: haotuan.id, url: 'http://haotuan.example/api.xml' });
    await storage.deals.applyFeedSnapshot(letuanFeed, letuanDeals('food'), new Date());
    await storage.deals.applyFeedSnapshot(feedB, [
      dealRecord({ externalId: 'cinema', category: 'film', city: 'shanghai', url: 'http://haotuan.example/d/cinema' }),
    ], new Date());
    for (const deal of (await storage.deals.listLive({ now: new Date(), page: 1, pageSize: 10 })).deals) deals[deal.externalId] = deal.id;
    const term = { model: 'cpc' as const, rateBp: null, currency: 'CNY', siteId: letuan.id, now: new Date() };
    await storage.revenue.addTerm({ ...term, flatMinor: 5, category: null, effectiveFrom: new Date('2026-11-01T00:00:00Z') });
    // Starts at 15:00: priced from the next UTC day on (the day's price is the one in force at its start).
    await storage.revenue.addTerm({ ...term, flatMinor: 8, category: 'food', effectiveFrom: new Date('2026-11-10T15:00:00Z') });
    await storage.revenue.addTerm({ ...term, siteId: haotuan.id, model: 'cps', rateBp: 850, flatMinor: null, currency: null, category: null,
      effectiveFrom: new Date('2026-11-01T00:00:00Z') });
    writer = await ClickWriter.open(storage.clicks);
    clicks = await ClickService.create(storage, writer, undefined, { duplicateWindowMs: 30 * 60_000, requestsPerMinute: 6, maxVisitors: 1000 });
  });
  afterEach(async () => {
    vi.useRealTimers();
    clicks.close();
    await writer.drain();
    await storage.close();
    dir.remove();
  });

  const letuanDeals = (hotpotCategory: string) => [
    dealRecord({ externalId: 'hotpot', category: hotpotCategory, city: 'chengdu', url: 'http://www.letuan.example/d/hotpot' }),
    dealRecord({ externalId: 'spa', category: 'beauty', city: 'beijing', url: 'http://www.letuan.example/d/spa' }),
  ];

  /** Clicks at `iso` from distinct visitors (none a repeat); `bot` ones come from Googlebot. */
  let visitor = 0;
  const clickAt = async (iso: string, requests: { deal: string; bot?: boolean }[]) => {
    vi.setSystemTime(new Date(iso));
    const outs = await Promise.all(requests.map((r) => clicks.clickOut({
      dealId: deals[r.deal]!, method: 'GET', ip: `10.0.${Math.floor(++visitor / 200)}.${visitor % 200}`,
      userAgent: r.bot ? GOOGLEBOT : BROWSER, referrer: undefined, subId: null,
    })));
    expect(outs.map((out) => out.kind)).toEqual(requests.map(() => 'redirect'));
  };

  const november = async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    // Nov 2: 3 billable at 5 (food 2, beauty 1) and a bot, which earns nothing; haotuan (no CPC) 2.
    await clickAt('2026-11-02T09:00:00Z', [{ deal: 'hotpot' }, { deal: 'hotpot' }, { deal: 'spa' }, { deal: 'hotpot', bot: true }]);
    await clickAt('2026-11-02T10:00:00Z', [{ deal: 'cinema' }, { deal: 'cinema' }]);
    // Nov 10, after the food price's 15:00 start: still 5, the day began before it.
    await clickAt('2026-11-10T20:00:00Z', [{ deal: 'hotpot' }]);
    // Nov 11: food at 8, beauty at 5.
    await clickAt('2026-11-11T08:00:00Z', [{ deal: 'hotpot' }, { deal: 'hotpot' }, { deal: 'spa' }]);
    // The hot pot is re-filed under film; its earlier clicks stay food, its new one is priced as film (5).
    vi.useRealTimers();
    await storage.deals.applyFeedSnapshot(letuanFeed, letuanDeals('film'), new Date());
    vi.useFakeTimers({ toFake: ['Date'] });
    await clickAt('2026-11-12T08:00:00Z', [{ deal: 'hotpot' }]);
    vi.useRealTimers();
    await writer.drain();
  };
  // 2×5 + 1×5 + 1×5 + 2×8 + 1×5 + 1×5 + … = food 10+5+16, beauty 5+5, film 5.
  const EXPECTED = { total: 46, billable: 8, byCategory: { food: 31, beauty: 10, film: 5 } };
  // The hot pot (Chengdu) 31 + 5 as film, the spa (Beijing) 10; no click has a sub id.
  const EXPECTED_BY = { city: { chengdu: 36, beijing: 10 }, sub: { '': 46 }, deal: () => ({ [deals.hotpot!]: 36, [deals.spa!]: 10 }) };

  const request = (over: Partial<ReportRequest>): ReportRequest =>
    ({ grain: 'month', groupBy: 'site', from: '2026-11-01', to: '2026-11-30', site: null, page: 1, pageSize: 100, ...over });
  const cny = (figures: { money: { currency: string; commissionMinor: number; epcMinor: number | null }[] }) =>
    figures.money.find((m) => m.currency === 'CNY') ?? { commissionMinor: 0, epcMinor: null };

  it('counts an open month\'s CPC as closing it then writes to the ledger, and only once after the close', async () => {
    await november();
    const open = await buildReport(storage, request({}));
    const letuanLine = open.lines.find((line) => line.key === 'letuan')!;
    expect(letuanLine.billableClicks).toBe(EXPECTED.billable);
    expect(cny(letuanLine)).toMatchObject({ commissionMinor: EXPECTED.total, epcMinor: EXPECTED.total / EXPECTED.billable });
    expect(open.lines[0]!.key).toBe('letuan'); // ranked by commission, CPC included
    expect(cny(open.lines.find((line) => line.key === 'haotuan')!).commissionMinor).toBe(0);
    expect(cny(open.totals).commissionMinor).toBe(EXPECTED.total);
    expect(open.topSites).toEqual([{ currency: 'CNY', sites: [{ key: 'letuan', label: '乐团网', commissionMinor: EXPECTED.total }] }]);

    // By click-time category, across sites (report_dims_daily) and for the one site (report_site_dims_daily).
    for (const site of [null, 'letuan']) {
      const byCategory = await buildReport(storage, request({ groupBy: 'category', site }));
      expect(Object.fromEntries(byCategory.lines.filter((line) => cny(line).commissionMinor !== 0)
        .map((line) => [line.key, cny(line).commissionMinor]))).toEqual(EXPECTED.byCategory);
    }
    // By city and sub id (report_billable_daily) and by deal (report_daily's click rows), across sites and for the one site.
    for (const site of [null, 'letuan']) {
      for (const [groupBy, expected] of [['city', EXPECTED_BY.city], ['sub', EXPECTED_BY.sub], ['deal', EXPECTED_BY.deal()]] as const) {
        const report = await buildReport(storage, request({ groupBy, site }));
        expect(Object.fromEntries(report.lines.filter((line) => cny(line).commissionMinor !== 0)
          .map((line) => [line.key, cny(line).commissionMinor]))).toEqual(expected);
      }
    }
    // Per day: Nov 11 is 2×8 + 1×5; per deal, the hot pot's clicks under the hot pot.
    const days = await buildReport(storage, request({ grain: 'day', site: 'letuan' }));
    expect(cny(days.lines.find((line) => line.period === '2026-11-11')!).commissionMinor).toBe(21);
    const byDeal = await buildReport(storage, request({ groupBy: 'deal', site: 'letuan' }));
    expect(cny(byDeal.lines.find((line) => line.key === String(deals.hotpot))!).commissionMinor).toBe(5 * 3 + 16 + 5);

    const statement = await closeStatement(storage, letuan, '2026-11', new Date('2026-12-01T00:00:00Z'));
    expect(statement.lines.find((line) => line.currency === 'CNY')!.cpcMinor).toBe(EXPECTED.total);
    const ledger = (await storage.revenue.listEntries(letuan.id)).filter((entry) => entry.source === 'cpc');
    expect(ledger.map((entry) => [entry.currency, entry.amountMinor])).toEqual([['CNY', EXPECTED.total]]);

    const closed = await buildReport(storage, request({}));
    expect(cny(closed.lines.find((line) => line.key === 'letuan')!)).toMatchObject({
      commissionMinor: EXPECTED.total, epcMinor: EXPECTED.total / EXPECTED.billable,
    });
    expect(cny(closed.totals).commissionMinor).toBe(EXPECTED.total);
    expect(closed.topSites[0]!.sites[0]!.commissionMinor).toBe(EXPECTED.total);
    // Once closed, the month's CPC is the ledger's one entry: its last day, no deal or category.
    const closedDays = await buildReport(storage, request({ grain: 'day', site: 'letuan' }));
    expect(closedDays.lines.filter((line) => cny(line).commissionMinor !== 0).map((line) => [line.period, cny(line).commissionMinor]))
      .toEqual([['2026-11-30', EXPECTED.total]]);
  });

  it('prices the open December apart from the closed November in one report', async () => {
    await november();
    await closeStatement(storage, letuan, '2026-11', new Date('2026-12-01T00:00:00Z'));
    vi.useFakeTimers({ toFake: ['Date'] });
    await clickAt('2026-12-01T00:00:00Z', [{ deal: 'spa' }, { deal: 'cinema' }]);
    vi.useRealTimers();
    await writer.drain();
    const both = await buildReport(storage, request({ from: '2026-10-01', to: '2026-12-31' }));
    expect(both.lines.filter((line) => line.key === 'letuan').map((line) => [line.period, cny(line).commissionMinor]))
      .toEqual([['2026-11', EXPECTED.total], ['2026-12', 5]]);
    expect(cny(both.totals).commissionMinor).toBe(EXPECTED.total + 5);
  });
});
