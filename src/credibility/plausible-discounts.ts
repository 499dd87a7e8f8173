// The largest discount off "worth" that is plausible in each portal category. Group-buy deals
// routinely claim 50–80 % off; beyond these, the original price is more likely invented than
// real (a ¥26 trip "worth" ¥3,960 is 99 % off). Set from the discounts seen in the sample feeds
// and the large navigators' listings; deals over the limit are flagged, not hidden.
export const PLAUSIBLE_MAX_DISCOUNT: Readonly<Record<string, number>> = {
  food: 80,
  entertainment: 85,
  beauty: 85,
  services: 85,
  shopping: 80,
  travel: 80,
  fitness: 90,
  education: 90,
  other: 85,
};

/** For deals without a known category. */
export const DEFAULT_PLAUSIBLE_MAX_DISCOUNT = 90;

/** No discount at or under this is implausible in any category. */
export const LOWEST_PLAUSIBLE_MAX_DISCOUNT = Math.min(DEFAULT_PLAUSIBLE_MAX_DISCOUNT, ...Object.values(PLAUSIBLE_MAX_DISCOUNT));

export const plausibleMaxDiscount = (category: string | null): number =>
  (category !== null ? PLAUSIBLE_MAX_DISCOUNT[category] : undefined) ?? DEFAULT_PLAUSIBLE_MAX_DISCOUNT;
