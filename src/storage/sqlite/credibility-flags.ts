// SQL for the `credibility_deal_flags` table: per live deal, the same offer's median price on
// other sites and whether its "worth" looks inflated. Rewritten whole on every recompute.
import type { CardFlag, DealFlag, InflationReason, OfferMember } from '../credibility-types';
import type { SqliteDatabase } from './database';

interface MemberRow {
  id: number;
  site_id: number;
  offer_key: string | null;
  price_minor: number;
  value_minor: number | null;
  currency: string;
  category: string | null;
  discount_percent: number | null;
  listed: number;
}

interface FlagRow {
  deal_id: number;
  site_id: number;
  offer_median_minor: number | null;
  offer_worth_median_minor: number | null;
  offer_sites: number;
  currency: string;
  reason: InflationReason | null;
}

export function createCredibilityFlags(db: SqliteDatabase) {
  // Live deals whose discount could be implausible, plus every live member of an offer sold by
  // more than one site (deals_live_offer gives the groups). The rest can be neither flagged nor
  // compared, so they are not read: at a million deals this keeps the hourly recompute small.
  // Suspended sites are scored too, so their deals are flagged; `listed` keeps them out of the
  // medians, which are those of the sites shoppers see.
  const members = db.prepare<{ now: number; minDiscount: number }, MemberRow>(`
    SELECT d.id, d.site_id, d.offer_key, d.price_minor, d.value_minor, d.currency, d.category, d.discount_percent, s.status = 'active' AS listed
    FROM deals d JOIN sites s ON s.id = d.site_id
    WHERE d.removed_at IS NULL AND (d.ends_at IS NULL OR d.ends_at > @now) AND s.status IN ('active', 'suspended')
      AND ((d.value_minor IS NOT NULL AND d.discount_percent > @minDiscount) OR d.offer_key IN (
        SELECT offer_key FROM deals WHERE removed_at IS NULL AND offer_key IS NOT NULL
        GROUP BY offer_key HAVING count(DISTINCT site_id) > 1))`);
  // The same for a few sites after their crawls: their deals that could be flagged, and every live
  // member of the offers they sell (deals_live_offer), whose medians their deals may have moved.
  const siteMembers = db.prepare<{ now: number; minDiscount: number; sites: string }, MemberRow>(`
    SELECT d.id, d.site_id, d.offer_key, d.price_minor, d.value_minor, d.currency, d.category, d.discount_percent, s.status = 'active' AS listed
    FROM deals d JOIN sites s ON s.id = d.site_id
    WHERE d.removed_at IS NULL AND (d.ends_at IS NULL OR d.ends_at > @now) AND s.status IN ('active', 'suspended')
      AND ((d.site_id IN (SELECT value FROM json_each(@sites)) AND d.value_minor IS NOT NULL AND d.discount_percent > @minDiscount)
        OR d.offer_key IN (SELECT o.offer_key FROM deals o WHERE o.site_id IN (SELECT value FROM json_each(@sites))
          AND o.removed_at IS NULL AND o.offer_key IS NOT NULL))`);
  const clearSites = db.prepare<[string]>('DELETE FROM credibility_deal_flags WHERE site_id IN (SELECT value FROM json_each(?))');
  const clearDeal = db.prepare<[number]>('DELETE FROM credibility_deal_flags WHERE deal_id = ?');
  const clear = db.prepare('DELETE FROM credibility_deal_flags');
  const insert = db.prepare(`INSERT INTO credibility_deal_flags
    (deal_id, site_id, offer_median_minor, offer_worth_median_minor, offer_sites, currency, reason, computed_at)
    VALUES (@dealId, @siteId, @offerMedianMinor, @offerWorthMedianMinor, @offerSites, @currency, @reason, @at)`);
  const byDeal = db.prepare<[number], FlagRow>('SELECT * FROM credibility_deal_flags WHERE deal_id = ?');
  const flagged = db.prepare<[], Pick<FlagRow, 'deal_id' | 'site_id' | 'offer_median_minor' | 'currency' | 'reason'>>(
    'SELECT deal_id, site_id, offer_median_minor, currency, reason FROM credibility_deal_flags WHERE reason IS NOT NULL');
  // Flags stay until the next recompute: only those of deals still live are the site's problems.
  const inflated = db.prepare<[number, number, number], { deal_id: number; title: string; reason: InflationReason; value_minor: number | null; price_minor: number; offer_worth_median_minor: number | null; currency: string }>(`
    SELECT f.deal_id, d.title, f.reason, d.value_minor, d.price_minor, f.offer_worth_median_minor, f.currency
    FROM credibility_deal_flags f JOIN deals d ON d.id = f.deal_id
    WHERE f.site_id = ? AND f.reason IS NOT NULL AND d.removed_at IS NULL AND (d.ends_at IS NULL OR d.ends_at > ?)
    ORDER BY f.deal_id LIMIT ?`);
  const replace = db.transaction((flags: DealFlag[], at: number) => {
    clear.run();
    // Only flagged deals: the deal page computes the median it shows from the same-offer list it has.
    for (const flag of flags) if (flag.reason !== null) insert.run({ ...flag, at });
  });
  const replaceForSites = db.transaction((sites: string, flags: DealFlag[], at: number) => {
    clearSites.run(sites);
    for (const flag of flags) {
      clearDeal.run(flag.dealId);
      if (flag.reason !== null) insert.run({ ...flag, at });
    }
  });
  const toMember = (row: MemberRow): OfferMember => ({
    id: row.id, siteId: row.site_id, offerKey: row.offer_key, priceMinor: row.price_minor, valueMinor: row.value_minor,
    currency: row.currency, category: row.category, discountPercent: row.discount_percent, listed: row.listed === 1,
  });

  return {
    async offerMembers(now: Date, minDiscount: number, siteIds?: number[]): Promise<OfferMember[]> {
      const rows = siteIds ? siteMembers.all({ now: now.getTime(), minDiscount, sites: JSON.stringify(siteIds) }) : members.all({ now: now.getTime(), minDiscount });
      return rows.map(toMember);
    },
    async replaceDealFlags(flags: DealFlag[], at: Date, siteIds?: number[]): Promise<void> {
      if (siteIds) replaceForSites(JSON.stringify(siteIds), flags, at.getTime());
      else replace(flags, at.getTime());
    },
    async findDealFlag(dealId: number): Promise<DealFlag | null> {
      const row = byDeal.get(dealId);
      return row ? {
        dealId: row.deal_id, siteId: row.site_id, offerMedianMinor: row.offer_median_minor,
        offerWorthMedianMinor: row.offer_worth_median_minor, offerSites: row.offer_sites, currency: row.currency, reason: row.reason,
      } : null;
    },
    async flaggedDeals(): Promise<CardFlag[]> {
      return flagged.all().map((row) => ({
        dealId: row.deal_id, siteId: row.site_id, offerMedianMinor: row.offer_median_minor, currency: row.currency, reason: row.reason,
      }));
    },
    async inflatedDeals(siteId: number, now: Date, limit: number) {
      return inflated.all(siteId, now.getTime(), limit).map((row) => ({
        dealId: row.deal_id, title: row.title, reason: row.reason, valueMinor: row.value_minor, priceMinor: row.price_minor,
        offerWorthMedianMinor: row.offer_worth_median_minor, currency: row.currency,
      }));
    },
  };
}
