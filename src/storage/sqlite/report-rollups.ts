// SQL for the report rollups (the "report rollups" migration): `report_daily`, one row per UTC day ×
// site × deal × sub id × city × category × currency, and `report_dims_daily`, the same sums per
// day and one dimension (site, category, city, sub) across every site, so a month of any of those
// reads a few thousand rows instead of every deal's; `report_site_dims_daily` (migration 22), the
// same per site (category, city, sub), for one site's reports.
//
// Who keeps them current:
// - clicks: rolled up after they are committed, by `rollUpClicks` (below): every click with an id
//   above report_click_rollup's mark is summed per key in SQL and the mark moves past it, in one
//   transaction. The click writer calls it a few times a second, and every read here calls it first,
//   so a report always includes every committed click; after a crash, the first call folds in what
//   the last one did not (the mark is in the same transaction as the sums, so nothing counts twice).
//   Click ids only ever grow (click-writer.ts allocates them in order), which is what makes one mark
//   enough; the clicks repository refuses a click at or below the mark.
// - conversions and commission entries (every writer: postback, import, pull, month close):
//   triggers on those tables upsert `report_daily`, and a trigger on `report_daily` carries money
//   rows (currency <> '') on to `report_dims_daily` and `report_site_dims_daily`.
//
// CPC commission is in the ledger (deal 0, the month's last day) only once a month closes; for days
// of months not closed yet the queries take the day's CPC prices and add billable clicks × price
// as approved commission (cpcWith below), with a statement of their own, used only when there are prices.
// They read the billable clicks from `report_billable_daily` (per day × site × category, in all and
// per city and sub id; the same roll-up pass fills it), or from report_daily for deals.
//
// City and category are the click's own (stored on the click row at click time; a click from before
// migration 20 has no category and takes its deal's). A deal re-filed under another category later
// keeps its past, and its conversions, in the old one.
import type { CpcDayPrice, ReportGrain, ReportGroupBy, ReportPeriodGrain, ReportsRepository, RollupQuery, RollupRow } from '../report-types';
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './database';

/**
 * The most click ids one roll-up transaction covers: over 2,000 deals, 2,500 clicks with distinct
 * keys took 13-17 ms (7,500 took 36-49 ms), time in which the event loop answers no click.
 */
const PASS_CLICKS = 2_000;

