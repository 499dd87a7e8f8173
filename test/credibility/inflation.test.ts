// Inflated original prices: the same offer's medians on other sites, and the two flags.
import { describe, expect, it } from 'vitest';
import { dealFlags, discountAgainstMedian, median } from '../../src/credibility/inflation';
import { plausibleMaxDiscount } from '../../src/credibility/plausible-discounts';
import type { OfferMember } from '../../src/storage';

const member = (id: number, siteId: number, priceMinor: number, valueMinor: number | null, extra: Partial<OfferMember> = {}): OfferMember => ({
  id, siteId, offerKey: 'chengdu|CNY|t:hotpot', priceMinor, valueMinor, currency: 'CNY', category: 'food',
  discountPercent: valueMinor ? Math.round((100 * (valueMinor - priceMinor)) / valueMinor) : null, listed: true, ...extra,
});

describe('inflated original prices', () => {
  it('takes the median of the other sites only', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([1, 2, 3, 4])).toBe(2);
    expect(median([])).toBeNull();
    const flags = dealFlags([member(1, 1, 6800, 15800), member(2, 2, 5800, 15800), member(3, 3, 7800, 50000), member(4, 3, 1000, null)]);
    expect(flags[0]).toMatchObject({ offerMedianMinor: 5800, offerWorthMedianMinor: 32900, offerSites: 2, reason: null });
    // Site 3's hotpot claims ¥500 against ¥158 elsewhere: more than twice the others' median worth.
    expect(flags[2]).toMatchObject({ offerMedianMinor: 6300, offerWorthMedianMinor: 15800, reason: 'worth_above_median' });
  });

  it('flags a suspended site\'s deal against the listed sites, whose medians it does not move', () => {
    const flags = dealFlags([member(1, 1, 6800, 15800), member(2, 2, 7000, 16000), member(3, 3, 100, 200000, { listed: false })]);
    expect(flags[0]).toMatchObject({ offerMedianMinor: 7000, offerWorthMedianMinor: 16000, offerSites: 1 });
    expect(flags[2]).toMatchObject({ offerMedianMinor: 6900, offerWorthMedianMinor: 15900, offerSites: 2, reason: 'worth_above_median' });
  });

  it('flags a discount beyond what the category makes plausible (a ¥26 trip "worth" ¥3,960)', () => {
    expect(plausibleMaxDiscount('travel')).toBe(80);
    expect(plausibleMaxDiscount(null)).toBe(90);
    const [trip] = dealFlags([member(1, 1, 2600, 396000, { offerKey: null, category: 'travel' })]);
    expect(trip).toMatchObject({ reason: 'implausible_discount', offerMedianMinor: null });
    const [fair] = dealFlags([member(1, 1, 4000, 20000, { offerKey: null, category: 'travel' })]);
    expect(fair!.reason).toBeNull();
  });

  it('gives the discount against the median price of the same offer', () => {
    expect(discountAgainstMedian(6800, 8000)).toBe(15);
    expect(discountAgainstMedian(9200, 8000)).toBe(-15);
    expect(discountAgainstMedian(6800, null)).toBeNull();
  });
});

describe('the median without one site', () => {
  it('equals the plain median of the other sites\' values, for any group', () => {
    let seed = 7;
    const random = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    for (let round = 0; round < 200; round++) {
      const members = Array.from({ length: 1 + random(12) }, (_, index) =>
        member(index + 1, 1 + random(4), 100 + random(50) * 100, random(3) === 0 ? null : 1000 + random(50) * 100));
      for (const flag of dealFlags(members)) {
        const own = members.find((m) => m.id === flag.dealId)!;
        const others = members.filter((m) => m.siteId !== own.siteId);
        expect(flag.offerMedianMinor).toBe(median(others.map((m) => m.priceMinor)));
        expect(flag.offerWorthMedianMinor).toBe(median(others.flatMap((m) => (m.valueMinor === null ? [] : [m.valueMinor]))));
        expect(flag.offerSites).toBe(new Set(others.map((m) => m.siteId)).size);
      }
    }
  });
});
