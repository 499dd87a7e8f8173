// GET /feed.atom?<listing query>: the same filter as the listing, newest first, as an Atom feed
// whose entries click out through /go/:id.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { atomXml } from '../atom';
import { categoryLabel } from '../category-label';
import { dealCityLabel } from '../deal-card';
import type { DealListingQuery } from '../deal-listing-query';
import { dropEmptyFields, listingParams, listingQuerystring, listingSearch, toDealQuery, type ListingParams } from '../listing-query';
import { listingHeading } from '../listing-view';

export const FEED_SIZE = 50;

/** This server's origin as the request reached it, for the absolute links Atom needs. */
function origin(request: FastifyRequest): string {
  const host = /^[A-Za-z0-9.:[\]-]+$/.test(request.host) ? request.host : 'localhost';
  return `${request.protocol}://${host}`;
}

export async function feedRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: DealListingQuery }>('/feed.atom', {
    schema: { querystring: listingQuerystring },
    preValidation: dropEmptyFields,
  }, async (request, reply) => {
    const params: ListingParams = { ...listingParams(request.query, request.query.city || undefined), sort: 'newest', page: 1, pageSize: FEED_SIZE };
    const now = new Date();
    const tr = request.translator;
    const result = await app.storage.deals.search(toDealQuery(params, now));
    const base = origin(request);
    const search = listingSearch(params, { page: undefined, pageSize: undefined });
    const updated = result.deals.reduce((latest, deal) => Math.max(latest, new Date(deal.updatedAt).getTime()), 0);
    const xml = atomXml({
      id: `${base}/feed.atom${search}`,
      title: tr.t('feedTitle', { heading: listingHeading(params, result.total, tr) }),
      selfLink: `${base}/feed.atom${search}`,
      alternateLink: `${base}/${search}`,
      updated: updated > 0 ? new Date(updated) : now,
      author: tr.t('brand'),
      locale: tr.locale,
      entries: result.deals.map((deal) => ({
        id: `${base}/deals/${deal.id}`,
        title: deal.title,
        link: `${base}/go/${deal.id}`,
        updated: new Date(deal.updatedAt),
        published: new Date(deal.firstSeenAt),
        author: deal.siteName,
        category: deal.category ? categoryLabel(deal.category, tr.locale) : null,
        image: deal.imageUrl,
        summary: tr.t('feedSummary', {
          price: tr.money(deal.priceMinor, deal.currency),
          site: deal.siteName,
          city: dealCityLabel(deal, tr) || '—',
          discount: deal.discountPercent ? tr.t('off', { percent: deal.discountPercent }) : '',
        }).trim(),
      })),
    });
    return reply
      .header('Content-Type', 'application/atom+xml; charset=utf-8')
      .header('Vary', 'Accept-Language, Cookie')
      .send(xml);
  });
}
