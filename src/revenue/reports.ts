// Operators' reports from the daily rollups: per period (UTC day, ISO week from Monday, calendar
// month) and one grouping (site, deal, category, city, sub id), over a date range, optionally one
// site. Every money figure stays in its own currency: a group with sales in CNY and USD has two
// money lines, never a converted sum.
//
//   billable clicks     clicks neither a bot nor a repeat (see click-guard.ts, visitor.ts)
//   filtered clicks     bots (isbot, no user agent, HEAD) and duplicates (a repeat within 30 min);
//                       requests refused for rate limiting (429) were never clicks and are not here
//   conversions         conversions that happened in the period, rejected ones left out
//   conversion rate     conversions ÷ billable clicks
//   sales               sale amounts of the period's pending and approved conversions
//   commission          pending + approved + reversed ledger movements dated in the period: what the
//                       period's events earned, net of reversals and rejections; for months not closed
//                       yet, plus their CPC commission (billable clicks × the day's CPC price, as
//                       approved, under the click's deal), which the ledger gets only when the month
//                       closes (then on its last day, deal 0; see cpc-prices.ts)
//   EPC                 commission ÷ billable clicks, in minor units (fractional)
// Periods at the edges of the range cover only its days (a week cut by `from` starts there).
//
// A report can have 100,000+ lines (a week of every deal): pages read one page of lines, ranked in
// SQL by commission in the report's main currency (the one with the most commission), then billable
// clicks, then period and group; totals, the revenue chart and the top sites are computed over
// every line from the smallest rollup that answers them. Exports read every line, one period at a
// time, so no period's rows are held longer than it takes to write them out.
import type { CpcDayPrice, ReportGrain, ReportGroupBy, RollupRow, Site, Storage } from '../storage';
import { unclosedCpcPrices } from './cpc-prices';
import { RevenueError } from './errors';

export const REPORT_GRAINS: readonly ReportGrain[] = ['day', 'week', 'month'];
export const REPORT_GROUPS: readonly ReportGroupBy[] = ['site', 'deal', 'category', 'city', 'sub'];
/** Longest range one report covers, in days. */
export const MAX_REPORT_DAYS = 400;
/** Lines per page unless asked otherwise, and the most one page may have. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
const DAY_MS = 86_400_000;

export interface ReportRequest {
  grain: ReportGrain;
  groupBy: ReportGroupBy;
  /** YYYY-MM-DD, UTC, both included. */
  from: string;
  to: string;
  /** A site's slug, or null for every site. */
  site: string | null;
  /** 1-based page of lines, and lines per page (exports ignore both). */
  page: number;
  pageSize: number;
}

export interface ReportMoney {
  currency: string;
  salesMinor: number;
  commissionPendingMinor: number;
  commissionApprovedMinor: number;
  commissionReversedMinor: number;
  commissionMinor: number;
  /** Commission per billable click in minor units; null without billable clicks. */
  epcMinor: number | null;
}

export interface ReportFigures {
  billableClicks: number;
  filteredClicks: { bot: number; duplicate: number; total: number };
  conversions: number;
  /** Conversions ÷ billable clicks; null without billable clicks. */
  conversionRate: number | null;
  money: ReportMoney[];
}

export interface ReportLine extends ReportFigures {
  /** `2026-11-02` (day), `2026-W45` (ISO week), `2026-11` (month). */
  period: string;
  /** The period's first day inside the range. */
  periodStart: string;
  /** Site slug, deal id, category slug, city code or sub id; '' for none. */
  key: string;
  /** Site name or deal title; otherwise the key itself (pages translate categories and cities). */
  label: string;
}

