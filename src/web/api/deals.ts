// GET /api/deals: the live deals as JSON, newest first, paged.
import type { FastifyInstance } from 'fastify';
import type { PagingQuery } from '../schemas';
import { pagingQuerystring } from '../schemas';

export async function dealsApiRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: PagingQuery }>('/api/deals', {
    schema: {
      querystring: pagingQuerystring,
      response: {
        200: {
          type: 'object',
          required: ['deals', 'page', 'pageSize', 'total'],
          properties: {
            deals: { type: 'array', items: { $ref: 'deal#' } },
            page: { type: 'integer' },
            pageSize: { type: 'integer' },
            total: { type: 'integer' },
          },
        },
        400: { $ref: 'error#' },
      },
    },
  }, async (request) => {
    const { page, pageSize } = request.query;
    const result = await app.storage.deals.listLive({ now: new Date(), page, pageSize });
    return {
      deals: result.deals.map((deal) => ({ ...deal, clickUrl: `/go/${deal.id}` })),
      page,
      pageSize,
      total: result.total,
    };
  });
}
