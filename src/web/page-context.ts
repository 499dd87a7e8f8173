// What every page template gets: its language, the message function, the navigation and the
// language switch that comes back to the same URL.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { cookiesSecure } from '../accounts/sessions';
import { locales, type Locale, type Translator } from './i18n';

export interface PageContext {
  locale: Locale;
  t: Translator['t'];
  /** The page's path, to mark the navigation entry the shopper is on. */
  path: string;
  languageSwitch: { href: string; locale: Locale };
  /** Who is signed in, for the header; null for a visitor. */
  user: { email: string; role: 'operator' | 'owner' } | null;
  /** For the header's sign-out form. */
  csrfToken: string | null;
}

const encodeCharacter = (char: string): string => {
  try {
    return encodeURIComponent(char);
  } catch {
    return ''; // a lone surrogate
  }
};

export function pageContext(request: FastifyRequest): PageContext {
  const tr = request.translator;
  const other = locales.find((locale) => locale !== tr.locale) ?? 'en';
  // Printable ASCII only, as a Location header must be: raw non-ASCII bytes are percent-encoded.
  const url = request.url.replace(/[^\x21-\x7e]/gu, encodeCharacter);
  const back = url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\') ? url : '/';
  return {
    locale: tr.locale,
    t: tr.t,
    path: request.url.split('?')[0] ?? '/',
    languageSwitch: { href: `/language?${new URLSearchParams({ lang: other, back })}`, locale: other },
    user: request.user ? { email: request.user.email, role: request.user.role } : null,
    csrfToken: request.csrfToken,
  };
}

/** Pages differ by language (header or cookie) and by the remembered city. */
export function varyByShopper(reply: FastifyReply): FastifyReply {
  return reply.header('Vary', 'Accept-Language, Cookie');
}

export const COOKIE_MAX_AGE_SECONDS = 365 * 24 * 3600;

export function shopperCookie(request: FastifyRequest) {
  return {
    path: '/',
    maxAge: COOKIE_MAX_AGE_SECONDS,
    sameSite: 'lax' as const,
    httpOnly: true,
    secure: cookiesSecure(request),
  };
}
