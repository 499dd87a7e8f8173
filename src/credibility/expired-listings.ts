// Expired listings: deals a feed still lists after their end time. Counted at ingest, on the
// deals a crawl just parsed, and kept per crawl for the site's score and its owner's page.
import type { DealRecord } from '../../crawlers/types';
import type { NewExpiredCount } from '../storage';

/** A deal that ended less than this long ago may simply have ended since the feed was written. */
export const EXPIRED_GRACE_MS = 60 * 60 * 1000;
/** Deals kept per crawl to show the owner which ones. */
export const EXPIRED_SAMPLE_SIZE = 50;

export function countExpiredListings(
  run: { crawlRunId: number; feedId: number; siteId: number },
  deals: readonly DealRecord[],
  now: Date,
): NewExpiredCount {
  const cutoff = now.getTime() - EXPIRED_GRACE_MS;
  const expired = deals.filter((deal) => deal.endsAt !== null && Date.parse(deal.endsAt) < cutoff);
  return {
    ...run,
    at: now,
    listed: deals.length,
    expired: expired.length,
    sample: expired.slice(0, EXPIRED_SAMPLE_SIZE).map((deal) => ({ externalId: deal.externalId, title: deal.title, endsAt: deal.endsAt! })),
  };
}
