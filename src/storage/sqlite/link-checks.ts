// SQL for the `link_checks` table: one row per deal page the link checker fetched.
import type { DealToCheck, LinkCheck, NewLinkCheck } from '../credibility-types';
import type { SqliteDatabase } from './database';
import { toDate } from './time';

interface LinkCheckRow {
  id: number;
  deal_id: number;
  site_id: number;
  checked_at: number;
  url: string;
  outcome: LinkCheck['outcome'];
  http_status: number | null;
  final_url: string | null;
  error_code: string | null;
  feed_price_minor: number;
  page_price_minor: number | null;
  currency: string;
  price_outcome: LinkCheck['priceOutcome'];
  title: string;
}

const toLinkCheck = (row: LinkCheckRow): LinkCheck => ({
  id: row.id,
  dealId: row.deal_id,
  siteId: row.site_id,
  checkedAt: toDate(row.checked_at),
  url: row.url,
  outcome: row.outcome,
  httpStatus: row.http_status,
  finalUrl: row.final_url,
  errorCode: row.error_code,
  feedPriceMinor: row.feed_price_minor,
  pagePriceMinor: row.page_price_minor,
  currency: row.currency,
  priceOutcome: row.price_outcome,
  dealTitle: row.title,
});

export function createLinkChecks(db: SqliteDatabase) {
  // The site's live deals on deals_live_site; the last check per deal on link_checks_deal_time.
  const toCheck = db.prepare<{ site: number; now: number; limit: number }, { id: number; site_id: number; title: string; url: string; price_minor: number; currency: string; sold_out: number }>(`
    SELECT d.id, d.site_id, d.title, d.url, d.price_minor, d.currency, d.sold_out
    FROM deals d
    WHERE d.site_id = @site AND d.removed_at IS NULL AND (d.ends_at IS NULL OR d.ends_at > @now)
    ORDER BY ifnull((SELECT max(c.checked_at) FROM link_checks c WHERE c.deal_id = d.id), 0), d.id
    LIMIT @limit`);
  const insert = db.prepare(`
    INSERT INTO link_checks (deal_id, site_id, checked_at, url, outcome, http_status, final_url, error_code,
      feed_price_minor, page_price_minor, currency, price_outcome)
    VALUES (@dealId, @siteId, @checkedAt, @url, @outcome, @httpStatus, @finalUrl, @errorCode,
      @feedPriceMinor, @pagePriceMinor, @currency, @priceOutcome)`);
  // One seek per site on link_checks_site_time.
  const lastBySite = db.prepare<[], { site_id: number; at: number }>(
    'SELECT s.id AS site_id, (SELECT max(c.checked_at) FROM link_checks c WHERE c.site_id = s.id) AS at FROM sites s WHERE at IS NOT NULL');
  const problems = db.prepare<{ site: number; since: number; limit: number }, LinkCheckRow>(`
    SELECT c.*, d.title FROM link_checks c JOIN deals d ON d.id = c.deal_id
    WHERE c.site_id = @site AND c.checked_at >= @since
      AND (c.outcome IN ('dead', 'home_redirect', 'sold_out') OR c.price_outcome = 'mismatch')
    ORDER BY c.checked_at DESC, c.id DESC LIMIT @limit`);

  return {
    async dealsToCheck(siteId: number, now: Date, limit: number): Promise<DealToCheck[]> {
      return toCheck.all({ site: siteId, now: now.getTime(), limit }).map((row) => ({
        id: row.id, siteId: row.site_id, title: row.title, url: row.url, priceMinor: row.price_minor,
        currency: row.currency, soldOut: row.sold_out === 1,
      }));
    },
    async recordLinkCheck(check: NewLinkCheck): Promise<void> {
      insert.run({ ...check, checkedAt: check.checkedAt.getTime() });
    },
    async lastLinkCheckBySite(): Promise<Map<number, Date>> {
      return new Map(lastBySite.all().map((row) => [row.site_id, toDate(row.at)]));
    },
    async problemLinkChecks(siteId: number, since: Date, limit: number): Promise<LinkCheck[]> {
      return problems.all({ site: siteId, since: since.getTime(), limit }).map(toLinkCheck);
    },
  };
}
