// GET /api/deals (the listing with every filter, sort and facet) and GET /api/deals/:id (one deal
// with its price history and the same offer on other sites).
import type { FastifyInstance } from 'fastify';
import type { DealQuery, StoredDeal } from '../../storage';
import { HttpError, notFound } from '../errors';
import { branchSchema, listedDealSchema } from '../schemas';
import { dealListingQuerystring, toApiDealQuery, type DealListingQuery } from '../deal-listing-query';

const withClickUrl = <Deal extends StoredDeal>(deal: Deal) => ({ ...deal, clickUrl: `/go/${deal.id}` });

const pricePointSchema = {
  type: 'object',
  required: ['observedAt', 'priceMinor', 'currency', 'soldOut'],
  properties: {
    observedAt: { type: 'string', format: 'date-time' },
    priceMinor: { type: 'integer' },
    valueMinor: { type: ['integer', 'null'] },
    currency: { type: 'string' },
    soldOut: { type: 'boolean' },
  },
} as const;

const dealDetailSchema = {
  type: 'object',
  required: [...listedDealSchema.required, 'live', 'branches', 'priceHistory', 'sameOffer'],
  properties: {
    ...listedDealSchema.properties,
    firstSeenAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    live: { type: 'boolean', description: 'Still listed: not removed, not ended, its site active.' },
    branches: { type: 'array', description: 'Where the deal can be redeemed, in the feed\'s order (at most 50).', items: branchSchema },
    priceHistory: { type: 'array', description: 'Oldest first.', items: pricePointSchema },
    sameOffer: { type: 'array', description: 'The same offer on other sites, cheapest first.', items: { $ref: 'deal#' } },
  },
} as const;

export async function dealsApiRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: DealListingQuery }>('/api/deals', {
    schema: {
      summary: 'Live deals with filters, sorts and facet counts',
      description: 'Prices in the query are major units (`priceMin=99.5` is ¥99.50); prices in the answer are minor units.',
      tags: ['deals'],
      querystring: dealListingQuerystring,
      response: {
        200: {
          type: 'object',
          required: ['deals', 'page', 'pageSize', 'total', 'facets'],
          properties: {
            deals: { type: 'array', items: { $ref: 'listedDeal#' } },
            page: { type: 'integer' },
            pageSize: { type: 'integer' },
            total: { type: 'integer' },
            facets: { $ref: 'facets#' },
          },
        },
        400: { $ref: 'error#' },
      },
    },
  }, async (request, reply) => {
    const query: DealQuery = toApiDealQuery(request.query, new Date());
    if (query.priceMin !== undefined && query.priceMax !== undefined && query.priceMin > query.priceMax) {
      throw new HttpError(400, 'DN_ERR_INVALID_REQUEST', 'querystring/priceMin must not be above priceMax');
    }
    // The answer depends on the query string alone: cached by URL, serialised once (web/response-cache.ts).
    const answer = await app.responseCache.through(`api\n${request.url}`, async () => {
      const result = await app.storage.deals.search(query);
      const body = { deals: result.deals.map(withClickUrl), page: query.page, pageSize: query.pageSize, total: result.total, facets: result.facets };
      return { body: reply.serialize(body) as string, contentType: 'application/json; charset=utf-8' };
    });
    return reply.type(answer.contentType).send(answer.body);
  });

  app.get<{ Params: { id: number } }>('/api/deals/:id', {
    schema: {
      summary: 'One deal with its price history and the same offer on other sites',
      tags: ['deals'],
      params: {
        type: 'object',
        required: ['id'],
        properties: { id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } },
      },
      response: {
        200: dealDetailSchema,
        400: { $ref: 'error#' },
        404: { $ref: 'error#' },
      },
    },
  }, async (request) => {
    const detail = await app.storage.deals.findDetail(request.params.id, new Date());
    if (!detail) throw notFound('DN_ERR_DEAL_NOT_FOUND', `No deal with id ${request.params.id}`);
    return { ...withClickUrl(detail), sameOffer: detail.sameOffer.map(withClickUrl) };
  });
}
