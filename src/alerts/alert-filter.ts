// An alert's filter is the listing's: stored as the listing's canonical query string, so the
// same filter always has the same spelling (one subscription per email and filter), and the
// digest runs it through the same search as the page, limited to deals new since the last mail.
import type { DealQuery } from '../storage';
import type { DealListingQuery } from '../web/deal-listing-query';
import { isLocale } from '../web/i18n';
import { listingParams, listingSearch, toDealQuery, type ListingParams } from '../web/listing-query';

/** The listing's filter fields as an HTTP body or query gives them (no sort or paging). */
export type AlertFilterFields = Omit<DealListingQuery, 'sort' | 'page' | 'pageSize' | 'collapse'>;

const listingDefaults = { sort: 'newest', page: 1, pageSize: 24 } as const;

export function filterParams(fields: AlertFilterFields): ListingParams {
  return { ...listingParams({ ...fields, ...listingDefaults }, fields.city || undefined), collapse: undefined };
}

/** `?city=chengdu&q=%E7%81%AB%E9%94%85`, or '' for every deal. */
export const canonicalFilter = (fields: AlertFilterFields): string => listingSearch(filterParams(fields));

/** A stored filter back into the listing's parameters (it was validated when it was stored). */
export function parseFilter(filter: string): ListingParams {
  const search = new URLSearchParams(filter);
  const text = (name: string) => search.get(name) ?? undefined;
  const sites = search.getAll('site');
  const minDiscount = text('minDiscount');
  const minScore = text('minScore');
  return filterParams({
    city: text('city'),
    district: text('district'),
    category: text('category'),
    site: sites.length > 0 ? sites : undefined,
    priceMin: text('priceMin'),
    priceMax: text('priceMax'),
    currency: text('currency'),
    minDiscount: minDiscount === undefined ? undefined : Number(minDiscount),
    minScore: minScore === undefined ? undefined : Number(minScore),
    new: text('new') === '1' ? '1' : undefined,
    q: text('q'),
  });
}

/**
 * The search for one digest: the filter, at or under the ceiling, first seen in (since, now]. The
 * ceiling is in the filter's price currency: the one it names, else the default for its city and
 * the subscriber's language, as the form showed it; only deals in that currency pass it.
 */
export function digestQuery(params: ListingParams, ceilingMinor: number | null, since: Date, now: Date, size: number, locale: string): DealQuery {
  const query = toDealQuery({ ...params, sort: 'newest', page: 1, pageSize: size }, now, isLocale(locale) ? locale : 'en');
  const ceilings = [query.priceMax, ceilingMinor ?? undefined].filter((value): value is number => value !== undefined);
  return {
    ...query,
    priceMax: ceilings.length > 0 ? Math.min(...ceilings) : undefined,
    // A ceiling alone is a price bound too: it keeps the deals of its currency.
    priceCurrency: query.priceCurrency,
    collapseGroups: false,
    facetLimit: 1,
    firstSeen: { after: since, until: now },
  };
}
