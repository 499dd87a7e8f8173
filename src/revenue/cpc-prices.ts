// CPC pricing, one rule for the month's close (statements.ts) and for the reports of months not yet
// closed (reports.ts), so that a report's CPC commission of an open month is what closing it writes:
// - a UTC day's billable clicks are priced by the CPC terms in force at that day's start (00:00 UTC),
//   because the clicks are counted per UTC day (report_daily); a term from 15:00 applies from the
//   next day;
// - the category is the deal's category when the click was made (as report_daily keeps it);
// - a category's own term wins over an every-category one; among equals the latest, then the newest row.
import type { CommissionTerm, CpcDayPrice, Storage } from '../storage';
import { periodBounds, periodOf } from './periods';

const DAY_MS = 86_400_000;

const later = (a: CommissionTerm, b: CommissionTerm): boolean =>
  a.effectiveFrom.getTime() > b.effectiveFrom.getTime() || (a.effectiveFrom.getTime() === b.effectiveFrom.getTime() && a.id > b.id);

/** One site's CPC prices for each day of [fromDay, toDay]: a row per category with its own term, and one (null) for the rest. */
export function cpcDayPrices(siteId: number, terms: CommissionTerm[], fromDay: number, toDay: number): CpcDayPrice[] {
  const cpc = terms.filter((term) => term.model === 'cpc');
  const prices: CpcDayPrice[] = [];
  for (let day = fromDay; day <= toDay && cpc.length > 0; day++) {
    const latest = new Map<string | null, CommissionTerm>();
    for (const term of cpc) {
      if (term.effectiveFrom.getTime() > day * DAY_MS) continue;
      const current = latest.get(term.category);
      if (!current || later(term, current)) latest.set(term.category, term);
    }
    for (const term of latest.values()) {
      prices.push({ siteId, day, category: term.category, currency: term.currency!, priceMinor: term.flatMinor! });
    }
  }
  return prices;
}

/** Billable clicks per day and category ('' for none) priced by `prices`: a total per currency. */
export function priceClicks(prices: CpcDayPrice[], counts: { day: number; category: string; clicks: number }[]) {
  const byKey = new Map(prices.map((price) => [`${price.day}\u0000${price.category ?? '\u0001'}`, price]));
  const totals = new Map<string, { currency: string; amountMinor: number; clicks: number }>();
  for (const { day, category, clicks } of counts) {
    const price = byKey.get(`${day}\u0000${category}`) ?? byKey.get(`${day}\u0000\u0001`);
    if (!price) continue;
    const total = totals.get(price.currency) ?? totals.set(price.currency, { currency: price.currency, amountMinor: 0, clicks: 0 }).get(price.currency)!;
    total.amountMinor += clicks * price.priceMinor;
    total.clicks += clicks;
  }
  return [...totals.values()];
}

/**
 * CPC prices for the days of [fromDay, toDay] whose month has no closed statement yet (a closed
 * month's CPC is in the ledger already), for every site or one. Empty without CPC terms.
 */
export async function unclosedCpcPrices(storage: Storage, siteId: number | null, fromDay: number, toDay: number): Promise<CpcDayPrice[]> {
  const terms = (await storage.revenue.listCpcTerms()).filter((term) => siteId === null || term.siteId === siteId);
  const bySite = new Map<number, CommissionTerm[]>();
  for (const term of terms) (bySite.get(term.siteId) ?? bySite.set(term.siteId, []).get(term.siteId)!).push(term);
  const prices: CpcDayPrice[] = [];
  for (const [site, siteTerms] of bySite) {
    for (let period = periodOf(new Date(fromDay * DAY_MS)); ;) {
      const { start, end } = periodBounds(period);
      const first = Math.max(fromDay, start.getTime() / DAY_MS);
      const last = Math.min(toDay, end.getTime() / DAY_MS - 1);
      if (first > last) break;
      if (!(await storage.revenue.findClosedPeriod(site, period))?.snapshot) prices.push(...cpcDayPrices(site, siteTerms, first, last));
      period = periodOf(end);
    }
  }
  return prices;
}
