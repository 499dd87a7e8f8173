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

/**
 * Medians of one offer's values with one site's own values left out, each in O(that site's
 * members) after one sort: a big group (thousands of members) costs k log k, not k².
 */
class ExcludingMedian {
  private readonly sorted: { value: number; siteId: number }[];
  private readonly positions = new Map<number, number[]>();

  constructor(entries: { value: number; siteId: number }[]) {
    this.sorted = [...entries].sort((a, b) => a.value - b.value);
    this.sorted.forEach((entry, index) => {
      const list = this.positions.get(entry.siteId) ?? [];
      list.push(index);
      this.positions.set(entry.siteId, list);
    });
  }

  without(siteId: number): number | null {
    const own = this.positions.get(siteId) ?? [];
    const remaining = this.sorted.length - own.length;
    if (remaining === 0) return null;
    // The entry of rank `rank` among the others: step over the site's own entries at or before it.
    const at = (rank: number): number => {
      let index = rank;
      for (const position of own) {
        if (position <= index) index++;
        else break;
      }
      return this.sorted[index]!.value;
    };
    return remaining % 2 === 1 ? at((remaining - 1) / 2) : Math.floor((at(remaining / 2 - 1) + at(remaining / 2)) / 2);
  }

  otherSites(siteId: number): number {
    return this.positions.size - (this.positions.has(siteId) ? 1 : 0);
  }
}

interface OfferGroup {
  prices: ExcludingMedian;
  worths: ExcludingMedian;
}

function offerGroups(members: OfferMember[]): Map<string, OfferGroup> {
  const byKey = new Map<string, OfferMember[]>();
  for (const member of members) {
    // A suspended site's deals are flagged against the listed sites, but move no median.
    if (member.offerKey === null || !member.listed) continue;
    const key = `${member.offerKey}\u0000${member.currency}`;
    const list = byKey.get(key) ?? [];
    list.push(member);
    byKey.set(key, list);
  }
  const groups = new Map<string, OfferGroup>();
  for (const [key, list] of byKey) {
    groups.set(key, {
      prices: new ExcludingMedian(list.map((member) => ({ value: member.priceMinor, siteId: member.siteId }))),
      worths: new ExcludingMedian(list.flatMap((member) => (member.valueMinor !== null ? [{ value: member.valueMinor, siteId: member.siteId }] : []))),
    });
  }
  return groups;
}

export function dealFlags(members: OfferMember[]): DealFlag[] {
  const groups = offerGroups(members);
  return members.map((deal) => {
    const group = deal.offerKey === null ? undefined : groups.get(`${deal.offerKey}\u0000${deal.currency}`);
    const offerMedianMinor = group?.prices.without(deal.siteId) ?? null;
    const offerWorthMedianMinor = group?.worths.without(deal.siteId) ?? null;
    return {
      dealId: deal.id,
      siteId: deal.siteId,
      offerMedianMinor,
      offerWorthMedianMinor,
      offerSites: group?.prices.otherSites(deal.siteId) ?? 0,
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
