// Inflated original prices: per live deal, the same offer's median price (and median worth) on
// other sites, and a flag when the deal's worth is far above what the others claim or its
// discount is beyond what the category makes plausible.
import type { DealFlag, InflationReason, OfferMember } from '../storage';
import { plausibleMaxDiscount } from './plausible-discounts';

/** A worth more than this many times the other sites' median worth is flagged. */
export const WORTH_OVER_MEDIAN_FACTOR = 2;
/** Where no other site gives a worth: a worth more than this many times their median price is flagged. */
export const WORTH_OVER_MEDIAN_PRICE_FACTOR = 5;

/** Median of integers, rounded down to a whole minor unit; null for none. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : Math.floor((sorted[middle - 1]! + sorted[middle]!) / 2);
}

export function dealFlags(members: OfferMember[]): DealFlag[] {
  const groups = new Map<string, OfferMember[]>();
  for (const member of members) {
    if (member.offerKey === null) continue;
    const key = `${member.offerKey}\u0000${member.currency}`;
    const group = groups.get(key) ?? [];
    group.push(member);
    groups.set(key, group);
  }
  return members.map((deal) => {
    const others = deal.offerKey === null ? [] : (groups.get(`${deal.offerKey}\u0000${deal.currency}`) ?? []).filter((other) => other.siteId !== deal.siteId);
    const offerMedianMinor = median(others.map((other) => other.priceMinor));
    const offerWorthMedianMinor = median(others.flatMap((other) => (other.valueMinor !== null ? [other.valueMinor] : [])));
    return {
      dealId: deal.id,
      siteId: deal.siteId,
      offerMedianMinor,
      offerWorthMedianMinor,
      offerSites: new Set(others.map((other) => other.siteId)).size,
      currency: deal.currency,
      reason: inflationReason(deal, offerWorthMedianMinor, offerMedianMinor),
    };
  });
}

function inflationReason(deal: OfferMember, worthMedian: number | null, priceMedian: number | null): InflationReason | null {
  if (deal.valueMinor === null) return null;
  if (worthMedian !== null && deal.valueMinor > WORTH_OVER_MEDIAN_FACTOR * worthMedian) return 'worth_above_median';
  if (worthMedian === null && priceMedian !== null && deal.valueMinor > WORTH_OVER_MEDIAN_PRICE_FACTOR * priceMedian) return 'worth_above_median';
  if (deal.discountPercent !== null && deal.discountPercent > plausibleMaxDiscount(deal.category)) return 'implausible_discount';
  return null;
}

/** Percent below the same offer's median price on other sites (negative when dearer); null without one. */
export function discountAgainstMedian(priceMinor: number, offerMedianMinor: number | null): number | null {
  if (offerMedianMinor === null || offerMedianMinor <= 0) return null;
  return Math.round((100 * (offerMedianMinor - priceMinor)) / offerMedianMinor);
}
