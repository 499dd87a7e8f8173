// The measurements behind each site's credibility score, read in one pass over the tables they
// come from (crawl runs, deals, link checks, reports, conversions, expired counts, deal flags).
// Read only; run by the daily recompute, never per request.
import type { SiteSignals } from '../credibility-types';
import type { SqliteDatabase } from './database';
import { toOptionalDate } from './time';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

interface SignalsRow {
  id: number;
  slug: string;
  name: string;
  status: string;
  owner_user_id: number | null;
  crawl_runs: number;
  crawl_ok: number | null;
  last_success_at: number | null;
  last_change_at: number | null;
  failing_since: number | null;
  live_deals: number;
  link_checks: number;
  link_dead: number | null;
  link_home: number | null;
  link_sold_out: number | null;
  prices_compared: number;
  price_mismatches: number | null;
  reported_deals: number;
  reports_last_day: number;
  open_reports: number;
  conversions: number;
  conversions_reversed: number | null;
  expired_listed: number | null;
  expired_count: number | null;
  deals_with_worth: number;
  inflated_deals: number;
}

export function createCredibilitySignals(db: SqliteDatabase) {
  // Runs by crawl_runs_feed, deals by deals_live_site, checks by link_checks_site_time, reports by
  // shopper_reports_site_time, conversions by conversions_site_time. A run still 'running' an hour
  // after it started was cut short and counts as failed.
  const signals = db.prepare<{ now: number; since30: number; since90: number; day: number; hour: number; site: number | null }, SignalsRow>(`
    SELECT s.id, s.slug, s.name, s.status, s.owner_user_id,
      (SELECT count(*) FROM crawl_runs r JOIN feeds f ON f.id = r.feed_id
        WHERE f.site_id = s.id AND r.started_at >= @since30 AND (r.outcome <> 'running' OR r.started_at < @hour)) AS crawl_runs,
      (SELECT sum(r.outcome IN ('ok', 'not_modified')) FROM crawl_runs r JOIN feeds f ON f.id = r.feed_id
        WHERE f.site_id = s.id AND r.started_at >= @since30) AS crawl_ok,
      (SELECT max(f.last_success_at) FROM feeds f WHERE f.site_id = s.id) AS last_success_at,
      (SELECT max(r.started_at) FROM crawl_runs r JOIN feeds f ON f.id = r.feed_id
        WHERE f.site_id = s.id AND r.outcome = 'ok' AND r.added + r.updated + r.removed > 0) AS last_change_at,
      (SELECT min(r.started_at) FROM crawl_runs r JOIN feeds f ON f.id = r.feed_id
        WHERE f.site_id = s.id AND r.outcome = 'failed' AND r.started_at > ifnull(f.last_success_at, 0)) AS failing_since,
      (SELECT count(*) FROM deals d WHERE d.site_id = s.id AND d.removed_at IS NULL AND (d.ends_at IS NULL OR d.ends_at > @now)) AS live_deals,
      (SELECT count(*) FROM link_checks c WHERE c.site_id = s.id AND c.checked_at >= @since30 AND c.outcome <> 'skipped') AS link_checks,
      (SELECT sum(c.outcome = 'dead') FROM link_checks c WHERE c.site_id = s.id AND c.checked_at >= @since30) AS link_dead,
      (SELECT sum(c.outcome = 'home_redirect') FROM link_checks c WHERE c.site_id = s.id AND c.checked_at >= @since30) AS link_home,
      (SELECT sum(c.outcome = 'sold_out') FROM link_checks c WHERE c.site_id = s.id AND c.checked_at >= @since30) AS link_sold_out,
      (SELECT count(*) FROM link_checks c WHERE c.site_id = s.id AND c.checked_at >= @since30 AND c.price_outcome IS NOT NULL) AS prices_compared,
      (SELECT sum(c.price_outcome = 'mismatch') FROM link_checks c WHERE c.site_id = s.id AND c.checked_at >= @since30) AS price_mismatches,
      (SELECT count(DISTINCT r.deal_id) FROM shopper_reports r WHERE r.site_id = s.id AND r.created_at >= @since30 AND r.status <> 'dismissed') AS reported_deals,
      (SELECT count(*) FROM shopper_reports r WHERE r.site_id = s.id AND r.created_at >= @day AND r.status <> 'dismissed') AS reports_last_day,
      (SELECT count(*) FROM shopper_reports r WHERE r.site_id = s.id AND r.status = 'open') AS open_reports,
      (SELECT count(*) FROM conversions v WHERE v.site_id = s.id AND v.occurred_at >= @since90) AS conversions,
      (SELECT sum(v.status = 'reversed') FROM conversions v WHERE v.site_id = s.id AND v.occurred_at >= @since90) AS conversions_reversed,
      e.listed AS expired_listed, e.expired AS expired_count,
      (SELECT count(*) FROM deals d WHERE d.site_id = s.id AND d.removed_at IS NULL AND (d.ends_at IS NULL OR d.ends_at > @now)
        AND d.value_minor IS NOT NULL) AS deals_with_worth,
      (SELECT count(*) FROM credibility_deal_flags g JOIN deals d ON d.id = g.deal_id WHERE g.site_id = s.id AND g.reason IS NOT NULL
        AND d.removed_at IS NULL AND (d.ends_at IS NULL OR d.ends_at > @now) AND d.value_minor IS NOT NULL) AS inflated_deals
    FROM sites s
    LEFT JOIN credibility_expired e ON e.id = (SELECT id FROM credibility_expired x WHERE x.site_id = s.id ORDER BY x.at DESC, x.id DESC LIMIT 1)
    WHERE s.status IN ('active', 'suspended') AND (@site IS NULL OR s.id = @site)
    ORDER BY s.id`);
  const failed = db.prepare<[number, number, number], { feed_id: number; started_at: number; error_code: string | null; error_message: string | null }>(`
    SELECT r.feed_id, r.started_at, r.error_code, r.error_message FROM crawl_runs r JOIN feeds f ON f.id = r.feed_id
    WHERE f.site_id = ? AND r.outcome = 'failed' AND r.started_at >= ? ORDER BY r.started_at DESC LIMIT ?`);

  return {
    async siteSignals(now: Date, siteId?: number): Promise<SiteSignals[]> {
      const at = now.getTime();
      return signals.all({ now: at, since30: at - 30 * DAY_MS, since90: at - 90 * DAY_MS, day: at - DAY_MS, hour: at - HOUR_MS, site: siteId ?? null })
        .map((row): SiteSignals => ({
          siteId: row.id, slug: row.slug, name: row.name, status: row.status, ownerUserId: row.owner_user_id,
          crawlRuns: row.crawl_runs, crawlRunsSucceeded: row.crawl_ok ?? 0,
          lastSuccessAt: toOptionalDate(row.last_success_at), lastChangeAt: toOptionalDate(row.last_change_at),
          failingSince: toOptionalDate(row.failing_since),
          liveDeals: row.live_deals,
          linkChecks: row.link_checks, linkDead: row.link_dead ?? 0, linkHomeRedirect: row.link_home ?? 0, linkSoldOut: row.link_sold_out ?? 0,
          pricesCompared: row.prices_compared, priceMismatches: row.price_mismatches ?? 0,
          reportedDeals: row.reported_deals, reportsLastDay: row.reports_last_day, openReports: row.open_reports,
          conversions: row.conversions, conversionsReversed: row.conversions_reversed ?? 0,
          expiredListed: row.expired_listed, expiredCount: row.expired_count,
          dealsWithWorth: row.deals_with_worth, inflatedDeals: row.inflated_deals,
        }));
    },
    async failedRuns(siteId: number, since: Date, limit: number) {
      return failed.all(siteId, since.getTime(), limit).map((row) => ({
        feedId: row.feed_id, at: new Date(row.started_at), code: row.error_code, message: row.error_message,
      }));
    },
  };
}
