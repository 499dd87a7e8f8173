// GET /favourites: the deals a shopper starred. The stars live in the browser (localStorage);
// /static/favourites.js puts their ids in the URL, and the page is rendered here like any other.
import type { FastifyInstance } from 'fastify';
import type { DealDetail } from '../../storage';
import { toDealCard } from '../deal-card';
import { pageContext, varyByShopper } from '../page-context';

interface FavouritesQuery {
  ids?: string;
}

export const MAX_FAVOURITES = 100;

export async function favouritesPageRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: FavouritesQuery }>('/favourites', {
    schema: {
      querystring: {
        type: 'object',
        properties: {
          ids: { type: 'string', maxLength: 1700, pattern: `^([1-9][0-9]{0,14}(,[1-9][0-9]{0,14}){0,${MAX_FAVOURITES - 1}})?$` },
        },
      },
    },
  }, async (request, reply) => {
    const now = new Date();
    const tr = request.translator;
    const ids = [...new Set((request.query.ids ?? '').split(',').filter(Boolean).map(Number))];
    const found = await Promise.all(ids.map((id) => app.storage.deals.findDetail(id, now)));
    const deals = found.filter((deal): deal is DealDetail => deal !== null);
    return varyByShopper(reply).view('favourites.njk', {
      ...pageContext(request),
      asked: ids.length > 0,
      missing: ids.length - deals.length,
      deals: deals.map((deal) => ({ ...toDealCard(deal, tr, now), ...(deal.live ? {} : { ended: true }) })),
    });
  });
}
