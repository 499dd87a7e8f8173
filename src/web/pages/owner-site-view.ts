// What a site's own page shows its owner, read from storage and formatted for the reader: the
// site and its verification, each feed's health and last runs, deals live now, clicks,
// conversions, commission by status, the monthly statements, the postback settings and API tokens.
import type { Site, Storage } from '../../storage';
import type { ConversionTotals, CommissionBucket } from '../../storage/revenue-types';
import { canonicalPostbackString } from '../../revenue/postback';
import { periodOf, periodBounds } from '../../revenue/periods';
import { META_NAME, wellKnownUrl } from '../../sites/verify-domain';
import type { Translator } from '../i18n';
import { crawlErrorText } from './owner-preview-view';

export const RUNS_SHOWN = 10;
export const STATEMENT_MONTHS = 12;

export interface SiteDashboard {
  site: {
    id: number; name: string; slug: string; homeUrl: string; status: Site['status']; statusReason: string | null;
    verifiedText: string | null; createdText: string;
  };
  verification: { token: string; metaSnippet: string; fileUrl: string } | null;
  feeds: FeedHealth[];
  liveDeals: number;
  clicks: { total: number; billable: number; filtered: number; bots: number; duplicates: number };
  conversions: { currency: string; conversions: number; sales: number; leads: number; salesText: string }[];
  commission: { currency: string; pending: string; approved: string; reversed: string }[];
  statements: { month: string; closed: boolean; csvUrl: string }[];
  postback: { url: string; hasSecret: boolean; previousUntilText: string | null; canonicalExample: string; shellExample: string };
  tokens: { id: number; prefix: string; createdText: string; lastUsedText: string | null; revokedText: string | null }[];
}

export interface FeedHealth {
  id: number;
  url: string;
  format: string;
  detectedFormat: string | null;
  paused: boolean;
  pausedReason: string | null;
  lastSuccessText: string | null;
  lastErrorText: string | null;
  consecutiveFailures: number;
  runs: {
    startedText: string; outcome: string; durationText: string; httpStatus: number | null; itemsSeen: number;
    countsText: string | null; skipped: number; errorText: string | null; errorDetail: string | null;
  }[];
}

export async function siteDashboard(storage: Storage, site: Site, tr: Translator, now: Date, origin: string): Promise<SiteDashboard> {
  const at = (date: Date | null) => (date ? tr.dateTime(date, 'UTC') : null);
  const feeds = await storage.feeds.listForSite(site.id);
  const ever = new Date(0);
  const [clicks, conversions, entries, secrets, tokens, live] = await Promise.all([
    storage.revenue.clickCounts(site.id, ever, now),
    storage.revenue.conversionTotals(site.id, ever, now),
    storage.revenue.listEntries(site.id),
    storage.revenue.postbackSecrets(site.id),
    storage.siteApiTokens.listForSite(site.id),
    storage.deals.search({ now, sites: [site.slug], sort: 'newest', page: 1, pageSize: 1, facetLimit: 1 }),
  ]);
  return {
    site: {
      id: site.id, name: site.name, slug: site.slug, homeUrl: site.homeUrl, status: site.status, statusReason: site.statusReason,
      verifiedText: at(site.verifiedAt), createdText: tr.dateTime(site.createdAt, 'UTC'),
    },
    verification: site.verificationToken
      ? { token: site.verificationToken, metaSnippet: `<meta name="${META_NAME}" content="${site.verificationToken}">`, fileUrl: wellKnownUrl(site.homeUrl) }
      : null,
    feeds: await Promise.all(feeds.map(async (feed): Promise<FeedHealth> => ({
      id: feed.id, url: feed.url, format: feed.format, detectedFormat: feed.detectedFormat,
      paused: feed.status === 'paused', pausedReason: feed.pausedReason,
      lastSuccessText: at(feed.lastSuccessAt),
      lastErrorText: feed.lastErrorCode
        ? `${crawlErrorText(feed.lastErrorCode, statusIn(feed.lastErrorMessage), tr)} (${feed.lastErrorMessage ?? feed.lastErrorCode})` : null,
      consecutiveFailures: feed.consecutiveFailures,
      runs: (await storage.crawlRuns.listForFeed(feed.id, RUNS_SHOWN)).map((run) => ({
        startedText: tr.dateTime(run.startedAt, 'UTC'),
        outcome: run.outcome,
        durationText: run.durationMs === null ? '–' : tr.t('owner.site.durationMs', { ms: tr.number(run.durationMs) }),
        httpStatus: run.httpStatus,
        itemsSeen: run.itemsSeen,
        countsText: run.counts ? tr.t('owner.site.runCounts', { ...run.counts }) : null,
        skipped: run.skipped.length,
        errorText: run.errorCode ? crawlErrorText(run.errorCode, run.httpStatus, tr) : null,
        errorDetail: run.errorMessage,
      })),
    }))),
    liveDeals: live.total,
    clicks: { ...clicks, filtered: clicks.total - clicks.billable },
    conversions: conversions.map((line: ConversionTotals) => ({
      currency: line.currency, conversions: line.conversions, sales: line.sales, leads: line.leads, salesText: tr.money(line.salesMinor, line.currency),
    })),
    commission: commissionByStatus(entries, tr),
    statements: await statementMonths(storage, site, now),
    postback: postbackHelp(site, origin, secrets !== null, secrets?.previousValidUntil && secrets.previousValidUntil > now ? at(secrets.previousValidUntil) : null),
    tokens: tokens.map((token) => ({
      id: token.id, prefix: token.prefix, createdText: tr.dateTime(token.createdAt, 'UTC'),
      lastUsedText: at(token.lastUsedAt), revokedText: at(token.revokedAt),
    })),
  };
}

