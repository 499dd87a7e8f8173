// The listing page's filter form and pager as the template shows them: every value with its live
// count and label in the shopper's language, and links that keep the other filters.
import type { DealFacets, DealSearchResult, FacetValue } from '../storage';
import { categoryLabel } from './category-label';
import { cityLabel } from './city-label';
import type { Translator } from './i18n';
import { activeFilterCount, listingSearch, sorts, type ListingParams } from './listing-query';

export interface FilterOption {
  value: string;
  label: string;
  count: number;
  selected: boolean;
}

export interface ListingFilters {
  cities: FilterOption[];
  districts: FilterOption[];
  categories: FilterOption[];
  sites: FilterOption[];
  sorts: { value: string; label: string; selected: boolean }[];
  discounts: { value: number; label: string; selected: boolean }[];
  /** Deals first seen in the last 24 hours under the other filters. */
  newToday: number;
  /** Minimum credibility score choices. */
  scores: { value: number; label: string; selected: boolean }[];
  /** Filters inside "more filters" that are set, so the panel opens when any is. */
  moreActive: number;
  active: number;
}

const DISCOUNT_STEPS = [30, 50, 70, 90];
const SCORE_STEPS = [60, 70, 80, 90];

function options(values: FacetValue[], selected: string[], label: (value: string) => string): FilterOption[] {
  const listed = values.map((facet) => ({ value: facet.value, label: label(facet.value), count: facet.count, selected: selected.includes(facet.value) }));
  // A chosen value with no deals left under the other filters still shows, with its zero.
  for (const value of selected) {
    if (!listed.some((option) => option.value === value)) listed.unshift({ value, label: label(value), count: 0, selected: true });
  }
  return listed;
}

export function listingFilters(params: ListingParams, facets: DealFacets, siteNames: Map<string, string>, tr: Translator): ListingFilters {
  const one = (value: string | undefined) => (value ? [value] : []);
  const sortLabels = {
    newest: tr.t('sortNewest'), price: tr.t('sortPrice'), 'price-desc': tr.t('sortPriceDesc'),
    discount: tr.t('sortDiscount'), popular: tr.t('sortPopular'), ending: tr.t('sortEnding'),
  } as const;
  const discountSteps = [...new Set([...DISCOUNT_STEPS, ...(params.minDiscount ? [params.minDiscount] : [])])].sort((a, b) => a - b);
  return {
    cities: options(facets.cities, one(params.city), (code) => cityLabel(code, tr.locale)),
    districts: options(facets.districts, one(params.district), (name) => name),
    categories: options(facets.categories, one(params.category), (slug) => categoryLabel(slug, tr.locale)),
    sites: options(facets.sites, params.site ?? [], (slug) => siteNames.get(slug) ?? slug),
    sorts: sorts.map((value) => ({ value, label: sortLabels[value], selected: params.sort === value })),
    discounts: discountSteps.map((value) => ({ value, label: tr.t('atLeastOff', { percent: value }), selected: params.minDiscount === value })),
    scores: [...new Set([...SCORE_STEPS, ...(params.minScore ? [params.minScore] : [])])].sort((a, b) => a - b)
      .map((value) => ({ value, label: tr.t('atLeastScore', { score: value }), selected: params.minScore === value })),
    newToday: facets.newToday ?? 0,
    moreActive: [params.district, params.priceMin, params.priceMax, params.minDiscount, params.minScore, params.new, params.collapse]
      .filter((value) => value !== undefined).length + (params.site?.length ?? 0),
    active: activeFilterCount(params),
  };
}

export interface Pager {
  page: number;
  pages: number;
  previousHref: string | null;
  nextHref: string | null;
}

export function pager(params: ListingParams, result: DealSearchResult): Pager {
  const pages = Math.max(1, Math.ceil(result.total / params.pageSize));
  return {
    page: params.page,
    pages,
    previousHref: params.page > 1 ? `/${listingSearch(params, { page: Math.min(params.page - 1, pages) })}` : null,
    nextHref: params.page < pages ? `/${listingSearch(params, { page: params.page + 1 })}` : null,
  };
}

/** One line saying what the shopper is looking at: "12 deals in Chengdu for 火锅". */
export function listingHeading(params: ListingParams, total: number, tr: Translator): string {
  const parts = [tr.t('dealCount', { total: tr.number(total) })];
  if (params.city) parts.push(tr.t('inCity', { city: cityLabel(params.city, tr.locale) }));
  if (params.category) parts.push(tr.t('inCategory', { category: categoryLabel(params.category, tr.locale) }));
  if (params.q) parts.push(tr.t('matching', { q: params.q }));
  return parts.join(tr.t('headingSeparator'));
}
