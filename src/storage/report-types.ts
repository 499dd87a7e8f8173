// The operators' report rollups (migration "report rollups" in sqlite/migrations.ts): daily sums of
// clicks, conversions, sales and commission, read by period and by one grouping.
// Days are UTC days since 1970-01-01; money is integer minor units per currency, never converted.

export type ReportGrain = 'day' | 'week' | 'month';
/** `all`: one row per group for the whole date range (the top-sites chart). */
export type ReportPeriodGrain = ReportGrain | 'all';
export type ReportGroupBy = 'site' | 'deal' | 'category' | 'city' | 'sub';

export interface RollupQuery {
  grain: ReportPeriodGrain;
  groupBy: ReportGroupBy;
  /** First and last UTC day of the range, both included. */
  fromDay: number;
  toDay: number;
  /** Only this site's rows; null for every site. */
  siteId: number | null;
}

/** One period × group × currency. Click counts sit on the rows of currency '' (clicks have no currency). */
export interface RollupRow {
  /** First UTC day of the period (a Monday for weeks, the 1st for months; fromDay for `all`). */
  periodDay: number;
  /** The group's value: site id or deal id as text, category slug, city code, sub id; '' for none. */
  key: string;
  currency: string;
  billable: number;
  bots: number;
  duplicates: number;
  /** Conversions that happened in the period, rejected ones left out (as statements count them). */
  conversions: number;
  /** Sale amounts of the period's pending and approved sales. */
  salesMinor: number;
  /** Signed ledger movements dated in the period, per bucket (see revenue/commission.ts). */
  pendingMinor: number;
  approvedMinor: number;
  reversedMinor: number;
}

export interface ReportsRepository {
  rollup(query: RollupQuery): Promise<RollupRow[]>;
  /** Titles of these deals (for deal reports); ids not found are left out. */
  dealTitles(ids: number[]): Promise<Map<number, string>>;
}
