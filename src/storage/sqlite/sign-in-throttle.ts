// SQL for `sign_in_throttle`: failed sign-ins per account and per address, kept across restarts.
import type { SignInThrottleRepository, ThrottleState } from '../account-types';
import type { SqliteDatabase } from './database';
import { toDate } from './time';

interface ThrottleRow {
  failures: number;
  last_failure_at: number;
  blocked_until: number | null;
}

export function createSignInThrottleRepository(db: SqliteDatabase): SignInThrottleRepository {
  const select = db.prepare<[string, string], ThrottleRow>(
    'SELECT failures, last_failure_at, blocked_until FROM sign_in_throttle WHERE scope = ? AND key_hash = ?');
  const upsert = db.prepare<{ scope: string; keyHash: string; failures: number; lastFailureAt: number; blockedUntil: number | null }>(`
    INSERT INTO sign_in_throttle (scope, key_hash, failures, last_failure_at, blocked_until)
    VALUES (@scope, @keyHash, @failures, @lastFailureAt, @blockedUntil)
    ON CONFLICT (scope, key_hash) DO UPDATE SET
      failures = excluded.failures, last_failure_at = excluded.last_failure_at, blocked_until = excluded.blocked_until`);
  const remove = db.prepare<[string, string]>('DELETE FROM sign_in_throttle WHERE scope = ? AND key_hash = ?');
  return {
    async find(scope, keyHash) {
      const row = select.get(scope, keyHash);
      if (!row) return null;
      return {
        failures: row.failures,
        lastFailureAt: toDate(row.last_failure_at),
        blockedUntil: row.blocked_until === null ? null : toDate(row.blocked_until),
      };
    },
    async save(scope, keyHash, state: ThrottleState) {
      upsert.run({
        scope, keyHash, failures: state.failures, lastFailureAt: state.lastFailureAt.getTime(),
        blockedUntil: state.blockedUntil?.getTime() ?? null,
      });
    },
    async clear(scope, keyHash) {
      remove.run(scope, keyHash);
    },
  };
}
