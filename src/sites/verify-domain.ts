// Proof that a site owner controls the site's domain: the site's verification token either in
// `<meta name="dealnav-verification" content="TOKEN">` on the home page, or as the whole content
// of `/.well-known/dealnav-verify.txt` on the home page's host. Both are fetched through the
// crawler's fetcher (its limits and address guard) and both are always reported, so the owner
// sees what was found where. A redirect to another host proves nothing and is refused.
import { load } from 'cheerio';
import { decodeFeedBytes } from '../../crawlers/decode';
import { CrawlError } from '../../crawlers/errors';
import { fetchFeed, type FetchOptions } from '../../crawlers/fetch';

export const META_NAME = 'dealnav-verification';
export const WELL_KNOWN_PATH = '/.well-known/dealnav-verify.txt';
/** A home page or token file bigger than this is not read further (the crawl's own limit is far larger). */
export const VERIFICATION_MAX_BYTES = 2 * 1024 * 1024;

export type VerificationMethod = 'meta' | 'file';

export type CheckOutcome =
  /** The token is there. */
  | 'found'
  /** Fetched, but no meta tag / an empty file. */
  | 'absent'
  /** Fetched, with some other value than this site's token. */
  | 'mismatch'
  /** The fetch failed (`errorCode`, `detail`). */
  | 'fetch_failed'
  /** The answer came from another host after redirects. */
  | 'other_host';

export interface VerificationCheck {
  method: VerificationMethod;
  url: string;
  outcome: CheckOutcome;
  /** The crawler's error code when the fetch failed. */
  errorCode: string | null;
  httpStatus: number | null;
  /** The crawler's words, or the start of the value found. */
  detail: string | null;
}

export interface VerificationResult {
  verified: boolean;
  checks: VerificationCheck[];
}

export type VerificationFetch = Omit<FetchOptions, 'etag' | 'lastModified' | 'onProgress'>;

export const wellKnownUrl = (homeUrl: string): string => new URL(WELL_KNOWN_PATH, new URL(homeUrl).origin).href;

export async function verifyDomain(site: { homeUrl: string; verificationToken: string }, fetch: VerificationFetch): Promise<VerificationResult> {
  const options = { ...fetch, maxBytes: Math.min(fetch.maxBytes ?? VERIFICATION_MAX_BYTES, VERIFICATION_MAX_BYTES) };
  const checks = await Promise.all([
    check('meta', site.homeUrl, site, options, metaContent),
    check('file', wellKnownUrl(site.homeUrl), site, options, (text) => text.trim() || null),
  ]);
  return { verified: checks.some((each) => each.outcome === 'found'), checks };
}

async function check(
  method: VerificationMethod, url: string, site: { homeUrl: string; verificationToken: string }, options: VerificationFetch,
  readValue: (text: string) => string | null,
): Promise<VerificationCheck> {
  const result = (outcome: CheckOutcome, extra: Partial<VerificationCheck> = {}): VerificationCheck =>
    ({ method, url, outcome, errorCode: null, httpStatus: null, detail: null, ...extra });
  try {
    const response = await fetchFeed(url, options);
    if (new URL(response.finalUrl).host !== new URL(site.homeUrl).host) return result('other_host', { detail: response.finalUrl, httpStatus: response.status });
    const value = readValue(decodeFeedBytes(response.body, response.contentType).text);
    if (value === null) return result('absent', { httpStatus: response.status });
    if (value === site.verificationToken) return result('found', { httpStatus: response.status });
    return result('mismatch', { httpStatus: response.status, detail: value.slice(0, 80) });
  } catch (error) {
    const failure = error instanceof CrawlError ? error : new CrawlError('parse_error', (error as Error).message);
    return result('fetch_failed', { errorCode: failure.code, httpStatus: failure.httpStatus, detail: failure.message });
  }
}

/** The content of the first `<meta name="dealnav-verification">`, or null without one. */
function metaContent(html: string): string | null {
  const $ = load(html);
  const meta = $('meta').filter((_, element) => ($(element).attr('name') ?? '').trim().toLowerCase() === META_NAME).first();
  return meta.length ? (meta.attr('content') ?? '').trim() : null;
}
