// GET /language?lang=en&back=/same/page: remembers the shopper's language in a cookie and
// returns to the page they were on (only ever a path on this site, never another host).
import type { FastifyInstance } from 'fastify';
import { locales, type Locale } from '../i18n';
import { shopperCookie } from '../page-context';

export const LANGUAGE_COOKIE = 'lang';

interface LanguageQuery {
  lang: Locale;
  back?: string;
}

export async function languageRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: LanguageQuery }>('/language', {
    schema: {
      querystring: {
        type: 'object',
        required: ['lang'],
        properties: {
          lang: { type: 'string', enum: locales },
          // A path on this site: starts with one slash, not `//host` or `/\host`.
          back: { type: 'string', maxLength: 2000, pattern: '^/(?![/\\\\])[\\x21-\\x7e]*$' },
        },
      },
    },
  }, async (request, reply) => {
    return reply
      .setCookie(LANGUAGE_COOKIE, request.query.lang, shopperCookie(request))
      .header('Cache-Control', 'no-store')
      .redirect(request.query.back ?? '/', 303);
  });
}