/** The HTTP status in a stored error message (`HTTP 503 Service Unavailable`); feeds keep only the text. */
const statusIn = (message: string | null): number | null => {
  const match = /\bHTTP (\d{3})\b/.exec(message ?? '');
  return match ? Number(match[1]) : null;
};

/** Ledger totals per currency and bucket, over the site's whole history. */
function commissionByStatus(entries: { currency: string; bucket: CommissionBucket; amountMinor: number }[], tr: Translator) {
  const totals = new Map<string, Record<CommissionBucket, number>>();
  for (const entry of entries) {
    const line = totals.get(entry.currency) ?? { pending: 0, approved: 0, reversed: 0 };
    line[entry.bucket] += entry.amountMinor;
    totals.set(entry.currency, line);
  }
  return [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([currency, line]) => ({
    currency, pending: tr.money(line.pending, currency), approved: tr.money(line.approved, currency), reversed: tr.money(line.reversed, currency),
  }));
}

/** The months from the site's registration to now (newest first, at most STATEMENT_MONTHS). */
async function statementMonths(storage: Storage, site: Site, now: Date) {
  const months: string[] = [];
  for (let month = periodOf(now); months.length < STATEMENT_MONTHS; ) {
    months.push(month);
    if (periodBounds(month).start <= site.createdAt) break;
    month = periodOf(new Date(periodBounds(month).start.getTime() - 1));
  }
  return Promise.all(months.map(async (month) => ({
    month,
    closed: (await storage.revenue.findClosedPeriod(site.id, month))?.snapshot != null,
    csvUrl: `/owner/sites/${site.id}/statements/${month}.csv`,
  })));
}

/** The postback URL and a signed example the owner can run as it is, with their secret put in. */
export function postbackHelp(site: Site, origin: string, hasSecret: boolean, previousUntilText: string | null) {
  const url = `${origin}/api/postback`;
  const example = {
    amount: '68.01', click_id: 'CLICK_ID', currency: 'CNY', kind: 'sale', order_id: 'A1001', site: site.slug, status: 'pending', ts: '$TS',
  };
  const canonical = canonicalPostbackString(example);
  const shellExample = [
    'TS=$(date +%s)',
    `DATA="${canonical}"`,
    'SIG=$(printf \'%s\' "$DATA" | openssl dgst -sha256 -hmac "$DEALNAV_POSTBACK_SECRET" | sed \'s/^.* //\')',
    `curl -X POST '${url}' --data "$DATA&sig=$SIG"`,
  ].join('\n');
  return { url, hasSecret, previousUntilText, canonicalExample: canonical.replace('$TS', '1764086400'), shellExample };
}
