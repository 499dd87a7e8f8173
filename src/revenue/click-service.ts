// The click-out path, read as three steps: resolve the deal, commit the click, answer the redirect.
import type { Storage } from '../storage';
import { encodeClickId } from './click-id';
import { buildClickUrl } from './click-url';
import type { ClickWriter } from './click-writer';
import { hashIp, isBotRequest } from './visitor';

export interface ClickRequest {
  dealId: number;
  method: string;
  ip: string;
  userAgent: string | undefined;
  referrer: string | undefined;
  subId: string | null;
}

export interface ClickOut {
  location: string;
  clickId: string;
}

const MAX_HEADER_KEPT = 512;

export class ClickService {
  private constructor(
    private readonly storage: Storage,
    private readonly writer: ClickWriter,
    private readonly clickSecret: string,
    private readonly ipSalt: string,
  ) {}

  static async create(storage: Storage, writer: ClickWriter): Promise<ClickService> {
    const random = () => crypto.getRandomValues(Buffer.alloc(32)).toString('hex');
    const clickSecret = await storage.settings.getOrCreate('click_id_secret', random);
    const ipSalt = await storage.settings.getOrCreate('ip_hash_salt', random);
    return new ClickService(storage, writer, clickSecret, ipSalt);
  }

  get secret(): string {
    return this.clickSecret;
  }

  /** Records the click and returns where to send the shopper; null when there is no such deal. */
  async clickOut(request: ClickRequest): Promise<ClickOut | null> {
    const target = await this.storage.deals.findRedirectTarget(request.dealId);
    if (!target) return null;
    const id = this.writer.allocateId();
    const clickId = encodeClickId(this.clickSecret, id);
    const location = buildClickUrl(target.url, target, { clickId, subId: request.subId });
    await this.writer.record({
      id,
      token: clickId,
      dealId: target.dealId,
      siteId: target.siteId,
      createdAt: new Date(),
      city: target.city,
      subId: request.subId,
      referrer: request.referrer?.slice(0, MAX_HEADER_KEPT) ?? null,
      userAgent: request.userAgent?.slice(0, MAX_HEADER_KEPT) ?? null,
      ipHash: hashIp(this.ipSalt, request.ip),
      isBot: isBotRequest(request.method, request.userAgent),
      isDuplicate: false,
    });
    return { location, clickId };
  }
}
