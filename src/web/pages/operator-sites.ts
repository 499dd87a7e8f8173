// GET /operator/sites?status=…: the approval queue (pending sites, oldest first: first come, first
// served) and every other status, with each site's owner, verification and feeds.
import type { FastifyInstance } from 'fastify';
import { requireOperator } from '../../accounts/guards';
import type { Site, SiteStatus } from '../../storage';
import { pageContext } from '../page-context';
import { operatorPage, shownTime, SITE_STATUSES, STATUS_MESSAGES } from './operator-view';

type StatusFilter = SiteStatus | 'all';
const FILTERS: readonly StatusFilter[] = ['pending', 'active', 'suspended', 'rejected', 'all'];

/** Pending sites wait in arrival order; the rest read best by name. */
const order = (filter: StatusFilter) => (a: Site, b: Site): number =>
  filter === 'pending' ? a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id : a.name.localeCompare(b.name) || a.id - b.id;

export async function operatorSitesPageRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { status: StatusFilter } }>('/operator/sites', {
    preHandler: requireOperator,
    schema: { querystring: { type: 'object', properties: { status: { type: 'string', enum: [...FILTERS], default: 'pending' } } } },
  }, async (request, reply) => {
    const tr = request.translator;
    const filter = request.query.status;
    const [sites, users, feeds] = await Promise.all([app.storage.sites.list(), app.storage.users.list(), app.storage.feeds.list()]);
    const emails = new Map(users.map((user) => [user.id, user.email]));
    const feedCounts = new Map<number, number>();
    for (const feed of feeds) feedCounts.set(feed.siteId, (feedCounts.get(feed.siteId) ?? 0) + 1);
    const shown = sites.filter((site) => filter === 'all' || site.status === filter).sort(order(filter));
    return operatorPage(reply).view('operator-sites.njk', {
      ...pageContext(request),
      filter,
      filters: FILTERS.map((value) => ({
        value,
        href: `/operator/sites?status=${value}`,
        label: value === 'all' ? tr.t('operator.sites.all') : tr.t(STATUS_MESSAGES[value]),
        count: value === 'all' ? sites.length : sites.filter((site) => site.status === value).length,
      })),
      sites: shown.map((site) => ({
        id: site.id,
        name: site.name,
        slug: site.slug,
        homeUrl: site.homeUrl,
        status: site.status,
        statusText: tr.t(STATUS_MESSAGES[site.status]),
        statusReason: site.statusReason,
        owner: site.ownerUserId ? emails.get(site.ownerUserId) ?? null : null,
        verified: shownTime(tr, site.verifiedAt),
        feeds: feedCounts.get(site.id) ?? 0,
        created: shownTime(tr, site.createdAt),
      })),
      statuses: SITE_STATUSES,
    });
  });
}
