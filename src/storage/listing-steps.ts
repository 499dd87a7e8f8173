// The choices of the listing's "minimum discount" and "credibility score" filters. Storage counts
// the live deals at or above each step in the summary's own pass (deal-search.ts), so every
// choice the form offers shows its count.

/** Percent off. */
export const DISCOUNT_STEPS: readonly number[] = [30, 50, 70, 90];

/** Site credibility score (0–100, README "Credibility score"). */
export const SCORE_STEPS: readonly number[] = [60, 70, 80, 90];
