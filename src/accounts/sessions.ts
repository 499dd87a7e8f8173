// Server-side sessions: the browser holds a random id in an HTTP-only cookie, the database its
// SHA-256, so a copy of the database signs nobody in. A session ends after IDLE_MS without a
// request or ABSOLUTE_MS after sign-in, whichever comes first.
import type { FastifyRequest } from 'fastify';
import type { Storage, User } from '../storage';
import { randomToken, sha256 } from './secrets';

export const SESSION_COOKIE = 'dn_session';
/** Two hours without a request ends a session. */
export const SESSION_IDLE_MS = 2 * 3_600_000;
/** However active, a session lasts at most twelve hours (a working day): then sign in again. */
export const SESSION_ABSOLUTE_MS = 12 * 3_600_000;
/** last_seen_at is written at most this often, so a page view is a read, not a write. */
const TOUCH_EVERY_MS = 60_000;
const USER_AGENT_MAX = 300;

export interface ActiveSession {
  idHash: string;
  user: User;
}

export class SessionService {
  constructor(private readonly storage: Storage, private readonly clock: () => Date = () => new Date()) {}

  /** Starts a session and returns the cookie value, which is never stored. */
  async start(userId: number, userAgent: string | undefined): Promise<{ cookieValue: string; idHash: string }> {
    const now = this.clock();
    await this.storage.sessions.deleteExpired(now, new Date(now.getTime() - SESSION_IDLE_MS));
    const cookieValue = randomToken();
    const idHash = sha256(cookieValue);
    await this.storage.sessions.create({
      idHash, userId, now, expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
      userAgent: userAgent ? userAgent.slice(0, USER_AGENT_MAX) : null,
    });
    return { cookieValue, idHash };
  }

  /** The session behind a cookie value, if it is still valid; an expired one is deleted. */
  async resume(cookieValue: string): Promise<ActiveSession | null> {
    if (!/^[\w-]{43}$/.test(cookieValue)) return null;
    const idHash = sha256(cookieValue);
    const session = await this.storage.sessions.findWithUser(idHash);
    if (!session) return null;
    const now = this.clock().getTime();
    if (now >= session.expiresAt.getTime() || now - session.lastSeenAt.getTime() >= SESSION_IDLE_MS) {
      await this.storage.sessions.delete(idHash);
      return null;
    }
    if (now - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) await this.storage.sessions.touch(idHash, new Date(now));
    return { idHash, user: session.user };
  }

  async end(idHash: string): Promise<void> {
    await this.storage.sessions.delete(idHash);
  }

  /** Ends every other session of the user (after a password change). */
  async endOthers(userId: number, keepIdHash: string | null): Promise<number> {
    return this.storage.sessions.deleteForUser(userId, keepIdHash);
  }
}

/**
 * Whether cookies get the Secure flag: when this request came over https (directly, or through a
 * proxy DEALNAV_TRUST_PROXY trusts), or when the portal's public address (DEALNAV_PUBLIC_URL) is
 * https, since behind a TLS-terminating proxy the browser speaks https even where the app sees http.
 */
export function cookiesSecure(request: FastifyRequest, env: NodeJS.ProcessEnv = process.env): boolean {
  return request.protocol === 'https' || /^https:\/\//i.test(env.DEALNAV_PUBLIC_URL?.trim() ?? '');
}

/** Secure over https (cookiesSecure); HTTP-only; Lax so a link from elsewhere still arrives signed in. */
export function sessionCookieOptions(request: FastifyRequest) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: cookiesSecure(request),
  };
}
