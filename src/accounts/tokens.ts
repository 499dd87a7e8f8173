// Per-site API tokens (for postbacks and the owner's own API use): shown once when created,
// stored as their SHA-256, listed by a short prefix, revocable. Creating and revoking one is audited.
import type { SiteApiToken, Storage } from '../storage';
import type { AuditService } from './audit';
import { randomToken, sha256 } from './secrets';

export const TOKEN_PREFIX = 'dnt_';
const SHOWN_PREFIX_LENGTH = TOKEN_PREFIX.length + 6;
const TOKEN_PATTERN = /^dnt_[\w-]{43}$/;

export class SiteTokenService {
  constructor(private readonly storage: Storage, private readonly audit: AuditService, private readonly clock: () => Date = () => new Date()) {}

  /** The new token's value is in `token` and nowhere else, ever. */
  async create(siteId: number, actorUserId: number | null): Promise<{ token: string; record: SiteApiToken }> {
    const token = `${TOKEN_PREFIX}${randomToken()}`;
    const record = await this.storage.siteApiTokens.insert({
      siteId, tokenHash: sha256(token), prefix: token.slice(0, SHOWN_PREFIX_LENGTH), createdByUserId: actorUserId, now: this.clock(),
    });
    await this.audit.record({ actorUserId, action: 'site_token.create', subject: `site:${siteId}`, after: describe(record) });
    return { token, record };
  }

  list(siteId: number): Promise<SiteApiToken[]> {
    return this.storage.siteApiTokens.listForSite(siteId);
  }

  async revoke(id: number, actorUserId: number | null): Promise<SiteApiToken | null> {
    const before = await this.storage.siteApiTokens.findById(id);
    if (!before || !(await this.storage.siteApiTokens.revoke(id, this.clock()))) return null;
    const after = (await this.storage.siteApiTokens.findById(id))!;
    await this.audit.record({ actorUserId, action: 'site_token.revoke', subject: `site:${before.siteId}`, before: describe(before), after: describe(after) });
    return after;
  }

  /** The live token a bearer value stands for, or null; records the use. */
  async authenticate(value: string): Promise<SiteApiToken | null> {
    if (!TOKEN_PATTERN.test(value)) return null;
    const token = await this.storage.siteApiTokens.findActiveByHash(sha256(value));
    if (!token) return null;
    await this.storage.siteApiTokens.markUsed(token.id, this.clock());
    return token;
  }
}

const describe = (token: SiteApiToken) => ({
  id: token.id, prefix: token.prefix, createdAt: token.createdAt.toISOString(), revokedAt: token.revokedAt?.toISOString() ?? null,
});
