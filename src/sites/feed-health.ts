// Every feed's crawl health for the operators: its state, its newest run, and which of the
// console's filters it falls under (failing, paused, slow).
import type { CrawlRun, Feed, Site, Storage } from '../storage';

/** A run longer than this is slow (crawls share one request per host; a slow feed holds its host). */
export const SLOW_RUN_MS = 10_000;

export type HealthFilter = 'all' | 'failing' | 'paused' | 'slow';
export const HEALTH_FILTERS: readonly HealthFilter[] = ['all', 'failing', 'paused', 'slow'];

export interface FeedHealth {
  feed: Feed;
  site: Site | null;
  lastRun: CrawlRun | null;
  /** Active but its last attempts failed. */
  failing: boolean;
  paused: boolean;
  slow: boolean;
}

export async function feedHealth(storage: Storage): Promise<FeedHealth[]> {
  const [feeds, sites, runs] = await Promise.all([storage.feeds.list(), storage.sites.list(), storage.crawlRuns.latestPerFeed()]);
  const sitesById = new Map(sites.map((site) => [site.id, site]));
  return feeds.map((feed) => {
    const lastRun = runs.get(feed.id) ?? null;
    return { feed, site: sitesById.get(feed.siteId) ?? null, lastRun, ...feedCondition(feed, lastRun) };
  });
}

/** Which of failing, paused and slow a feed is, from its state and its newest run. */
export function feedCondition(feed: Feed, lastRun: CrawlRun | null): Pick<FeedHealth, 'failing' | 'paused' | 'slow'> {
  return {
    failing: feed.status === 'active' && feed.consecutiveFailures > 0,
    paused: feed.status === 'paused',
    slow: (lastRun?.durationMs ?? 0) > SLOW_RUN_MS,
  };
}

export const matchesFilter = (health: FeedHealth, filter: HealthFilter): boolean =>
  filter === 'all' || health[filter];

/** Failing and paused feeds first (most failures first), then the rest by site. */
export function byAttention(a: FeedHealth, b: FeedHealth): number {
  const rank = (health: FeedHealth) => (health.paused ? 0 : health.failing ? 1 : health.slow ? 2 : 3);
  return rank(a) - rank(b) || b.feed.consecutiveFailures - a.feed.consecutiveFailures
    || (a.site?.name ?? '').localeCompare(b.site?.name ?? '') || a.feed.id - b.feed.id;
}
