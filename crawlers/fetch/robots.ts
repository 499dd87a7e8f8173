// robots.txt for the HTML pages dealnav reads (deal pages with JSON-LD, listings read through
// CSS selectors): one parsed file per origin, cached for a day, with RFC 9309's error rules:
// a 4xx means no rules (allowed), a 5xx or a network failure means "assume disallowed".
import robotsParser from 'robots-parser';
import { CrawlError } from '../errors';
import { fetchFeed, type FetchOptions } from './fetch-feed';

export interface RobotsVerdict {
  allowed: boolean;
  /** Seconds to wait between requests, as the site asked (capped), null when it asked nothing. */
  crawlDelaySeconds: number | null;
}

type Rules = ReturnType<typeof robotsParser> | 'allow-all' | 'disallow-all';

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_CRAWL_DELAY_SECONDS = 60;
/** RFC 9309 asks parsers to read at least 500 KiB. */
const MAX_ROBOTS_BYTES = 512 * 1024;

export class RobotsCache {
  private readonly cache = new Map<string, { rules: Rules; fetchedAt: number }>();

  constructor(
    private readonly fetchOptions: Omit<FetchOptions, 'etag' | 'lastModified'>,
    private readonly productToken = 'dealnav',
    private readonly now: () => number = Date.now,
  ) {}

  async check(pageUrl: string): Promise<RobotsVerdict> {
    const origin = new URL(pageUrl).origin;
    let entry = this.cache.get(origin);
    if (!entry || this.now() - entry.fetchedAt > DAY_MS) {
      const rules = await this.load(origin, entry?.rules);
      entry = { rules, fetchedAt: this.now() };
      this.cache.set(origin, entry);
    }
    return verdict(entry.rules, pageUrl, this.productToken);
  }

  private async load(origin: string, previous: Rules | undefined): Promise<Rules> {
    const robotsUrl = `${origin}/robots.txt`;
    try {
      const response = await fetchFeed(robotsUrl, { ...this.fetchOptions, maxBytes: MAX_ROBOTS_BYTES });
      return robotsParser(response.finalUrl, new TextDecoder().decode(response.body));
    } catch (error) {
      if (error instanceof CrawlError && error.code === 'empty_body') return 'allow-all';
      if (error instanceof CrawlError && error.httpStatus !== null && error.httpStatus >= 400 && error.httpStatus < 500) return 'allow-all';
      // Unreachable: keep the rules we had, else assume the site wants no crawling for now.
      return previous ?? 'disallow-all';
    }
  }
}

function verdict(rules: Rules, pageUrl: string, productToken: string): RobotsVerdict {
  if (rules === 'allow-all') return { allowed: true, crawlDelaySeconds: null };
  if (rules === 'disallow-all') return { allowed: false, crawlDelaySeconds: null };
  // robots-parser answers undefined for a URL of another origin or scheme; never read that as "allowed".
  const allowed = rules.isAllowed(pageUrl, productToken) === true;
  const delay = rules.getCrawlDelay(productToken) ?? rules.getCrawlDelay('*');
  return { allowed, crawlDelaySeconds: delay === undefined ? null : Math.min(delay, MAX_CRAWL_DELAY_SECONDS) };
}
