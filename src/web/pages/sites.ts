// GET /sites: every partner site with its live deals, cities and crawl health.
import type { FastifyInstance } from 'fastify';
import { cityLabel } from '../city-label';
import type { Translator } from '../i18n';
import { listingSearch } from '../listing-query';
import { pageContext, varyByShopper } from '../page-context';
import { siteCredibilityView } from './credibility-view';

/** Cities shown per site before "and n more". */
const CITIES_SHOWN = 8;

/** Sites per page: a directory of thousands is paged, in name order. */
export const SITES_PER_PAGE = 100;

const sitesQuerystring = {
  type: 'object',
  properties: {
    page: { type: 'integer', minimum: 1, maximum: 10_000 },
    // A site's id: the page that lists it (credibility badges link here with #site-ID).
    site: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
  },
} as const;


/** Where this page of the directory sits among all, with links to the pages either side. */
function sitesPager(page: number, total: number, tr: Translator) {
  const pages = Math.max(1, Math.ceil(total / SITES_PER_PAGE));
  const first = Math.min(total, (page - 1) * SITES_PER_PAGE + 1);
  return {
    page,
    pages,
    range: tr.t('sitesRange', { first: tr.number(first), last: tr.number(Math.min(total, page * SITES_PER_PAGE)), total: tr.number(total) }),
    previousHref: page > 1 ? `/sites${page > 2 ? `?page=${Math.min(page - 1, pages)}` : ''}` : null,
    nextHref: page < pages ? `/sites?page=${page + 1}` : null,
  };
}

export async function sitesPageRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { page?: number; site?: number } }>('/sites', { schema: { querystring: sitesQuerystring } }, async (request, reply) => {
    const now = new Date();
    const tr = request.translator;
    const all = await app.siteDirectory.all(now);
    const wanted = request.query.site === undefined ? -1 : all.findIndex((site) => site.id === request.query.site);
    const page = request.query.page ?? (wanted >= 0 ? Math.floor(wanted / SITES_PER_PAGE) + 1 : 1);
    const sites = all.slice((page - 1) * SITES_PER_PAGE, page * SITES_PER_PAGE);
    return varyByShopper(reply).view('sites.njk', {
      ...pageContext(request),
      pager: all.length > SITES_PER_PAGE || page > 1 ? sitesPager(page, all.length, tr) : null,
      sites: sites.map((site) => {
        const crawledAt = site.lastSuccessfulCrawlAt ? new Date(site.lastSuccessfulCrawlAt) : null;
        const credibility = app.credibility.siteBySlug(site.slug);
        return {
          // By id, as every credibility badge links here, scored or not.
          anchor: `site-${site.id}`,
          credibility: siteCredibilityView(credibility, tr),
          name: site.name,
          homeUrl: site.homeUrl,
          liveDeals: tr.number(site.liveDeals),
          cities: site.cities.slice(0, CITIES_SHOWN).map((code) => cityLabel(code, tr.locale)),
          moreCities: Math.max(0, site.cities.length - CITIES_SHOWN),
          lastCrawl: crawledAt ? tr.relativeTime(crawledAt, now) : null,
          lastCrawlExact: crawledAt ? tr.dateTime(crawledAt, tr.locale === 'zh-CN' ? 'Asia/Shanghai' : 'UTC') : null,
          lastCrawlIso: crawledAt?.toISOString() ?? null,
          successRate: site.crawlSuccessRate !== null ? tr.percent(site.crawlSuccessRate) : null,
          healthy: site.crawlSuccessRate === null ? null : site.crawlSuccessRate >= 0.9,
          listingHref: `/${listingSearch({ site: [site.slug], sort: 'newest', page: 1, pageSize: 24, city: '' })}`,
        };
      }),
    });
  });
}
