// GET /api/sites: the partner sites directory with live deal counts, cities and crawl health.
import type { FastifyInstance } from 'fastify';
import { credibilityJson, credibilitySchema } from './credibility-schema';

export async function sitesApiRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/sites', {
    schema: {
      summary: 'Active partner sites with their live deals, cities and crawl health',
      tags: ['sites'],
      response: {
        200: {
          type: 'object',
          required: ['sites'],
          properties: {
            sites: {
              type: 'array',
              items: {
                type: 'object',
                required: ['slug', 'name', 'homeUrl', 'liveDeals', 'cities', 'lastSuccessfulCrawlAt', 'crawlSuccessRate'],
                properties: {
                  slug: { type: 'string' },
                  name: { type: 'string' },
                  homeUrl: { type: 'string' },
                  liveDeals: { type: 'integer' },
                  cities: { type: 'array', items: { type: 'string' }, description: 'City codes of its live deals.' },
                  lastSuccessfulCrawlAt: { type: ['string', 'null'], format: 'date-time' },
                  crawlSuccessRate: { type: ['number', 'null'], description: 'Share of the last 30 days of crawls that succeeded, 0–1.' },
                  credibility: credibilitySchema,
                },
              },
            },
          },
        },
      },
    },
  }, async () => ({
    sites: (await app.siteDirectory.all(new Date())).map((site) => ({ ...site, credibility: credibilityJson(app.credibility.siteBySlug(site.slug)) })),
  }));
}
