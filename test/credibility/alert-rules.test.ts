// The operator alert rules on price mismatches and report spikes, at their documented thresholds
// (README, "Alerts for operators"): 3 mismatches in 30 days, 5 reports not dismissed in 24 hours.
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, firingAlerts } from '../../src/credibility/alert-rules';
import type { SiteSignals } from '../../src/storage';

const now = new Date('2026-11-25T12:00:00Z');

/** A site that crosses no threshold. */
const quiet: SiteSignals = {
  siteId: 1, slug: 's', name: 'S', status: 'active', ownerUserId: null,
  crawlRuns: 10, crawlRunsSucceeded: 10, lastSuccessAt: now, lastChangeAt: null, failingSince: null,
  liveDeals: 20,
  linkChecks: 20, linkDead: 0, linkHomeRedirect: 0, linkSoldOut: 0,
  pricesCompared: 10, priceMismatches: 0,
  reportedDeals: 0, reportsLastDay: 0, openReports: 0,
  conversions: 0, conversionsReversed: 0,
  expiredListed: null, expiredCount: null,
  dealsWithWorth: 0, inflatedDeals: 0,
};
const firing = (changes: Partial<SiteSignals>, thresholds = DEFAULT_THRESHOLDS) =>
  firingAlerts({ ...quiet, ...changes }, 90, now, thresholds);

describe('alert rules', () => {
  it('fires nothing for a site under every threshold', () => {
    expect(firing({ priceMismatches: 2, reportsLastDay: 4 })).toEqual([]);
  });

  it('fires on price mismatches from the third in 30 days, with the counts in the detail', () => {
    expect(firing({ priceMismatches: 3 })).toEqual([
      { rule: 'price_mismatches', detail: '3 of 10 compared pages show another price than the feed' },
    ]);
    expect(firing({ priceMismatches: 2 }, { ...DEFAULT_THRESHOLDS, priceMismatches: 2 }).map((alert) => alert.rule)).toEqual(['price_mismatches']);
  });

  it('fires on a report spike from the fifth report in 24 hours, whatever the 30-day count', () => {
    expect(firing({ reportsLastDay: 5, reportedDeals: 1 })).toEqual([
      { rule: 'report_spike', detail: '5 shopper reports in the last 24 hours' },
    ]);
    // Many reported deals over the month but a quiet day: no spike.
    expect(firing({ reportsLastDay: 0, reportedDeals: 15 })).toEqual([]);
    expect(firing({ reportsLastDay: 3 }, { ...DEFAULT_THRESHOLDS, reportsPerDay: 3 }).map((alert) => alert.rule)).toEqual(['report_spike']);
  });
});
