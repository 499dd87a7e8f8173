// SQL for `site_postback_secrets` (migration 6): each site's HMAC key for signed postbacks.
import type { PostbackSecrets } from '../revenue-types';
import type { SqliteDatabase } from './database';
import { toOptionalDate } from './time';

interface SecretRow {
  secret: string;
  previous_secret: string | null;
  previous_valid_until: number | null;
}

export function createPostbackSecretsTable(db: SqliteDatabase) {
  // A rotation keeps the secret it replaces for a grace period, so a partner can switch over.
  const rotate = db.prepare<{ siteId: number; secret: string; now: number; previousValidUntil: number | null }>(`
    INSERT INTO site_postback_secrets (site_id, secret, created_at, rotated_at) VALUES (@siteId, @secret, @now, @now)
    ON CONFLICT (site_id) DO UPDATE SET
      previous_secret = CASE WHEN @previousValidUntil IS NULL THEN NULL ELSE site_postback_secrets.secret END,
      previous_valid_until = @previousValidUntil, secret = excluded.secret, rotated_at = excluded.rotated_at`);
  const select = db.prepare<[number], SecretRow>(
    'SELECT secret, previous_secret, previous_valid_until FROM site_postback_secrets WHERE site_id = ?');
  return {
    rotate(siteId: number, secret: string, now: Date, previousValidUntil: Date | null): void {
      rotate.run({ siteId, secret, now: now.getTime(), previousValidUntil: previousValidUntil?.getTime() ?? null });
    },
    find(siteId: number): PostbackSecrets | null {
      const row = select.get(siteId);
      return row ? { current: row.secret, previous: row.previous_secret, previousValidUntil: toOptionalDate(row.previous_valid_until) } : null;
    },
  };
}