/** Folds clicks above the mark into the tables; see "Who keeps them current" above. */
const CLICK_ROLLUP_SQL = {
  temp: `CREATE TEMP TABLE IF NOT EXISTS click_rollup_sums (
    day INTEGER, site_id INTEGER, deal_id INTEGER, sub_id TEXT, city TEXT, category TEXT, billable INTEGER, bots INTEGER, duplicates INTEGER)`,
  mark: 'SELECT last_click_id AS mark, (SELECT ifnull(max(id), 0) FROM clicks) AS last FROM report_click_rollup',
  // The clicks' primary key range; the category subquery runs only for clicks from before migration 20.
  sum: `INSERT INTO temp.click_rollup_sums
    SELECT k.created_at / 86400000, k.site_id, k.deal_id, ifnull(k.sub_id, ''), ifnull(k.city, ''),
      coalesce(k.category, (SELECT d.category FROM deals d WHERE d.id = k.deal_id), ''),
      sum(NOT k.is_bot AND NOT k.is_duplicate), sum(k.is_bot), sum(k.is_duplicate AND NOT k.is_bot)
    FROM clicks k WHERE k.id > @mark AND k.id <= @last
    GROUP BY 1, 2, 3, 4, 5, 6`,
  daily: `INSERT INTO report_daily (day, site_id, deal_id, sub_id, city, category, currency, billable, bots, duplicates)
    SELECT day, site_id, deal_id, sub_id, city, category, '', billable, bots, duplicates FROM temp.click_rollup_sums WHERE true
    ON CONFLICT (day, site_id, deal_id, sub_id, city, category, currency) DO UPDATE SET
      billable = billable + excluded.billable, bots = bots + excluded.bots, duplicates = duplicates + excluded.duplicates`,
  dims: `INSERT INTO report_dims_daily (dim, day, value, currency, billable, bots, duplicates)
    SELECT x.dim, s.day,
      CASE x.dim WHEN 'site' THEN CAST(s.site_id AS TEXT) WHEN 'category' THEN s.category WHEN 'city' THEN s.city ELSE s.sub_id END,
      '', sum(s.billable), sum(s.bots), sum(s.duplicates)
    FROM temp.click_rollup_sums s CROSS JOIN (SELECT 'site' AS dim UNION ALL SELECT 'category' UNION ALL SELECT 'city' UNION ALL SELECT 'sub') x
    GROUP BY 1, 2, 3
    ON CONFLICT (dim, day, value, currency) DO UPDATE SET
      billable = billable + excluded.billable, bots = bots + excluded.bots, duplicates = duplicates + excluded.duplicates`,
  // The same per site, for one site's reports (migration 22).
  siteDims: `INSERT INTO report_site_dims_daily (site_id, dim, day, value, currency, billable, bots, duplicates)
    SELECT s.site_id, x.dim, s.day, CASE x.dim WHEN 'category' THEN s.category WHEN 'city' THEN s.city ELSE s.sub_id END,
      '', sum(s.billable), sum(s.bots), sum(s.duplicates)
    FROM temp.click_rollup_sums s CROSS JOIN (SELECT 'category' AS dim UNION ALL SELECT 'city' UNION ALL SELECT 'sub') x
    GROUP BY 1, 2, 3, 4
    ON CONFLICT (site_id, dim, day, value, currency) DO UPDATE SET
      billable = billable + excluded.billable, bots = bots + excluded.bots, duplicates = duplicates + excluded.duplicates`,
  // Billable clicks per day × site × category, in all and per city and sub id: what pricing CPC needs (migration 21).
  billable: `INSERT INTO report_billable_daily (day, site_id, dim, category, value, billable)
    SELECT s.day, s.site_id, x.dim, s.category, CASE x.dim WHEN 'city' THEN s.city WHEN 'sub' THEN s.sub_id ELSE '' END, sum(s.billable)
    FROM temp.click_rollup_sums s CROSS JOIN (SELECT 'all' AS dim UNION ALL SELECT 'city' UNION ALL SELECT 'sub') x
    WHERE s.billable > 0
    GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (day, site_id, dim, category, value) DO UPDATE SET billable = billable + excluded.billable`,
  clear: 'DELETE FROM temp.click_rollup_sums',
  advance: 'UPDATE report_click_rollup SET last_click_id = ?',
};

export type ClickRollups = ReturnType<typeof createClickRollups>;

/** The click side of the rollups: `rollUp` folds in every committed click not yet counted; `mark` is the last one counted. */
export function createClickRollups(db: SqliteDatabase) {
  db.exec(CLICK_ROLLUP_SQL.temp);
  const mark = db.prepare<[], { mark: number; last: number }>(CLICK_ROLLUP_SQL.mark);
  const markOnly = db.prepare<[], { mark: number }>('SELECT last_click_id AS mark FROM report_click_rollup');
  const sum = db.prepare<{ mark: number; last: number }>(CLICK_ROLLUP_SQL.sum);
  const daily = db.prepare(CLICK_ROLLUP_SQL.daily);
  const dims = db.prepare(CLICK_ROLLUP_SQL.dims);
  const siteDims = db.prepare(CLICK_ROLLUP_SQL.siteDims);
  const billable = db.prepare(CLICK_ROLLUP_SQL.billable);
  const clear = db.prepare(CLICK_ROLLUP_SQL.clear);
  const advance = db.prepare<[number]>(CLICK_ROLLUP_SQL.advance);
  // IMMEDIATE: the mark is read and moved under the write lock, so two processes never fold the same clicks.
  const rollUpTo = db.transaction((limit: number): number => {
    const range = mark.get()!;
    if (range.last <= range.mark) return 0;
    const last = Math.min(range.last, range.mark + limit);
    sum.run({ mark: range.mark, last });
    daily.run();
    dims.run();
    siteDims.run();
    billable.run();
    clear.run();
    advance.run(last);
    return last - range.mark;
  }).immediate;
  return {
    /**
     * Folds in the clicks committed since the last call, at most `limit` click ids in one
     * transaction; returns how many ids it covered. Without a limit, everything (in passes of
     * PASS_CLICKS, so no transaction holds the write lock for long).
     */
    rollUp(limit = Infinity): number {
      let covered = 0;
      while (covered < limit) {
        // Cheap when there is nothing to do, without taking the write lock.
        const range = mark.get()!;
        if (range.last <= range.mark) break;
        covered += rollUpTo(Math.min(PASS_CLICKS, limit - covered));
      }
      return covered;
    },
    mark(): number {
      return markOnly.get()!.mark;
    },
  };
}

