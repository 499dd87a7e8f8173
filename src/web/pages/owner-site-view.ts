// What a site's own page shows its owner, read from storage and formatted for the reader: the
// site and its verification, each feed's health and last runs, deals live now, clicks,
// conversions, commission by status, the monthly statements, the postback settings and API tokens.
import type { Site, Storage } from '../../storage';
import type { ConversionTotals } from '../../storage/revenue-types';
import { canonicalPostbackString } from '../../revenue/postback';
import { siteOverview } from '../../sites/site-overview';
import { META_NAME, wellKnownUrl } from '../../sites/verify-domain';
import type { Translator } from '../i18n';
import { crawlErrorText } from './owner-preview-view';

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
  const [overview, secrets, tokens] = await Promise.all([
    siteOverview(storage, site, now),
    storage.revenue.postbackSecrets(site.id),
    storage.siteApiTokens.listForSite(site.id),
  ]);
  const { clicks } = overview;
  return {
    site: {
      id: site.id, name: site.name, slug: site.slug, homeUrl: site.homeUrl, status: site.status, statusReason: site.statusReason,
      verifiedText: at(site.verifiedAt), createdText: tr.dateTime(site.createdAt, 'UTC'),
    },
    verification: site.verificationToken
      ? { token: site.verificationToken, metaSnippet: `<meta name="${META_NAME}" content="${site.verificationToken}">`, fileUrl: wellKnownUrl(site.homeUrl) }
      : null,
    feeds: overview.feeds.map(({ feed, runs }): FeedHealth => ({
      id: feed.id, url: feed.url, format: feed.format, detectedFormat: feed.detectedFormat,
      paused: feed.status === 'paused', pausedReason: feed.pausedReason,
      lastSuccessText: at(feed.lastSuccessAt),
      lastErrorText: feed.lastErrorCode
        ? `${crawlErrorText(feed.lastErrorCode, statusIn(feed.lastErrorMessage), tr)} (${feed.lastErrorMessage ?? feed.lastErrorCode})` : null,
      consecutiveFailures: feed.consecutiveFailures,
      runs: runs.map((run) => ({
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
    })),
    liveDeals: overview.liveDeals,
    clicks: { ...clicks, filtered: clicks.total - clicks.billable },
    conversions: overview.conversions.map((line: ConversionTotals) => ({
      currency: line.currency, conversions: line.conversions, sales: line.sales, leads: line.leads, salesText: tr.money(line.salesMinor, line.currency),
    })),
    commission: overview.commission.map((line) => ({
      currency: line.currency, pending: tr.money(line.pendingMinor, line.currency), approved: tr.money(line.approvedMinor, line.currency),
      reversed: tr.money(line.reversedMinor, line.currency),
    })),
    statements: overview.statements.map(({ month, closed }) => ({ month, closed, csvUrl: `/owner/sites/${site.id}/statements/${month}.csv` })),
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
