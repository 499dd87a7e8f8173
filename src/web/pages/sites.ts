// GET /sites: every partner site with its live deals, cities and crawl health.
import type { FastifyInstance } from 'fastify';
import { cityLabel } from '../city-label';
import { listingSearch } from '../listing-query';
import { pageContext, varyByShopper } from '../page-context';
import { siteCredibilityView } from './credibility-view';

/** Cities shown per site before "and n more". */
const CITIES_SHOWN = 8;

export async function sitesPageRoutes(app: FastifyInstance): Promise<void> {
  app.get('/sites', async (request, reply) => {
    const now = new Date();
    const tr = request.translator;
    const sites = await app.storage.sites.directory(now);
    return varyByShopper(reply).view('sites.njk', {
      ...pageContext(request),
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
