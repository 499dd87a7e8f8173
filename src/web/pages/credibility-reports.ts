// "Report a problem" from a deal page: POST /deals/:id/report. No account; a CSRF token from the
// deal page's form; rate-limited per address (@fastify/rate-limit) and per deal (stored count).
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { createHash } from 'node:crypto';
import { newSecretKey } from '../../accounts/services';
import { REPORT_REASONS, type ReportReason } from '../../storage';
import { HttpError } from '../errors';
import { pageContext } from '../page-context';
import { dealIdParams } from './deal-detail';

/** Reports one address may send in ten minutes. */
export const REPORTS_PER_ADDRESS = 5;
/** Reports one deal takes in an hour; more add nothing an operator needs to see. */
export const REPORTS_PER_DEAL_PER_HOUR = 10;
/** Characters of free text kept. */
export const REPORT_DETAILS_MAX = 1000;

interface ReportBody {
  reason: ReportReason;
  details?: string;
  _csrf?: string;
}

const reportBody = {
  type: 'object',
  required: ['reason'],
  properties: {
    reason: { type: 'string', enum: [...REPORT_REASONS] },
    details: { type: 'string', maxLength: REPORT_DETAILS_MAX },
    _csrf: { type: 'string' },
  },
} as const;

export async function credibilityReportRoutes(app: FastifyInstance): Promise<void> {
  await app.register(fastifyFormbody, { bodyLimit: 8192 });
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (request, context) =>
      new HttpError(context.statusCode, 'DN_ERR_RATE_LIMITED', request.translator.t('cred.report.tooMany')),
  });
  // Addresses are kept only as a keyed hash, enough to spot one sender flooding a site.
  const ipKey = await app.storage.settings.getOrCreate('credibility_ip_key', newSecretKey);
  const ipHash = (ip: string) => createHash('sha256').update(ipKey).update(ip).digest('base64url');

  app.post<{ Params: { id: string }; Body: ReportBody }>('/deals/:id/report', {
    config: { rateLimit: { max: REPORTS_PER_ADDRESS, timeWindow: 10 * 60_000 } },
    schema: { params: dealIdParams, body: reportBody },
  }, async (request, reply) => {
    const tr = request.translator;
    const deal = await app.storage.deals.findById(Number(request.params.id));
    if (!deal) throw new HttpError(404, 'DN_ERR_DEAL_NOT_FOUND', tr.t('dealNotFoundText'));
    const now = new Date();
    const recent = await app.storage.credibility.countReportsForDeal(deal.id, new Date(now.getTime() - 3_600_000));
    if (recent >= REPORTS_PER_DEAL_PER_HOUR) throw new HttpError(429, 'DN_ERR_DEAL_REPORTED', tr.t('cred.report.dealTooMany'));
    const details = request.body.details?.trim() || null;
    await app.storage.credibility.insertReport({
      dealId: deal.id, siteId: deal.siteId, reason: request.body.reason, details, ipHash: ipHash(request.ip), createdAt: now,
    });
    return reply.header('Cache-Control', 'no-store').view('credibility-report-sent.njk', {
      ...pageContext(request),
      heading: tr.t('cred.report.sentHeading'),
      text: tr.t('cred.report.sentText', { title: deal.title }),
      dealUrl: `/deals/${deal.id}`,
    });
  });
}
