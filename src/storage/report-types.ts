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
  /** Only these groups (site and deal ids as text); absent for every group. */
  keys?: string[];
  /** CPC prices of days not yet in the ledger (months not closed): their commission is added. */
  cpcPrices?: CpcDayPrice[];
}

/**
 * The CPC price of one site's billable clicks on one UTC day: for one category, or (null) for every
 * category that has no price of its own that day. See revenue/cpc-prices.ts.
 */
export interface CpcDayPrice {
  siteId: number;
  day: number;
  category: string | null;
  currency: string;
  priceMinor: number;
}

/** One page of a report's lines (period × group), in the order operators read them. */
export interface LinePageQuery {
  grain: ReportGrain;
  groupBy: ReportGroupBy;
  fromDay: number;
  toDay: number;
  siteId: number | null;
  /** Lines are ordered by commission in this currency (largest first), then billable clicks. */
  orderCurrency: string;
  offset: number;
  limit: number;
  cpcPrices?: CpcDayPrice[];
}

export interface LinePage {
  /** Every line of the report, not just this page's. */
  totalLines: number;
  lines: { periodDay: number; key: string }[];
}

export interface SiteCommission {
  currency: string;
  /** Site id as text. */
  key: string;
  commissionMinor: number;
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

/** Every read first folds in the clicks committed since the last roll-up, so it counts them all. */
export interface ReportsRepository {
  /** Folds committed clicks not yet counted into the rollups (at most `limit` click ids); returns how many it covered. */
  rollUpClicks(limit?: number): Promise<number>;
  /** Rows ordered by period, group, currency. */
  rollup(query: RollupQuery): Promise<RollupRow[]>;
  linePage(query: LinePageQuery): Promise<LinePage>;
  /** Commission per site and currency over the range, every site (currencies with money only). */
  siteCommissions(fromDay: number, toDay: number, cpcPrices?: CpcDayPrice[]): Promise<SiteCommission[]>;
  /** One site's billable clicks per UTC day and click-time category ('' for none), from the rollup. */
  billableByDayCategory(siteId: number, fromDay: number, toDay: number): Promise<{ day: number; category: string; clicks: number }[]>;
  /** Titles of these deals (for deal reports); ids not found are left out. */
  dealTitles(ids: number[]): Promise<Map<number, string>>;
}
