// Coded errors: the API and the pages answer the same failure the same way, never with a stack trace.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MessageKey } from './i18n';
import { pageContext } from './page-context';
import { validationProblems } from './validation-problems';

export class HttpError extends Error {
  constructor(readonly statusCode: number, readonly code: string, message: string) {
    super(message);
  }
}

export const notFound = (code: string, message: string) => new HttpError(404, code, message);

const headingFor = (status: number): MessageKey =>
  status === 404 ? 'notFound' : status === 401 || status === 403 ? 'forbidden' : status < 500 ? 'badRequest' : 'serverError';

// @fastify/csrf-protection's refusals, in words a person who sent a stale form understands.
const CSRF_CODES = new Set(['FST_CSRF_INVALID_TOKEN', 'FST_CSRF_MISSING_SECRET']);

export const wantsHtml = (request: FastifyRequest): boolean =>
  !request.url.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html');

/**
 * The answer to a failure: JSON with the code and message for the API, else a page in the
 * shopper's language. The page says which parameters were wrong (`problems`, from a failed
 * validation) and never shows an internal message.
 */
function send(request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string, problems: string[] = []) {
  reply.code(status);
  if (wantsHtml(request)) {
    const tr = request.translator;
    return reply.view('error.njk', {
      ...pageContext(request),
      heading: tr.t(headingFor(status)),
      intro: problems.length > 0 ? tr.t('badRequestIntro') : null,
      problems,
      message: status === 404 ? tr.t('notFoundText') : status >= 500 ? tr.t('serverErrorText') : problems.length > 0 ? null : message,
    });
  }
  return reply.send({ statusCode: status, code, error: httpReason(status), message });
}

const httpReason = (status: number): string =>
  ({ 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 413: 'Payload Too Large', 429: 'Too Many Requests' } as Record<number, string>)[status]
  ?? (status >= 500 ? 'Internal Server Error' : 'Error');

/** Failures of the context's routes (and of the contexts inside it that set none of their own). */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    if (error instanceof HttpError) return send(request, reply, error.statusCode, error.code, error.message);
    const validation = (error as FastifyError).validation;
    if (validation) {
      return send(request, reply, 400, 'DN_ERR_INVALID_REQUEST', error.message, validationProblems(validation, request.translator));
    }
    if (CSRF_CODES.has((error as FastifyError).code)) {
      return send(request, reply, 403, 'DN_ERR_CSRF', request.translator.t('csrfRefused'));
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const message = status >= 500 ? 'Internal error; it has been logged.' : error.message;
    return send(request, reply, status, error.code ?? 'DN_ERR_REQUEST', message);
  });
}

/** The 404 of every URL no route takes, answered with this context's hooks (its session, its cookies). */
export function registerNotFoundHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    send(request, reply, 404, 'DN_ERR_NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}`));
}
