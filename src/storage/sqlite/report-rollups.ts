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
import type { ReportGroupBy, ReportPeriodGrain, ReportsRepository, RollupQuery, RollupRow } from '../report-types';
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

/**
 * The SQL for one query shape. Column names come from the fixed maps above, never from a request.
 * - one site: report_daily, one primary-key seek per day of the range (days × site is the key's prefix);
 * - deals of every site: report_daily over the day range;
 * - anything else of every site: report_dims_daily, one dimension over the day range.
 */
function rollupSql(grain: ReportPeriodGrain, groupBy: ReportGroupBy, oneSite: boolean): string {
  const period = PERIOD_DAY[grain];
  if (oneSite) {
    return `
      WITH RECURSIVE days(d) AS (SELECT @fromDay UNION ALL SELECT d + 1 FROM days WHERE d < @toDay)
      SELECT ${period} AS periodDay, CAST(${FINE_COLUMN[groupBy]} AS TEXT) AS key, ${SUMS}
      FROM days CROSS JOIN report_daily r
      WHERE r.day = days.d AND r.site_id = @siteId
      GROUP BY periodDay, key, r.currency ORDER BY periodDay, key, r.currency`;
  }
  if (groupBy === 'deal') {
    return `
      SELECT ${period} AS periodDay, CAST(r.deal_id AS TEXT) AS key, ${SUMS}
      FROM report_daily r WHERE r.day BETWEEN @fromDay AND @toDay
      GROUP BY periodDay, key, r.currency ORDER BY periodDay, key, r.currency`;
  }
  return `
    SELECT ${period} AS periodDay, r.value AS key, ${SUMS}
    FROM report_dims_daily r WHERE r.dim = '${groupBy}' AND r.day BETWEEN @fromDay AND @toDay
    GROUP BY periodDay, key, r.currency ORDER BY periodDay, key, r.currency`;
}

export function createReportRollupsRepository(db: SqliteDatabase): ReportsRepository {
  // Rows come back as arrays (raw mode) and become objects here: a report can be 100,000 rows,
  // and building them in JavaScript costs a fraction of better-sqlite3's per-column objects.
  const statements = new Map<string, Statement<Record<string, unknown>, RollupTuple>>();
  const statementFor = (grain: ReportPeriodGrain, groupBy: ReportGroupBy, oneSite: boolean) => {
    const name = `${grain}/${groupBy}/${oneSite}`;
    let statement = statements.get(name);
    if (!statement) statements.set(name, statement = db.prepare<Record<string, unknown>, RollupTuple>(rollupSql(grain, groupBy, oneSite)).raw(true));
    return statement;
  };
  const titles = db.prepare<[string], { id: number; title: string }>('SELECT id, title FROM deals WHERE id IN (SELECT value FROM json_each(?))');

  return {
    async rollup(query: RollupQuery) {
      const oneSite = query.siteId !== null;
      const params: Record<string, unknown> = { fromDay: query.fromDay, toDay: query.toDay };
      if (oneSite) params.siteId = query.siteId;
      return statementFor(query.grain, query.groupBy, oneSite).all(params).map((t): RollupRow => ({
        periodDay: t[0], key: t[1], currency: t[2], billable: t[3], bots: t[4], duplicates: t[5], conversions: t[6],
        salesMinor: t[7], pendingMinor: t[8], approvedMinor: t[9], reversedMinor: t[10],
      }));
    },
    async dealTitles(ids) {
      if (ids.length === 0) return new Map();
      return new Map(titles.all(JSON.stringify(ids)).map((row) => [row.id, row.title]));
    },
  };
}
