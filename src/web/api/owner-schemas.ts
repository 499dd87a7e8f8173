// The JSON schemas of the site owners' API (owner.ts): what each route takes and answers. They
// validate the requests, shape the answers (nothing outside them is sent) and are published at /docs.
export const OWNER_API_MAX_PAGE_SIZE = 500;
export const OWNER_API_DEFAULT_PAGE_SIZE = 100;
/** A date range spans at most this many days. */
export const OWNER_API_MAX_DAYS = 400;
/** The newest row a page may reach: deeper than this, narrow the date range. */
export const OWNER_API_MAX_OFFSET = 1_000_000;

const count = { type: 'integer', minimum: 0 } as const;
const minor = { type: 'integer', description: 'integer minor units of `currency`' } as const;
const currency = { type: 'string', description: 'ISO 4217' } as const;
const instant = { type: 'string', format: 'date-time', description: 'UTC' } as const;
const optionalInstant = { type: ['string', 'null'], format: 'date-time' } as const;
const day = { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' } as const;
const month = { type: 'string', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$' } as const;

/** Optional on every route: the site the client means, so a token of another site is refused (403) rather than answered. */
const siteCheck = {
  site: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$', description: "optional: the slug of the site meant; 403 when the token is another site's" },
} as const;

export const siteQuerystring = { type: 'object', additionalProperties: false, properties: siteCheck } as const;

export const rangeQuerystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...siteCheck,
    from: { ...day, description: 'first UTC day included, YYYY-MM-DD; default 29 days before `to`' },
    to: { ...day, description: `last UTC day included, YYYY-MM-DD; default today; at most ${OWNER_API_MAX_DAYS} days after \`from\`` },
    page: { type: 'integer', minimum: 1, maximum: 100_000, default: 1 },
    pageSize: { type: 'integer', minimum: 1, maximum: OWNER_API_MAX_PAGE_SIZE, default: OWNER_API_DEFAULT_PAGE_SIZE },
  },
} as const;

export const statementParams = { type: 'object', required: ['month'], properties: { month: { ...month, description: 'UTC month, YYYY-MM' } } } as const;

export const statementQuerystring = {
  type: 'object',
  additionalProperties: false,
  properties: { ...siteCheck, format: { type: 'string', enum: ['json', 'csv'], default: 'json', description: 'csv: the columns of `dealnav statements show --csv`' } },
} as const;

const siteFacts = {
  type: 'object',
  required: ['id', 'slug', 'name', 'homeUrl', 'status', 'statusReason', 'verified', 'verifiedAt', 'createdAt'],
  properties: {
    id: { type: 'integer' },
    slug: { type: 'string', description: 'the site id postbacks name' },
    name: { type: 'string' },
    homeUrl: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'active', 'rejected', 'suspended'], description: 'only an active site is crawled and listed' },
    statusReason: { type: ['string', 'null'], description: "the operators' reason for a rejection or suspension" },
    verified: { type: 'boolean', description: 'the domain is proven to be the owner\'s' },
    verifiedAt: optionalInstant,
    createdAt: instant,
  },
} as const;

const runSchema = {
  type: 'object',
  required: ['startedAt', 'finishedAt', 'durationMs', 'outcome', 'httpStatus', 'itemsSeen', 'counts', 'skipped', 'errorCode', 'errorMessage'],
  properties: {
    startedAt: instant,
    finishedAt: optionalInstant,
    durationMs: { type: ['integer', 'null'] },
    outcome: { type: 'string', enum: ['ok', 'not_modified', 'failed', 'running'] },
    httpStatus: { type: ['integer', 'null'] },
    itemsSeen: count,
    counts: {
      type: ['object', 'null'], description: 'deals added, updated, unchanged and removed by the run',
      properties: { added: count, updated: count, unchanged: count, removed: count },
    },
    skipped: { ...count, description: 'items left out (missing price, bad link …)' },
    errorCode: { type: ['string', 'null'], description: 'the crawler\'s code: timeout, http_status, not_a_feed …' },
    errorMessage: { type: ['string', 'null'] },
  },
} as const;

const feedSchema = {
  type: 'object',
  required: ['id', 'url', 'format', 'detectedFormat', 'timeZone', 'health', 'status', 'pausedReason', 'consecutiveFailures',
    'lastCheckedAt', 'lastSuccessAt', 'nextCheckAt', 'lastError', 'runs'],
  properties: {
    id: { type: 'integer' },
    url: { type: 'string' },
    format: { type: 'string' },
    detectedFormat: { type: ['string', 'null'] },
    timeZone: { type: ['string', 'null'] },
    health: { type: 'string', enum: ['ok', 'failing', 'paused', 'slow'], description: 'paused (resume it on the site\'s page), failing (last attempts failed), slow (last run over 10 s), else ok' },
    status: { type: 'string', enum: ['active', 'paused'] },
    pausedReason: { type: ['string', 'null'] },
    consecutiveFailures: count,
    lastCheckedAt: optionalInstant,
    lastSuccessAt: optionalInstant,
    nextCheckAt: instant,
    lastError: {
      type: ['object', 'null'], required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: ['string', 'null'] } },
    },
    runs: { type: 'array', items: runSchema, description: 'the last 10 runs, newest first' },
  },
} as const;

