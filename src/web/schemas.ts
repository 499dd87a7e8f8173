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
