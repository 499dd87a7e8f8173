// The link checker: a small, polite sample of each active site's live deals, fetched through the
// crawler's safe fetcher (address guard, time, byte and redirect caps), one request at a time per
// host with the crawler's gap, robots.txt respected. Each check is stored with what the page said.
import { CrawlError } from '../../crawlers/errors';
import { fetchFeed, type FetchOptions } from '../../crawlers/fetch';
import type { HostGate } from '../../crawlers/fetch/host-gate';
import type { RobotsCache } from '../../crawlers/fetch/robots';
import type { HtmlSelectors } from '../../crawlers/types';
import type { DealToCheck, NewLinkCheck, Storage } from '../storage';
import { judgePage } from './page-check';

export interface LinkCheckSettings {
  fetch: Omit<FetchOptions, 'etag' | 'lastModified'>;
  hostGate: HostGate;
  robots: RobotsCache;
  /** Deals checked per site per run. */
  perSite: number;
  /** Sites checked at once (each still one request at a time per host). */
  concurrency: number;
}

/** A deal page is small; anything larger is not read to the end. */
const PAGE_MAX_BYTES = 2 * 1024 * 1024;
const PAGE_TIMEOUT_MS = 15_000;

export interface LinkCheckSummary {
  sites: number;
  checked: number;
  outcomes: Record<NewLinkCheck['outcome'], number>;
  priceMismatches: number;
}

/**
 * Checks every active site, or with `checkedBefore` only those whose links were last checked
 * before it (or never): the server passes "a day ago", so each site is checked about once a day
 * and a new one soon after its first crawl.
 */
export async function checkAllSites(
  storage: Storage,
  settings: LinkCheckSettings,
  now: Date = new Date(),
  checkedBefore?: Date,
): Promise<LinkCheckSummary> {
  const last = checkedBefore ? await storage.credibility.lastLinkCheckBySite() : new Map<number, Date>();
  const sites = (await storage.sites.list()).filter((site) => site.status === 'active'
    && (!checkedBefore || (last.get(site.id)?.getTime() ?? 0) < checkedBefore.getTime()));
  const summary: LinkCheckSummary = {
    sites: sites.length, checked: 0, priceMismatches: 0,
    outcomes: { ok: 0, dead: 0, home_redirect: 0, sold_out: 0, skipped: 0 },
  };
  const queue = [...sites];
  const worker = async () => {
    for (let site = queue.shift(); site; site = queue.shift()) {
      for (const check of await checkSite(storage, site.id, settings, now)) {
        summary.checked++;
        summary.outcomes[check.outcome]++;
        if (check.priceOutcome === 'mismatch') summary.priceMismatches++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, settings.concurrency) }, worker));
  return summary;
}

export async function checkSite(storage: Storage, siteId: number, settings: LinkCheckSettings, now: Date): Promise<NewLinkCheck[]> {
  const deals = await storage.credibility.dealsToCheck(siteId, now, settings.perSite);
  const selectors = (await storage.feeds.listForSite(siteId)).find((feed) => feed.selectors)?.selectors ?? null;
  const checks: NewLinkCheck[] = [];
  for (const deal of deals) {
    const check = await checkDeal(deal, selectors, settings);
    await storage.credibility.recordLinkCheck(check);
    checks.push(check);
  }
  return checks;
}

async function checkDeal(deal: DealToCheck, selectors: HtmlSelectors | null, settings: LinkCheckSettings): Promise<NewLinkCheck> {
  const base = {
    dealId: deal.id, siteId: deal.siteId, url: deal.url, feedPriceMinor: deal.priceMinor, currency: deal.currency,
    httpStatus: null, finalUrl: null, errorCode: null, pagePriceMinor: null, priceOutcome: null,
  };
  try {
    const verdict = await settings.hostGate.run(deal.url, () => settings.robots.check(deal.url));
    if (verdict.crawlDelaySeconds) settings.hostGate.deferHost(deal.url, verdict.crawlDelaySeconds);
    if (!verdict.allowed) return { ...base, checkedAt: new Date(), outcome: 'skipped', errorCode: 'robots_disallowed' };
    const page = await settings.hostGate.run(deal.url, () =>
      fetchFeed(deal.url, { ...settings.fetch, maxBytes: PAGE_MAX_BYTES, timeoutMs: PAGE_TIMEOUT_MS }));
    const judged = judgePage(deal, page, selectors);
    return { ...base, checkedAt: new Date(), httpStatus: page.status, finalUrl: page.finalUrl, ...judged };
  } catch (error) {
    const failure = error instanceof CrawlError ? error : new CrawlError('connect_failed', String(error));
    // Our own limits say nothing about the site: the guard refused the address, or the page is huge.
    const notTheSite = failure.code === 'blocked_address' || failure.code === 'too_large' || failure.code === 'invalid_url';
    return {
      ...base, checkedAt: new Date(), outcome: notTheSite ? 'skipped' : 'dead',
      httpStatus: failure.httpStatus ?? null, errorCode: failure.code,
    };
  }
}