// First day of the period a `day` belongs to. 1970-01-01 was a Thursday, so (day + 3) % 7 is the
// number of days since Monday (ISO weeks).
const PERIOD_DAY: Record<ReportPeriodGrain, string> = {
  day: 'r.day',
  week: 'r.day - ((r.day + 3) % 7)',
  month: `CAST(strftime('%s', r.day * 86400, 'unixepoch', 'start of month') AS INTEGER) / 86400`,
  all: '@fromDay',
};

/** The columns every shape selects, in this order (see RollupTuple). */
type RollupTuple = [number, string, string, number, number, number, number, number, number, number, number];

const SUMS = `r.currency AS currency, sum(r.billable) AS billable, sum(r.bots) AS bots, sum(r.duplicates) AS duplicates,
  sum(r.conversions) AS conversions, sum(r.sales_minor) AS salesMinor, sum(r.pending_minor) AS pendingMinor,
  sum(r.approved_minor) AS approvedMinor, sum(r.reversed_minor) AS reversedMinor`;

/** Where a shape's rows come from: FROM … WHERE …, the group's column there, and whether it holds integers (ids). */
interface Source { with: string; from: string; column: string; integer: boolean }

/**
 * The rows one query shape reads. Column names come from the fixed maps above, never from a request.
 * - deals of one site: report_daily, one primary-key seek per day of the range (days × site is the key's prefix);
 * - anything else of one site: report_site_dims_daily, one range seek (site, dimension, days); by
 *   site, the category dimension (each of its days holds all the site's sums);
 * - deals of every site: report_daily over the day range;
 * - anything else of every site: report_dims_daily, one dimension over the day range.
 */
function plainSourceOf(groupBy: ReportGroupBy, oneSite: boolean): Source {
  if (oneSite && groupBy === 'deal') {
    return {
      with: 'days(d) AS (SELECT @fromDay UNION ALL SELECT d + 1 FROM days WHERE d < @toDay)',
      from: 'days CROSS JOIN report_daily r WHERE r.day = days.d AND r.site_id = @siteId',
      column: 'r.deal_id',
      integer: true,
    };
  }
  if (oneSite) {
    const dim = groupBy === 'site' ? 'category' : groupBy;
    return {
      with: '',
      from: `report_site_dims_daily r WHERE r.site_id = @siteId AND r.dim = '${dim}' AND r.day BETWEEN @fromDay AND @toDay`,
      column: groupBy === 'site' ? 'r.site_id' : 'r.value',
      integer: groupBy === 'site',
    };
  }
  if (groupBy === 'deal') return { with: '', from: 'report_daily r WHERE r.day BETWEEN @fromDay AND @toDay', column: 'r.deal_id', integer: true };
  return { with: '', from: `report_dims_daily r WHERE r.dim = '${groupBy}' AND r.day BETWEEN @fromDay AND @toDay`, column: 'r.value', integer: false };
}

/**
 * Where CPC pricing reads a grouping's billable clicks (c) per site, day and category, and the
 * group's column there. Deals need report_daily's click rows (one per deal, sub id and city); every
 * other grouping reads report_billable_daily's rows of one dimension (a few per site and day, not
 * every deal's), which sum to the same clicks.
 */
const CPC_CLICKS: Record<ReportGroupBy, { table: string; column: string; integer?: true }> = {
  site: { table: "report_billable_daily c ON c.day = p.day AND c.site_id = p.site_id AND c.dim = 'all'", column: 'c.site_id', integer: true },
  category: { table: "report_billable_daily c ON c.day = p.day AND c.site_id = p.site_id AND c.dim = 'all'", column: 'c.category' },
  city: { table: "report_billable_daily c ON c.day = p.day AND c.site_id = p.site_id AND c.dim = 'city'", column: 'c.value' },
  sub: { table: "report_billable_daily c ON c.day = p.day AND c.site_id = p.site_id AND c.dim = 'sub'", column: 'c.value' },
  deal: { table: "report_daily c ON c.day = p.day AND c.site_id = p.site_id AND c.currency = ''", column: 'c.deal_id', integer: true },
};

