// The report rollups against a recomputation from the raw rows: a week of clicks through the real
// click path (ClickService → ClickWriter group commit) with bots, HEAD requests, duplicates,
// sub ids and two sites in different cities; conversions through the real PostbackService in two
// currencies with approvals, rejections, amount changes and a reversal; a closed month's CPC
// entries (the CPC of the month still open, which the queries add, is checked per site against
// across sites). Then the migrations' backfills, run again on the same raw rows, must give the same
// rollups.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClickService } from '../../src/revenue/click-service';
import { ClickWriter } from '../../src/revenue/click-writer';
import { PostbackService, signPostback, type PostbackParams } from '../../src/revenue/postback';
import { unclosedCpcPrices } from '../../src/revenue/cpc-prices';
import { closeStatement } from '../../src/revenue/statements';
import { openStorage, type Site, type Storage } from '../../src/storage';
import { migrationSql, schemaVersion } from '../../src/storage/sqlite/migrations';
import { dealRecord } from '../helpers/deal-record';
import { makeTempDir } from '../helpers/temp-dir';

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const MEASURES = ['billable', 'bots', 'duplicates', 'conversions', 'sales_minor', 'pending_minor', 'approved_minor', 'reversed_minor'] as const;
type Measures = Record<(typeof MEASURES)[number], number>;
type FineRow = { day: number; site_id: number; deal_id: number; sub_id: string; city: string; category: string; currency: string } & Measures;
type DimRow = { dim: string; day: number; value: string; currency: string } & Measures;
type SiteDimRow = { site_id: number } & DimRow;
type BillableRow = { day: number; site_id: number; dim: string; category: string; value: string; billable: number };

const zero = (): Measures => Object.fromEntries(MEASURES.map((m) => [m, 0])) as Measures;
const nonZero = (row: Measures) => MEASURES.some((m) => row[m] !== 0);
const sortRows = <T extends object>(rows: T[]) => rows.map((row) => JSON.stringify(row)).sort();

/** report_daily recomputed in JavaScript from clicks, conversions and commission_entries. */
function recompute(db: Database.Database): FineRow[] {
  const rows = new Map<string, FineRow>();
  const add = (key: Omit<FineRow, keyof Measures>, measures: Partial<Measures>) => {
    const id = JSON.stringify(key);
    const row = rows.get(id) ?? rows.set(id, { ...key, ...zero() }).get(id)!;
    for (const [m, v] of Object.entries(measures)) row[m as keyof Measures] += v;
  };
  const day = (ms: number) => Math.floor(ms / 86_400_000);
  type Click = { id: number; site_id: number; deal_id: number; sub_id: string | null; city: string | null; created_at: number; is_bot: number; is_duplicate: number; category: string | null };
  const clicks = new Map<number, Click>();
  // The category the click was made under (its deal's for a click from before it was kept).
  const clickRows = db.prepare(`SELECT k.id, k.site_id, k.deal_id, k.sub_id, k.city, k.created_at, k.is_bot, k.is_duplicate,
    coalesce(k.category, d.category) AS category FROM clicks k JOIN deals d ON d.id = k.deal_id`).all() as Click[];
  for (const click of clickRows) {
    clicks.set(click.id, click);
    add({ day: day(click.created_at), site_id: click.site_id, deal_id: click.deal_id, sub_id: click.sub_id ?? '', city: click.city ?? '', category: click.category ?? '', currency: '' },
      click.is_bot ? { bots: 1 } : click.is_duplicate ? { duplicates: 1 } : { billable: 1 });
  }
  const where = (click: Click | undefined) => ({
    deal_id: click?.deal_id ?? 0, sub_id: click?.sub_id ?? '', city: click?.city ?? '', category: click?.category ?? '',
  });
  type Conversion = { id: number; site_id: number; click_id: number; kind: string; amount_minor: number; currency: string; status: string; occurred_at: number };
  const conversions = new Map<number, Conversion>();
  for (const c of db.prepare('SELECT * FROM conversions').all() as Conversion[]) {
    conversions.set(c.id, c);
    add({ day: day(c.occurred_at), site_id: c.site_id, ...where(clicks.get(c.click_id)), currency: c.currency }, {
      conversions: c.status === 'rejected' ? 0 : 1,
      sales_minor: c.kind === 'sale' && (c.status === 'pending' || c.status === 'approved') ? c.amount_minor : 0,
    });
  }
  type Entry = { site_id: number; conversion_id: number | null; bucket: 'pending' | 'approved' | 'reversed'; amount_minor: number; currency: string; effective_at: number };
  for (const e of db.prepare('SELECT * FROM commission_entries').all() as Entry[]) {
    const conversion = e.conversion_id === null ? undefined : conversions.get(e.conversion_id);
    add({ day: day(e.effective_at), site_id: e.site_id, ...where(conversion && clicks.get(conversion.click_id)), currency: e.currency },
      { [`${e.bucket}_minor`]: e.amount_minor });
  }
  return [...rows.values()].filter(nonZero);
}

