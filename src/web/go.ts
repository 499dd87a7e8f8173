// GET /go/:dealId: resolve the deal, commit the click, answer the redirect.
import type { FastifyInstance } from 'fastify';
import { HttpError, notFound } from './errors';

interface GoParams {
  dealId: string;
}

interface GoQuery {
  sub?: string;
}

export async function goRoutes(app: FastifyInstance): Promise<void> {
  app.route<{ Params: GoParams; Querystring: GoQuery }>({
    method: ['GET', 'HEAD'],
    url: '/go/:dealId',
    exposeHeadRoute: false,
    // A redirect has no body to protect, so the 302 goes without the security headers; the pages
    // /go may answer instead (404, 400, 429, 500) still get every one (security-headers-hook.ts).
    config: { securityHeaders: 'unless-redirect' },
    schema: {
      params: {
        type: 'object',
        required: ['dealId'],
        // Digits only: no coercion of `1e3` or `0x10` into some other deal.
        properties: { dealId: { type: 'string', pattern: '^[1-9][0-9]{0,14}$' } },
      },
      querystring: {
        type: 'object',
        properties: { sub: { type: 'string', maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' } },
      },
    },
    handler: async (request, reply) => {
      const out = await app.clickService.clickOut({
        dealId: Number(request.params.dealId),
        method: request.method,
        ip: request.ip,
        userAgent: request.headers['user-agent'],
        referrer: request.headers.referer,
        subId: request.query.sub ?? null,
      });
      if (out.kind === 'not_found') throw notFound('DN_ERR_DEAL_NOT_FOUND', `No deal with id ${request.params.dealId}`);
      if (out.kind === 'too_many') {
        reply.header('Retry-After', String(out.retryAfterSeconds));
        throw new HttpError(429, 'DN_ERR_TOO_MANY_CLICKS', 'Too many requests from this address; try again in a minute');
      }
      // Never cached (a cached redirect skips the click); partners that attribute by referrer see our origin only.
      return reply
        .header('Cache-Control', 'no-store')
        .header('Referrer-Policy', 'origin')
        .redirect(out.location, 302);
    },
  });
}