/**
 * CPC commission of the days in @cpc (months not closed yet: no CPC in the ledger), as approved
 * commission per day, site and group: billable clicks × the price of their site, day and category,
 * or the site's every-category price of the day when the category has none of its own.
 * @cpc is a JSON array of [site id, day, category or null, currency, price in minor units, the
 * categories priced on their own that day (for the null row)]. Each price row seeks its clicks by
 * their key's prefix (day, site). MATERIALIZED: read in place, the JSON would be parsed again for
 * every rollup row joined (3× slower). `keys`: only the groups in @keys, filtered here because the
 * filter on the union is not pushed through its GROUP BY (a page of deals then seeks (day, site, deal)).
 */
function cpcWith(groupBy: ReportGroupBy, keys = false): string {
  const clicks = CPC_CLICKS[groupBy];
  const keysFilter = keys ? ` AND ${clicks.column} IN (SELECT ${clicks.integer ? 'CAST(value AS INTEGER)' : 'value'} FROM json_each(@keys))` : '';
  return `cpc_price(site_id, day, category, currency, price, own) AS MATERIALIZED (
      SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'),
        json_extract(value, '$[4]'), json_extract(value, '$[5]')
      FROM json_each(@cpc)),
    cpc_clicks AS (
      SELECT c.day, c.site_id, ${clicks.column} AS groupKey, p.currency, c.billable * p.price AS approved
      FROM cpc_price p JOIN ${clicks.table}
      WHERE p.day BETWEEN @fromDay AND @toDay AND c.billable > 0 AND (c.category = p.category
        OR (p.category IS NULL AND c.category NOT IN (SELECT value FROM json_each(p.own))))${keysFilter})`;
}

function cpcParam(prices: CpcDayPrice[]): string {
  const own = new Map<string, string[]>();
  for (const price of prices) {
    if (price.category === null) continue;
    const key = `${price.siteId}/${price.day}`;
    (own.get(key) ?? own.set(key, []).get(key)!).push(price.category);
  }
  return JSON.stringify(prices.map((price) => [price.siteId, price.day, price.category, price.currency, price.priceMinor,
    price.category === null ? own.get(`${price.siteId}/${price.day}`) ?? [] : []]));
}

/**
 * A shape's rows, with the CPC commission of @cpc's days added as rows of their own. The dimensions
 * (report_dims_daily) have no site, so their CPC rows come from the per-site clicks of cpcWith.
 */
function sourceOf(groupBy: ReportGroupBy, oneSite: boolean, cpc: boolean, keys = false): Source {
  const plain = plainSourceOf(groupBy, oneSite);
  if (!cpc) return plain;
  // Across sites, a site's group is report_dims_daily's text value.
  const cpcColumn = groupBy === 'site' && !oneSite ? 'CAST(c.groupKey AS TEXT)' : 'c.groupKey';
  const measures = 'r.billable, r.bots, r.duplicates, r.conversions, r.sales_minor, r.pending_minor, r.approved_minor, r.reversed_minor';
  return {
    with: [plain.with, cpcWith(groupBy, keys),
      `merged AS (
        SELECT r.day AS day, ${plain.column} AS groupKey, r.currency AS currency, ${measures} FROM ${plain.from}
        UNION ALL
        SELECT c.day, ${cpcColumn}, c.currency, 0, 0, 0, 0, 0, 0, sum(c.approved), 0 FROM cpc_clicks c${oneSite ? ' WHERE c.site_id = @siteId' : ''}
        GROUP BY c.day, ${cpcColumn}, c.currency)`,
    ].filter(Boolean).join(', '),
    from: 'merged r WHERE true',
    column: 'r.groupKey',
    integer: plain.integer,
  };
}

const withClause = (source: Source, ...more: string[]): string => {
  const parts = [source.with, ...more].filter(Boolean);
  return parts.length === 0 ? '' : `WITH RECURSIVE ${parts.join(', ')}`;
};

