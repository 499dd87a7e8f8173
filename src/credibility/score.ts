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

/** Freshness in halves, so the score can be computed exactly: 2 within a day, 1 within three days, else 0. */
function freshnessHalves(lastSuccessAt: Date | null, now: Date): number {
  if (lastSuccessAt === null) return 0;
  const age = now.getTime() - lastSuccessAt.getTime();
  if (age <= 24 * HOUR_MS) return 2;
  if (age <= 72 * HOUR_MS) return 1;
  return 0;
}

/** 1 within a day of the last successful crawl, 0.5 within three days, 0 after that or never. */
export function freshness(lastSuccessAt: Date | null, now: Date): number {
  return freshnessHalves(lastSuccessAt, now) / 2;
}

/** A part's value as a ratio of whole numbers, so that "rounded half up" is exact (no float sums). */
interface Share {
  good: number;
  of: number;
}

/** good ÷ total clamped to 0–1, or null below the part's minimum. */
const share = (good: number, total: number, minimum: number): Share | null =>
  total >= minimum && total > 0 ? { good: Math.max(0, Math.min(total, good)), of: total } : null;

interface MeasuredPart {
  part: ScorePart;
  share: Share | null;
}

function measured(name: PartName, value: Share | null, numerator: number, denominator: number): MeasuredPart {
  return { part: { name, weight: WEIGHTS[name], value: value === null ? null : value.good / value.of, numerator, denominator }, share: value };
}

function measureParts(s: SiteSignals, now: Date): MeasuredPart[] {
  const crawls = share(s.crawlRunsSucceeded, s.crawlRuns, MINIMUM.crawlRuns);
  const feed = crawls === null ? null : { good: crawls.good * freshnessHalves(s.lastSuccessAt, now), of: crawls.of * 2 };
  const linkBad = s.linkDead + s.linkHomeRedirect + s.linkSoldOut;
  const reports = share(s.liveDeals - REPORT_FACTOR * s.reportedDeals, s.liveDeals, MINIMUM.liveDeals);
  const expiredListed = s.expiredListed ?? 0;
  return [
    measured('feed', feed, s.crawlRunsSucceeded, s.crawlRuns),
    measured('links', share(s.linkChecks - linkBad, s.linkChecks, MINIMUM.linkChecks), linkBad, s.linkChecks),
    measured('prices', share(s.pricesCompared - s.priceMismatches, s.pricesCompared, MINIMUM.pricesCompared), s.priceMismatches, s.pricesCompared),
    measured('reports', reports, s.reportedDeals, s.liveDeals),
    measured('sales', share(s.conversions - s.conversionsReversed, s.conversions, MINIMUM.conversions), s.conversionsReversed, s.conversions),
    measured('expired', share(expiredListed - (s.expiredCount ?? 0), expiredListed, MINIMUM.expiredListed), s.expiredCount ?? 0, expiredListed),
    measured('worth', share(s.dealsWithWorth - s.inflatedDeals, s.dealsWithWorth, MINIMUM.dealsWithWorth), s.inflatedDeals, s.dealsWithWorth),
  ];
}

/** Parts without which a site is not scored: whether its feed works and whether its links do. */
export const REQUIRED_PARTS: readonly PartName[] = ['feed', 'links'];

/**
 * round(100 × Σ weight·good/of ÷ Σ weight), half up, in whole numbers: with floats a mean that is
 * exactly x.5 can come out as x.4999… and round down (e.g. 63.5 from thirds and ninths).
 */
function roundedWeightedMean(known: { weight: number; share: Share }[], weight: number): number {
  const common = known.reduce((product, p) => product * BigInt(p.share.of), 1n);
  const weighted = known.reduce((sum, p) => sum + BigInt(p.weight * p.share.good) * (common / BigInt(p.share.of)), 0n);
  const whole = BigInt(weight) * common;
  return Number((200n * weighted + whole) / (2n * whole));
}

/**
 * score = round(100 × Σ weight·value / Σ weight) over the parts with data; null when a required
 * part has no data (no crawl in 30 days, or fewer than MINIMUM.linkChecks links checked) or the
 * parts with data weigh less than MIN_WEIGHT.
 */
function combineParts(measuredParts: MeasuredPart[]): CredibilityScore {
  const parts = measuredParts.map((p) => p.part);
  const known = measuredParts.flatMap((p) => (p.share === null ? [] : [{ name: p.part.name, weight: p.part.weight, share: p.share }]));
  const weight = known.reduce((sum, p) => sum + p.weight, 0);
  if (weight < MIN_WEIGHT || !REQUIRED_PARTS.every((name) => known.some((p) => p.name === name))) return { score: null, parts };
  return { score: roundedWeightedMean(known, weight), parts };
}

export function credibilityScore(signals: SiteSignals, now: Date): CredibilityScore {
  return combineParts(measureParts(signals, now));
}
