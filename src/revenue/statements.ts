// Monthly statements per site and currency: clicks, conversions, sales and commission by bucket.
//
// For a month (UTC) and each currency:
//   conversions / sales / leads   conversions that happened in the month, rejected ones left out
//   salesMinor                    their sale amounts, rejected and reversed ones left out
//   pendingMinor                  commission still pending at the month's end (all pending entries up to it)
//   approvedMinor                 commission approved by events in the month
//   reversedMinor                 commission taken back by reversals in the month (≤ 0)
//   cpcMinor                      billable clicks of the month × the CPC price of their UTC day and click-time
//                                 category (cpc-prices.ts)
//   payableMinor                  approvedMinor + reversedMinor + cpcMinor (approved less reversals, plus CPC)
//   adjustmentMinor               part of the above that belongs to an earlier, already closed month
// A closed month answers its snapshot from the close; events for it arriving later land in the
// next open month as adjustments (see commission.ts).
import type { NewCommissionEntry, Site, Storage } from '../storage';
import { ROUNDING_RULE } from './commission';
import { cpcDayPrices, priceClicks } from './cpc-prices';
import { RevenueError } from './errors';
import { formatMinor } from './money';
import { periodBounds } from './periods';

export interface StatementLine {
  currency: string;
  conversions: number;
  sales: number;
  leads: number;
  salesMinor: number;
  pendingMinor: number;
  approvedMinor: number;
  reversedMinor: number;
  cpcMinor: number;
  adjustmentMinor: number;
  payableMinor: number;
}

export interface Statement {
  site: string;
  period: string;
  /** The month's bounds, UTC. */
  start: string;
  end: string;
  closedAt: string | null;
  clicks: { total: number; bots: number; duplicates: number; billable: number };
  lines: StatementLine[];
  rounding: string;
}

const DAY_MS = 86_400_000;

const emptyLine = (currency: string): StatementLine => ({
  currency, conversions: 0, sales: 0, leads: 0, salesMinor: 0, pendingMinor: 0, approvedMinor: 0,
  reversedMinor: 0, cpcMinor: 0, adjustmentMinor: 0, payableMinor: 0,
});

export async function statementFor(storage: Storage, site: Site, period: string): Promise<Statement> {
  const closed = await storage.revenue.findClosedPeriod(site.id, period);
  if (closed?.snapshot) return JSON.parse(closed.snapshot) as Statement;
  return computeStatement(storage, site, period, closed?.closedAt ?? null);
}

async function computeStatement(storage: Storage, site: Site, period: string, closedAt: Date | null): Promise<Statement> {
  const { start, end } = periodBounds(period);
  const lines = new Map<string, StatementLine>();
  const line = (currency: string) => lines.get(currency) ?? lines.set(currency, emptyLine(currency)).get(currency)!;
  for (const totals of await storage.revenue.conversionTotals(site.id, start, end)) {
    Object.assign(line(totals.currency), {
      conversions: totals.conversions, sales: totals.sales, leads: totals.leads, salesMinor: totals.salesMinor,
    });
  }
  for (const pending of await storage.revenue.pendingThrough(site.id, period)) line(pending.currency).pendingMinor = pending.amountMinor;
  for (const totals of await storage.revenue.entryTotals(site.id, period)) {
    if (totals.source !== 'conversion') continue; // CPC entries exist only once the month is closed, and come from its snapshot
    const target = line(totals.currency);
    if (totals.bucket === 'approved') target.approvedMinor += totals.amountMinor;
    if (totals.bucket === 'reversed') target.reversedMinor += totals.amountMinor;
    if (totals.bucket !== 'pending') target.adjustmentMinor += totals.adjustmentMinor;
  }
  for (const cpc of await cpcCommission(storage, site.id, start, end)) line(cpc.currency).cpcMinor += cpc.amountMinor;
  for (const each of lines.values()) each.payableMinor = each.approvedMinor + each.reversedMinor + each.cpcMinor;
  return {
    site: site.slug,
    period,
    start: start.toISOString(),
    end: end.toISOString(),
    closedAt: closedAt?.toISOString() ?? null,
    clicks: await storage.revenue.clickCounts(site.id, start, end),
    lines: [...lines.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
    rounding: ROUNDING_RULE,
  };
}

/** CPC commission of the month's billable clicks, priced day by day (see cpc-prices.ts for the rule). */
async function cpcCommission(storage: Storage, siteId: number, start: Date, end: Date): Promise<{ currency: string; amountMinor: number; clicks: number }[]> {
  const terms = (await storage.revenue.listTerms(siteId)).filter((term) => term.model === 'cpc');
  if (terms.length === 0) return [];
  const fromDay = start.getTime() / DAY_MS;
  const toDay = end.getTime() / DAY_MS - 1;
  return priceClicks(cpcDayPrices(siteId, terms, fromDay, toDay), await storage.reports.billableByDayCategory(siteId, fromDay, toDay));
}

/**
 * Closes the month: from the moment it is marked, no new entry lands in it; then its statement is
 * computed, its CPC commission written to the ledger, and the snapshot stored. Re-running a close
 * that was cut short finishes it; closing a finished month again is refused.
 */
export async function closeStatement(storage: Storage, site: Site, period: string, now: Date): Promise<Statement> {
  const { end } = periodBounds(period);
  if (end > now) throw new RevenueError(409, 'DN_ERR_PERIOD_OPEN', `${period} is not over yet (it ends ${end.toISOString()})`);
  const marked = await storage.revenue.markPeriodClosed(site.id, period, now);
  if (marked.snapshot !== null) {
    throw new RevenueError(409, 'DN_ERR_PERIOD_CLOSED', `${period} of ${site.slug} was already closed at ${marked.closedAt.toISOString()}`);
  }
  const statement = await computeStatement(storage, site, period, marked.closedAt);
  const cpcEntries: NewCommissionEntry[] = statement.lines.filter((line) => line.cpcMinor !== 0).map((line) => ({
    siteId: site.id, conversionId: null, eventId: null, source: 'cpc', bucket: 'approved', amountMinor: line.cpcMinor,
    currency: line.currency, period, originalPeriod: period, effectiveAt: new Date(end.getTime() - 1),
    explanation: `cpc: ${statement.clicks.billable} billable clicks of ${period} priced by the CPC terms in force at the start of each UTC day`,
  }));
  await storage.revenue.finishClosedPeriod({ siteId: site.id, period, snapshot: JSON.stringify(statement), cpcEntries });
  return statement;
}

const CSV_COLUMNS = ['site', 'period', 'currency', 'closed_at', 'total_clicks', 'billable_clicks', 'bot_clicks', 'duplicate_clicks',
  'conversions', 'sales', 'leads', 'sales_amount', 'commission_pending', 'commission_approved', 'commission_reversed',
  'commission_cpc', 'adjustments', 'payable'] as const;

/** One row per currency; amounts as exact decimals in major units (68.01), a header row first. */
export function statementCsv(statement: Statement): string {
  const rows = statement.lines.map((line) => [
    statement.site, statement.period, line.currency, statement.closedAt ?? '', statement.clicks.total, statement.clicks.billable,
    statement.clicks.bots, statement.clicks.duplicates, line.conversions, line.sales, line.leads,
    ...[line.salesMinor, line.pendingMinor, line.approvedMinor, line.reversedMinor, line.cpcMinor, line.adjustmentMinor, line.payableMinor]
      .map((minor) => formatMinor(minor, line.currency)),
  ].map((cell) => csvCell(String(cell))).join(','));
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

const csvCell = (text: string): string => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
