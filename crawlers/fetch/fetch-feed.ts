// Fetches one feed URL: conditional GET, manual redirects (each hop re-checked by the address
// guard), one deadline over all hops and the body, and a byte cap applied while streaming the
// decompressed body. Whatever goes wrong, callers only ever see a CrawlError.

import http from 'node:http';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { request, type Dispatcher } from 'undici';
import { CrawlError, type CrawlErrorCode } from '../errors';
import { checkUrlAllowed, type LookupFunction } from './address-guard';
import { createFeedAgent } from './agent';

export const DEFAULT_USER_AGENT =
  'dealnav/0.1 (+https://github.com/dealnav/dealnav; deal-navigation portal crawler)';

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  maxRedirects: number;
}

export const DEFAULT_FETCH_LIMITS: Readonly<FetchLimits> = {
  maxBytes: 50 * 1024 * 1024,
  timeoutMs: 30_000,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 20_000,
  bodyTimeoutMs: 20_000,
  maxRedirects: 5,
};

export interface FetchOptions {
  /** Off in production: only public unicast addresses are reached. Tests and self-hosters turn it on. */
  allowPrivateNetwork: boolean;
  /** Cap on the decompressed body (and on the bytes on the wire). Default 50 MiB. */
  maxBytes?: number;
  /** Total time for all hops and the whole body. Default 30 s. */
  timeoutMs?: number;
  /** These three apply only when fetchFeed builds its own agent. Defaults 10 s, 20 s, 20 s (idle gap). */
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /** Default 5. */
  maxRedirects?: number;
  /** Default DEFAULT_USER_AGENT. */
  userAgent?: string;
  /** Validators from the previous 200/304, sent back verbatim. */
  etag?: string | null;
  lastModified?: string | null;
  /** A shared agent (normally from createFeedAgent); without one, each call builds and closes its own. */
  agent?: Dispatcher;
  /** Resolver for the agent fetchFeed builds (tests map invented names to loopback). */
  lookup?: LookupFunction;
  /** Called as the body arrives with the decompressed bytes so far (for a progress line). */
  onProgress?: (bytes: number) => void;
}

export interface FetchResult {
  status: number;
  notModified: boolean;
  finalUrl: string;
  redirects: number;
  body: Uint8Array;
  contentType: string | null;
  etag: string | null;
  lastModified: string | null;
  /** Bytes after decompression. */
  bytes: number;
  retryAfterSeconds: number | null;
  durationMs: number;
}

