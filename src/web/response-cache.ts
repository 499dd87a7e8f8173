// Finished answers of the busiest public reads (the listing page and GET /api/deals), kept for a
// couple of seconds: a popular listing is asked for many times a second, and rendering it again
// for each visitor is most of its cost (docs/benchmarks.md).
//
// How stale an answer can be: emptied at once when this process commits a crawl or changes a
// site (the deals repository's change listener), within 100 ms of another process's commit
// (data_version), and at most `ttlMs` old otherwise, so a deal that ended that recently may still
// be on it (the /go redirect and the deal page check liveness themselves).
//
// Only answers that are the same for everyone with the same key belong here: callers skip it for
// signed-in users, whose pages carry their name and a CSRF token.
import type { ChangeSource } from '../storage/change-watch';
import { InvalidatedCache } from '../storage/invalidated-cache';

/** An answer as computed: the text of the page or JSON. */
export interface ComputedResponse {
  body: string;
  contentType: string;
}

/** An answer as kept and sent: encoded to UTF-8 once, not again for every request it serves. */
export interface CachedResponse {
  body: Buffer;
  contentType: string;
}

export interface ResponseCacheOptions {
  maxEntries: number;
  ttlMs: number;
  versionCheckMs: number;
}

export const defaultResponseCacheOptions: ResponseCacheOptions = { maxEntries: 500, ttlMs: 2_000, versionCheckMs: 100 };

/**
 * The options with the lifetime from DEALNAV_PAGE_CACHE_MS (default 2000; 0 turns the cache off,
 * so every request renders: what the listing benchmark's "uncached" rows measure).
 */
export function responseCacheOptions(env = process.env): ResponseCacheOptions {
  const raw = env.DEALNAV_PAGE_CACHE_MS;
  if (raw === undefined || raw === '') return defaultResponseCacheOptions;
  const ttlMs = Number(raw);
  if (!Number.isInteger(ttlMs) || ttlMs < 0) throw new Error(`invalid DEALNAV_PAGE_CACHE_MS: ${raw} (milliseconds, 0 = off)`);
  return { ...defaultResponseCacheOptions, ttlMs };
}

export class ResponseCache {
  private readonly entries: InvalidatedCache<CachedResponse>;
  /** Answers being computed: concurrent requests for one key wait for the same one. */
  private readonly pending = new Map<string, { generation: number; answer: Promise<CachedResponse> }>();
  private readonly enabled: boolean;

  constructor(source: ChangeSource | null, options: ResponseCacheOptions = defaultResponseCacheOptions) {
    this.enabled = options.ttlMs > 0;
    this.entries = new InvalidatedCache(this.enabled ? source : null, options);
  }

  /** The cached answer for `key`, or the one `compute` makes (then cached). */
  async through(key: string, computeText: () => Promise<ComputedResponse>): Promise<CachedResponse> {
    const compute = async (): Promise<CachedResponse> => {
      const { body, contentType } = await computeText();
      return { body: Buffer.from(body, 'utf8'), contentType };
    };
    if (!this.enabled) return compute();
    this.entries.refresh();
    const cached = this.entries.get(key);
    if (cached) return cached;
    const generation = this.entries.generation;
    const running = this.pending.get(key);
    // Joined only when started since the last change: an answer begun before it is not reused.
    if (running && running.generation === generation) return running.answer;
    const answer: Promise<CachedResponse> = compute().then((response) => {
      // Computed from what was there before a change: answer with it, but do not keep it.
      if (this.entries.generation === generation) this.entries.set(key, response);
      return response;
    }).finally(() => {
      if (this.pending.get(key)?.answer === answer) this.pending.delete(key);
    });
    this.pending.set(key, { generation, answer });
    return answer;
  }

  clear(): void {
    this.entries.clear();
  }

  close(): void {
    this.entries.close();
  }
}