const clickCountsSchema = {
  type: 'object',
  required: ['total', 'billable', 'bots', 'duplicates'],
  properties: { total: count, billable: count, bots: count, duplicates: count },
} as const;

export const siteResponse = {
  type: 'object',
  required: ['site', 'feeds', 'liveDeals', 'clicks', 'conversions', 'commission', 'statements'],
  properties: {
    site: siteFacts,
    feeds: { type: 'array', items: feedSchema },
    liveDeals: { ...count, description: 'deals listed now' },
    clicks: { ...clickCountsSchema, description: 'every click sent so far: billable, and filtered as bots or repeats' },
    conversions: {
      type: 'array', description: 'per currency, over the site\'s whole history, rejected ones left out',
      items: {
        type: 'object', required: ['currency', 'conversions', 'sales', 'leads', 'salesMinor'],
        properties: { currency, conversions: count, sales: count, leads: count, salesMinor: { ...minor, description: 'sale amounts of pending and approved conversions' } },
      },
    },
    commission: {
      type: 'array', description: 'the commission ledger per currency and status, whole history',
      items: {
        type: 'object', required: ['currency', 'pendingMinor', 'approvedMinor', 'reversedMinor'],
        properties: { currency, pendingMinor: minor, approvedMinor: minor, reversedMinor: { ...minor, description: 'taken back (≤ 0)' } },
      },
    },
    statements: { type: 'array', items: { $ref: 'ownerStatementMonth#' } },
  },
} as const;

export const statementMonthSchema = {
  $id: 'ownerStatementMonth',
  type: 'object',
  required: ['month', 'closed', 'url', 'csvUrl'],
  properties: {
    month: { type: 'string' },
    closed: { type: 'boolean', description: 'a closed month\'s figures no longer change' },
    url: { type: 'string' },
    csvUrl: { type: 'string' },
  },
} as const;

const paging = {
  site: { type: 'string' }, from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' },
  page: { type: 'integer' }, pageSize: { type: 'integer' }, total: { ...count, description: 'rows in the whole range, every page' },
} as const;
const pagingRequired = ['site', 'from', 'to', 'page', 'pageSize', 'total'];

export const clicksResponse = {
  type: 'object',
  required: [...pagingRequired, 'clicks'],
  properties: {
    ...paging,
    clicks: {
      type: 'array', description: 'newest first',
      items: {
        type: 'object', required: ['clickId', 'dealId', 'at', 'city', 'subId', 'billable', 'bot', 'duplicate'],
        properties: {
          clickId: { type: 'string', description: 'the click id your site received on the click-out (postbacks name it)' },
          dealId: { type: 'integer' },
          at: instant,
          city: { type: ['string', 'null'] },
          subId: { type: ['string', 'null'] },
          billable: { type: 'boolean' },
          bot: { type: 'boolean' },
          duplicate: { type: 'boolean', description: 'a repeat of the same visitor\'s click within the duplicate window' },
        },
      },
    },
  },
} as const;

export const conversionsResponse = {
  type: 'object',
  required: [...pagingRequired, 'conversions'],
  properties: {
    ...paging,
    conversions: {
      type: 'array', description: 'newest first, by when they happened',
      items: {
        type: 'object', required: ['orderId', 'clickId', 'kind', 'status', 'amountMinor', 'currency', 'occurredAt', 'updatedAt'],
        properties: {
          orderId: { type: 'string' },
          clickId: { type: 'string' },
          kind: { type: 'string', enum: ['sale', 'lead'] },
          status: { type: 'string', enum: ['pending', 'approved', 'rejected', 'reversed'] },
          amountMinor: minor,
          currency,
          occurredAt: instant,
          updatedAt: instant,
        },
      },
    },
  },
} as const;

export const statementsResponse = {
  type: 'object',
  required: ['site', 'statements'],
  properties: { site: { type: 'string' }, statements: { type: 'array', items: { $ref: 'ownerStatementMonth#' }, description: 'newest first, at most 12' } },
} as const;

const statementLine = {
  type: 'object',
  required: ['currency', 'conversions', 'sales', 'leads', 'salesMinor', 'pendingMinor', 'approvedMinor', 'reversedMinor', 'cpcMinor', 'adjustmentMinor', 'payableMinor'],
  properties: {
    currency, conversions: count, sales: count, leads: count, salesMinor: minor,
    pendingMinor: { ...minor, description: 'commission still pending at the month\'s end' },
    approvedMinor: minor, reversedMinor: minor, cpcMinor: minor,
    adjustmentMinor: { ...minor, description: 'part of the above that belongs to an earlier, closed month' },
    payableMinor: { ...minor, description: 'approved + reversed + CPC' },
  },
} as const;

export const statementResponse = {
  type: 'object',
  required: ['site', 'period', 'start', 'end', 'closedAt', 'clicks', 'lines', 'rounding'],
  properties: {
    site: { type: 'string' }, period: { type: 'string' }, start: instant, end: instant, closedAt: optionalInstant,
    clicks: clickCountsSchema, lines: { type: 'array', items: statementLine }, rounding: { type: 'string' },
  },
} as const;