/** `keys`: only the groups listed in @keys (a JSON array of text); ids compare as integers. */
function rollupSql(grain: ReportPeriodGrain, groupBy: ReportGroupBy, oneSite: boolean, keys: boolean, cpc: boolean): string {
  const source = sourceOf(groupBy, oneSite, cpc, keys);
  const filter = keys ? ` AND ${source.column} IN (SELECT ${source.integer ? 'CAST(value AS INTEGER)' : 'value'} FROM json_each(@keys))` : '';
  return `
    ${withClause(source)}
    SELECT ${PERIOD_DAY[grain]} AS periodDay, CAST(${source.column} AS TEXT) AS key, ${SUMS}
    FROM ${source.from}${filter}
    GROUP BY periodDay, ${source.column}, r.currency ORDER BY periodDay, ${source.column}, r.currency`;
}

/**
 * One page of lines, ordered in SQL (every line has to be summed to be ranked, but only the page
 * leaves SQLite): commission in @currency, largest first, then billable clicks, then period and
 * group so that equal lines keep one order from page to page. The window count is every line's.
 */
function linePageSql(grain: ReportGrain, groupBy: ReportGroupBy, oneSite: boolean, cpc: boolean): string {
  const source = sourceOf(groupBy, oneSite, cpc);
  const lines = `lines AS (
      SELECT ${PERIOD_DAY[grain]} AS periodDay, ${source.column} AS groupKey, sum(r.billable) AS billable,
        sum(CASE WHEN r.currency = @currency THEN r.pending_minor + r.approved_minor + r.reversed_minor ELSE 0 END) AS commission
      FROM ${source.from}
      GROUP BY periodDay, groupKey)`;
  return `
    ${withClause(source, lines)}
    SELECT periodDay, CAST(groupKey AS TEXT) AS key, count(*) OVER () AS totalLines FROM lines
    ORDER BY commission DESC, billable DESC, periodDay, groupKey LIMIT @limit OFFSET @offset`;
}

/** CPC adds commission to click rows, never a line of its own: the count reads the plain rows. */
function lineCountSql(grain: ReportGrain, groupBy: ReportGroupBy, oneSite: boolean): string {
  const source = plainSourceOf(groupBy, oneSite);
  return `
    ${withClause(source)}
    SELECT count(*) FROM (SELECT DISTINCT ${PERIOD_DAY[grain]}, ${source.column} FROM ${source.from})`;
}

/** Site totals for the top-sites chart: the covering index report_dims_money (migration 17) in group order. */
const SITE_COMMISSIONS_SQL = `
  SELECT currency, value AS key, sum(pending_minor + approved_minor + reversed_minor) AS commissionMinor
  FROM report_dims_daily
  WHERE dim = 'site' AND currency <> '' AND day BETWEEN @fromDay AND @toDay
  GROUP BY currency, value`;

const SITE_COMMISSIONS_CPC_SQL = `
  WITH ${cpcWith('site')}
  SELECT currency, key, sum(commissionMinor) AS commissionMinor FROM (
    ${SITE_COMMISSIONS_SQL}
    UNION ALL
    SELECT currency, CAST(site_id AS TEXT), sum(approved) FROM cpc_clicks GROUP BY currency, site_id)
  GROUP BY currency, key`;

/** One site's billable clicks per day and category: a primary-key seek per day (day, site is its prefix). */
const BILLABLE_BY_DAY_CATEGORY_SQL = `
  WITH RECURSIVE days(d) AS (SELECT @fromDay UNION ALL SELECT d + 1 FROM days WHERE d < @toDay)
  SELECT r.day AS day, r.category AS category, sum(r.billable) AS clicks
  FROM days CROSS JOIN report_daily r WHERE r.day = days.d AND r.site_id = @siteId AND r.currency = ''
  GROUP BY r.day, r.category HAVING sum(r.billable) > 0`;

