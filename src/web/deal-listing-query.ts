// The query string of GET /api/deals and the storage query it becomes. The same parameter names
// as the listing page; prices are major units written as decimals (`99.5`, at most two places),
// read exactly into minor units, never through floating point.
import type { DealQuery, DealSort } from '../storage';

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

/** `99.5` → 9950, exactly. */
export function majorToMinor(amount: string): number {
  const [whole, fraction = ''] = amount.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

const isOn = (flag: string | undefined) => flag === '1' || flag === 'true';

export function toApiDealQuery(params: DealListingQuery, now: Date): DealQuery {
  const sites = (params.site ?? []).flatMap((item) => item.split(',')).filter(Boolean);
  return {
    now,
    city: params.city,
    district: params.district,
    category: params.category,
    sites: sites.length ? [...new Set(sites)].slice(0, 20) : undefined,
    priceMin: params.priceMin === undefined ? undefined : majorToMinor(params.priceMin),
    priceMax: params.priceMax === undefined ? undefined : majorToMinor(params.priceMax),
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