/** The measures of `fine` summed under each key `keysOf` gives a row (zero rows left out). */
function sumsBy<Key extends object>(fine: FineRow[], keysOf: (row: FineRow) => Key[]): (Key & Measures)[] {
  const rows = new Map<string, Key & Measures>();
  for (const row of fine) {
    for (const key of keysOf(row)) {
      const id = JSON.stringify(key);
      const target = rows.get(id) ?? rows.set(id, { ...key, ...zero() }).get(id)!;
      for (const m of MEASURES) target[m] += row[m];
    }
  }
  return [...rows.values()].filter(nonZero);
}

const dimsOf = (fine: FineRow[]): DimRow[] => sumsBy(fine, (row) =>
  ([['site', String(row.site_id)], ['category', row.category], ['city', row.city], ['sub', row.sub_id]] as const)
    .map(([dim, value]) => ({ dim, day: row.day, value, currency: row.currency })));

/** report_site_dims_daily recomputed: dimsOf per site (no 'site' dimension). */
const siteDimsOf = (fine: FineRow[]): SiteDimRow[] => sumsBy(fine, (row) =>
  ([['category', row.category], ['city', row.city], ['sub', row.sub_id]] as const)
    .map(([dim, value]) => ({ site_id: row.site_id, dim, day: row.day, value, currency: row.currency })));

/** report_billable_daily recomputed from the click rows of `fine`: billable clicks per day × site × category, in all and per city and sub id. */
function billableOf(fine: FineRow[]): BillableRow[] {
  const rows = new Map<string, BillableRow>();
  for (const row of fine.filter((r) => r.currency === '' && r.billable > 0)) {
    for (const [dim, value] of [['all', ''], ['city', row.city], ['sub', row.sub_id]] as const) {
      const key = { day: row.day, site_id: row.site_id, dim, category: row.category, value };
      const id = JSON.stringify(key);
      (rows.get(id) ?? rows.set(id, { ...key, billable: 0 }).get(id)!).billable += row.billable;
    }
  }
  return [...rows.values()];
}

const readSiteDims = (db: Database.Database) =>
  (db.prepare(`SELECT site_id, dim, day, value, currency, ${MEASURES.join(', ')} FROM report_site_dims_daily`).all() as SiteDimRow[]).filter(nonZero);
const readBillable = (db: Database.Database) =>
  db.prepare('SELECT day, site_id, dim, category, value, billable FROM report_billable_daily').all() as BillableRow[];
const readFine = (db: Database.Database) =>
  (db.prepare(`SELECT day, site_id, deal_id, sub_id, city, category, currency, ${MEASURES.join(', ')} FROM report_daily`).all() as FineRow[]).filter(nonZero);
const readDims = (db: Database.Database) =>
  (db.prepare(`SELECT dim, day, value, currency, ${MEASURES.join(', ')} FROM report_dims_daily`).all() as DimRow[]).filter(nonZero);

