// Wires accounts and access into the app: the account services as decorators, `request.user`
// loaded once per request from the session cookie, and CSRF protection on every state-changing
// route that has not opted out with `config: { csrf: false }`. API routes (/api/) authenticate
// with bearer tokens and are exempt unless they declare `config: { csrf: true }`.
import fastifyCsrfProtection from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, preHandlerAsyncHookHandler } from 'fastify';
import type { Site, SiteApiToken, Storage, User } from '../storage';
import type { AccountService } from './account-service';
import type { AuditService } from './audit';
import { requireOperator, requireSiteOwner, siteIdParam } from './guards';
import { createAccountServices, newSecretKey } from './services';
import { cookiesSecure, SESSION_COOKIE, type ActiveSession, type SessionService } from './sessions';
import type { SiteTokenService } from './tokens';

declare module 'fastify' {
  interface FastifyInstance {
    accounts: AccountService;
    sessions: SessionService;
    audit: AuditService;
    siteTokens: SiteTokenService;
  }
  interface FastifyRequest {
    /** The signed-in user, or null; loaded once, before any route's hooks. */
    user: Pick<User, 'id' | 'email' | 'role'> | null;
    accountSession: ActiveSession | null;
    /** A CSRF token for forms on pages a signed-in user sees (the header's sign-out button). */
    csrfToken: string | null;
    /** The site a `requireSiteOwner` guard let through. */
    authorizedSite: Site | null;
    /** The token a `requireSiteToken` guard accepted: API routes take the site from it, never from the URL. */
    siteToken: SiteApiToken | null;
  }
  interface FastifyContextConfig {
    /**
     * false: a POST that cannot carry a CSRF token (mail clients' one-click unsubscribe).
     * true: an /api/ route that acts on the session cookie rather than a bearer token.
     */
    csrf?: boolean;
  }
}

export const CSRF_COOKIE = 'dn_csrf';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Static files need not know who is signed in (and /go is not in this context at all).
const WITHOUT_USER = '/static/';

export interface AccessOptions {
  clock?: () => Date;
}

export type Access = Awaited<ReturnType<typeof createAccountServices>> & { csrfHmacKey: string };

export async function createAccess(storage: Storage, options: AccessOptions = {}): Promise<Access> {
  const services = await createAccountServices(storage, options.clock);
  return { ...services, csrfHmacKey: await storage.settings.getOrCreate('csrf_hmac_key', newSecretKey) };
}

/** The account services, for every context (the root's and the pages'). */
export function decorateAccess(app: FastifyInstance, access: Access): void {
  app.decorate('audit', access.audit);
  app.decorate('accounts', access.accounts);
  app.decorate('sessions', access.sessions);
  app.decorate('siteTokens', access.siteTokens);
}

/**
 * Sessions (request.user), CSRF on every state-changing route and the area guards, for the routes
 * of `app`'s context: the pages and the API (/go is outside it: a click needs no session).
 */
export async function registerAccessHooks(app: FastifyInstance, access: Access): Promise<void> {
  // The CSRF secret lives in its own cookie; each token is also bound to the session (or to
  // "anonymous"), so a token from before a sign-in does not work after it.
  await app.register(fastifyCsrfProtection, {
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true },
    getUserInfo: csrfUserInfo,
    getToken: (request: FastifyRequest) => (request.body as { _csrf?: unknown } | undefined)?._csrf as string | undefined
      ?? (request.headers['x-csrf-token'] as string | undefined),
    csrfOpts: { hmacKey: access.csrfHmacKey },
  });

  app.decorateRequest('user', null);
  app.decorateRequest('accountSession', null);
  app.decorateRequest('csrfToken', null);
  app.decorateRequest('authorizedSite', null);
  app.decorateRequest('siteToken', null);

  // Callback-style hooks, so that a request without a session cookie costs no promise.
  const resumeSession = async (request: FastifyRequest, reply: FastifyReply, cookie: string) => {
    const session = await access.sessions.resume(cookie);
    if (!session) {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return;
    }
    request.accountSession = session;
    request.user = { id: session.user.id, email: session.user.email, role: session.user.role };
    if (request.method === 'GET' && !request.url.startsWith('/api/')) request.csrfToken = generateCsrf(request, reply);
  };
  app.addHook('onRequest', (request, reply, done) => {
    const cookie = request.cookies[SESSION_COOKIE];
    if (!cookie || request.url.startsWith(WITHOUT_USER)) return done();
    resumeSession(request, reply, cookie).then(() => done(), done);
  });

  // A page that names the signed-in user is nobody else's: never kept by a shared cache.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.user) reply.header('Cache-Control', 'private, no-store');
    done(null, payload);
  });

  const csrfCheck = function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
    app.csrfProtection.call(this, request, reply, done);
  };
  app.addHook('onRoute', (route) => {
    // Role and ownership before the schema: a request that may not touch the route learns nothing
    // from its validation (a 400 for a missing field), whatever guard the route itself declares.
    const guard = areaGuard(route.url);
    if (guard) route.preValidation = [guard, ...[route.preValidation ?? []].flat()];
    const methods = [route.method].flat();
    if (!methods.some((method) => STATE_CHANGING.has(method))) return;
    const csrf = route.config?.csrf ?? !route.url.startsWith('/api/');
    if (!csrf) return;
    // preValidation: after the body is parsed (the token is a form field), before the schema.
    route.preValidation = [csrfCheck, ...[route.preValidation ?? []].flat()];
  });
}

/** Every /operator route needs an operator; every /owner route with a :siteId, that site's owner (or an operator). */
function areaGuard(url: string): preHandlerAsyncHookHandler | null {
  if (url === '/operator' || url.startsWith('/operator/')) return requireOperator;
  if (url.startsWith('/owner/') && /\/:siteId(?:\/|$|\.)/.test(url)) return requireSiteOwner(siteIdParam());
  return null;
}

function csrfUserInfo(request: FastifyRequest): string {
  return request.accountSession?.idHash ?? 'anonymous';
}

/** A CSRF token for a form on this response's page (sets the secret cookie when there is none). */
export function generateCsrf(request: FastifyRequest, reply: FastifyReply): string {
  return reply.generateCsrf({ userInfo: csrfUserInfo(request), secure: cookiesSecure(request) } as Parameters<FastifyReply['generateCsrf']>[0]);
}
