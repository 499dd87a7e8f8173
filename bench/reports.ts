// Reports benchmark: the operators' report queries on a database of 10,000,000 clicks, timed
// against baselines measured in the same run on the same file; and what the rollups add to the
// click writer's transaction.
//
// The database: 2,000 sites, 100,000 deals (20 categories, 104 cities), 10M clicks over 180 days
// (deal popularity skewed, 8% bots, ~5% duplicates, 30% with one of 20 sub ids), 2% of clicks
// converted (CNY, a tenth in USD) with pending/approved/reversed ledger entries. Ten big sites hold
// 2,000 deals each, the most clicked ones (about half the clicks), and are paid per click: an
// every-category CPC price, a price of their own for one category, and a new every-category price
// from the middle of the last month (no month is closed, so the reports price every day). Raw rows
// are made with bulk INSERT … SELECT inside transactions; the rollups are then built by the report
// migrations' own backfills (their time is reported too). Cached under bench/.cache/ (git-ignored).
// Every report is timed twice on the same file: as stored, and as if there were no CPC terms.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectDir, round, type BenchOptions, type Table } from './ingest';

const GENERATOR_VERSION = 2;
const CACHE_DIR = join(projectDir, 'bench/.cache');
const DAY_MS = 86_400_000;

/** bigSites sites hold deals 1 to bigSites × bigSiteDeals (the most clicked) and have CPC terms. */
interface Sizes { clicks: number; sites: number; deals: number; days: number; bigSites: number; bigSiteDeals: number }
const FULL: Sizes = { clicks: 10_000_000, sites: 2_000, deals: 100_000, days: 180, bigSites: 10, bigSiteDeals: 2_000 };
const QUICK: Sizes = { clicks: 500_000, sites: 200, deals: 10_000, days: 60, bigSites: 10, bigSiteDeals: 200 };
/** The last day of generated data (fixed, so the cached file's report ranges stay the same). */
const LAST_DAY = Date.UTC(2026, 10, 20) / DAY_MS;

/** better-sqlite3 binds JS numbers as REAL: integer arithmetic in SQL needs them as BigInt. */
const ints = (params: Record<string, number>) => Object.fromEntries(Object.entries(params).map(([k, v]) => [k, BigInt(v)]));

const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The migrations that create and backfill the rollups, in order: report_daily and report_dims_daily, report_billable_daily, report_site_dims_daily. */
async function rollupMigrations(): Promise<string[]> {
  const { migrationSql, schemaVersion } = await import('../src/storage/sqlite/migrations');
  const versionOf = (table: string) => Array.from({ length: schemaVersion }, (_, i) => i + 1).find((v) => migrationSql(v).includes(`CREATE TABLE ${table}`))!;
  return [versionOf('report_daily'), versionOf('report_billable_daily'), versionOf('report_site_dims_daily')].map(migrationSql);
}

