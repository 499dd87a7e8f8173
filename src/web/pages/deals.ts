// GET /: the deal listing page, newest first, paged, server-rendered.
import type { FastifyInstance } from 'fastify';
import { toDealCard } from '../deal-card';
import { templateContext } from '../i18n';
import type { PagingQuery } from '../schemas';
import { pagingQuerystring } from '../schemas';

export async function dealsPageRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: PagingQuery }>('/', { schema: { querystring: pagingQuerystring } }, async (request, reply) => {
    const { page, pageSize } = request.query;
    const now = new Date();
    const result = await app.storage.deals.listLive({ now, page, pageSize });
    const tr = request.translator;
    return reply.view('deals.njk', {
      ...templateContext(tr),
      deals: result.deals.map((deal) => toDealCard(deal, tr, now)),
      total: result.total,
      page,
      pages: Math.max(1, Math.ceil(result.total / pageSize)),
    });
  });
}
