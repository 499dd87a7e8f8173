// Route guards, declared as preHandlers:
//
//   app.get('/owner/sites/:siteId', { preHandler: requireSiteOwner(siteIdParam()) }, …)
//   app.get('/operator/queue', { preHandler: requireOperator }, …)
//   app.get('/api/owner/site', { preValidation: requireSiteToken }, …)   // site = request.siteToken.siteId (web/api/owner.ts)
//
// Nobody signed in: pages redirect to the sign-in page (and back afterwards), API routes answer
// JSON 401. Signed in but the wrong role, or another owner's site: 403.
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { HttpError, wantsHtml } from '../web/errors';
import { logSecurityEvent } from './security-log';

export const forbidden = () => new HttpError(403, 'DN_ERR_FORBIDDEN', 'You may not open this page or change this record.');

/** Pages send the visitor to sign in and come back; anything else gets 401. */
function refuseAnonymous(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (wantsHtml(request)) {
    const back = request.method === 'GET' ? request.url : '/';
    return reply.header('Cache-Control', 'no-store').redirect(`/account/sign-in?${new URLSearchParams({ next: back })}`, 303);
  }
  throw new HttpError(401, 'DN_ERR_SIGN_IN_REQUIRED', 'Sign in first.');
}

export const requireUser: preHandlerAsyncHookHandler = async function requireUser(request, reply) {
  if (!request.user) return refuseAnonymous(request, reply);
};

export const requireOperator: preHandlerAsyncHookHandler = async function requireOperator(request, reply) {
  if (!request.user) return refuseAnonymous(request, reply);
  if (request.user.role !== 'operator') throw forbidden();
};

export type SiteIdFrom = (request: FastifyRequest) => number | null | undefined;

/** The site id in a route parameter (`/owner/sites/:siteId`). */
export const siteIdParam = (name = 'siteId'): SiteIdFrom => (request) => {
  const value = Number((request.params as Record<string, unknown> | undefined)?.[name]);
  return Number.isSafeInteger(value) && value > 0 ? value : null;
};

/**
 * Operators pass for any existing site; a site owner only for a site whose owner they are. An owner
 * gets 403 for a site that does not exist too, so ids cannot be probed. The site is left in
 * `request.authorizedSite` for the handler.
 */
export function requireSiteOwner(siteIdFrom: SiteIdFrom): preHandlerAsyncHookHandler {
  return async function requireSiteOwner(request, reply) {
    const user = request.user;
    if (!user) return refuseAnonymous(request, reply);
    const siteId = siteIdFrom(request);
    const site = siteId ? await request.server.storage.sites.findById(siteId) : null;
    if (user.role === 'operator') {
      if (!site) throw new HttpError(404, 'DN_ERR_SITE_NOT_FOUND', 'There is no such site.');
    } else if (!site || site.ownerUserId !== user.id) {
      throw forbidden();
    }
    request.authorizedSite = site;
  };
}

/** `Authorization: Bearer dnt_…` with a live token of some site; the token is left in `request.siteToken`. */
export const requireSiteToken: preHandlerAsyncHookHandler = async function requireSiteToken(request, reply) {
  const match = /^Bearer +(\S+)$/i.exec(request.headers.authorization ?? '');
  const token = match ? await request.server.siteTokens.authenticate(match[1]!) : null;
  if (!token) {
    if (match) logSecurityEvent(request, 'api_token_refused');
    reply.header('WWW-Authenticate', 'Bearer realm="dealnav"');
    throw new HttpError(401, 'DN_ERR_API_TOKEN', 'A valid site API token is required (Authorization: Bearer …).');
  }
  request.siteToken = token;
};
