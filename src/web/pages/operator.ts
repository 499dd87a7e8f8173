// GET /operator: the operators' console. What needs attention now (sites waiting for approval,
// failing, paused and slow feeds) and the way to every operator page. Registers the operator
// pages that take forms, under one form-body parser.
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { requireOperator } from '../../accounts/guards';
import { feedHealth } from '../../sites/feed-health';
import { HttpError } from '../errors';
import type { MessageKey } from '../i18n';
import { pageContext } from '../page-context';
import { operatorCrawlHealthPageRoutes } from './operator-crawl-health';
import { operatorSitePageRoutes } from './operator-site';
import { operatorSitesPageRoutes } from './operator-sites';
import { operatorUsersPageRoutes } from './operator-users';
import { operatorPage } from './operator-view';

/** The console's sections, in the order an operator's day goes; some are built by other areas. */
const SECTIONS: { href: string; title: MessageKey; text: MessageKey }[] = [
  { href: '/operator/sites', title: 'operator.hub.sites', text: 'operator.hub.sitesText' },
  { href: '/operator/crawl-health', title: 'operator.hub.crawlHealth', text: 'operator.hub.crawlHealthText' },
  { href: '/operator/reports', title: 'operator.hub.reports', text: 'operator.hub.reportsText' },
  { href: '/operator/reconciliation', title: 'operator.hub.reconciliation', text: 'operator.hub.reconciliationText' },
  { href: '/operator/credibility', title: 'operator.hub.credibility', text: 'operator.hub.credibilityText' },
  { href: '/operator/users', title: 'operator.hub.users', text: 'operator.hub.usersText' },
  { href: '/operator/audit', title: 'operator.hub.audit', text: 'operator.hub.auditText' },
];

export async function operatorPageRoutes(app: FastifyInstance): Promise<void> {
  await app.register(fastifyFormbody, { bodyLimit: 16_384 });
  // Per route, where a form costs the server a fetch (the validation preview).
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (request, context) =>
      new HttpError(context.statusCode, 'DN_ERR_RATE_LIMITED', request.translator.t('operator.rateLimited')),
  });

  app.get('/operator', {
    preHandler: requireOperator, schema: { querystring: { type: 'object', properties: {}, additionalProperties: false } },
  }, async (request, reply) => {
    const tr = request.translator;
    const [sites, health] = await Promise.all([app.storage.sites.list(), feedHealth(app.storage)]);
    const sitesIn = (status: string) => sites.filter((site) => site.status === status).length;
    const feedsThat = (flag: 'failing' | 'paused' | 'slow') => health.filter((feed) => feed[flag]).length;
    const attention: { key: string; count: number; href: string; text: MessageKey }[] = [
      { key: 'pending', count: sitesIn('pending'), href: '/operator/sites?status=pending', text: 'operator.hub.pendingSites' },
      { key: 'failing', count: feedsThat('failing'), href: '/operator/crawl-health?filter=failing', text: 'operator.hub.failingFeeds' },
      { key: 'paused', count: feedsThat('paused'), href: '/operator/crawl-health?filter=paused', text: 'operator.hub.pausedFeeds' },
      { key: 'slow', count: feedsThat('slow'), href: '/operator/crawl-health?filter=slow', text: 'operator.hub.slowFeeds' },
      { key: 'suspended', count: sitesIn('suspended'), href: '/operator/sites?status=suspended', text: 'operator.hub.suspendedSites' },
    ];
    return operatorPage(reply).view('operator.njk', {
      ...pageContext(request),
      attention: attention.map((item) => ({ ...item, text: tr.t(item.text, { count: tr.number(item.count) }) })),
      sections: SECTIONS.map((section) => ({ href: section.href, title: tr.t(section.title), text: tr.t(section.text) })),
      totals: tr.t('operator.hub.totals', {
        sites: tr.number(sites.length), active: tr.number(sitesIn('active')), feeds: tr.number(health.length),
      }),
    });
  });

  await app.register(operatorSitesPageRoutes);
  await app.register(operatorSitePageRoutes);
  await app.register(operatorCrawlHealthPageRoutes);
  await app.register(operatorUsersPageRoutes);
}
