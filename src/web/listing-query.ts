// The listing's filters as query parameters: one schema for the page and its Atom feed, the
// storage query they become, and the links that change one filter and keep the rest.
import type { FastifyRequest } from 'fastify';
import type { DealQuery, DealSort } from '../storage';
import { dealListingQuerystring, dealSorts, toApiDealQuery, type DealListingQuery } from './deal-listing-query';
import type { Locale } from './i18n';
import { cityCurrency, defaultPriceCurrency } from './price-currency';

export const sorts = dealSorts;

/**
 * What the shopper asked for: the query string of GET /api/deals (prices in major units, `100`
 * is ¥100), with `city=` meaning "every city" and the flags and site list written one way.
 */
export interface ListingParams {
  city?: string;
  district?: string;
  category?: string;
  site?: string[];
  priceMin?: string;
  priceMax?: string;
  /** The price bounds' currency; only with a bound. */
  currency?: string;
  minDiscount?: number;
  minScore?: number;
  new?: '1';
  q?: string;
  sort: DealSort;
  page: number;
  pageSize: number;
  collapse?: '1';
}

/** The API's parameters, with an empty city allowed: it says "every city" and forgets the remembered one. */
export const listingQuerystring = {
  ...dealListingQuerystring,
  additionalProperties: false,
  properties: {
    ...dealListingQuerystring.properties,
    city: { type: 'string', maxLength: 64, description: 'City code; empty for every city.' },
  },
} as const;

/**
 * A GET form sends every field, empty ones too: an empty field means "no filter", so it is
 * dropped before validation. `city=` is kept: it says "every city" and clears the remembered one.
 */
export async function dropEmptyFields(request: FastifyRequest): Promise<void> {
  const query = request.query as Record<string, unknown>;
  for (const [key, value] of Object.entries(query)) {
    if (key === 'city') continue;
    if (value === '') delete query[key];
    else if (Array.isArray(value)) {
      const kept = value.filter((item) => item !== '');
      if (kept.length === 0) delete query[key];
      else query[key] = kept;
    }
  }
  if (typeof query.q === 'string') {
    const trimmed = query.q.trim();
    if (trimmed === '') delete query.q;
    else query.q = trimmed;
  }
}

const isOn = (flag: string | undefined) => flag === '1' || flag === 'true';

/**
 * The validated query string in one spelling: flags as `1` or absent, sites as a list, and the
 * currency only beside a price bound (the form sends it always), where it is written out: the
 * one asked, else the default for the city and `locale` when given, so a shared link means the
 * same amounts in any language.
 */
export function listingParams(query: DealListingQuery, city: string | undefined, locale?: Locale): ListingParams {
  const sites = [...new Set((query.site ?? []).flatMap((item) => item.split(',')).filter(Boolean))];
  const priced = query.priceMin !== undefined || query.priceMax !== undefined;
  return {
    city,
    district: query.district,
    category: query.category,
    site: sites.length > 0 ? sites : undefined,
    priceMin: query.priceMin,
    priceMax: query.priceMax,
    currency: priced ? query.currency ?? (locale ? defaultPriceCurrency(city, locale) : undefined) : undefined,
    minDiscount: query.minDiscount,
    minScore: query.minScore,
    new: isOn(query.new) ? '1' : undefined,
    q: query.q,
    sort: query.sort,
    page: query.page,
    pageSize: query.pageSize,
    collapse: isOn(query.collapse) ? '1' : undefined,
  };
}

/**
 * The storage query. Price bounds without a currency are in the default for the city and
 * `locale`; without a locale (the Atom feed, answered by URL alone) the city's, else CNY.
 */
export function toDealQuery(params: ListingParams, now: Date, locale?: Locale): DealQuery {
  const city = params.city || undefined;
  return toApiDealQuery({ ...params, city }, now, locale ? defaultPriceCurrency(city, locale) : cityCurrency(city) ?? 'CNY');
}

/** The filters besides the city that narrow the results (not sort or paging), for "clear filters". */
export function activeFilterCount(params: ListingParams): number {
  return [params.district, params.category, params.priceMin, params.priceMax, params.minDiscount, params.minScore, params.new, params.q]
    .filter((value) => value !== undefined && value !== '').length + (params.site?.length ?? 0);
}

type Overrides = Partial<{ [K in keyof ListingParams]: ListingParams[K] | undefined }>;

/**
 * The query string (with its `?`, or '' when empty) for these params with some changed. Paging
 * is dropped unless `page` is given: a link that changes a filter starts again at page 1.
 */
export function listingSearch(params: ListingParams, overrides: Overrides = {}): string {
  const merged: Overrides = { ...params, page: undefined, ...overrides };
  const search = new URLSearchParams();
  const add = (key: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') search.append(key, String(value));
  };
  add('city', merged.city);
  add('district', merged.district);
  add('category', merged.category);
  for (const site of merged.site ?? []) add('site', site);
  add('priceMin', merged.priceMin);
  add('priceMax', merged.priceMax);
  add('currency', merged.currency);
  add('minDiscount', merged.minDiscount);
  add('minScore', merged.minScore);
  add('new', merged.new);
  add('q', merged.q);
  if (merged.sort && merged.sort !== 'newest') add('sort', merged.sort);
  if (merged.pageSize && merged.pageSize !== 24) add('pageSize', merged.pageSize);
  if (merged.page && merged.page > 1) add('page', merged.page);
  add('collapse', merged.collapse);
  const query = search.toString();
  return query ? `?${query}` : '';
}
