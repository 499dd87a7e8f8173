// What the operator's site page shows (templates/operator-site.njk): the site, its owner, feeds,
// recent crawl runs, history from the audit log and commission terms, read from storage and put
// in the reader's words. The routes (operator-site.ts) add the forms' state.
import type { CommissionTermService } from '../../revenue/term-service';
import { decisionsFrom } from '../../sites/site-status';
import type { AuditEntry, CommissionTerm, CrawlRun, Feed, Site, Storage, UserWithPassword } from '../../storage';
import type { MessageKey, Translator } from '../i18n';
import { nextCheckTime, seconds, shownTime, STATUS_MESSAGES } from './operator-view';

const HISTORY_ENTRIES = 50;
const RUNS_PER_FEED = 10;

const MODEL_MESSAGES: Record<CommissionTerm['model'], MessageKey> = {
  cps: 'operator.terms.model.cps', cpa_sale: 'operator.terms.model.cpaSale', cpa_lead: 'operator.terms.model.cpaLead', cpc: 'operator.terms.model.cpc',
};

/** `YYYY-MM-DD` of the instant in UTC, as a date input takes it. */
export const todayUtc = (at: Date): string => at.toISOString().slice(0, 10);

export interface SitePageData {
  site: Site;
  owner: UserWithPassword | null;
  feeds: Feed[];
  /** Every feed's recent runs, newest first. */
  runs: CrawlRun[];
  history: AuditEntry[];
  terms: CommissionTerm[];
  closed: { closedPeriod: string; earliest: Date } | null;
  currentDeals: number;
}

export async function loadSitePage(storage: Storage, terms: CommissionTermService, site: Site, now: Date): Promise<SitePageData> {
  const [owner, feeds, history, termList, closed, currentDeals] = await Promise.all([
    site.ownerUserId ? storage.users.findById(site.ownerUserId) : null,
    storage.feeds.listForSite(site.id),
    storage.auditLog.forSubject(`site:${site.id}`, HISTORY_ENTRIES),
    storage.revenue.listTerms(site.id),
    terms.earliestStart(site.id),
    storage.sites.countCurrentDeals(site.id, now),
  ]);
  const runs = (await Promise.all(feeds.map((feed) => storage.crawlRuns.listForFeed(feed.id, RUNS_PER_FEED)))).flat()
    .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
  return { site, owner, feeds, runs, history, terms: termList, closed, currentDeals };
}

export function sitePageView(data: SitePageData, tr: Translator, now: Date) {
  const { site } = data;
  return {
    site: {
      id: site.id,
      name: site.name,
      slug: site.slug,
      homeUrl: site.homeUrl,
      status: site.status,
      statusText: tr.t(STATUS_MESSAGES[site.status]),
      statusReason: site.statusReason,
      clickParam: site.clickParam,
      clickTemplate: site.clickTemplate,
      created: shownTime(tr, site.createdAt),
      verified: shownTime(tr, site.verifiedAt),
      verificationToken: site.verificationToken,
      attributionWindowDays: site.attributionWindowDays,
      owner: data.owner?.email ?? null,
      currentDeals: tr.t(site.status === 'active' ? 'operator.site.dealsListed' : 'operator.site.dealsHidden', { count: tr.number(data.currentDeals) }),
      listingHref: `/?${new URLSearchParams({ site: site.slug })}`,
    },
    decisions: decisionsFrom(site.status),
    feeds: data.feeds.map((feed) => ({
      id: feed.id,
      url: feed.url,
      format: feed.detectedFormat && feed.format === 'auto' ? `auto (${feed.detectedFormat})` : feed.format,
      status: feed.status,
      pausedReason: feed.pausedReason,
      intervalMinutes: feed.intervalMinutes,
      consecutiveFailures: feed.consecutiveFailures,
      lastSuccess: shownTime(tr, feed.lastSuccessAt),
      lastError: feed.lastErrorCode ? `${feed.lastErrorCode}: ${feed.lastErrorMessage ?? ''}` : null,
      // Feeds of a site that is not active are not crawled at all.
      nextCheck: feed.status === 'active' && site.status === 'active' ? nextCheckTime(tr, feed.nextCheckAt, now) : null,
    })),
    runs: data.runs.slice(0, RUNS_PER_FEED * 2).map((run) => ({
      feedId: run.feedId,
      started: shownTime(tr, run.startedAt),
      outcome: run.outcome,
      duration: seconds(tr, run.durationMs),
      itemsSeen: run.itemsSeen,
      counts: run.counts,
      error: run.errorCode ? `${run.errorCode}${run.errorMessage ? `: ${run.errorMessage}` : ''}` : null,
    })),
    history: data.history.map((entry) => ({
      at: shownTime(tr, entry.at),
      actor: entry.actorEmail,
      action: entry.action,
      before: entry.before === null ? null : JSON.stringify(entry.before),
      after: entry.after === null ? null : JSON.stringify(entry.after),
    })),
    terms: termRows(data.terms, tr, now),
    closedPeriod: data.closed ? tr.t('operator.terms.closedHint', { period: data.closed.closedPeriod, date: todayUtc(data.closed.earliest) }) : null,
    earliestFrom: data.closed ? todayUtc(data.closed.earliest) : null,
  };
}

/** Which terms compete: of the sale models (cps, cpa_sale) the latest in force wins, per category. */
const termKind = (term: CommissionTerm): string => `${term.model === 'cpa_sale' ? 'cps' : term.model}|${term.category ?? ''}`;

/** Terms oldest first, each marked in force now, scheduled, or replaced by a later one of its kind. */
function termRows(list: CommissionTerm[], tr: Translator, now: Date) {
  const inForce = new Map<string, number>();
  for (const term of list) {
    if (term.effectiveFrom <= now) inForce.set(termKind(term), term.id); // oldest first: the last wins
  }
  return list.map((term) => {
    const state = term.effectiveFrom > now ? 'scheduled' : inForce.get(termKind(term)) === term.id ? 'inForce' : 'replaced';
    return {
      id: term.id,
      from: shownTime(tr, term.effectiveFrom),
      model: tr.t(MODEL_MESSAGES[term.model]),
      price: term.model === 'cps'
        ? tr.t('operator.terms.percent', { rate: (term.rateBp! / 100).toFixed(2).replace(/\.?0+$/, '') })
        : tr.money(term.flatMinor!, term.currency!),
      category: term.category,
      state,
      stateText: tr.t(`operator.terms.state.${state}` as MessageKey),
    };
  });
}
