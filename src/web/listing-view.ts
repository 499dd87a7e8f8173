// The listing page's filter form and pager as the template shows them: every value with its live
// count and label in the shopper's language, and links that keep the other filters.
import { DISCOUNT_STEPS, SCORE_STEPS, type DealFacets, type DealSearchResult, type FacetValue, type StepCount } from '../storage';
import { categoryLabel } from './category-label';
import { cityLabel } from './city-label';
import { minorDigits, type Translator } from './i18n';
import { activeFilterCount, listingSearch, sorts, type ListingParams } from './listing-query';
import { defaultPriceCurrency, priceCurrencies } from './price-currency';

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
  /** Sites with matches that the checkboxes leave out ("N more" points to the sites directory). */
  moreSites: number;
  sorts: { value: string; label: string; selected: boolean }[];
  discounts: StepOption[];
  /** Deals first seen in the last 24 hours under the other filters. */
  newToday: number;
  /** Minimum credibility score choices. */
  scores: StepOption[];
  /** The price range's currency, its choices, and the inputs' step (0.01, or 1 for yen). */
  price: { currency: string; currencyName: string; currencies: { value: string; label: string; selected: boolean }[]; step: string };
  /** Filters inside "more filters" that are set, so the panel opens when any is. */
  moreActive: number;
  active: number;
}

export interface StepOption {
  value: number;
  label: string;
  count: number;
  selected: boolean;
}

function options(values: FacetValue[], selected: string[], label: (value: string) => string): FilterOption[] {
  const listed = values.map((facet) => ({ value: facet.value, label: label(facet.value), count: facet.count, selected: selected.includes(facet.value) }));
  // A chosen value with no deals left under the other filters still shows, with its zero.
  for (const value of selected) {
    if (!listed.some((option) => option.value === value)) listed.unshift({ value, label: label(value), count: 0, selected: true });
  }
  return listed;
}

/**
 * A minimum filter's steps with their counts. A chosen value off the steps (from a shared URL) is
 * added; its count is the total, since that filter is on.
 */
function stepOptions(steps: readonly number[], counts: StepCount[] | undefined, chosen: number | undefined, total: number, label: (value: number) => string): StepOption[] {
  const values = [...new Set([...steps, ...(chosen ? [chosen] : [])])].sort((a, b) => a - b);
  return values.map((value) => ({
    value,
    label: label(value),
    count: counts?.find((step) => step.atLeast === value)?.count ?? (value === chosen ? total : 0),
    selected: chosen === value,
  }));
}

/** The price range's currency as the form shows it: the one in the URL, else the city's or the language's. */
function priceChoices(params: ListingParams, tr: Translator): ListingFilters['price'] {
  const currency = params.currency ?? defaultPriceCurrency(params.city || undefined, tr.locale);
  const names = new Intl.DisplayNames(tr.locale, { type: 'currency' });
  const digits = minorDigits(currency);
  return {
    currency,
    currencyName: names.of(currency) ?? currency,
    currencies: priceCurrencies.map((code) => ({ value: code, label: `${names.of(code) ?? code} (${code})`, selected: code === currency })),
    step: digits === 0 ? '1' : `0.${'1'.padStart(digits, '0')}`,
  };
}

export function listingFilters(params: ListingParams, facets: DealFacets, total: number, siteNames: Map<string, string>, tr: Translator): ListingFilters {
  const one = (value: string | undefined) => (value ? [value] : []);
  const sortLabels = {
    newest: tr.t('sortNewest'), price: tr.t('sortPrice'), 'price-desc': tr.t('sortPriceDesc'),
    discount: tr.t('sortDiscount'), popular: tr.t('sortPopular'), ending: tr.t('sortEnding'),
  } as const;
  return {
    cities: options(facets.cities, one(params.city), (code) => cityLabel(code, tr.locale)),
    districts: options(facets.districts, one(params.district), (name) => name),
    categories: options(facets.categories, one(params.category), (slug) => categoryLabel(slug, tr.locale)),
    sites: options(facets.sites, params.site ?? [], (slug) => siteNames.get(slug) ?? slug),
    moreSites: Math.max(0, (facets.sitesTotal ?? 0) - facets.sites.length),
    sorts: sorts.map((value) => ({ value, label: sortLabels[value], selected: params.sort === value })),
    discounts: stepOptions(DISCOUNT_STEPS, facets.discounts, params.minDiscount, total, (percent) => tr.t('atLeastOff', { percent })),
    scores: stepOptions(SCORE_STEPS, facets.scores, params.minScore, total, (score) => tr.t('atLeastScore', { score })),
    price: priceChoices(params, tr),
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
  const parts = [tr.t('dealCount', { count: total })];
  if (params.city) parts.push(tr.t('inCity', { city: cityLabel(params.city, tr.locale) }));
  if (params.category) parts.push(tr.t('inCategory', { category: categoryLabel(params.category, tr.locale) }));
  if (params.q) parts.push(tr.t('matching', { q: params.q }));
  return parts.join(tr.t('headingSeparator'));
}
