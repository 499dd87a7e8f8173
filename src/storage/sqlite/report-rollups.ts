// SQL for the report rollups (the "report rollups" migration): `report_daily`, one row per UTC day ×
// site × deal × sub id × city × category × currency, and `report_dims_daily`, the same sums per
// day and one dimension (site, category, city, sub) across every site, so a month of any of those
// reads a few thousand rows instead of every deal's.
//
// Who keeps them current, in the same transaction as the raw write:
// - clicks: the click writer's group-commit transaction calls `addClicks` with its batch, which
//   sums the batch in memory and does one UPSERT per distinct key in each table;
// - conversions and commission entries (every writer: postback, import, pull, month close):
//   triggers on those tables upsert `report_daily`, and a trigger on `report_daily` carries money
//   rows (currency <> '') on to `report_dims_daily`.
//
// City is the click's own (as stored on the click row). Category is the deal's category when the
// row is written, kept in the key: a deal re-filed under another category later keeps its past in
// the old one (the backfill, having no history, uses the deal's category at migration time).
import type { NewClick } from '../types';
import type { ReportGrain, ReportGroupBy, ReportPeriodGrain, ReportsRepository, RollupQuery, RollupRow } from '../report-types';
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './database';

const DAY_MS = 86_400_000;

export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);

interface ClickSums {
  day: number;
  siteId: number;
  dealId: number;
  subId: string;
  city: string;
  category: string;
  billable: number;
  bots: number;
  duplicates: number;
}

interface DimSums {
  dim: 'site' | 'category' | 'city' | 'sub';
  day: number;
  value: string;
  billable: number;
  bots: number;
  duplicates: number;
}

function addCounts(target: { billable: number; bots: number; duplicates: number }, click: NewClick): void {
  if (click.isBot) target.bots++;
  else if (click.isDuplicate) target.duplicates++;
  else target.billable++;
}

