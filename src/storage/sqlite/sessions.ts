// SQL for the `sessions` table: signed-in browsers, keyed by the SHA-256 of the cookie's value.
import type { SessionsRepository } from '../account-types';
import type { SqliteDatabase } from './database';
import { toDate } from './time';

interface SessionRow {
  id_hash: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  user_id: number;
  email: string;
  role: 'operator' | 'owner';
  user_created_at: number;
}

export function createSessionsRepository(db: SqliteDatabase): SessionsRepository {
  const insert = db.prepare<{ idHash: string; userId: number; now: number; expiresAt: number; userAgent: string | null }>(`
    INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, user_agent)
    VALUES (@idHash, @userId, @now, @now, @expiresAt, @userAgent)`);
  // Every signed-in request: the primary key, then the user's. A disabled account has no session.
  const withUser = db.prepare<[string], SessionRow>(`
    SELECT s.id_hash, s.created_at, s.last_seen_at, s.expires_at, u.id AS user_id, u.email, u.role, u.created_at AS user_created_at
    FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ? AND u.disabled_at IS NULL`);
  const touch = db.prepare<[number, string]>('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?');
  const remove = db.prepare<[string]>('DELETE FROM sessions WHERE id_hash = ?');
  // sessions_user index.
  const removeForUser = db.prepare<{ userId: number; keep: string | null }>(
    'DELETE FROM sessions WHERE user_id = @userId AND (@keep IS NULL OR id_hash <> @keep)');
  const removeExpired = db.prepare<[number, number]>('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?');
  const countForUser = db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM sessions WHERE user_id = ?');
  return {
    async create(session) {
      insert.run({
        idHash: session.idHash, userId: session.userId, now: session.now.getTime(),
        expiresAt: session.expiresAt.getTime(), userAgent: session.userAgent,
      });
    },
    async findWithUser(idHash) {
      const row = withUser.get(idHash);
      if (!row) return null;
      return {
        idHash: row.id_hash,
        createdAt: toDate(row.created_at),
        lastSeenAt: toDate(row.last_seen_at),
        expiresAt: toDate(row.expires_at),
        user: { id: row.user_id, email: row.email, role: row.role, createdAt: toDate(row.user_created_at) },
      };
    },
    async touch(idHash, at) {
      touch.run(at.getTime(), idHash);
    },
    async delete(idHash) {
      remove.run(idHash);
    },
    async deleteForUser(userId, keepIdHash) {
      return removeForUser.run({ userId, keep: keepIdHash }).changes;
    },
    async deleteExpired(now, idleSince) {
      return removeExpired.run(now.getTime(), idleSince.getTime()).changes;
    },
    async countForUser(userId) {
      return countForUser.get(userId)!.n;
    },
  };
}
