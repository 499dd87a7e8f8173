// Records and repository contracts for accounts and access: users, sessions, sign-in throttling,
// the audit log and per-site API tokens. Secrets never cross this boundary in clear: sessions and
// API tokens are stored as SHA-256 hashes, passwords as scrypt hashes.

export type UserRole = 'operator' | 'owner';

export interface User {
  id: number;
  email: string;
  role: UserRole;
  createdAt: Date;
}

export interface UserWithPassword extends User {
  /** PHC-style scrypt string (`$scrypt$ln=…,r=…,p=…$salt$hash`), never the password. */
  passwordHash: string;
  /** When an operator disabled the account (it cannot sign in); null while it works. */
  disabledAt: Date | null;
}

export interface NewUser {
  email: string;
  passwordHash: string;
  role: UserRole;
  now: Date;
}

export interface UsersRepository {
  /** Adds the user; null when the email (case-insensitively) is taken. */
  create(user: NewUser): Promise<User | null>;
  findByEmail(email: string): Promise<UserWithPassword | null>;
  findById(id: number): Promise<UserWithPassword | null>;
  setPasswordHash(id: number, passwordHash: string): Promise<void>;
  list(): Promise<User[]>;
  /** Every user with the sites they own and their newest session still on record, for operators. */
  listOverview(): Promise<UserOverview[]>;
  /** Disables the account from `at` (null: enables it again). False when there is no such user. */
  setDisabled(id: number, at: Date | null): Promise<boolean>;
}

export interface UserOverview extends User {
  disabledAt: Date | null;
  sitesOwned: number;
  /** When the newest session still stored began (expired sessions are deleted); null without one. */
  latestSessionAt: Date | null;
}

export interface NewSession {
  idHash: string;
  userId: number;
  now: Date;
  /** The absolute end of the session, however active it stays. */
  expiresAt: Date;
  userAgent: string | null;
}

export interface SessionWithUser {
  idHash: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  user: User;
}

export interface SessionsRepository {
  create(session: NewSession): Promise<void>;
  /** The session and its user in one indexed read; null when there is no such session. */
  findWithUser(idHash: string): Promise<SessionWithUser | null>;
  touch(idHash: string, at: Date): Promise<void>;
  delete(idHash: string): Promise<void>;
  /** Ends every session of the user except `keepIdHash` (null: all of them). Returns how many. */
  deleteForUser(userId: number, keepIdHash: string | null): Promise<number>;
  /** Drops sessions past their absolute end or idle since before `idleSince`. */
  deleteExpired(now: Date, idleSince: Date): Promise<number>;
  countForUser(userId: number): Promise<number>;
}

export type ThrottleScope = 'account' | 'ip';

export interface ThrottleState {
  failures: number;
  lastFailureAt: Date;
  /** No attempt is checked before this instant. */
  blockedUntil: Date | null;
}

export interface SignInThrottleRepository {
  find(scope: ThrottleScope, keyHash: string): Promise<ThrottleState | null>;
  save(scope: ThrottleScope, keyHash: string, state: ThrottleState): Promise<void>;
  clear(scope: ThrottleScope, keyHash: string): Promise<void>;
}

export interface NewAuditEntry {
  at: Date;
  /** Null for changes made from the command line. */
  actorUserId: number | null;
  action: string;
  subject: string;
  before: unknown;
  after: unknown;
}

export interface AuditEntry extends NewAuditEntry {
  id: number;
  actorEmail: string | null;
}

export interface AuditLogRepository {
  insert(entry: NewAuditEntry): Promise<number>;
  /** Newest first. */
  page(page: number, pageSize: number): Promise<{ entries: AuditEntry[]; total: number }>;
  /** The newest `limit` entries about one record (`site:12`), newest first. */
  forSubject(subject: string, limit: number): Promise<AuditEntry[]>;
}

export interface SiteApiToken {
  id: number;
  siteId: number;
  /** The token's first characters, to tell tokens apart in a list; not enough to use it. */
  prefix: string;
  createdAt: Date;
  createdByUserId: number | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface SiteApiTokensRepository {
  insert(token: { siteId: number; tokenHash: string; prefix: string; createdByUserId: number | null; now: Date }): Promise<SiteApiToken>;
  /** A token that is not revoked, by the hash of its value. */
  findActiveByHash(tokenHash: string): Promise<SiteApiToken | null>;
  findById(id: number): Promise<SiteApiToken | null>;
  listForSite(siteId: number): Promise<SiteApiToken[]>;
  /** True when this call revoked it (false: unknown or already revoked). */
  revoke(id: number, now: Date): Promise<boolean>;
  /** Records a use; writes at most once a minute per token. */
  markUsed(id: number, now: Date): Promise<void>;
}
