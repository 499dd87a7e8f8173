// One site's figures as its owner sees them, read from storage once for both the owner's page
// (web/pages/owner-site-view.ts formats them for the reader) and the owner's API (web/api/owner.ts
// answers them as JSON): each feed with its last runs, deals live now, clicks and conversions over
// the site's whole history, commission by status, and the statement months.
import type { CrawlRun, Feed, Site, Storage } from '../storage';
import type { BillableClickCounts, CommissionBucket, ConversionTotals } from '../storage/revenue-types';
import { periodBounds, periodOf } from '../revenue/periods';

/** Runs shown per feed. */
export const RUNS_SHOWN = 10;
/** Statement months offered, newest first. */
export const STATEMENT_MONTHS = 12;

export interface CommissionByStatus {
  currency: string;
  pendingMinor: number;
  approvedMinor: number;
  reversedMinor: number;
}

export interface SiteOverview {
  feeds: { feed: Feed; runs: CrawlRun[] }[];
  liveDeals: number;
  clicks: BillableClickCounts;
  conversions: ConversionTotals[];
  commission: CommissionByStatus[];
  statements: { month: string; closed: boolean }[];
}

export async function siteOverview(storage: Storage, site: Site, now: Date): Promise<SiteOverview> {
  const ever = new Date(0);
  const [feeds, clicks, conversions, entries, live, statements] = await Promise.all([
    storage.feeds.listForSite(site.id),
    storage.revenue.clickCounts(site.id, ever, now),
    storage.revenue.conversionTotals(site.id, ever, now),
    storage.revenue.listEntries(site.id),
    storage.deals.search({ now, sites: [site.slug], sort: 'newest', page: 1, pageSize: 1, facetLimit: 1 }),
    statementMonths(storage, site, now),
  ]);
  return {
    feeds: await Promise.all(feeds.map(async (feed) => ({ feed, runs: await storage.crawlRuns.listForFeed(feed.id, RUNS_SHOWN) }))),
    liveDeals: live.total,
    clicks,
    conversions,
    commission: commissionByStatus(entries),
    statements,
  };
}

/** Ledger totals per currency and bucket, over the site's whole history. */
function commissionByStatus(entries: { currency: string; bucket: CommissionBucket; amountMinor: number }[]): CommissionByStatus[] {
  const totals = new Map<string, CommissionByStatus>();
  for (const entry of entries) {
    const line = totals.get(entry.currency) ?? { currency: entry.currency, pendingMinor: 0, approvedMinor: 0, reversedMinor: 0 };
    line[`${entry.bucket}Minor`] += entry.amountMinor;
    totals.set(entry.currency, line);
  }
  return [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

/** The months from the site's registration to now (newest first, at most STATEMENT_MONTHS). */
export async function statementMonths(storage: Storage, site: Site, now: Date): Promise<SiteOverview['statements']> {
  const months: string[] = [];
  for (let month = periodOf(now); months.length < STATEMENT_MONTHS; ) {
    months.push(month);
    if (periodBounds(month).start <= site.createdAt) break;
    month = periodOf(new Date(periodBounds(month).start.getTime() - 1));
  }
  return Promise.all(months.map(async (month) => ({
    month,
    closed: (await storage.revenue.findClosedPeriod(site.id, month))?.snapshot != null,
  })));
}
