// GET /api/cities: every city of the portal's table with its names and live deal count.
import type { FastifyInstance } from 'fastify';
import cityTable from '../../../data/cities.json';

const MAX_CITIES = 1000;

export async function citiesApiRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/cities', {
    schema: {
      summary: 'Cities with their names and live deal counts (nationwide deals count in every city)',
      tags: ['cities'],
      response: {
        200: {
          type: 'object',
          required: ['cities', 'nationwide'],
          properties: {
            nationwide: { type: 'integer', description: 'Live nationwide deals, included in every city count.' },
            cities: {
              type: 'array',
              items: {
                type: 'object',
                required: ['code', 'zh', 'en', 'count'],
                properties: { code: { type: 'string' }, zh: { type: 'string' }, en: { type: 'string' }, count: { type: 'integer' } },
              },
            },
          },
        },
      },
    },
  }, async () => {
    const { facets } = await app.storage.deals.search({ now: new Date(), sort: 'newest', page: 1, pageSize: 1, facetLimit: MAX_CITIES });
    const nationwide = facets.nationwide ?? 0;
    const counts = new Map(facets.cities.map((city) => [city.value, city.count]));
    const known = cityTable.cities.map((city) => ({ code: city.code, zh: city.zh, en: city.en, count: counts.get(city.code) ?? nationwide }));
    // A city the table does not know yet is stored under its raw name; it still deserves a row.
    const codes = new Set(cityTable.cities.map((city) => city.code));
    const unknown = facets.cities.filter((city) => !codes.has(city.value))
      .map((city) => ({ code: city.value, zh: city.value, en: city.value, count: city.count }));
    return { nationwide, cities: [...known, ...unknown].sort((a, b) => b.count - a.count) };
  });
}