/** The click side of the rollups; `addClicks` must run inside the transaction that inserts the clicks. */
export function createClickRollups(db: SqliteDatabase) {
  const category = db.prepare<[number], { category: string | null }>('SELECT category FROM deals WHERE id = ?');
  const upsertDaily = db.prepare<unknown[]>(`
    INSERT INTO report_daily (day, site_id, deal_id, sub_id, city, category, currency, billable, bots, duplicates)
    VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, ?)
    ON CONFLICT (day, site_id, deal_id, sub_id, city, category, currency) DO UPDATE SET
      billable = billable + excluded.billable, bots = bots + excluded.bots, duplicates = duplicates + excluded.duplicates`);
  const upsertDim = db.prepare<unknown[]>(`
    INSERT INTO report_dims_daily (dim, day, value, currency, billable, bots, duplicates)
    VALUES (?, ?, ?, '', ?, ?, ?)
    ON CONFLICT (dim, day, value, currency) DO UPDATE SET
      billable = billable + excluded.billable, bots = bots + excluded.bots, duplicates = duplicates + excluded.duplicates`);

  return {
    addClicks(clicks: NewClick[]): void {
      const categories = new Map<number, string>();
      const daily = new Map<string, ClickSums>();
      const dims = new Map<string, DimSums>();
      const dim = (kind: DimSums['dim'], day: number, value: string) => {
        const key = `${kind}\u0000${day}\u0000${value}`;
        let sums = dims.get(key);
        if (!sums) dims.set(key, sums = { dim: kind, day, value, billable: 0, bots: 0, duplicates: 0 });
        return sums;
      };
      for (const click of clicks) {
        let dealCategory = categories.get(click.dealId);
        if (dealCategory === undefined) categories.set(click.dealId, dealCategory = category.get(click.dealId)?.category ?? '');
        const day = dayOf(click.createdAt.getTime());
        const subId = click.subId ?? '';
        const city = click.city ?? '';
        const key = `${day}\u0000${click.siteId}\u0000${click.dealId}\u0000${subId}\u0000${city}\u0000${dealCategory}`;
        let sums = daily.get(key);
        if (!sums) {
          daily.set(key, sums = { day, siteId: click.siteId, dealId: click.dealId, subId, city, category: dealCategory, billable: 0, bots: 0, duplicates: 0 });
        }
        addCounts(sums, click);
        addCounts(dim('site', day, String(click.siteId)), click);
        addCounts(dim('category', day, dealCategory), click);
        addCounts(dim('city', day, city), click);
        addCounts(dim('sub', day, subId), click);
      }
      for (const s of daily.values()) upsertDaily.run(s.day, s.siteId, s.dealId, s.subId, s.city, s.category, s.billable, s.bots, s.duplicates);
      for (const s of dims.values()) upsertDim.run(s.dim, s.day, s.value, s.billable, s.bots, s.duplicates);
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

const FINE_COLUMN: Record<ReportGroupBy, string> = {
  site: 'r.site_id', deal: 'r.deal_id', category: 'r.category', city: 'r.city', sub: 'r.sub_id',
};

/** The columns every shape selects, in this order (see RollupTuple). */
type RollupTuple = [number, string, string, number, number, number, number, number, number, number, number];

const SUMS = `r.currency AS currency, sum(r.billable) AS billable, sum(r.bots) AS bots, sum(r.duplicates) AS duplicates,
  sum(r.conversions) AS conversions, sum(r.sales_minor) AS salesMinor, sum(r.pending_minor) AS pendingMinor,
  sum(r.approved_minor) AS approvedMinor, sum(r.reversed_minor) AS reversedMinor`;

/** Where a shape's rows come from: FROM … WHERE …, and the group's column there. */
interface Source { with: string; from: string; column: string }

/**
 * The rows one query shape reads. Column names come from the fixed maps above, never from a request.
 * - one site: report_daily, one primary-key seek per day of the range (days × site is the key's prefix);
 * - deals of every site: report_daily over the day range;
 * - anything else of every site: report_dims_daily, one dimension over the day range.
 */
function sourceOf(groupBy: ReportGroupBy, oneSite: boolean): Source {
  if (oneSite) {
    return {
      with: 'days(d) AS (SELECT @fromDay UNION ALL SELECT d + 1 FROM days WHERE d < @toDay)',
      from: 'days CROSS JOIN report_daily r WHERE r.day = days.d AND r.site_id = @siteId',
      column: FINE_COLUMN[groupBy],
    };
  }
  if (groupBy === 'deal') return { with: '', from: 'report_daily r WHERE r.day BETWEEN @fromDay AND @toDay', column: 'r.deal_id' };
  return { with: '', from: `report_dims_daily r WHERE r.dim = '${groupBy}' AND r.day BETWEEN @fromDay AND @toDay`, column: 'r.value' };
}

const withClause = (source: Source, ...more: string[]): string => {
  const parts = [source.with, ...more].filter(Boolean);
  return parts.length === 0 ? '' : `WITH RECURSIVE ${parts.join(', ')}`;
};

/** `keys`: only the groups listed in @keys (a JSON array of text); ids compare as integers. */
function rollupSql(grain: ReportPeriodGrain, groupBy: ReportGroupBy, oneSite: boolean, keys: boolean): string {
  const source = sourceOf(groupBy, oneSite);
  const integer = source.column === 'r.site_id' || source.column === 'r.deal_id';
  const filter = keys ? ` AND ${source.column} IN (SELECT ${integer ? 'CAST(value AS INTEGER)' : 'value'} FROM json_each(@keys))` : '';
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
function linePageSql(grain: ReportGrain, groupBy: ReportGroupBy, oneSite: boolean): string {
  const source = sourceOf(groupBy, oneSite);
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

function lineCountSql(grain: ReportGrain, groupBy: ReportGroupBy, oneSite: boolean): string {
  const source = sourceOf(groupBy, oneSite);
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

export function createReportRollupsRepository(db: SqliteDatabase): ReportsRepository {
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
  const siteCommissions = db.prepare<Record<string, unknown>, { currency: string; key: string; commissionMinor: number }>(SITE_COMMISSIONS_SQL);

  return {
    async rollup(query: RollupQuery) {
      const oneSite = query.siteId !== null;
      const keys = query.keys !== undefined;
      const statement = cached(`rollup/${query.grain}/${query.groupBy}/${oneSite}/${keys}`, () =>
        db.prepare<Record<string, unknown>, RollupTuple>(rollupSql(query.grain, query.groupBy, oneSite, keys)).raw(true));
      const params = rangeParams(query);
      if (keys) params.keys = JSON.stringify(query.keys);
      return statement.all(params).map((t): RollupRow => ({
        periodDay: t[0], key: t[1], currency: t[2], billable: t[3], bots: t[4], duplicates: t[5], conversions: t[6],
        salesMinor: t[7], pendingMinor: t[8], approvedMinor: t[9], reversedMinor: t[10],
      }));
    },
    async linePage(query) {
      const oneSite = query.siteId !== null;
      const page = cached(`page/${query.grain}/${query.groupBy}/${oneSite}`, () =>
        db.prepare<Record<string, unknown>, [number, string, number]>(linePageSql(query.grain, query.groupBy, oneSite)).raw(true));
      const rows = page.all({ ...rangeParams(query), currency: query.orderCurrency, limit: query.limit, offset: query.offset });
      if (rows.length > 0) return { totalLines: rows[0]![2], lines: rows.map(([periodDay, key]) => ({ periodDay, key })) };
      // Past the last page: the window count has no row to ride on.
      const count = cached(`count/${query.grain}/${query.groupBy}/${oneSite}`, () =>
        db.prepare<Record<string, unknown>, [number]>(lineCountSql(query.grain, query.groupBy, oneSite)).raw(true));
      return { totalLines: count.get(rangeParams(query))![0], lines: [] };
    },
    async siteCommissions(fromDay, toDay) {
      return siteCommissions.all({ fromDay, toDay });
    },
    async dealTitles(ids) {
      if (ids.length === 0) return new Map();
      return new Map(titles.all(JSON.stringify(ids)).map((row) => [row.id, row.title]));
    },
  };
}
