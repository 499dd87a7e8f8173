// GET /operator/audit: the audit log for operators, newest first, paged.
import type { FastifyInstance } from 'fastify';
import { requireOperator } from '../../accounts/guards';
import { pageContext } from '../page-context';

export const AUDIT_PAGE_SIZE = 50;

const describe = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value, null, 1));

/** The operator page of the record an entry is about, where there is one. */
function subjectHref(subject: string): string | null {
  const site = /^site:(\d+)$/.exec(subject);
  if (site) return `/operator/sites/${site[1]}`;
  return /^user:\d+$/.test(subject) ? '/operator/users' : null;
}

export async function operatorAuditPageRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { page: number } }>('/operator/audit', {
    preHandler: requireOperator,
    schema: { querystring: { type: 'object', properties: { page: { type: 'integer', minimum: 1, maximum: 100_000, default: 1 } } } },
  }, async (request, reply) => {
    const { page } = request.query;
    const tr = request.translator;
    const { entries, total } = await app.audit.page(page, AUDIT_PAGE_SIZE);
    return reply.view('operator-audit.njk', {
      ...pageContext(request),
      page,
      pages: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)),
      total,
      entries: entries.map((entry) => ({
        at: entry.at.toISOString(),
        atText: tr.dateTime(entry.at, 'UTC'),
        actor: entry.actorEmail,
        action: entry.action,
        subject: entry.subject,
        subjectHref: subjectHref(entry.subject),
        before: describe(entry.before),
        after: describe(entry.after),
      })),
    });
  });
}
