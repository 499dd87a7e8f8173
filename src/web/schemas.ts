// JSON schemas shared by routes: the single source for validation and, later, OpenAPI.

export const dealSchema = {
  $id: 'deal',
  type: 'object',
  required: ['id', 'site', 'externalId', 'url', 'title', 'priceMinor', 'currency', 'nationwide', 'soldOut'],
  properties: {
    id: { type: 'integer' },
    site: { type: 'string' },
    siteName: { type: 'string' },
    externalId: { type: 'string' },
    url: { type: 'string' },
    clickUrl: { type: 'string', description: 'Where a shopper clicks: the portal redirect that records the click.' },
    title: { type: 'string' },
    imageUrl: { type: ['string', 'null'] },
    city: { type: ['string', 'null'] },
    nationwide: { type: 'boolean' },
    district: { type: ['string', 'null'] },
    category: { type: ['string', 'null'] },
    priceMinor: { type: 'integer' },
    valueMinor: { type: ['integer', 'null'] },
    currency: { type: 'string' },
    discountPercent: { type: ['integer', 'null'] },
    sold: { type: ['integer', 'null'] },
    soldOut: { type: 'boolean' },
    startsAt: { type: ['string', 'null'], format: 'date-time' },
    endsAt: { type: ['string', 'null'], format: 'date-time' },
    merchant: {
      type: ['object', 'null'],
      properties: {
        name: { type: ['string', 'null'] },
        phone: { type: ['string', 'null'] },
        address: { type: ['string', 'null'] },
      },
    },
  },
} as const;

/** A place where a deal can be redeemed; only a deal's own answer (`/api/deals/:id`) lists them. */
export const branchSchema = {
  type: 'object',
  required: ['name', 'address', 'phone', 'district', 'lat', 'lng'],
  properties: {
    name: { type: ['string', 'null'] },
    address: { type: ['string', 'null'] },
    phone: { type: ['string', 'null'] },
    district: { type: ['string', 'null'], description: 'Business district (商圈) or neighbourhood.' },
    lat: { type: ['number', 'null'], minimum: -90, maximum: 90, description: 'Degrees, in the datum the feed used.' },
    lng: { type: ['number', 'null'], minimum: -180, maximum: 180 },
  },
} as const;

export const errorSchema = {
  $id: 'error',
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string' },
    error: { type: 'string' },
    message: { type: 'string' },
  },
} as const;

export const pagingQuerystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    page: { type: 'integer', minimum: 1, maximum: 100_000, default: 1 },
    pageSize: { type: 'integer', minimum: 1, maximum: 100, default: 24 },
  },
} as const;

export interface PagingQuery {
  page: number;
  pageSize: number;
}

// --- The shoppers' JSON API (GET /api/deals, /api/deals/:id, /api/sites, /api/cities, /api/categories).

const offerGroupSchema = {
  type: ['object', 'null'],
  description: 'The same offer on other sites: members priced within 20% of the cheapest, on two or more sites.',
  required: ['id', 'siteCount', 'lowestPriceMinor', 'currency'],
  properties: {
    id: { type: 'string' },
    siteCount: { type: 'integer' },
    lowestPriceMinor: { type: 'integer' },
    currency: { type: 'string' },
  },
} as const;

/** A deal in a listing: the deal record plus its offer group. */
export const listedDealSchema = {
  $id: 'listedDeal',
  type: 'object',
  required: [...dealSchema.required, 'group'],
  properties: { ...dealSchema.properties, group: offerGroupSchema },
} as const;

const facetValues = {
  type: 'array',
  items: {
    type: 'object',
    required: ['value', 'count'],
    properties: { value: { type: 'string' }, count: { type: 'integer' } },
  },
} as const;

const stepCounts = {
  type: 'array',
  items: {
    type: 'object',
    required: ['atLeast', 'count'],
    properties: { atLeast: { type: 'integer' }, count: { type: 'integer' } },
  },
} as const;

export const facetsSchema = {
  $id: 'facets',
  type: 'object',
  description: 'Live counts per filter value, each with every other filter applied but not its own; largest first, at most 50 values each but every city.',
  required: ['cities', 'districts', 'categories', 'sites'],
  properties: {
    cities: { ...facetValues, description: "A city's count includes the nationwide deals, which show in every city." },
    districts: { ...facetValues, description: 'Only when a city is chosen.' },
    categories: facetValues,
    sites: facetValues,
    nationwide: { type: 'integer', description: 'Nationwide deals among the matches.' },
    newToday: { type: 'integer', description: 'Deals first seen in the last 24 hours under the other filters.' },
    sitesTotal: { type: 'integer', description: 'Sites with matches under the other filters; `sites` lists the largest (and the chosen ones).' },
    discounts: { ...stepCounts, description: 'Matches at or above each minimum-discount step (percent off), under every other filter.' },
    scores: { ...stepCounts, description: 'Matches of sites scored at or above each credibility step, under every other filter.' },
  },
} as const;