export function createReportRollupsRepository(db: SqliteDatabase, clickRollups: ClickRollups): ReportsRepository {
  // Rows come back as arrays (raw mode) and become objects here: a CSV chunk can be 100,000 rows,
  // and building them in JavaScript costs a fraction of better-sqlite3's per-column objects.
  const statements = new Map<string, Statement>();
  const cached = <T extends Statement>(name: string, make: () => T): T => {
    let statement = statements.get(name);
    if (!statement) statements.set(name, statement = make());
    return statement as T;
  };
  const rangeParams = (query: { fromDay: number; toDay: number; siteId: number | null }) => {
    const params: Record<string, unknown> = { fromDay: query.fromDay, toDay: query.toDay };
    if (query.siteId !== null) params.siteId = query.siteId;
    return params;
  };
  const titles = db.prepare<[string], { id: number; title: string }>('SELECT id, title FROM deals WHERE id IN (SELECT value FROM json_each(?))');
  type SiteCommissionRow = { currency: string; key: string; commissionMinor: number };
  const siteCommissions = db.prepare<Record<string, unknown>, SiteCommissionRow>(SITE_COMMISSIONS_SQL);
  const siteCommissionsWithCpc = db.prepare<Record<string, unknown>, SiteCommissionRow>(SITE_COMMISSIONS_CPC_SQL);
  const billableByDayCategory = db.prepare<Record<string, unknown>, { day: number; category: string; clicks: number }>(BILLABLE_BY_DAY_CATEGORY_SQL);
  // Without CPC prices the statements are the plain ones: no CPC term, no cost.
  const withCpc = (params: Record<string, unknown>, prices: CpcDayPrice[] | undefined): boolean => {
    if (!prices || prices.length === 0) return false;
    params.cpc = cpcParam(prices);
    return true;
  };

  return {
    async rollup(query: RollupQuery) {
      clickRollups.rollUp();
      const oneSite = query.siteId !== null;
      const keys = query.keys !== undefined;
      const params = rangeParams(query);
      if (keys) params.keys = JSON.stringify(query.keys);
      const cpc = withCpc(params, query.cpcPrices);
      const statement = cached(`rollup/${query.grain}/${query.groupBy}/${oneSite}/${keys}/${cpc}`, () =>
        db.prepare<Record<string, unknown>, RollupTuple>(rollupSql(query.grain, query.groupBy, oneSite, keys, cpc)).raw(true));
      return statement.all(params).map((t): RollupRow => ({
        periodDay: t[0], key: t[1], currency: t[2], billable: t[3], bots: t[4], duplicates: t[5], conversions: t[6],
        salesMinor: t[7], pendingMinor: t[8], approvedMinor: t[9], reversedMinor: t[10],
      }));
    },
    async linePage(query) {
      clickRollups.rollUp();
      const oneSite = query.siteId !== null;
      const params = { ...rangeParams(query), currency: query.orderCurrency, limit: query.limit, offset: query.offset };
      const cpc = withCpc(params, query.cpcPrices);
      const page = cached(`page/${query.grain}/${query.groupBy}/${oneSite}/${cpc}`, () =>
        db.prepare<Record<string, unknown>, [number, string, number]>(linePageSql(query.grain, query.groupBy, oneSite, cpc)).raw(true));
      const rows = page.all(params);
      if (rows.length > 0) return { totalLines: rows[0]![2], lines: rows.map(([periodDay, key]) => ({ periodDay, key })) };
      // Past the last page: the window count has no row to ride on.
      const count = cached(`count/${query.grain}/${query.groupBy}/${oneSite}`, () =>
        db.prepare<Record<string, unknown>, [number]>(lineCountSql(query.grain, query.groupBy, oneSite)).raw(true));
      return { totalLines: count.get(rangeParams(query))![0], lines: [] };
    },
    async siteCommissions(fromDay, toDay, cpcPrices) {
      clickRollups.rollUp();
      const params: Record<string, unknown> = { fromDay, toDay };
      return (withCpc(params, cpcPrices) ? siteCommissionsWithCpc : siteCommissions).all(params);
    },
    async billableByDayCategory(siteId, fromDay, toDay) {
      clickRollups.rollUp();
      return billableByDayCategory.all({ siteId, fromDay, toDay });
    },
    async rollUpClicks(limit) {
      return clickRollups.rollUp(limit);
    },
    async dealTitles(ids) {
      if (ids.length === 0) return new Map();
      return new Map(titles.all(JSON.stringify(ids)).map((row) => [row.id, row.title]));
    },
  };
}
