// GET /: the deal listing with every filter, sort and paging as a shareable URL, server-rendered.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toDealCard } from '../deal-card';
import type { DealListingQuery } from '../deal-listing-query';
import { dropEmptyFields, listingParams, listingQuerystring, listingSearch, toDealQuery, type ListingParams } from '../listing-query';
import { listingFilters, listingHeading, pager } from '../listing-view';
import { pageContext, shopperCookie, varyByShopper } from '../page-context';

export const CITY_COOKIE = 'city';

/**
 * The city to list: the one in the URL (remembered from now on), none for `city=` (forgotten),
 * else the remembered one.
 */
function chosenCity(request: FastifyRequest<{ Querystring: DealListingQuery }>, reply: FastifyReply): string | undefined {
  const asked = request.query.city;
  if (asked === '') {
    if (request.cookies[CITY_COOKIE] !== undefined) reply.clearCookie(CITY_COOKIE, { path: '/' });
    return undefined;
  }
  if (asked !== undefined) {
    if (request.cookies[CITY_COOKIE] !== asked) reply.setCookie(CITY_COOKIE, asked, shopperCookie(request));
    return asked;
  }
  const remembered = request.cookies[CITY_COOKIE];
  return remembered && remembered.length <= 64 ? remembered : undefined;
}

export async function dealsPageRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: DealListingQuery }>('/', {
    schema: { querystring: listingQuerystring },
    preValidation: dropEmptyFields,
  }, async (request, reply) => {
    const params = listingParams(request.query, chosenCity(request, reply), request.translator.locale);
    varyByShopper(reply);
    if (request.user) return reply.view('deals.njk', await listingView(app, request, params));
    // Everything the page depends on besides the data: the URL as asked (the language switch
    // links back to it), the language, and the remembered city when the URL names none.
    const key = `${request.translator.locale}\n${params.city ?? ''}\n${request.url}`;
    const page = await app.responseCache.through(key, async () => ({
      body: await app.view('deals.njk', await listingView(app, request, params)),
      contentType: 'text/html; charset=utf-8',
    }));
    return reply.type(page.contentType).send(page.body);
  });
}

/** The listing template's data for one request. */
async function listingView(app: FastifyInstance, request: FastifyRequest, params: ListingParams) {
  const now = new Date();
  const tr = request.translator;
  const result = await app.storage.deals.search(toDealQuery(params, now, tr.locale));
  // Only the sites the filter shows: the facet's values and the ones already chosen.
  const siteNames = await app.storage.sites.namesBySlug([...result.facets.sites.map((facet) => facet.value), ...(params.site ?? [])]);
  return {
    ...pageContext(request),
    params,
    heading: listingHeading(params, result.total, tr),
    deals: result.deals.map((deal) => toDealCard(deal, tr, now)),
    total: result.total,
    filters: listingFilters(params, result.facets, result.total, siteNames, tr),
    pager: pager(params, result),
    feedHref: `/feed.atom${listingSearch(params, { page: undefined, pageSize: undefined })}`,
    clearHref: `/${listingSearch({ sort: params.sort, page: 1, pageSize: params.pageSize, city: params.city })}`,
    allCitiesHref: `/?city=`,
    alertsDeliver: app.alerts.mailer.delivers,
  };
}