/** Builds the file: schema through openStorage, raw rows by bulk SQL, rollups by the migration's backfill. */
async function build(path: string, sizes: Sizes, log: (line: string) => void): Promise<{ backfillMs: number }> {
  const { openStorage } = await import('../src/storage');
  const storage = openStorage(path);
  await storage.close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const categories = (JSON.parse(readFileSync(join(projectDir, 'data/categories.json'), 'utf8')) as { categories: { slug: string }[] }).categories.map((c) => c.slug).slice(0, 20);
  const cities = (JSON.parse(readFileSync(join(projectDir, 'data/cities.json'), 'utf8')) as { cities: { code: string }[] }).cities.map((c) => c.code);
  const now = Date.now();
  db.transaction(() => {
    const site = db.prepare('INSERT INTO sites (id, slug, name, home_url, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
    const feed = db.prepare('INSERT INTO feeds (id, site_id, url, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
    for (let id = 1; id <= sizes.sites; id++) {
      site.run(id, `site${id}`, `团购网 ${id}`, `http://site${id}.example/`, now, now);
      feed.run(id, id, `http://site${id}.example/feed.xml`, 'paused', now, now);
    }
    db.prepare('CREATE TEMP TABLE bench_categories (n INTEGER PRIMARY KEY, slug TEXT)').run();
    db.prepare('CREATE TEMP TABLE bench_cities (n INTEGER PRIMARY KEY, code TEXT)').run();
    categories.forEach((slug, n) => db.prepare('INSERT INTO bench_categories VALUES (?, ?)').run(n, slug));
    cities.forEach((code, n) => db.prepare('INSERT INTO bench_cities VALUES (?, ?)').run(n, code));
    // Each site sells in a home city (and some deals elsewhere); categories spread over all. The
    // big sites take the first deals, which are clicked most (see the clicks below).
    db.prepare(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @deals),
      owned AS (SELECT i, CASE WHEN i <= @bigSites * @bigSiteDeals THEN 1 + (i - 1) % @bigSites
        ELSE @bigSites + 1 + i % (@sites - @bigSites) END AS site FROM n)
      INSERT INTO deals (id, site_id, feed_id, external_id, url, title, city, geo, category, price_minor, currency, content_hash,
        published_at, first_seen_at, updated_at)
      SELECT i, site, site, 'd' || i, 'http://site' || site || '.example/d/' || i, '团购 ' || i,
        c.code, c.code, k.slug, 1000 + i % 50000, 'CNY', 'h' || i, @now, @now, @now
      FROM owned
      JOIN bench_cities c ON c.n = CASE WHEN i % 5 = 0 THEN (i * 7) % @cityCount ELSE site % @cityCount END
      JOIN bench_categories k ON k.n = (i * 13) % @categoryCount`)
      .run(ints({ deals: sizes.deals, sites: sizes.sites, bigSites: sizes.bigSites, bigSiteDeals: sizes.bigSiteDeals, now, cityCount: cities.length, categoryCount: categories.length }));
    insertCpcTerms(db, sizes, now);
  })();
  log(`reports: ${sizes.sites} sites and ${sizes.deals} deals stored`);

  // Clicks in chunks of 1M, each chunk one transaction. Pseudo-random draws a, b, c from
  // multiplicative hashes of the id (deterministic; random() would be drawn anew at every use of
  // the CTE's column). Deal popularity: the product of two uniform draws, so low ids are clicked
  // far more often than high ones.
  const firstMs = (LAST_DAY - sizes.days + 1) * DAY_MS;
  const spanMs = sizes.days * DAY_MS;
  const insertClicks = db.prepare(`
    WITH RECURSIVE n(i) AS (SELECT @from UNION ALL SELECT i + 1 FROM n WHERE i < @to),
    r AS (SELECT i, (i * 2654435761) % 1000003 AS a, ((i % 1000033) * 2246822519) % 999983 AS b,
      ((i % 999979) * 3266489917) % 1000037 AS c FROM n)
    INSERT INTO clicks (id, token, deal_id, site_id, created_at, city, sub_id, referrer, user_agent, ip_hash, is_bot, is_duplicate)
    SELECT r.i, printf('%x-bench', r.i), d.id, d.site_id, @firstMs + (r.i - 1) * @spanMs / @clicks + r.c % 60000, d.city,
      CASE WHEN r.c / 100 % 10 < 3 THEN 's' || (r.c / 1000 % 20) END, NULL, 'Mozilla/5.0', printf('%x', r.b),
      r.c % 100 < 8, r.c % 100 BETWEEN 8 AND 12
    FROM r JOIN deals d ON d.id = 1 + ((r.a % @deals) * (r.b % @deals)) / @deals`);
  const chunk = 1_000_000;
  for (let from = 1; from <= sizes.clicks; from += chunk) {
    const to = Math.min(sizes.clicks, from + chunk - 1);
    db.transaction(() => insertClicks.run(ints({ from, to, firstMs, spanMs, clicks: sizes.clicks, deals: sizes.deals })))();
    log(`reports: ${to.toLocaleString('en')} clicks`);
  }

  // 2% of billable clicks convert within a day: a tenth in USD; entries as the postback path writes
  // them (pending at the sale; approved later for 60%, then 5% of those reversed).
  db.transaction(() => {
    db.exec(`
      INSERT INTO conversions (site_id, click_id, order_id, kind, amount_minor, currency, status, occurred_at, term_id, created_at, updated_at)
      SELECT site_id, id, 'o' || id, 'sale', 2000 + id % 30000, CASE WHEN id % 500 = 0 THEN 'USD' ELSE 'CNY' END,
        CASE WHEN id % 100 < 60 THEN CASE WHEN id % 2000 < 100 THEN 'reversed' ELSE 'approved' END WHEN id % 100 < 70 THEN 'rejected' ELSE 'pending' END,
        created_at + 3600000, NULL, created_at + 3600000, created_at + 3600000
      FROM clicks WHERE id % 50 = 0 AND NOT is_bot AND NOT is_duplicate;
      INSERT INTO commission_entries (site_id, conversion_id, event_id, source, bucket, amount_minor, currency, period, original_period, effective_at, explanation, created_at)
      SELECT site_id, id, NULL, 'conversion', 'pending', amount_minor / 10, currency, strftime('%Y-%m', occurred_at / 1000, 'unixepoch'),
        strftime('%Y-%m', occurred_at / 1000, 'unixepoch'), occurred_at, 'bench', occurred_at FROM conversions;
      INSERT INTO commission_entries (site_id, conversion_id, event_id, source, bucket, amount_minor, currency, period, original_period, effective_at, explanation, created_at)
      SELECT site_id, id, NULL, 'conversion', bucket, amount, currency, strftime('%Y-%m', at / 1000, 'unixepoch'), strftime('%Y-%m', at / 1000, 'unixepoch'), at, 'bench', at
      FROM (
        SELECT site_id, id, 'pending' AS bucket, -(amount_minor / 10) AS amount, currency, occurred_at + 7 * 86400000 AS at FROM conversions WHERE status <> 'pending'
        UNION ALL SELECT site_id, id, 'approved', amount_minor / 10, currency, occurred_at + 7 * 86400000 FROM conversions WHERE status IN ('approved', 'reversed')
        UNION ALL SELECT site_id, id, 'reversed', -(amount_minor / 10), currency, occurred_at + 20 * 86400000 FROM conversions WHERE status = 'reversed'
      );`);
  })();
  log('reports: conversions and ledger entries stored');

  // The rollups: drop what the per-row triggers built meanwhile and run the migrations as an
  // existing database would (backfill from every raw row, then the triggers). Every click is then
  // counted: the roll-up mark moves past them, as the migration that made the mark did.
  const migrations = await rollupMigrations();
  const started = performance.now();
  db.transaction(() => {
    for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'report%'").all() as { name: string }[]) db.exec(`DROP TRIGGER ${name}`);
    db.exec('DROP TABLE report_daily; DROP TABLE report_dims_daily; DROP TABLE report_billable_daily; DROP TABLE report_site_dims_daily;');
    for (const sql of migrations) db.exec(sql);
    db.exec('UPDATE report_click_rollup SET last_click_id = (SELECT max(id) FROM clicks)');
  })();
  const backfillMs = performance.now() - started;
  log(`reports: rollups built by the migration's backfill in ${(backfillMs / 1000).toFixed(1)} s`);
  db.exec('ANALYZE');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { backfillMs };
}

/**
 * CPC terms of the big sites, in CNY fen per billable click: 5 for every category from before the
 * data, 8 for the category of their first deal, and from 15 days before the last day (mid-month)
 * 6 for every category.
 */
function insertCpcTerms(db: Database.Database, sizes: Sizes, now: number): void {
  const term = db.prepare(`INSERT INTO commission_terms (site_id, effective_from, model, flat_minor, currency, category, created_at)
    VALUES (?, ?, 'cpc', ?, 'CNY', ?, ?)`);
  const firstDealCategory = db.prepare<[number], { category: string }>('SELECT category FROM deals WHERE site_id = ? ORDER BY id LIMIT 1');
  const start = (LAST_DAY - sizes.days) * DAY_MS;
  for (let site = 1; site <= sizes.bigSites; site++) {
    term.run(site, start, 5, null, now);
    term.run(site, start, 8, firstDealCategory.get(site)!.category, now);
    term.run(site, (LAST_DAY - 15) * DAY_MS, 6, null, now);
  }
}

async function cachedDatabase(sizes: Sizes, log: (line: string) => void): Promise<{ path: string; backfillMs: number | null }> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const path = join(CACHE_DIR, `reports-v${GENERATOR_VERSION}-${sizes.clicks}-${sizes.sites}-${sizes.deals}-${sizes.days}.db`);
  if (existsSync(path)) return { path, backfillMs: null };
  const building = `${path}.building`;
  rmSync(building, { force: true });
  rmSync(`${building}-wal`, { force: true });
  rmSync(`${building}-shm`, { force: true });
  const { backfillMs } = await build(building, sizes, log);
  renameSync(building, path);
  return { path, backfillMs };
}

/** Median wall time of `run` over `times` runs after one warm-up, in ms. */
function time(run: () => unknown, times: number): number {
  run();
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    run();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
}

async function timeAsync(run: () => Promise<unknown>, times: number): Promise<number> {
  await run();
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
}

export async function runReportsBench(options: BenchOptions): Promise<Table[]> {
  const { log } = options;
  const sizes = options.quick ? QUICK : FULL;
  const { path, backfillMs } = await cachedDatabase(sizes, log);
  const { openStorage } = await import('../src/storage');
  type Storage = import('../src/storage').Storage;
  const { buildReport, exportReport } = await import('../src/revenue/reports');
  const { reportCsvStream } = await import('../src/revenue/report-csv');
  // A cached file made before a later migration is migrated here, as an existing database would be.
  const versionBefore = new Database(path, { readonly: true });
  const cachedVersion = versionBefore.pragma('user_version', { simple: true }) as number;
  versionBefore.close();
  const opening = performance.now();
  const storage = openStorage(path);
  const migratedMs = performance.now() - opening;
  if (backfillMs === null) log(`reports: cached file at schema ${cachedVersion}, opened (and migrated) in ${(migratedMs / 1000).toFixed(1)} s`);
  // The same file as if no site were paid per click: the reports' plain statements.
  const withoutCpc: Storage = { ...storage, revenue: { ...storage.revenue, listCpcTerms: async () => [] } };
  const raw = new Database(path, { readonly: true });
  try {
    const counts = raw.prepare(`SELECT (SELECT count(*) FROM clicks) AS clicks, (SELECT count(*) FROM report_daily) AS daily,
      (SELECT count(*) FROM report_dims_daily) AS dims, (SELECT count(*) FROM report_billable_daily) AS billable,
      (SELECT count(*) FROM report_site_dims_daily) AS siteDims,
      (SELECT count(*) FROM report_daily WHERE site_id <= ?) AS bigDaily, (SELECT count(*) FROM clicks WHERE site_id <= ?) AS bigClicks`)
      .get(sizes.bigSites, sizes.bigSites) as { clicks: number; daily: number; dims: number; billable: number; siteDims: number; bigDaily: number; bigClicks: number };
    const busiest = raw.prepare("SELECT CAST(value AS INTEGER) AS siteId FROM report_dims_daily WHERE dim = 'site' GROUP BY value ORDER BY sum(billable) DESC LIMIT 1").get() as { siteId: number };
    const busiestSlug = (raw.prepare('SELECT slug FROM sites WHERE id = ?').get(busiest.siteId) as { slug: string }).slug;
    const day = LAST_DAY - 1;
    const dayStart = day * DAY_MS;
    // Baselines: what a report could not avoid reading without rollups, at the least.
    const countOneSiteDay = raw.prepare('SELECT count(*) FROM clicks WHERE site_id = ? AND created_at >= ? AND created_at < ?');
    const countDay = raw.prepare('SELECT count(*) FROM clicks WHERE created_at >= ? AND created_at < ?');
    const rowLookup = raw.prepare('SELECT * FROM clicks WHERE id = ?');
    const times = options.quick ? 3 : 7;
    const baselines = {
      lookup: time(() => rowLookup.get(4_242), 200),
      siteDay: time(() => countOneSiteDay.get(busiest.siteId, dayStart, dayStart + DAY_MS), times),
      day: time(() => countDay.get(dayStart, dayStart + DAY_MS), 3),
    };
    log(`reports: baselines ${JSON.stringify(baselines)}`);

    const month = { from: dateOf(LAST_DAY - 29), to: dateOf(LAST_DAY) };
    const week = { from: dateOf(LAST_DAY - 6), to: dateOf(LAST_DAY) };
    const half = { from: dateOf(LAST_DAY - sizes.days + 1), to: dateOf(LAST_DAY) };
    const page = { page: 1, pageSize: 100 };
    const targets: { name: string; request: Parameters<typeof buildReport>[1] }[] = [
      { name: 'day × site, 30 days, every site', request: { grain: 'day', groupBy: 'site', ...month, site: null, ...page } },
      { name: `month × category, ${sizes.days} days, every site`, request: { grain: 'month', groupBy: 'category', ...half, site: null, ...page } },
      { name: 'week × sub id, 7 days, every site', request: { grain: 'week', groupBy: 'sub', ...week, site: null, ...page } },
      { name: 'day × city, 30 days, every site', request: { grain: 'day', groupBy: 'city', ...month, site: null, ...page } },
      { name: `day × deal, 30 days, busiest site (${busiestSlug})`, request: { grain: 'day', groupBy: 'deal', ...month, site: busiestSlug, ...page } },
      { name: `month × category, ${sizes.days} days, busiest site`, request: { grain: 'month', groupBy: 'category', ...half, site: busiestSlug, ...page } },
      { name: 'week × deal, 7 days, every site (the largest grouping)', request: { grain: 'week', groupBy: 'deal', ...week, site: null, ...page } },
    ];
    const rows: (string | number)[][] = [];
    const row = (name: string, lines: number, plainMs: number, cpcMs: number) =>
      [name, lines, round(plainMs, 1), round(cpcMs, 1), round(cpcMs / plainMs, 2), round(cpcMs / baselines.day, 2), plainMs < 1000 && cpcMs < 1000 ? 'yes' : 'NO'];
    for (const target of targets) {
      let lines = 0;
      const ms: number[] = [];
      for (const reader of [withoutCpc, storage]) {
        ms.push(await timeAsync(async () => { lines = (await buildReport(reader, target.request)).totalLines; }, times));
      }
      log(`reports: ${target.name}: ${ms.map((m) => m.toFixed(1)).join(' ms without CPC terms, ')} ms with, ${lines} lines`);
      rows.push(row(target.name, lines, ms[0]!, ms[1]!));
    }
    // The CSV export of the largest grouping: every line, streamed (bytes counted, nothing kept).
    const largest = targets[targets.length - 1]!;
    let csvBytes = 0;
    const csvMs: number[] = [];
    for (const reader of [withoutCpc, storage]) {
      csvMs.push(await timeAsync(async () => {
        csvBytes = 0;
        for await (const chunk of reportCsvStream(await exportReport(reader, largest.request))) csvBytes += (chunk as Buffer).length;
      }, options.quick ? 1 : 3));
    }
    log(`reports: CSV export of ${largest.name}: ${csvMs.map((m) => m.toFixed(1)).join(' ms without CPC terms, ')} ms with, ${csvBytes} bytes`);
    rows.push(row(`CSV export, every line: ${largest.name} (${(csvBytes / 2 ** 20).toFixed(1)} MiB)`, Number(rows[rows.length - 1]![1]), csvMs[0]!, csvMs[1]!));
    rows.push(['baseline: count(*) of one site\'s clicks in one day (clicks_site_time index)', '', round(baselines.siteDay, 2), '', '', '', '']);
    rows.push(['baseline: count(*) of every click in one day (no rollups: a full scan)', '', round(baselines.day, 1), '', '', 1, '']);
    rows.push(['baseline: one click by primary key', '', round(baselines.lookup, 3), '', '', '', '']);

    const writeCost = await rollupWriteCost(options.quick, log);
    const fileMiB = statSync(path).size / 2 ** 20;
    return [{
      title: `Report queries on ${counts.clicks.toLocaleString('en')} clicks (buildReport: page 1 of 100 lines ranked in SQL, totals over every line, revenue chart, top sites; median of ${times} runs after a warm-up)`,
      columns: ['report', 'lines (every page)', 'ms, no CPC terms', `ms, CPC terms on ${sizes.bigSites} sites`, 'CPC ÷ no CPC', 'CPC ms ÷ one day full count', 'under 1 s (both)'],
      rows,
      notes: [
        `${sizes.sites} sites, ${sizes.deals.toLocaleString('en')} deals, ${sizes.days} days ending ${dateOf(LAST_DAY)}; report_daily ${counts.daily.toLocaleString('en')} rows, report_dims_daily ${counts.dims.toLocaleString('en')} rows, report_billable_daily ${counts.billable.toLocaleString('en')} rows, report_site_dims_daily ${counts.siteDims.toLocaleString('en')} rows; file ${Math.round(fileMiB)} MiB (cached under bench/.cache).`,
        `The ${sizes.bigSites} CPC sites (${sizes.bigSiteDeals.toLocaleString('en')} deals each) have ${counts.bigClicks.toLocaleString('en')} of the clicks and ${counts.bigDaily.toLocaleString('en')} of report_daily's rows; no month is closed, so every day of a range is priced. The busiest site is one of them.`,
        backfillMs === null
          ? `Database reused from the cache (the backfill time is printed when it is built); it was at schema ${cachedVersion} and opening it (migrations included) took ${(migratedMs / 1000).toFixed(1)} s.`
          : `The migration's backfill built the rollups from the raw rows in ${(backfillMs / 1000).toFixed(1)} s.`,
        'Every site: report_dims_daily (one dimension per day); one site: report_site_dims_daily (one range seek), by deal report_daily with one primary-key seek per day; deals of every site: report_daily over the range. Totals and the revenue chart: the category dimension; top sites: the partial covering index report_dims_money (migration 17).',
        'The CSV row: exportReport + reportCsvStream read one period at a time and stream through csv-stringify (median of 3).',
      ],
    }, writeCost];
  } finally {
    raw.close();
    await storage.close();
  }
}

/**
 * What the rollups add to a click batch: the same batches written through storage.clicks.insertBatch
 * followed by a roll-up (storage.reports.rollUpClicks: the worst case, a roll-up per batch; the
 * click writer rolls up at most every 250 ms) and through the same multi-row INSERT alone, on fresh files.
 */
async function rollupWriteCost(quick: boolean, log: (line: string) => void): Promise<Table> {
  const { openStorage } = await import('../src/storage');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'dealnav-bench-rollup-'));
  const batches = quick ? 500 : 3_000;
  const rows: (string | number)[][] = [];
  try {
    for (const { batchSize, deals } of [{ batchSize: 8, deals: 5 }, { batchSize: 32, deals: 5 }, { batchSize: 32, deals: 2_000 }]) {
      const results: Record<string, number> = {};
      for (const mode of ['clicks only', 'clicks + rollups'] as const) {
        const path = join(dir, `${mode.replace(/\W+/g, '-')}-${batchSize}-${deals}.db`);
        const storage = openStorage(path);
        const db = new Database(path);
        db.pragma('synchronous = NORMAL');
        const now = Date.now();
        db.prepare('INSERT INTO sites (id, slug, name, home_url, created_at, updated_at) VALUES (1, ?, ?, ?, ?, ?)').run('s', 's', 'http://s.example/', now, now);
        db.prepare('INSERT INTO feeds (id, site_id, url, created_at, updated_at) VALUES (1, 1, ?, ?, ?)').run('http://s.example/f', now, now);
        db.prepare(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
          INSERT INTO deals (id, site_id, feed_id, external_id, url, title, city, geo, category, price_minor, currency, content_hash, published_at, first_seen_at, updated_at)
          SELECT i, 1, 1, i, 'http://s.example/' || i, 't', 'beijing', 'beijing', 'food', 100, 'CNY', 'h', 0, 0, 0 FROM n`).run(deals);
        const insertOnly = db.prepare(`INSERT INTO clicks (id, token, deal_id, site_id, created_at, city, sub_id, referrer, user_agent, ip_hash, is_bot, is_duplicate)
          VALUES ${Array.from({ length: batchSize }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`);
        const plain = db.transaction((values: unknown[]) => insertOnly.run(values));
        let id = 0;
        const started = performance.now();
        for (let b = 0; b < batches; b++) {
          const clicks = Array.from({ length: batchSize }, () => {
            id++;
            return {
              id, token: `t${id}`, dealId: 1 + (id * 7919) % deals, siteId: 1, createdAt: new Date(now), city: 'beijing', subId: id % 3 ? null : 'app',
              referrer: 'http://127.0.0.1/deals', userAgent: 'Mozilla/5.0', ipHash: `ip${id % 1000}`, isBot: id % 12 === 0, isDuplicate: id % 20 === 0,
            };
          });
          if (mode === 'clicks only') {
            plain(clicks.flatMap((c) => [c.id, c.token, c.dealId, c.siteId, c.createdAt.getTime(), c.city, c.subId, c.referrer, c.userAgent, c.ipHash, c.isBot ? 1 : 0, c.isDuplicate ? 1 : 0]));
          } else {
            await storage.clicks.insertBatch(clicks);
            await storage.reports.rollUpClicks();
          }
        }
        results[mode] = ((performance.now() - started) * 1000) / (batches * batchSize);
        db.close();
        await storage.close();
      }
      log(`reports: write cost batch ${batchSize} over ${deals} deals: ${JSON.stringify(results)}`);
      rows.push([batchSize, deals, round(results['clicks only']!, 2), round(results['clicks + rollups']!, 2), round(results['clicks + rollups']! / results['clicks only']!, 2)]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    title: `Click batch write cost with and without the rollups (${batches} batches per row, synchronous=NORMAL, WAL)`,
    columns: ['clicks per batch', 'distinct deals', 'µs per click: clicks only', 'µs per click: clicks + rollups', 'ratio'],
    rows,
    notes: ['"clicks only" is the same multi-row INSERT the click writer uses, in one transaction per batch; "clicks + rollups" is storage.clicks.insertBatch (the same INSERT) and then storage.reports.rollUpClicks (the roll-up pass: sums of the clicks above the mark, upserts into report_daily, report_dims_daily, report_site_dims_daily and report_billable_daily, the mark moved), a roll-up per batch.'],
  };
}
