// The validation preview (src/sites/validation-preview.ts) as the partial
// templates/owner-feed-preview.njk shows it: counts, a sample as the listing's deal cards, and
// every problem in the reader's language. Pages include the partial with `preview` set to this.
import type { CrawlErrorCode } from '../../../crawlers/errors';
import type { FeedPreview, PreviewProblemCode } from '../../sites/validation-preview';
import { toDealCard, type DealCard } from '../deal-card';
import type { MessageKey, Translator } from '../i18n';

export interface FeedPreviewView {
  ok: boolean;
  feedUrl: string;
  /** "Found 12 deals in 14 items (hao123 format)." */
  summary: string | null;
  cards: DealCard[];
  problems: { item: string; text: string; severity: 'skipped' | 'warning'; reason: string }[];
  /** "and 40 more" when the list was cut. */
  moreProblems: string | null;
  /** Whole-feed notes: every item broken, robots.txt refuses. */
  notes: string[];
  /** A fetch or parse failure in plain words, with the crawler's detail. */
  error: { text: string; detail: string } | null;
}

const PROBLEM_MESSAGES: Record<PreviewProblemCode, MessageKey> = {
  missing_title: 'owner.problem.missingTitle',
  missing_url: 'owner.problem.missingUrl',
  url_too_long: 'owner.problem.urlTooLong',
  url_relative: 'owner.problem.urlRelative',
  url_invalid: 'owner.problem.urlInvalid',
  url_not_http: 'owner.problem.urlNotHttp',
  missing_price: 'owner.problem.missingPrice',
  price_not_amount: 'owner.problem.priceNotAmount',
  end_before_start: 'owner.problem.endBeforeStart',
  duplicate_id: 'owner.problem.duplicateId',
  over_limit: 'owner.problem.overLimit',
  broken_block: 'owner.problem.brokenBlock',
  url_other_host: 'owner.problem.urlOtherHost',
  unknown_city: 'owner.problem.unknownCity',
  already_ended: 'owner.problem.alreadyEnded',
  unrecognised: 'owner.problem.other',
};

const FETCH_ERROR_MESSAGES: Record<CrawlErrorCode, MessageKey> = {
  invalid_url: 'owner.fetchError.invalidUrl',
  blocked_address: 'owner.fetchError.blockedAddress',
  dns_failed: 'owner.fetchError.dnsFailed',
  connect_failed: 'owner.fetchError.connectFailed',
  timeout: 'owner.fetchError.timeout',
  too_large: 'owner.fetchError.tooLarge',
  too_many_redirects: 'owner.fetchError.tooManyRedirects',
  http_status: 'owner.fetchError.httpStatus',
  robots_disallowed: 'owner.fetchError.robotsDisallowed',
  empty_body: 'owner.fetchError.emptyBody',
  not_a_feed: 'owner.fetchError.notAFeed',
  format_unknown: 'owner.fetchError.formatUnknown',
  parse_error: 'owner.fetchError.parseError',
};

/** A crawl error code (a preview's, a crawl run's) in plain words; unknown codes get the generic text. */
export function crawlErrorText(code: string, httpStatus: number | null, tr: Translator): string {
  const key = FETCH_ERROR_MESSAGES[code as CrawlErrorCode] ?? 'owner.fetchError.parseError';
  return tr.t(key, { status: httpStatus ?? '?' });
}

export function feedPreviewView(preview: FeedPreview, tr: Translator, siteName: string, now: Date = new Date()): FeedPreviewView {
  if (!preview.ok) {
    return {
      ok: false, feedUrl: preview.feedUrl, summary: null, cards: [], problems: [], moreProblems: null, notes: [],
      error: { text: crawlErrorText(preview.error.code, preview.error.httpStatus, tr), detail: preview.error.message },
    };
  }
  const notes: string[] = [];
  if (preview.itemsSeen === 0) notes.push(tr.t('owner.preview.noItems'));
  if (preview.everyItemBroken) notes.push(tr.t('owner.preview.everyItemBroken'));
  if (preview.robotsDisallowed) notes.push(tr.t('owner.preview.robotsDisallowed'));
  const nowIso = now.toISOString();
  return {
    ok: true,
    feedUrl: preview.feedUrl,
    summary: tr.t('owner.preview.summary', { count: preview.dealCount, items: tr.number(preview.itemsSeen), format: preview.format }),
    cards: preview.sample.map((deal, index) => ({
      // Not stored: no id, so the card links to the deal's own page on the site.
      ...toDealCard({ ...deal, id: index + 1, siteId: 0, siteName, firstSeenAt: nowIso, updatedAt: nowIso }, tr, now),
      detailUrl: deal.url,
    })),
    problems: preview.problems.map((problem) => ({
      item: problem.item,
      severity: problem.severity,
      reason: problem.reason,
      text: tr.t(PROBLEM_MESSAGES[problem.code], { detail: problem.detail ?? '', reason: problem.reason }),
    })),
    moreProblems: preview.problemsTotal > preview.problems.length
      ? tr.t('owner.preview.moreProblems', { count: preview.problemsTotal - preview.problems.length })
      : null,
    notes,
    error: null,
  };
}
