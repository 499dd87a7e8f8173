// Operators' credibility console: GET /operator/credibility (every site's score, parts and open
// alerts; recompute or check links now), GET /operator/credibility/reports (shopper reports) and
// POST /operator/credibility/reports/:id (resolve or dismiss, audited).
import fastifyFormbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { requireOperator } from '../../accounts/guards';
import type { ReportStatus } from '../../storage';
import { HttpError } from '../errors';
import type { MessageKey } from '../i18n';
import { pageContext } from '../page-context';
import { siteCredibilityView } from './credibility-view';

const REPORTS_SHOWN = 200;

interface ReportsQuery {
  status?: ReportStatus | 'all';
}

interface ReportAction {
  action: 'resolve' | 'dismiss';
}

export async function operatorCredibilityRoutes(app: FastifyInstance): Promise<void> {
  await app.register(fastifyFormbody, { bodyLimit: 8192 });

  app.get('/operator/credibility', { preHandler: requireOperator }, async (request, reply) => {
    const tr = request.translator;
    const [sites, alerts] = await Promise.all([app.storage.sites.list(), app.storage.credibility.openAlerts()]);
    return reply.view('operator-credibility.njk', {
      ...pageContext(request),
      checksLinks: app.credibility.checksLinks,
      sites: sites.filter((site) => site.status === 'active' || site.status === 'suspended').map((site) => {
        const credibility = app.credibility.site(site.id);
        return {
          id: site.id,
          name: site.name,
          slug: site.slug,
          status: site.status,
          statusText: tr.t(`operator.status.${site.status}` as MessageKey),
          credibility: siteCredibilityView(credibility, tr),
          computedAt: credibility ? tr.dateTime(credibility.computedAt, 'UTC') : null,
          alerts: alerts.filter((alert) => alert.siteId === site.id).map((alert) => ({
            rule: alert.rule,
            label: tr.t(`cred.rule.${alert.rule}` as MessageKey),
            detail: alert.detail,
            openedAt: tr.dateTime(alert.openedAt, 'UTC'),
          })),
        };
      }),
    });
  });

  app.post('/operator/credibility/recompute', { preHandler: requireOperator }, async (request, reply) => {
    const report = await app.credibility.recompute();
    await app.audit.record({ actorUserId: request.user!.id, action: 'credibility.recompute', subject: 'credibility', after: report });
    return reply.redirect('/operator/credibility', 303);
  });

  app.post('/operator/credibility/check-links', { preHandler: requireOperator }, async (request, reply) => {
    if (!app.credibility.checksLinks) throw new HttpError(409, 'DN_ERR_LINK_CHECKS_OFF', 'Link checks run only in `dealnav serve`.');
    await app.audit.record({ actorUserId: request.user!.id, action: 'credibility.check_links', subject: 'credibility' });
    // A polite check takes a while (a gap per host): it runs on after the answer.
    void app.credibility.checkLinks().then(() => app.credibility.recompute()).catch((error: unknown) => {
      request.log.error({ error }, 'credibility: link check failed');
    });
    return reply.redirect('/operator/credibility', 303);
  });

  app.get<{ Querystring: ReportsQuery }>('/operator/credibility/reports', {
    preHandler: requireOperator,
    schema: { querystring: { type: 'object', properties: { status: { type: 'string', enum: ['open', 'resolved', 'dismissed', 'all'], default: 'open' } } } },
  }, async (request, reply) => {
    const tr = request.translator;
    const status = request.query.status ?? 'open';
    const reports = await app.storage.credibility.listReports(status === 'all' ? {} : { status }, REPORTS_SHOWN);
    return reply.view('operator-credibility-reports.njk', {
      ...pageContext(request),
      status,
      statuses: ['open', 'resolved', 'dismissed', 'all'].map((value) => ({
        value, label: value === 'all' ? tr.t('cred.reports.filterAll') : tr.t(`cred.report.status.${value}` as MessageKey),
      })),
      reports: reports.map((report) => ({
        id: report.id,
        at: report.createdAt.toISOString(),
        atText: tr.dateTime(report.createdAt, 'UTC'),
        siteName: report.siteName,
        dealId: report.dealId,
        dealTitle: report.dealTitle,
        reason: tr.t(`cred.report.${report.reason}` as MessageKey),
        details: report.details,
        status: report.status,
        statusText: tr.t(`cred.report.status.${report.status}` as MessageKey),
      })),
    });
  });

  app.post<{ Params: { id: number }; Body: ReportAction }>('/operator/credibility/reports/:id', {
    preHandler: requireOperator,
    schema: {
      params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
      body: { type: 'object', required: ['action'], properties: { action: { type: 'string', enum: ['resolve', 'dismiss'] }, _csrf: { type: 'string' } } },
    },
  }, async (request, reply) => {
    const report = await app.storage.credibility.findReport(request.params.id);
    if (!report) throw new HttpError(404, 'DN_ERR_REPORT_NOT_FOUND', 'There is no such report.');
    const status = request.body.action === 'resolve' ? 'resolved' : 'dismissed';
    const changed = await app.storage.credibility.closeReport(report.id, status, request.user!.id, new Date());
    if (!changed) throw new HttpError(409, 'DN_ERR_REPORT_CLOSED', 'This report was already resolved or dismissed.');
    await app.audit.record({
      actorUserId: request.user!.id, action: `shopper_report.${request.body.action}`, subject: `shopper_report:${report.id}`,
      before: { status: report.status }, after: { status },
    });
    return reply.redirect('/operator/credibility/reports', 303);
  });
}
