// The credibility score: a pure function of a site's measurements (SiteSignals), documented in
// the README under "Credibility score". Each part is a share between 0 (bad) and 1 (good), or
// null when there is too little data to say; the score is the weighted mean of the parts that
// have data, on 0–100, and null when those parts carry less than MIN_WEIGHT of the weight.
import type { SiteSignals } from '../storage';

export const PART_NAMES = ['feed', 'links', 'prices', 'reports', 'sales', 'expired', 'worth'] as const;
export type PartName = (typeof PART_NAMES)[number];

export const WEIGHTS: Readonly<Record<PartName, number>> = {
  feed: 25, links: 20, prices: 15, reports: 10, sales: 10, expired: 10, worth: 10,
};

/** Parts with data must carry at least this much of the 100 weight for a score to be given. */
export const MIN_WEIGHT = 50;

/** The least data each part needs before it counts. */
export const MINIMUM = { crawlRuns: 1, linkChecks: 3, pricesCompared: 3, liveDeals: 1, conversions: 5, expiredListed: 1, dealsWithWorth: 1 } as const;

/** A reported deal weighs this many times its share of the live deals (one in five reported: 0). */
export const REPORT_FACTOR = 5;

const HOUR_MS = 3_600_000;

export interface ScorePart {
  name: PartName;
  weight: number;
  /** 0–1, or null without enough data. */
  value: number | null;
  /** The counts it came from, for display. */
  numerator: number;
  denominator: number;
}

export interface CredibilityScore {
  /** 0–100, or null when the site has too little data to be scored. */
  score: number | null;
  parts: ScorePart[];
}

/** 1 within a day of the last successful crawl, 0.5 within three days, 0 after that or never. */
export function freshness(lastSuccessAt: Date | null, now: Date): number {
  if (lastSuccessAt === null) return 0;
  const age = now.getTime() - lastSuccessAt.getTime();
  if (age <= 24 * HOUR_MS) return 1;
  if (age <= 72 * HOUR_MS) return 0.5;
  return 0;
}

const share = (good: number, total: number, minimum: number): number | null =>
  total >= minimum && total > 0 ? Math.max(0, Math.min(1, good / total)) : null;

function part(name: PartName, value: number | null, numerator: number, denominator: number): ScorePart {
  return { name, weight: WEIGHTS[name], value, numerator, denominator };
}

export function scoreParts(s: SiteSignals, now: Date): ScorePart[] {
  const feedShare = share(s.crawlRunsSucceeded, s.crawlRuns, MINIMUM.crawlRuns);
  const linkBad = s.linkDead + s.linkHomeRedirect + s.linkSoldOut;
  const reports = s.liveDeals >= MINIMUM.liveDeals ? Math.max(0, 1 - (REPORT_FACTOR * s.reportedDeals) / s.liveDeals) : null;
  const expiredListed = s.expiredListed ?? 0;
  return [
    part('feed', feedShare === null ? null : feedShare * freshness(s.lastSuccessAt, now), s.crawlRunsSucceeded, s.crawlRuns),
    part('links', share(s.linkChecks - linkBad, s.linkChecks, MINIMUM.linkChecks), linkBad, s.linkChecks),
    part('prices', share(s.pricesCompared - s.priceMismatches, s.pricesCompared, MINIMUM.pricesCompared), s.priceMismatches, s.pricesCompared),
    part('reports', reports, s.reportedDeals, s.liveDeals),
    part('sales', share(s.conversions - s.conversionsReversed, s.conversions, MINIMUM.conversions), s.conversionsReversed, s.conversions),
    part('expired', share(expiredListed - (s.expiredCount ?? 0), expiredListed, MINIMUM.expiredListed), s.expiredCount ?? 0, expiredListed),
    part('worth', share(s.dealsWithWorth - s.inflatedDeals, s.dealsWithWorth, MINIMUM.dealsWithWorth), s.inflatedDeals, s.dealsWithWorth),
  ];
}

/** Parts without which a site is not scored: whether its feed works and whether its links do. */
export const REQUIRED_PARTS: readonly PartName[] = ['feed', 'links'];

/**
 * score = round(100 × Σ weight·value / Σ weight) over the parts with data; null when a required
 * part has no data (no crawl in 30 days, or fewer than MINIMUM.linkChecks links checked) or the
 * parts with data weigh less than MIN_WEIGHT.
 */
export function combineParts(parts: ScorePart[]): CredibilityScore {
  const known = parts.filter((p) => p.value !== null);
  const weight = known.reduce((sum, p) => sum + p.weight, 0);
  if (weight < MIN_WEIGHT || !REQUIRED_PARTS.every((name) => known.some((p) => p.name === name))) return { score: null, parts };
  const weighted = known.reduce((sum, p) => sum + p.weight * p.value!, 0);
  return { score: Math.round((100 * weighted) / weight), parts };
}

export function credibilityScore(signals: SiteSignals, now: Date): CredibilityScore {
  return combineParts(scoreParts(signals, now));
}
