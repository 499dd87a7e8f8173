// The click-out path, read as three steps: resolve the deal, commit the click, answer the redirect.
import type { Storage } from '../storage';
import { newClickId } from './click-id';
import { ClickGuard, defaultClickGuardOptions, type ClickGuardOptions } from './click-guard';
import type { ClickWriter } from './click-writer';
import { RedirectTargetCache, defaultRedirectCacheOptions, type RedirectCacheOptions } from './redirect-cache';
import { ipHasher, isBotRequest } from './visitor';

export interface ClickRequest {
  dealId: number;
  method: string;
  ip: string;
  userAgent: string | undefined;
  referrer: string | undefined;
  subId: string | null;
}

/** Where the shopper goes, or why they do not. */
export type ClickOut =
  | { kind: 'redirect'; location: string; clickId: string }
  | { kind: 'not_found' }
  | { kind: 'too_many'; retryAfterSeconds: number };

const MAX_HEADER_KEPT = 512;

export class ClickService {
  private readonly hashIp: (ip: string) => string;

  private constructor(
    private readonly targets: RedirectTargetCache,
    private readonly writer: ClickWriter,
    ipSalt: string,
    private readonly guard: ClickGuard,
  ) {
    this.hashIp = ipHasher(ipSalt);
  }

  /** `cache` sets how long a redirect target may be served from memory (see redirect-cache.ts). */
  static async create(
    storage: Storage,
    writer: ClickWriter,
    cache: RedirectCacheOptions = defaultRedirectCacheOptions,
    guard: ClickGuardOptions = defaultClickGuardOptions,
  ): Promise<ClickService> {
    const random = () => crypto.getRandomValues(Buffer.alloc(32)).toString('hex');
    const ipSalt = await storage.settings.getOrCreate('ip_hash_salt', random);
    return new ClickService(new RedirectTargetCache(storage.deals, cache), writer, ipSalt, new ClickGuard(guard));
  }

  /** Stops listening to storage changes (the service answers from storage only afterwards). */
  close(): void {
    this.targets.close();
  }

  /** Records the click and says where to send the shopper. */
  async clickOut(request: ClickRequest): Promise<ClickOut> {
    const now = Date.now();
    const visitor = this.hashIp(request.ip);
    if (!this.guard.allowRequest(visitor, now)) {
      return { kind: 'too_many', retryAfterSeconds: this.guard.retryAfterSeconds(visitor, now) };
    }
    const redirect = this.targets.lookup(request.dealId) ?? await this.targets.load(request.dealId);
    if (!redirect) return { kind: 'not_found' };
    const { target } = redirect;
    const id = this.writer.allocateId();
    const clickId = newClickId(id);
    const location = redirect.location({ clickId, subId: request.subId });
    await this.writer.record({
      id,
      token: clickId,
      dealId: target.dealId,
      siteId: target.siteId,
      createdAt: new Date(now),
      city: target.city,
      category: target.category ?? '',
      subId: request.subId,
      referrer: request.referrer?.slice(0, MAX_HEADER_KEPT) ?? null,
      userAgent: request.userAgent?.slice(0, MAX_HEADER_KEPT) ?? null,
      ipHash: visitor,
      isBot: isBotRequest(request.method, request.userAgent),
      isDuplicate: this.guard.isDuplicate(visitor, target.dealId, now),
    });
    return { kind: 'redirect', location, clickId };
  }
}