/** A non-2xx answer (other than 304); carries Retry-After so the scheduler can back off. */
export class HttpStatusError extends CrawlError {
  constructor(
    status: number,
    readonly retryAfterSeconds: number | null,
  ) {
    super('http_status', `HTTP ${status} ${http.STATUS_CODES[status] ?? ''}`.trimEnd(), status);
    this.name = 'HttpStatusError';
  }
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, ' +
  'text/xml;q=0.9, application/json;q=0.9, */*;q=0.5';

interface Settings {
  allowPrivateNetwork: boolean;
  maxBytes: number;
  maxRedirects: number;
  headers: Record<string, string>;
  etag: string | null;
  lastModified: string | null;
  onProgress: ((bytes: number) => void) | null;
}

type Response = Dispatcher.ResponseData;

export async function fetchFeed(url: string, options: FetchOptions): Promise<FetchResult> {
  const startedAt = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_FETCH_LIMITS.timeoutMs;
  const deadline = new AbortController();
  const timer = setTimeout(() => {
    deadline.abort(new CrawlError('timeout', `The feed took longer than ${timeoutMs} ms`));
  }, timeoutMs);
  const agent = options.agent ?? createFeedAgent({
    allowPrivateNetwork: options.allowPrivateNetwork,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_FETCH_LIMITS.connectTimeoutMs,
    headersTimeoutMs: options.headersTimeoutMs ?? DEFAULT_FETCH_LIMITS.headersTimeoutMs,
    bodyTimeoutMs: options.bodyTimeoutMs ?? DEFAULT_FETCH_LIMITS.bodyTimeoutMs,
    ...(options.lookup ? { lookup: options.lookup } : {}),
  });
  try {
    const result = await fetchFollowingRedirects(parseUrl(url), toSettings(options), agent, deadline.signal);
    return { ...result, durationMs: Math.round(performance.now() - startedAt) };
  } catch (error) {
    throw toCrawlError(error, deadline.signal);
  } finally {
    clearTimeout(timer);
    if (options.agent === undefined) await agent.destroy().catch(() => undefined);
  }
}

function toSettings(options: FetchOptions): Settings {
  const headers: Record<string, string> = {
    'user-agent': options.userAgent ?? DEFAULT_USER_AGENT,
    accept: FEED_ACCEPT,
    'accept-encoding': 'gzip, deflate, br',
  };
  // Echoed byte for byte: servers compare them as opaque strings (FreshRSS #6056, miniflux #2675).
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.lastModified) headers['if-modified-since'] = options.lastModified;
  return {
    allowPrivateNetwork: options.allowPrivateNetwork,
    maxBytes: options.maxBytes ?? DEFAULT_FETCH_LIMITS.maxBytes,
    maxRedirects: options.maxRedirects ?? DEFAULT_FETCH_LIMITS.maxRedirects,
    headers,
    etag: options.etag ?? null,
    lastModified: options.lastModified ?? null,
    onProgress: options.onProgress ?? null,
  };
}

async function fetchFollowingRedirects(
  url: URL,
  settings: Settings,
  agent: Dispatcher,
  signal: AbortSignal,
): Promise<Omit<FetchResult, 'durationMs'>> {
  let current = url;
  for (let redirects = 0; ; redirects += 1) {
    checkUrlAllowed(current, settings.allowPrivateNetwork);
    const response = await request(current, { method: 'GET', headers: settings.headers, dispatcher: agent, signal });
    const location = header(response, 'location');
    if (!REDIRECT_STATUSES.has(response.statusCode) || location === null) {
      return await readResponse(response, current, redirects, settings, signal);
    }
    await discardBody(response.body, signal);
    if (redirects >= settings.maxRedirects) {
      throw new CrawlError('too_many_redirects', `More than ${settings.maxRedirects} redirects (last to ${location})`);
    }
    current = parseUrl(location, current);
  }
}

async function readResponse(
  response: Response,
  url: URL,
  redirects: number,
  settings: Settings,
  signal: AbortSignal,
): Promise<Omit<FetchResult, 'durationMs'>> {
  const status = response.statusCode;
  const retryAfterSeconds = parseRetryAfter(header(response, 'retry-after'));
  const notModified = status === 304;
  if (!notModified && (status < 200 || status > 299)) {
    await discardBody(response.body, signal);
    throw new HttpStatusError(status, retryAfterSeconds);
  }
  const body = notModified ? new Uint8Array(0) : await readBody(response, settings, signal);
  if (!notModified && body.byteLength === 0) throw new CrawlError('empty_body', `HTTP ${status} with an empty body`);
  if (notModified) await discardBody(response.body, signal);
  return {
    status,
    notModified,
    finalUrl: url.href,
    redirects,
    body,
    contentType: header(response, 'content-type'),
    // A 304 should repeat the validators (RFC 9110 §15.4.5); when it does not, the sent ones still hold.
    etag: header(response, 'etag') ?? (notModified ? settings.etag : null),
    lastModified: header(response, 'last-modified') ?? (notModified ? settings.lastModified : null),
    bytes: body.byteLength,
    retryAfterSeconds,
  };
}

