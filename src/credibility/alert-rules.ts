// Operator alert rules: which thresholds a site has crossed, from its measurements and score.
// Pure; the service opens an alert when a rule starts firing and closes it when it stops.
import type { SiteSignals } from '../storage';

export interface AlertThresholds {
  /** Hours a feed may fail without a single success before it alerts. */
  feedFailingHours: number;
  /** Share of checked links that are dead, redirected home or sold out, with at least minLinkChecks checks. */
  deadLinkRate: number;
  minLinkChecks: number;
  /** Price mismatches in the last 30 days. */
  priceMismatches: number;
  /** Shopper reports (not dismissed) in the last 24 hours. */
  reportsPerDay: number;
  /** Suspend the site's listing when its score falls below this; null: never suspend automatically. */
  suspendBelowScore: number | null;
}

export const DEFAULT_THRESHOLDS: Readonly<AlertThresholds> = {
  feedFailingHours: 24, deadLinkRate: 0.2, minLinkChecks: 5, priceMismatches: 3, reportsPerDay: 5, suspendBelowScore: null,
};

export type AlertRule = 'feed_failing' | 'dead_links' | 'price_mismatches' | 'report_spike' | 'low_score';
export const ALERT_RULES: readonly AlertRule[] = ['feed_failing', 'dead_links', 'price_mismatches', 'report_spike', 'low_score'];

export interface FiringAlert {
  rule: AlertRule;
  detail: string;
}

const HOUR_MS = 3_600_000;

export function firingAlerts(s: SiteSignals, score: number | null, now: Date, t: AlertThresholds): FiringAlert[] {
  const firing: FiringAlert[] = [];
  if (s.failingSince && now.getTime() - s.failingSince.getTime() >= t.feedFailingHours * HOUR_MS) {
    firing.push({ rule: 'feed_failing', detail: `no successful crawl since the failures began at ${s.failingSince.toISOString()}` });
  }
  const badLinks = s.linkDead + s.linkHomeRedirect + s.linkSoldOut;
  if (s.linkChecks >= t.minLinkChecks && badLinks / s.linkChecks >= t.deadLinkRate) {
    firing.push({ rule: 'dead_links', detail: `${badLinks} of ${s.linkChecks} checked links bad (${s.linkDead} dead, ${s.linkHomeRedirect} to the home page, ${s.linkSoldOut} sold out)` });
  }
  if (s.priceMismatches >= t.priceMismatches) {
    firing.push({ rule: 'price_mismatches', detail: `${s.priceMismatches} of ${s.pricesCompared} compared pages show another price than the feed` });
  }
  if (s.reportsLastDay >= t.reportsPerDay) {
    firing.push({ rule: 'report_spike', detail: `${s.reportsLastDay} shopper reports in the last 24 hours` });
  }
  if (t.suspendBelowScore !== null && score !== null && score < t.suspendBelowScore) {
    firing.push({ rule: 'low_score', detail: `credibility score ${score} is below ${t.suspendBelowScore}` });
  }
  return firing;
}
