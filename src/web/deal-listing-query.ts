// The query string of GET /api/deals and the storage query it becomes. The same parameter names
// as the listing page; prices are major units written as decimals (`99.5`, at most two places),
// read exactly into minor units, never through floating point, in one currency (price-currency.ts).
import type { DealQuery, DealSort } from '../storage';
import { minorDigits } from './i18n';
import { cityCurrency, priceCurrencies } from './price-currency';

export const dealSorts: readonly DealSort[] = ['newest', 'price', 'price-desc', 'discount', 'popular', 'ending'];

const MAJOR_AMOUNT = '^[0-9]{1,9}([.][0-9]{1,2})?$';
const FLAG = { type: 'string', enum: ['1', 'true', '0', 'false'] } as const;

export interface DealListingQuery {
  city?: string;
  district?: string;
  category?: string;
  site?: string[];
  priceMin?: string;
  priceMax?: string;
  currency?: string;
  minDiscount?: number;
  minScore?: number;
  new?: '1' | 'true' | '0' | 'false';
  q?: string;
  sort: DealSort;
  page: number;
  pageSize: number;
  collapse?: '1' | 'true' | '0' | 'false';
}

export const dealListingQuerystring = {
  type: 'object',
  properties: {
    city: { type: 'string', minLength: 1, maxLength: 64, description: 'City code (`chengdu`); nationwide deals are included, once.' },
    district: { type: 'string', minLength: 1, maxLength: 64, description: 'Business district (商圈) as the feeds name it.' },
    category: { type: 'string', minLength: 1, maxLength: 32, pattern: '^[a-z0-9-]+$', description: 'Category slug (`food`).' },
    site: {
      type: 'array',
      maxItems: 20,
      description: 'Site slugs, any of them: repeat the parameter or separate with commas.',
      items: { type: 'string', minLength: 1, maxLength: 400, pattern: '^[A-Za-z0-9._-]+(,[A-Za-z0-9._-]+)*$' },
    },
    priceMin: { type: 'string', pattern: MAJOR_AMOUNT, description: 'Lowest price in major units (`50`, `99.5`).' },
    priceMax: { type: 'string', pattern: MAJOR_AMOUNT, description: 'Highest price in major units.' },
    currency: {
      type: 'string', enum: priceCurrencies,
      description: 'Currency of priceMin and priceMax: with either, only deals in this currency match. Default: the city\'s currency, else CNY (the page: else the language\'s).',
    },
    minDiscount: { type: 'integer', minimum: 0, maximum: 100, description: 'Minimum percent off.' },
    minScore: { type: 'integer', minimum: 0, maximum: 100, description: 'Only sites whose credibility score (0–100, README) is at least this; unscored sites are left out.' },
    new: { ...FLAG, description: 'Only deals first seen in the last 24 hours (`1`).' },
    q: { type: 'string', minLength: 1, maxLength: 100, description: 'Words of the title, merchant or category; Chinese matches any substring of two or more characters.' },
    sort: { type: 'string', enum: dealSorts, default: 'newest' },
    page: { type: 'integer', minimum: 1, maximum: 10_000, default: 1 },
    pageSize: { type: 'integer', minimum: 1, maximum: 100, default: 24 },
    collapse: { ...FLAG, description: 'One entry per offer on several sites, its cheapest (`1`).' },
  },
} as const;

/** `99.5` → 9950, exactly; in a currency without minor units (JPY: `digits` 0) the fraction is dropped. */
export function majorToMinor(amount: string, digits = 2): number {
  const [whole, fraction = ''] = amount.split('.');
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0').slice(0, digits) || '0');
}

const isOn = (flag: string | undefined) => flag === '1' || flag === 'true';

/**
 * The storage query. A price filter's currency is the one asked, else `fallbackCurrency` (the API
 * gives the city's or CNY: its answer depends on the URL alone; the page adds the language).
 */
export function toApiDealQuery(params: DealListingQuery, now: Date, fallbackCurrency = cityCurrency(params.city) ?? 'CNY'): DealQuery {
  const sites = (params.site ?? []).flatMap((item) => item.split(',')).filter(Boolean);
  const priceCurrency = params.currency ?? fallbackCurrency;
  const minor = (amount: string | undefined) => amount === undefined ? undefined : majorToMinor(amount, minorDigits(priceCurrency));
  return {
    now,
    city: params.city,
    district: params.district,
    category: params.category,
    sites: sites.length ? [...new Set(sites)].slice(0, 20) : undefined,
    priceMin: minor(params.priceMin),
    priceMax: minor(params.priceMax),
    priceCurrency,
    minDiscount: params.minDiscount,
    minScore: params.minScore,
    newToday: isOn(params.new),
    q: params.q?.trim() || undefined,
    sort: params.sort,
    page: params.page,
    pageSize: params.pageSize,
    collapseGroups: isOn(params.collapse),
  };
}