/** Streams the body through the decoders named by Content-Encoding, failing as soon as a cap is passed. */
async function readBody(response: Response, settings: Settings, signal: AbortSignal): Promise<Buffer> {
  const { maxBytes, onProgress } = settings;
  const chunks: Buffer[] = [];
  let total = 0;
  let decodeFailure: unknown = null;
  try {
    const declaredLength = Number(header(response, 'content-length') ?? 0);
    if (declaredLength > maxBytes) throw tooLarge(maxBytes, 'declared Content-Length');
    const decoders = createDecoders(header(response, 'content-encoding'));
    for (const decoder of decoders) decoder.once('error', (error) => (decodeFailure ??= error));
    const wireCap = decoders.length > 0 ? [byteCap(maxBytes, 'compressed body')] : [];
    const collect = new Writable({
      write(chunk: Buffer, _encoding, done) {
        total += chunk.length;
        if (total > maxBytes) return done(tooLarge(maxBytes, 'body'));
        chunks.push(chunk);
        onProgress?.(total);
        done();
      },
    });
    await pipeline([response.body, ...wireCap, ...decoders, collect], { signal });
    return Buffer.concat(chunks, total);
  } catch (error) {
    response.body.on('error', () => undefined).destroy(); // undici emits an AbortError on destroy
    // The pipeline also destroys the decoders with our own too_large or the deadline's abort.
    if (error === decodeFailure && !(error instanceof CrawlError) && !signal.aborted) {
      throw new CrawlError('parse_error', `The body could not be decompressed: ${(error as Error).message}`);
    }
    throw error;
  }
}

function createDecoders(contentEncoding: string | null): Transform[] {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  // Codings are listed in the order they were applied, so they are undone from the last.
  return codings.reverse().map((coding) => {
    switch (coding) {
      case 'gzip':
      case 'x-gzip':
        return zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
      case 'deflate': // Unzip accepts the zlib wrapper and servers that send gzip under this name
        return zlib.createUnzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
      case 'br':
        return zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
      default:
        throw new CrawlError('parse_error', `Unsupported Content-Encoding "${coding}"`);
    }
  });
}

/** Passes bytes through and fails once more than maxBytes went by. */
function byteCap(maxBytes: number, what: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      done(seen > maxBytes ? tooLarge(maxBytes, what) : null, chunk);
    },
  });
}

function tooLarge(maxBytes: number, what: string): CrawlError {
  return new CrawlError('too_large', `The feed's ${what} is larger than the ${maxBytes}-byte limit`);
}

async function discardBody(body: Response['body'], signal: AbortSignal): Promise<void> {
  // dump() reads a small remainder (keeping the connection reusable) and destroys a large one.
  await body.dump({ limit: 64 * 1024, signal }).catch(() => undefined);
}

function header(response: Response, name: string): string | null {
  const value = response.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

function parseUrl(value: string, base?: URL): URL {
  try {
    return new URL(value, base);
  } catch {
    throw new CrawlError('invalid_url', `Not a valid URL: ${value.slice(0, 200)}`);
  }
}

/** Retry-After as delay-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}

const ERROR_CODES: Record<string, CrawlErrorCode> = {
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ETIMEDOUT: 'timeout',
  ENOTFOUND: 'dns_failed',
  EAI_AGAIN: 'dns_failed',
  EAI_FAIL: 'dns_failed',
  EAI_NODATA: 'dns_failed',
  EAI_NONAME: 'dns_failed',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'too_large',
};

/** Maps anything thrown by undici, node:net or node:dns to a CrawlError; unknown failures count as connect_failed. */
function toCrawlError(error: unknown, deadline: AbortSignal): CrawlError {
  if (error instanceof CrawlError) return error;
  if (deadline.aborted && deadline.reason instanceof CrawlError) return deadline.reason;
  const cause = error instanceof AggregateError && error.errors.length > 0 ? error.errors[0] : error;
  const code = String((cause as { code?: unknown } | null)?.code ?? (error as { code?: unknown } | null)?.code ?? '');
  const message = error instanceof Error ? error.message : String(error);
  const crawlError = new CrawlError(ERROR_CODES[code] ?? 'connect_failed', code ? `${code}: ${message}` : message);
  crawlError.cause = error;
  return crawlError;
}
