// SQL for `postback_signatures` (migration 6): signatures accepted inside the replay window.
import type { SqliteDatabase } from './database';

export function createPostbackSignaturesTable(db: SqliteDatabase) {
  const insert = db.prepare<[number, string, number]>(
    'INSERT INTO postback_signatures (site_id, signature, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  // Uses postback_signatures_expiry; rows outlive their window only until the next postback.
  const forget = db.prepare<[number]>('DELETE FROM postback_signatures WHERE expires_at < ?');
  return {
    /** False when (site, signature) is already remembered: an exact replay. */
    remember(siteId: number, signature: string, now: Date, expiresAt: Date): boolean {
      forget.run(now.getTime());
      return insert.run(siteId, signature, expiresAt.getTime()).changes === 1;
    },
  };
}