export interface Report {
  request: ReportRequest;
  /** This page's lines, in rank order (see the top of this file). */
  lines: ReportLine[];
  /** Lines of the whole report, every page. */
  totalLines: number;
  /** The currency whose commission ranks the lines; null when the range has no commission. */
  orderCurrency: string | null;
  /** Over every line, not just this page's. */
  totals: ReportFigures;
  /** Commission per period, per currency: the revenue chart. */
  revenue: { period: string; periodStart: string; money: { currency: string; commissionMinor: number }[] }[];
  /** Sites with the most commission over the whole range, per currency (at most 10 each). */
  topSites: { currency: string; sites: { key: string; label: string; commissionMinor: number }[] }[];
}

/** Currency codes and slugs are ASCII: plain comparison (localeCompare costs a collator call each). */
const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const dayNumber = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
export const dayText = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** ISO 8601 week label of a Monday: the week belongs to the year of its Thursday. */
function isoWeek(monday: number): string {
  const thursday = new Date((monday + 3) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((monday + 3 - Date.UTC(year, 0, 1) / DAY_MS) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export function periodLabel(grain: ReportGrain, periodDay: number): string {
  if (grain === 'week') return isoWeek(periodDay);
  const text = dayText(periodDay);
  return grain === 'month' ? text.slice(0, 7) : text;
}

function validDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && dayText(dayNumber(text)) === text;
}

interface Sums {
  billable: number;
  bots: number;
  duplicates: number;
  conversions: number;
  money: Map<string, { sales: number; pending: number; approved: number; reversed: number }>;
}

const emptySums = (): Sums => ({ billable: 0, bots: 0, duplicates: 0, conversions: 0, money: new Map() });

function addRow(sums: Sums, row: RollupRow): void {
  sums.billable += row.billable;
  sums.bots += row.bots;
  sums.duplicates += row.duplicates;
  sums.conversions += row.conversions;
  if (row.currency === '') return;
  const money = sums.money.get(row.currency) ?? { sales: 0, pending: 0, approved: 0, reversed: 0 };
  money.sales += row.salesMinor;
  money.pending += row.pendingMinor;
  money.approved += row.approvedMinor;
  money.reversed += row.reversedMinor;
  sums.money.set(row.currency, money);
}

function figures(sums: Sums): ReportFigures {
  const perClick = (value: number) => (sums.billable > 0 ? value / sums.billable : null);
  return {
    billableClicks: sums.billable,
    filteredClicks: { bot: sums.bots, duplicate: sums.duplicates, total: sums.bots + sums.duplicates },
    conversions: sums.conversions,
    conversionRate: perClick(sums.conversions),
    money: [...sums.money.entries()].sort(([a], [b]) => byCode(a, b)).map(([currency, m]) => {
      const commission = m.pending + m.approved + m.reversed;
      return {
        currency, salesMinor: m.sales, commissionPendingMinor: m.pending, commissionApprovedMinor: m.approved,
        commissionReversedMinor: m.reversed, commissionMinor: commission, epcMinor: perClick(commission),
      };
    }),
  };
}

/** Checks the request and turns it into days and a site id; coded errors for the route to answer. */
async function resolve(storage: Storage, request: ReportRequest) {
  if (!validDate(request.from) || !validDate(request.to)) {
    throw new RevenueError(400, 'DN_ERR_REPORT_DATE', 'from and to are calendar dates, YYYY-MM-DD (UTC)');
  }
  const fromDay = dayNumber(request.from);
  const toDay = dayNumber(request.to);
  if (toDay < fromDay) throw new RevenueError(400, 'DN_ERR_REPORT_RANGE', `to (${request.to}) is before from (${request.from})`);
  if (toDay - fromDay + 1 > MAX_REPORT_DAYS) {
    throw new RevenueError(400, 'DN_ERR_REPORT_RANGE', `a report covers at most ${MAX_REPORT_DAYS} days; narrow from/to`);
  }
  const sites = await storage.sites.list();
  const site = request.site === null ? null : sites.find((each) => each.slug === request.site) ?? null;
  if (request.site !== null && !site) throw new RevenueError(404, 'DN_ERR_SITE_NOT_FOUND', `No site '${request.site}'`);
  const cpcPrices = await unclosedCpcPrices(storage, site?.id ?? null, fromDay, toDay);
  return { fromDay, toDay, site, sites, cpcPrices };
}

/** Sums every row into the report's totals and its per-period revenue. */
function summarise(rows: RollupRow[]) {
  const periods = new Map<number, Sums>();
  const totals = emptySums();
  for (const row of rows) {
    addRow(periods.get(row.periodDay) ?? periods.set(row.periodDay, emptySums()).get(row.periodDay)!, row);
    addRow(totals, row);
  }
  return { periods, totals: figures(totals) };
}

/** The currency with the most commission (ties: the first code); null without money. */
function mainCurrency(totals: ReportFigures): string | null {
  let best: ReportMoney | null = null;
  for (const money of totals.money) if (best === null || money.commissionMinor > best.commissionMinor) best = money;
  return best?.currency ?? null;
}

/** Turns rollup rows (ordered by period, group) into lines with labels and periods. */
function lineMaker(request: ReportRequest, fromDay: number, sites: Site[]) {
  const siteById = new Map(sites.map((each) => [String(each.id), each]));
  const periodLabels = new Map<number, { period: string; periodStart: string }>();
  const periodOf = (periodDay: number) => {
    // Few distinct periods, many lines: each period's labels are made once.
    let labels = periodLabels.get(periodDay);
    if (!labels) {
      labels = { period: periodLabel(request.grain, periodDay), periodStart: dayText(Math.max(periodDay, fromDay)) };
      periodLabels.set(periodDay, labels);
    }
    return labels;
  };
  const siteKey = (key: string) => siteById.get(key)?.slug ?? key;
  const siteLabel = (key: string) => siteById.get(key)?.name ?? key;
  return {
    periodOf,
    siteKey,
    siteLabel,
    async lines(storage: Storage, rows: RollupRow[]): Promise<Map<string, ReportLine>> {
      const { groupBy } = request;
      const dealTitles = groupBy === 'deal'
        ? await storage.reports.dealTitles([...new Set(rows.map((row) => Number(row.key)))])
        : new Map<number, string>();
      const labelOf = (key: string) => (groupBy === 'site' ? siteLabel(key) : groupBy === 'deal' ? dealTitles.get(Number(key)) ?? '' : key);
      const sums = new Map<string, { periodDay: number; key: string; sums: Sums }>();
      for (const row of rows) {
        const id = lineId(row.periodDay, row.key);
        const line = sums.get(id) ?? sums.set(id, { periodDay: row.periodDay, key: row.key, sums: emptySums() }).get(id)!;
        addRow(line.sums, row);
      }
      const lines = new Map<string, ReportLine>();
      for (const [id, line] of sums) {
        // Built field by field: object spread into a literal cost ~30 µs a line here.
        const { period, periodStart } = periodOf(line.periodDay);
        const { billableClicks, filteredClicks, conversions, conversionRate, money } = figures(line.sums);
        lines.set(id, {
          period, periodStart, key: groupBy === 'site' ? siteKey(line.key) : line.key, label: labelOf(line.key),
          billableClicks, filteredClicks, conversions, conversionRate, money,
        });
      }
      return lines;
    },
  };
}

const lineId = (periodDay: number, key: string) => `${periodDay}\u0000${key}`;

/** The smallest rollup that holds every line's sums: the category dimension (20-odd values a day). */
const summaryQuery = (request: ReportRequest, fromDay: number, toDay: number, siteId: number | null, cpcPrices: CpcDayPrice[]) =>
  ({ grain: request.grain, groupBy: 'category' as const, fromDay, toDay, siteId, cpcPrices });

/** One page of a report: its lines, and totals, revenue and top sites over every line. */
export async function buildReport(storage: Storage, request: ReportRequest): Promise<Report> {
  const { fromDay, toDay, site, sites, cpcPrices } = await resolve(storage, request);
  const siteId = site?.id ?? null;
  const { periods, totals } = summarise(await storage.reports.rollup(summaryQuery(request, fromDay, toDay, siteId, cpcPrices)));
  const orderCurrency = mainCurrency(totals);
  const page = await storage.reports.linePage({
    grain: request.grain, groupBy: request.groupBy, fromDay, toDay, siteId, orderCurrency: orderCurrency ?? '',
    offset: (request.page - 1) * request.pageSize, limit: request.pageSize, cpcPrices,
  });
  const maker = lineMaker(request, fromDay, sites);
  const rows = page.lines.length === 0 ? [] : await storage.reports.rollup({
    grain: request.grain, groupBy: request.groupBy, fromDay, toDay, siteId, keys: [...new Set(page.lines.map((line) => line.key))], cpcPrices,
  });
  // The rows hold every period of the page's groups: keep the page's (period, group) pairs, in rank order.
  const built = await maker.lines(storage, rows);
  const siteTotals = siteId === null
    ? await storage.reports.siteCommissions(fromDay, toDay, cpcPrices)
    : totals.money.map((m) => ({ currency: m.currency, key: String(siteId), commissionMinor: m.commissionMinor }));
  return {
    request,
    lines: page.lines.flatMap((line) => built.get(lineId(line.periodDay, line.key)) ?? []),
    totalLines: page.totalLines,
    orderCurrency,
    totals,
    revenue: [...periods.entries()].sort(([a], [b]) => a - b).map(([periodDay, sums]) => ({
      ...maker.periodOf(periodDay),
      money: figures(sums).money.map((m) => ({ currency: m.currency, commissionMinor: m.commissionMinor })),
    })),
    topSites: topSites(siteTotals, maker.siteKey, maker.siteLabel),
  };
}

/** Every line of a report for an export: totals first (cheap), then the lines period by period. */
export interface ReportExport {
  request: ReportRequest;
  totals: ReportFigures;
  /** Lines of one period at a time, by period then group. */
  lines: AsyncGenerator<ReportLine[]>;
}

export async function exportReport(storage: Storage, request: ReportRequest): Promise<ReportExport> {
  const { fromDay, toDay, site, sites, cpcPrices } = await resolve(storage, request);
  const siteId = site?.id ?? null;
  const { totals } = summarise(await storage.reports.rollup(summaryQuery(request, fromDay, toDay, siteId, cpcPrices)));
  const maker = lineMaker(request, fromDay, sites);
  async function* lines(): AsyncGenerator<ReportLine[]> {
    for (let start = fromDay; start <= toDay;) {
      const end = Math.min(toDay, periodEnd(request.grain, start));
      const rows = await storage.reports.rollup({ grain: request.grain, groupBy: request.groupBy, fromDay: start, toDay: end, siteId, cpcPrices });
      yield [...(await maker.lines(storage, rows)).values()];
      start = end + 1;
    }
  }
  return { request, totals, lines: lines() };
}

/** The last day of the period that `day` is in. */
export function periodEnd(grain: ReportGrain, day: number): number {
  if (grain === 'day') return day;
  if (grain === 'week') return day + 6 - ((day + 3) % 7);
  const date = new Date(day * DAY_MS);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0) / DAY_MS;
}

function topSites(rows: { currency: string; key: string; commissionMinor: number }[], keyOf: (key: string) => string, labelOf: (key: string) => string): Report['topSites'] {
  const byCurrency = new Map<string, { key: string; commissionMinor: number }[]>();
  for (const row of rows) {
    if (row.currency === '') continue;
    (byCurrency.get(row.currency) ?? byCurrency.set(row.currency, []).get(row.currency)!).push(row);
  }
  return [...byCurrency.entries()].sort(([a], [b]) => byCode(a, b)).map(([currency, sites]) => ({
    currency,
    sites: sites.map(({ key, commissionMinor }) => ({ key: keyOf(key), label: labelOf(key), commissionMinor }))
      .sort((a, b) => b.commissionMinor - a.commissionMinor || byCode(a.key, b.key)).slice(0, 10),
  }));
}
