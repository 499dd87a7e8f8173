// What the operator's pages share: times shown in UTC with their ISO form for <time>, the site
// statuses in words, and the CSRF token a page's forms carry.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { generateCsrf } from '../../accounts/plugin';
import type { SiteStatus } from '../../storage';
import type { MessageKey, Translator } from '../i18n';

/** Operators work in UTC, as statements and the audit log do. */
export const OPERATOR_TIME_ZONE = 'UTC';

export interface ShownTime {
  iso: string;
  text: string;
}

export const shownTime = (tr: Translator, at: Date | null | undefined): ShownTime | null =>
  at ? { iso: at.toISOString(), text: tr.dateTime(at, OPERATOR_TIME_ZONE) } : null;

/** When a feed is checked next; one whose time has come reads "due now", not a date in 1970. */
export const nextCheckTime = (tr: Translator, at: Date, now: Date): ShownTime =>
  at <= now ? { iso: now.toISOString(), text: tr.t('operator.dueNow') } : shownTime(tr, at)!;

export const SITE_STATUSES: readonly SiteStatus[] = ['pending', 'active', 'suspended', 'rejected'];

export const STATUS_MESSAGES: Record<SiteStatus, MessageKey> = {
  pending: 'operator.status.pending',
  active: 'operator.status.active',
  suspended: 'operator.status.suspended',
  rejected: 'operator.status.rejected',
};

/** The token for this page's forms: the one made for a GET, or a new one (a form shown again after a POST). */
export const formCsrf = (request: FastifyRequest, reply: FastifyReply): string => request.csrfToken ?? generateCsrf(request, reply);

/** Operator pages are nobody else's and never hand their URL on. */
export const operatorPage = (reply: FastifyReply): FastifyReply =>
  reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'same-origin');

/** Seconds with one decimal: "12.4 s". */
export const seconds = (tr: Translator, ms: number | null): string | null =>
  ms === null ? null : tr.t('operator.seconds', { seconds: (Math.round(ms / 100) / 10).toFixed(1) });
