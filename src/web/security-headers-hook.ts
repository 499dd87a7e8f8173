// Security headers on every answer: helmet's set with our content security policy
// (security-headers.ts), made once at start-up and copied onto each reply.
//
// Why not @fastify/helmet: it builds helmet's middleware again on every request (the policy's
// directives parsed, every header function made anew), which measured ~5 % of a cached listing
// answer's CPU and 30-45 µs of each /go click. Our policy has no per-request parts (no nonces),
// so the headers are the same for every answer and can be computed once.
import type { FastifyInstance, FastifyReply, onSendHookHandler } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * 'unless-redirect': the route's 302 answers go without them (a redirect has no body to
     * protect, and /go's click path is hot); its other answers (404, 400, 500) still get them.
     */
    securityHeaders?: 'unless-redirect';
  }
}

/** The headers helmet's middleware sets for these options, read once by running it against a recorder. */
export function securityHeaderValues(options: Readonly<HelmetOptions>): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number) { headers[name.toLowerCase()] = String(value); },
    removeHeader(name: string) { delete headers[name.toLowerCase()]; },
    getHeader: (name: string) => headers[name.toLowerCase()],
  };
  let failed: unknown;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => { failed = error; });
  if (failed) throw failed;
  return headers;
}

/**
 * Sets the headers on every reply; a route's own later `reply.header()` still wins. Call before
 * any route is added: routes marked 'unless-redirect' get their own onSend hook, the rest nothing
 * more than the onRequest copy.
 */
export function registerSecurityHeaders(app: FastifyInstance, options: Readonly<HelmetOptions>): void {
  const headers = securityHeaderValues(options);
  const apply = (reply: FastifyReply) => reply.headers(headers);
  app.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.config.securityHeaders !== 'unless-redirect') apply(reply);
    done();
  });
  app.addHook('onRoute', (route) => {
    if (route.config?.securityHeaders !== 'unless-redirect') return;
    const unlessRedirect: onSendHookHandler = (_request, reply, payload, done) => {
      if (reply.statusCode !== 302) apply(reply);
      done(null, payload);
    };
    route.onSend = [...[route.onSend ?? []].flat(), unlessRedirect];
  });
}
