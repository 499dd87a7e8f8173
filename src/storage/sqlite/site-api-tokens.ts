// SQL for `site_api_tokens`: per-site bearer tokens, stored as the SHA-256 of their value.
import type { SiteApiToken, SiteApiTokensRepository } from '../account-types';
import type { SqliteDatabase } from './database';
import { toDate, toOptionalDate } from './time';

const MARK_USED_EVERY_MS = 60_000;

interface TokenRow {
  id: number;
  site_id: number;
  prefix: string;
  created_at: number;
  created_by_user_id: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

const toToken = (row: TokenRow): SiteApiToken => ({
  id: row.id,
  siteId: row.site_id,
  prefix: row.prefix,
  createdAt: toDate(row.created_at),
  createdByUserId: row.created_by_user_id,
  lastUsedAt: toOptionalDate(row.last_used_at),
  revokedAt: toOptionalDate(row.revoked_at),
});

const COLUMNS = 'id, site_id, prefix, created_at, created_by_user_id, last_used_at, revoked_at';

export function createSiteApiTokensRepository(db: SqliteDatabase): SiteApiTokensRepository {
  const insert = db.prepare<{ siteId: number; tokenHash: string; prefix: string; createdBy: number | null; now: number }, TokenRow>(`
    INSERT INTO site_api_tokens (site_id, token_hash, prefix, created_at, created_by_user_id)
    VALUES (@siteId, @tokenHash, @prefix, @now, @createdBy) RETURNING ${COLUMNS}`);
  // The UNIQUE index on token_hash.
  const byHash = db.prepare<[string], TokenRow>(`SELECT ${COLUMNS} FROM site_api_tokens WHERE token_hash = ? AND revoked_at IS NULL`);
  const byId = db.prepare<[number], TokenRow>(`SELECT ${COLUMNS} FROM site_api_tokens WHERE id = ?`);
  // site_api_tokens_site index.
  const forSite = db.prepare<[number], TokenRow>(`SELECT ${COLUMNS} FROM site_api_tokens WHERE site_id = ? ORDER BY id`);
  const revoke = db.prepare<[number, number]>('UPDATE site_api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  const markUsed = db.prepare<{ id: number; now: number; before: number }>(
    'UPDATE site_api_tokens SET last_used_at = @now WHERE id = @id AND (last_used_at IS NULL OR last_used_at <= @before)');
  return {
    async insert(token) {
      return toToken(insert.get({
        siteId: token.siteId, tokenHash: token.tokenHash, prefix: token.prefix, createdBy: token.createdByUserId, now: token.now.getTime(),
      })!);
    },
    async findActiveByHash(tokenHash) {
      const row = byHash.get(tokenHash);
      return row ? toToken(row) : null;
    },
    async findById(id) {
      const row = byId.get(id);
      return row ? toToken(row) : null;
    },
    async listForSite(siteId) {
      return forSite.all(siteId).map(toToken);
    },
    async revoke(id, now) {
      return revoke.run(now.getTime(), id).changes > 0;
    },
    async markUsed(id, now) {
      markUsed.run({ id, now: now.getTime(), before: now.getTime() - MARK_USED_EVERY_MS });
    },
  };
}
