// SQL for the `users` table (migration 1): operators and site owners.
import type { NewUser, User, UserOverview, UsersRepository, UserWithPassword } from '../account-types';
import type { SqliteDatabase } from './database';
import { toDate, toOptionalDate } from './time';

interface UserRow {
  id: number;
  email: string;
  password_hash: string;
  role: User['role'];
  created_at: number;
  disabled_at: number | null;
}

const toUser = (row: UserRow): UserWithPassword => ({
  id: row.id,
  email: row.email,
  role: row.role,
  createdAt: toDate(row.created_at),
  passwordHash: row.password_hash,
  disabledAt: toOptionalDate(row.disabled_at),
});

const withoutPassword = ({ passwordHash: _omitted, disabledAt: _disabled, ...user }: UserWithPassword): User => user;

export function createUsersRepository(db: SqliteDatabase): UsersRepository {
  const insert = db.prepare<{ email: string; passwordHash: string; role: string; now: number }, UserRow>(`
    INSERT INTO users (email, password_hash, role, created_at) VALUES (@email, @passwordHash, @role, @now)
    ON CONFLICT (email) DO NOTHING RETURNING *`);
  // The UNIQUE COLLATE NOCASE index on email answers this.
  const byEmail = db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ?');
  const byId = db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?');
  const setHash = db.prepare<[string, number]>('UPDATE users SET password_hash = ? WHERE id = ?');
  const all = db.prepare<[], UserRow>('SELECT * FROM users ORDER BY id');
  const setDisabled = db.prepare<[number | null, number]>('UPDATE users SET disabled_at = ? WHERE id = ?');
  // sites_owner and sessions_user indexes: two probes per user.
  const overview = db.prepare<[], UserRow & { sites_owned: number; latest_session_at: number | null }>(`
    SELECT u.*,
      (SELECT count(*) FROM sites s WHERE s.owner_user_id = u.id) AS sites_owned,
      (SELECT max(created_at) FROM sessions x WHERE x.user_id = u.id) AS latest_session_at
    FROM users u ORDER BY u.id`);
  return {
    async create(user: NewUser) {
      const row = insert.get({ email: user.email, passwordHash: user.passwordHash, role: user.role, now: user.now.getTime() });
      return row ? withoutPassword(toUser(row)) : null;
    },
    async findByEmail(email) {
      const row = byEmail.get(email);
      return row ? toUser(row) : null;
    },
    async findById(id) {
      const row = byId.get(id);
      return row ? toUser(row) : null;
    },
    async setPasswordHash(id, passwordHash) {
      setHash.run(passwordHash, id);
    },
    async list() {
      return all.all().map((row) => withoutPassword(toUser(row)));
    },
    async setDisabled(id, at) {
      return setDisabled.run(at ? at.getTime() : null, id).changes === 1;
    },
    async listOverview() {
      return overview.all().map((row): UserOverview => ({
        ...withoutPassword(toUser(row)), disabledAt: toOptionalDate(row.disabled_at), sitesOwned: row.sites_owned,
        latestSessionAt: toOptionalDate(row.latest_session_at),
      }));
    },
  };
}