describe('report rollups', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let storage: Storage;
  let letuan: Site;
  let haotuan: Site;
  let writer: ClickWriter;
  let clicks: ClickService;
  let postbacks: PostbackService;
  let clock: Date;
  const deals: Record<string, number> = {};
  let feedA: { id: number; siteId: number };
  const letuanDeals = (hotpotCategory = 'food') => [
    dealRecord({ externalId: 'hotpot', category: hotpotCategory, city: 'chengdu', url: 'http://www.letuan.example/d/hotpot' }),
    dealRecord({ externalId: 'spa', category: 'beauty', city: 'beijing', url: 'http://www.letuan.example/d/spa' }),
  ];

  beforeEach(async () => {
    dir = makeTempDir();
    storage = openStorage(dir.file('reports.db'));
    letuan = await storage.sites.upsert({ slug: 'letuan', name: '乐团网', homeUrl: 'http://www.letuan.example/', clickParam: 'dnclick' });
    haotuan = await storage.sites.upsert({ slug: 'haotuan', name: '好团网', homeUrl: 'http://haotuan.example/', clickParam: 'ref' });
    feedA = await storage.feeds.upsert({ siteId: letuan.id, url: 'http://www.letuan.example/api.xml' });
    const feedB = await storage.feeds.upsert({ siteId: haotuan.id, url: 'http://haotuan.example/api.xml' });
    await storage.deals.applyFeedSnapshot(feedA, letuanDeals(), new Date());
    await storage.deals.applyFeedSnapshot(feedB, [
      dealRecord({ externalId: 'cinema', category: 'film', city: 'shanghai', currency: 'USD', url: 'http://haotuan.example/d/cinema' }),
    ], new Date());
    for (const deal of (await storage.deals.listLive({ now: new Date(), page: 1, pageSize: 10 })).deals) deals[deal.externalId] = deal.id;
    for (const site of [letuan, haotuan]) await storage.revenue.rotatePostbackSecret(site.id, `secret-${site.slug}`, new Date(), null);
    const term = { rateBp: null, flatMinor: null, currency: null, category: null, now: new Date(), effectiveFrom: new Date('2026-01-01T00:00:00Z') };
    await storage.revenue.addTerm({ ...term, siteId: letuan.id, model: 'cps', rateBp: 1000 });
    await storage.revenue.addTerm({ ...term, siteId: letuan.id, model: 'cpa_lead', flatMinor: 300, currency: 'CNY' });
    await storage.revenue.addTerm({ ...term, siteId: haotuan.id, model: 'cps', rateBp: 850 });
    await storage.revenue.addTerm({ ...term, siteId: haotuan.id, model: 'cpc', flatMinor: 5, currency: 'USD' });
    // As the server wires it, but rolling up after every batch: the mark moves many times through the mix.
    writer = await ClickWriter.open(storage.clicks, { rollUp: (limit) => storage.reports.rollUpClicks(limit), rollUpEveryMs: 0 });
    clicks = await ClickService.create(storage, writer, undefined, { duplicateWindowMs: 30 * 60_000, requestsPerMinute: 6, maxVisitors: 1000 });
    postbacks = await PostbackService.create(storage, { now: () => clock });
  });
  afterEach(async () => {
    vi.useRealTimers();
    clicks.close();
    await writer.drain();
    await storage.close();
    dir.remove();
  });

  /** Clicks at `iso`, all in one turn of the event loop (so they share a group commit). */
  const clickAt = async (iso: string, requests: { deal: string; ip: string; ua?: string | null; sub?: string | null; method?: string }[]) => {
    vi.setSystemTime(new Date(iso));
    const outs = await Promise.all(requests.map((r) => clicks.clickOut({
      dealId: deals[r.deal]!, method: r.method ?? 'GET', ip: r.ip, userAgent: r.ua === null ? undefined : r.ua ?? BROWSER,
      referrer: 'http://127.0.0.1/deals', subId: r.sub ?? null,
    })));
    return outs.map((out) => (out.kind === 'redirect' ? new URL(out.location).searchParams.get(out.location.includes('haotuan') ? 'ref' : 'dnclick')! : out.kind));
  };
  const post = (site: Site, iso: string, fields: { click: string; order: string; amount: string; status: PostbackParams['status']; currency: string; kind?: 'sale' | 'lead' }) => {
    clock = new Date(iso);
    const params: Record<string, string> = {
      site: site.slug, click_id: fields.click, order_id: fields.order, amount: fields.amount, currency: fields.currency,
      status: fields.status, ts: String(Math.floor(clock.getTime() / 1000)), ...(fields.kind ? { kind: fields.kind } : {}),
    };
    return postbacks.receive({ ...params, sig: signPostback(`secret-${site.slug}`, params) } as unknown as PostbackParams);
  };

  const realisticMix = async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    // Day 1 (Oct 29): humans on three deals with subs, a Googlebot, a HEAD probe, no user agent, a repeat.
    const [a1, a2, , , , , b1] = await clickAt('2026-10-29T09:00:00Z', [
      { deal: 'hotpot', ip: '10.0.0.1', sub: 'banner' },
      { deal: 'spa', ip: '10.0.0.2' },
      { deal: 'hotpot', ip: '10.0.0.3', ua: GOOGLEBOT, sub: 'banner' },
      { deal: 'hotpot', ip: '10.0.0.4', method: 'HEAD' },
      { deal: 'spa', ip: '10.0.0.5', ua: null, sub: 'sidebar' },
      { deal: 'hotpot', ip: '10.0.0.1', sub: 'banner' }, // duplicate of the first
      { deal: 'cinema', ip: '10.0.0.6', sub: '=cmd()' },
    ]);
    // Rate limit: beyond 6 requests of one visitor a minute, refused and never stored; the 2nd to 6th are duplicates.
    const probing = await clickAt('2026-10-29T09:00:30Z', Array.from({ length: 8 }, () => ({ deal: 'cinema', ip: '10.0.0.9' })));
    expect(probing.filter((out) => out === 'too_many')).toHaveLength(2);
    // Day 2 (Oct 30) 23:59 and day 3 (Oct 31) 00:00: the UTC day boundary.
    const [a3, b2] = await clickAt('2026-10-30T23:59:59Z', [{ deal: 'hotpot', ip: '10.0.1.1' }, { deal: 'cinema', ip: '10.0.1.2', sub: 'app' }]);
    const [a4] = await clickAt('2026-10-31T00:00:00Z', [{ deal: 'spa', ip: '10.0.1.3', sub: 'banner' }, { deal: 'spa', ip: '10.0.1.3', sub: 'banner' }]);
    // Days 4–6 (Nov 1–3): a spread of humans and bots; a repeat 31 minutes later is billable again.
    for (const [index, iso] of ['2026-11-01T08:00:00Z', '2026-11-02T12:00:00Z', '2026-11-03T18:00:00Z'].entries()) {
      await clickAt(iso, [
        { deal: 'hotpot', ip: `10.1.${index}.1`, sub: index % 2 ? 'banner' : null },
        { deal: 'cinema', ip: `10.1.${index}.2`, sub: 'app' },
        { deal: 'cinema', ip: `10.1.${index}.3`, ua: 'curl/8.5.0' },
        { deal: 'spa', ip: `10.1.${index}.4` },
      ]);
    }
    await clickAt('2026-11-03T18:31:00Z', [{ deal: 'hotpot', ip: '10.1.2.1' }]);

    // Conversions: CNY on letuan (sales and a lead), USD on haotuan.
    await post(letuan, '2026-10-29T10:00:00Z', { click: a1!, order: 'L1', amount: '68.01', status: 'pending', currency: 'CNY' });
    await post(letuan, '2026-10-30T10:00:00Z', { click: a1!, order: 'L1', amount: '60.00', status: 'pending', currency: 'CNY' }); // amount corrected
    await post(letuan, '2026-11-02T10:00:00Z', { click: a1!, order: 'L1', amount: '60.00', status: 'approved', currency: 'CNY' });
    await post(letuan, '2026-10-29T11:00:00Z', { click: a2!, order: 'L2', amount: '199.00', status: 'pending', currency: 'CNY' });
    await post(letuan, '2026-11-01T11:00:00Z', { click: a2!, order: 'L2', amount: '199.00', status: 'rejected', currency: 'CNY' });
    await post(letuan, '2026-10-31T00:30:00Z', { click: a3!, order: 'L3', amount: '0', status: 'approved', currency: 'CNY', kind: 'lead' });
    await post(letuan, '2026-10-31T01:00:00Z', { click: a4!, order: 'L4', amount: '88.88', status: 'approved', currency: 'CNY' });
    await post(letuan, '2026-11-03T09:00:00Z', { click: a4!, order: 'L4', amount: '88.88', status: 'reversed', currency: 'CNY' }); // refund
    await post(haotuan, '2026-10-29T12:00:00Z', { click: b1!, order: 'H1', amount: '25.50', status: 'pending', currency: 'USD' });
    await post(haotuan, '2026-10-31T12:00:00Z', { click: b2!, order: 'H2', amount: '12.34', status: 'approved', currency: 'USD' });
    await post(haotuan, '2026-11-02T12:00:00Z', { click: b1!, order: 'H1', amount: '25.50', status: 'approved', currency: 'USD' });
    vi.useRealTimers();
    // October closes: haotuan's CPC commission is written to the ledger (no deal: deal 0).
    await closeStatement(storage, haotuan, '2026-10', new Date('2026-11-05T00:00:00Z'));
    await writer.drain();
  };

  it('equal a recomputation from the raw clicks, conversions and commission entries', async () => {
    await realisticMix();
    const db = new Database(dir.file('reports.db'), { readonly: true });
    try {
      const raw = recompute(db);
      // The mix covers what it claims to.
      const total = (m: keyof Measures) => raw.reduce((sum, row) => sum + row[m], 0);
      expect([total('billable'), total('bots'), total('duplicates')]).toEqual([17, 6, 7]);
      expect(new Set(raw.filter((r) => r.currency).map((r) => r.currency))).toEqual(new Set(['CNY', 'USD']));
      expect(raw.some((r) => r.reversed_minor < 0)).toBe(true);
      expect(raw.some((r) => r.deal_id === 0 && r.approved_minor > 0)).toBe(true); // CPC at the month's close
      expect(new Set(raw.map((r) => r.day)).size).toBe(6);

      expect(sortRows(readFine(db))).toEqual(sortRows(raw));
      expect(sortRows(readDims(db))).toEqual(sortRows(dimsOf(raw)));
      // What one site's reports by anything but deal read.
      expect(sortRows(readSiteDims(db))).toEqual(sortRows(siteDimsOf(raw)));
      expect(new Set(readSiteDims(db).map((r) => r.site_id))).toEqual(new Set([letuan.id, haotuan.id]));
      // What CPC pricing reads (the roll-up pass fills it beside report_daily).
      expect(sortRows(readBillable(db))).toEqual(sortRows(billableOf(raw)));
      expect(new Set(readBillable(db).map((r) => r.dim))).toEqual(new Set(['all', 'city', 'sub']));
    } finally {
      db.close();
    }
  });

  it('give the same answer per site (report_site_dims_daily) as across sites (report_dims_daily) and as report_daily, open months\' CPC included', async () => {
    await realisticMix();
    const range = { fromDay: 20_000, toDay: 20_800 };
    // haotuan's October is closed (its CPC in the ledger); November's CPC comes from the prices.
    const cpc = (siteId: number | null) => unclosedCpcPrices(storage, siteId, range.fromDay, range.toDay);
    expect(new Set((await cpc(null)).map((price) => new Date(price.day * 86_400_000).toISOString().slice(0, 7))).has('2026-10')).toBe(false);
    const novemberCpc = (await storage.reports.rollup({ ...range, grain: 'month', groupBy: 'site', siteId: haotuan.id, cpcPrices: await cpc(haotuan.id) }))
      .find((row) => row.currency === 'USD' && new Date(row.periodDay * 86_400_000).toISOString().startsWith('2026-11'))!;
    const novemberLedger = (await storage.reports.rollup({ ...range, grain: 'month', groupBy: 'site', siteId: haotuan.id }))
      .find((row) => row.currency === 'USD' && new Date(row.periodDay * 86_400_000).toISOString().startsWith('2026-11'))!;
    // November's billable haotuan clicks (3 days × 1 human on the cinema) at 5 cents each.
    expect(novemberCpc.approvedMinor - novemberLedger.approvedMinor).toBe(15);
    const raw = new Database(dir.file('reports.db'), { readonly: true });
    const fine = readFine(raw);
    raw.close();
    for (const [groupBy, withCpc] of (['category', 'city', 'sub', 'site'] as const).flatMap((g) => [[g, false], [g, true]] as const)) {
      const prices = async (siteId: number | null) => (withCpc ? { cpcPrices: await cpc(siteId) } : {});
      const all = await storage.reports.rollup({ ...range, grain: 'week', groupBy, siteId: null, ...await prices(null) });
      const perSite = [
        ...await storage.reports.rollup({ ...range, grain: 'week', groupBy, siteId: letuan.id, ...await prices(letuan.id) }),
        ...await storage.reports.rollup({ ...range, grain: 'week', groupBy, siteId: haotuan.id, ...await prices(haotuan.id) }),
      ];
      const fold = (rows: typeof all) => {
        const sums = new Map<string, number[]>();
        for (const row of rows) {
          const key = `${row.periodDay}|${row.key}|${row.currency}`;
          const values = [row.billable, row.bots, row.duplicates, row.conversions, row.salesMinor, row.pendingMinor, row.approvedMinor, row.reversedMinor];
          sums.set(key, (sums.get(key) ?? values.map(() => 0)).map((v, i) => v + values[i]!));
        }
        return [...sums.entries()].filter(([, v]) => v.some((n) => n !== 0)).sort();
      };
      expect(fold(perSite)).toEqual(fold(all));
      if (!withCpc) {
        // Independently of the dimension tables: one site's rows are report_daily's rows of that site, summed.
        const column = { site: 'site_id', category: 'category', city: 'city', sub: 'sub_id' } as const;
        const fromFine = fine.filter((row) => row.day >= range.fromDay && row.day <= range.toDay).map((row) => ({
          periodDay: row.day - ((row.day + 3) % 7), key: String(row[column[groupBy]]), currency: row.currency, billable: row.billable,
          bots: row.bots, duplicates: row.duplicates, conversions: row.conversions, salesMinor: row.sales_minor,
          pendingMinor: row.pending_minor, approvedMinor: row.approved_minor, reversedMinor: row.reversed_minor,
        }));
        expect(fold(perSite)).toEqual(fold(fromFine));
        expect(fold(perSite).length).toBeGreaterThan(5);
      }
    }
    // ISO weeks start on Monday: Oct 29–31 are in the week of Monday Oct 26, Nov 1 (a Sunday) too; Nov 2–3 in the next.
    const weeks = await storage.reports.rollup({ ...range, grain: 'week', groupBy: 'site', siteId: null });
    const mondays = [...new Set(weeks.map((row) => new Date(row.periodDay * 86_400_000).toISOString().slice(0, 10)))].sort();
    expect(mondays).toEqual(['2026-10-26', '2026-11-02']);
  });

  it('are rebuilt exactly by the migration backfill from the raw rows of an existing database', async () => {
    await realisticMix();
    await storage.close();
    const db = new Database(dir.file('reports.db'));
    try {
      const read = () => ({
        fine: sortRows(readFine(db)), dims: sortRows(readDims(db)), siteDims: sortRows(readSiteDims(db)), billable: sortRows(readBillable(db)),
      });
      const before = read();
      const versionOf = (table: string) => Array.from({ length: schemaVersion }, (_, i) => i + 1).find((v) => migrationSql(v).includes(`CREATE TABLE ${table}`))!;
      db.transaction(() => {
        for (const { type, name } of db.prepare("SELECT type, name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'report%'").all() as { type: string; name: string }[]) {
          db.exec(`DROP ${type} ${name}`);
        }
        db.exec('DROP TABLE report_daily; DROP TABLE report_dims_daily; DROP TABLE report_billable_daily; DROP TABLE report_site_dims_daily;');
        db.exec(migrationSql(versionOf('report_daily')));
        db.exec(migrationSql(versionOf('report_billable_daily'))); // filled from report_daily's click rows
        db.exec(migrationSql(versionOf('report_site_dims_daily'))); // filled from report_daily; its money triggers made again
      })();
      expect(read()).toEqual(before);
      expect(before.fine.length).toBeGreaterThan(20);
      expect(before.siteDims.length).toBeGreaterThan(20);
      expect(before.billable.length).toBeGreaterThan(20);
    } finally {
      db.close();
      storage = openStorage(dir.file('reports.db')); // for afterEach
    }
  });

  const today = () => Math.floor(Date.now() / 86_400_000);
  const totals = async (reader: Storage, groupBy: 'site' | 'category' = 'site') =>
    (await reader.reports.rollup({ grain: 'all', groupBy, fromDay: today() - 1, toDay: today() + 1, siteId: null }))
      .map((row) => ({ key: row.key, currency: row.currency, billable: row.billable, conversions: row.conversions, commission: row.pendingMinor + row.approvedMinor }));

  it('count clicks committed but never rolled up (a crash before the next roll-up) once, whichever connection reads first', async () => {
    // A writer that never rolls up, as if the process died right after committing these clicks.
    const lost = await ClickWriter.open(storage.clicks);
    const service = await ClickService.create(storage, lost, undefined, { duplicateWindowMs: 1, requestsPerMinute: 100, maxVisitors: 100 });
    try {
      await Promise.all(['10.2.0.1', '10.2.0.2', '10.2.0.3'].map((ip) => service.clickOut({
        dealId: deals.hotpot!, method: 'GET', ip, userAgent: BROWSER, referrer: undefined, subId: null,
      })));
      await lost.drain();
    } finally {
      service.close();
    }
    const raw = new Database(dir.file('reports.db'), { readonly: true });
    try {
      expect((raw.prepare('SELECT count(*) AS n FROM clicks').get() as { n: number }).n).toBe(3);
      expect(readFine(raw)).toEqual([]); // committed, not counted yet
    } finally {
      raw.close();
    }
    // Another connection (a restarted server, the CLI) reads a report first: the clicks are counted there, once.
    const other = openStorage(dir.file('reports.db'));
    try {
      expect(await totals(other)).toEqual([{ key: String(letuan.id), currency: '', billable: 3, conversions: 0, commission: 0 }]);
    } finally {
      await other.close();
    }
    expect(await totals(storage)).toEqual([{ key: String(letuan.id), currency: '', billable: 3, conversions: 0, commission: 0 }]);
    expect(await storage.reports.rollUpClicks()).toBe(0);
  });

  it('refuse to store a click whose id is not above the clicks already counted', async () => {
    await clickAt(new Date().toISOString(), [{ deal: 'hotpot', ip: '10.3.0.1' }]);
    await writer.drain(); // rolls up: the mark is now the click's id
    const stored = (await storage.clicks.findById(await storage.clicks.maxId()))!;
    await expect(storage.clicks.insertBatch([{ ...stored, token: 'x', createdAt: new Date() }])).rejects.toThrow(/not above the reports' mark/);
    expect(await storage.clicks.count()).toBe(1);
  });

  it('keep a click, its conversion and their commission under the category the shopper clicked, after the deal moves', async () => {
    // letuan pays 20 % on food, 10 % on everything else.
    await storage.revenue.addTerm({ siteId: letuan.id, model: 'cps', rateBp: 2000, flatMinor: null, currency: null, category: 'food',
      now: new Date(), effectiveFrom: new Date('2026-01-01T00:00:00Z') });
    const [token] = await clickAt(new Date().toISOString(), [{ deal: 'hotpot', ip: '10.4.0.1' }]);
    vi.useRealTimers();
    await writer.drain();
    // The feed re-files the hot pot under beauty before the sale is reported.
    await storage.deals.applyFeedSnapshot(feedA, letuanDeals('beauty'), new Date());
    clock = new Date();
    await post(letuan, clock.toISOString(), { click: token!, order: 'C1', amount: '100.00', status: 'pending', currency: 'CNY' });
    const rows = await totals(storage, 'category');
    expect(rows).toEqual([
      { key: 'food', currency: '', billable: 1, conversions: 0, commission: 0 },
      { key: 'food', currency: 'CNY', billable: 0, conversions: 1, commission: 2000 }, // 20 % of 100.00
    ]);
  });

  it('fold a backlog up to a given number of clicks, and all of it, once, without one', async () => {
    const now = new Date();
    const clicks = Array.from({ length: 4_500 }, (_, i) => ({
      id: i + 1, token: `${(i + 1).toString(36)}-x`, dealId: deals.hotpot!, siteId: letuan.id, createdAt: now, city: 'chengdu', category: 'food',
      subId: null, referrer: null, userAgent: BROWSER, ipHash: `ip${i}`, isBot: false, isDuplicate: false,
    }));
    for (let i = 0; i < clicks.length; i += 500) await storage.clicks.insertBatch(clicks.slice(i, i + 500));
    expect(await storage.reports.rollUpClicks(10)).toBe(10);
    expect(await storage.reports.rollUpClicks(2_500)).toBe(2_500);
    // Everything left, in passes: the report then counts every click once.
    expect(await storage.reports.rollUpClicks()).toBe(1_990);
    expect(await totals(storage)).toEqual([{ key: String(letuan.id), currency: '', billable: 4_500, conversions: 0, commission: 0 }]);
  });
});
