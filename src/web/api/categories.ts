// GET /api/categories: the portal taxonomy with its labels and live deal counts.
import type { FastifyInstance } from 'fastify';
import taxonomy from '../../../data/categories.json';

export async function categoriesApiRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/categories', {
    schema: {
      summary: 'Categories with their zh and en labels and live deal counts',
      tags: ['categories'],
      response: {
        200: {
          type: 'object',
          required: ['categories'],
          properties: {
            categories: {
              type: 'array',
              items: {
                type: 'object',
                required: ['slug', 'zh', 'en', 'count'],
                properties: { slug: { type: 'string' }, zh: { type: 'string' }, en: { type: 'string' }, count: { type: 'integer' } },
              },
            },
          },
        },
      },
    },
  }, async () => {
    const { facets } = await app.storage.deals.search({ now: new Date(), sort: 'newest', page: 1, pageSize: 1 });
    const counts = new Map(facets.categories.map((category) => [category.value, category.count]));
    return {
      categories: taxonomy.categories.map((category) => ({
        slug: category.slug, zh: category.zh, en: category.en, count: counts.get(category.slug) ?? 0,
      })),
    };
  });
}
