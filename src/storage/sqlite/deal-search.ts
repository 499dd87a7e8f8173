// SQL for the shoppers' listing: filters, full-text search, sorts, offer groups and facets over
// `deals`, and one deal's detail page (the only reader of its branches, deal-branches.ts).
// Schema and indexes: migration 4 in migrations.ts.
//
// Every statement is built from fixed fragments (a filter present or not) and bound parameters,
// prepared once per shape and cached. Index use, checked by test/storage/listing-plan.db.test.ts:
// - a city is `geo IN (@city, '*')` on deals_live_geo (geo, category, site_id, district, ends_at,
//   price, discount, first_seen_at): the count and the facets read that index alone; the page
//   sorts the city's matches (a few thousand rows at most) in a temporary b-tree;
// - without a city, a category or site filter leads on deals_live_category / deals_live_site,
//   and with no filter at all the sort's own index (deals_live_newest, _price, _discount,
//   _popular, _ending) gives the order, so a page reads only its rows;
// - q drives from the FTS5 index and reaches deals by rowid.
import type { Statement } from 'better-sqlite3';
import type {
  DealDetail, DealFacets, DealQuery, DealSearchResult, DealSort, FacetValue, ListedDeal, PricePoint, StepCount, StoredDeal,
} from '../types';
import { DISCOUNT_STEPS, SCORE_STEPS } from '../listing-steps';
import type { SqliteDatabase } from './database';
import { createDealBranches } from './deal-branches';
import { dealColumns, liveDeal, toStoredDeal, type DealRow } from './deal-row';
import type { ChangeSource } from '../change-watch';
import { InvalidatedCache } from '../invalidated-cache';
import { ReadWorker } from './read-worker';
import { ListingCache, defaultListingCacheOptions, type CachedSummary, type ListingCacheOptions } from './listing-cache';
import { ftsQuery, offerGroupId } from './search-text';

/**
 * The same offer on several sites. Deals share an offer_key (search-text.ts: same place, same
 * currency, and the same merchant, or the same title once numbers and filler words are gone).
 * Among the live deals of one key, the members of its group are those priced at most this many
 * percent above the cheapest; the group exists when its members come from two or more sites.
 */
export const GROUP_PRICE_TOLERANCE_PERCENT = 20;

/** The same offer on other sites, as the deal page lists it: the cheapest this many. */
export const SAME_OFFER_LIMIT = 50;
const OFFER_SUMMARY_TTL_MS = 30_000;
const OFFER_SUMMARY_CACHE_SIZE = 20_000;

const DEFAULT_FACET_LIMIT = 50;
const MAX_FACET_LIMIT = 1000;
const DAY_MS = 86_400_000;

/** Each sort's key and direction; the id breaks ties in the same direction. */
const sortKeys: Record<DealSort, { key: string; dir: 'ASC' | 'DESC'; index: string }> = {
  newest: { key: 'd.published_at', dir: 'DESC', index: 'deals_live_newest' },
  price: { key: 'd.price_minor', dir: 'ASC', index: 'deals_live_price' },
  'price-desc': { key: 'd.price_minor', dir: 'DESC', index: 'deals_live_price' },
  discount: { key: 'd.discount_percent', dir: 'DESC', index: 'deals_live_discount' }, // NULL (no original price) sorts last
  popular: { key: 'd.sold', dir: 'DESC', index: 'deals_live_popular' }, // NULL (unknown) sorts last
  // A deal without an end time sorts after every ending one; the same expression is indexed.
  ending: { key: 'ifnull(d.ends_at, 9007199254740991)', dir: 'ASC', index: 'deals_live_ending' },
};
// Ties of the sort go to the more credible site (unscored last), then by id. Nothing else ranks:
// no site can pay for a place (README, "Credibility score"). Not for newest: its ties are the
// deals one crawl first saw at one instant, nearly always of one site, and ordering a whole
// feed's worth of them by score would sort up to 100k rows for a page.
const creditTies = (sort: DealSort) => sort !== 'newest';
const orderBy = (sort: DealSort) =>
  `${sortKeys[sort].key} ${sortKeys[sort].dir}, ${creditTies(sort) ? 's.credibility_score DESC, ' : ''}d.id ${sortKeys[sort].dir}`;

const from = 'FROM deals d JOIN sites s ON s.id = d.site_id';

// Live deals of the same offer as `d`, for the collapse filter; each probe is a seek on deals_live_offer.
const sameOfferLive = (alias: string) =>
  `FROM deals ${alias} JOIN sites ${alias}s ON ${alias}s.id = ${alias}.site_id
   WHERE ${alias}.offer_key = d.offer_key AND ${liveDeal(alias, `${alias}s`)}`;

/**
 * Collapse: hides a deal that is a member of a group (within tolerance of the key's cheapest
 * live price, with another member on another site) but not its cheapest member (lowest price,
 * then lowest id). The group's cheapest member stays and stands for the group.
 */
const notHiddenByGroup = `NOT EXISTS (
  SELECT 1 FROM (SELECT min(o.price_minor) AS low ${sameOfferLive('o')}) g
  WHERE d.price_minor * 100 <= g.low * ${100 + GROUP_PRICE_TOLERANCE_PERCENT}
    AND EXISTS (SELECT 1 ${sameOfferLive('c')}
      AND (c.price_minor < d.price_minor OR (c.price_minor = d.price_minor AND c.id < d.id)))
    AND EXISTS (SELECT 1 ${sameOfferLive('m')}
      AND m.site_id <> d.site_id AND m.price_minor * 100 <= g.low * ${100 + GROUP_PRICE_TOLERANCE_PERCENT}))`;

type FacetName = 'city' | 'district' | 'category' | 'sites';

interface Filter {
  sql: string;
  params: Record<string, unknown>;
}

/** The WHERE clause for a query, leaving out the filter `except` (a facet counts without its own). */
function whereFor(query: DealQuery, except?: FacetName): Filter {
  const terms = [liveDeal('d', 's')];
  const params: Record<string, unknown> = { now: query.now.getTime() };
  if (query.city !== undefined && except !== 'city') {
    terms.push(`d.geo IN (@city, '*')`);
    params.city = query.city;
  }
  if (query.district !== undefined && except !== 'district') {
    terms.push('d.district = @district');
    params.district = query.district;
  }
  if (query.category !== undefined && except !== 'category') {
    terms.push('d.category = @category');
    params.category = query.category;
  }
  if (query.sites?.length && except !== 'sites') {
    terms.push('d.site_id IN (SELECT id FROM sites WHERE slug IN (SELECT value FROM json_each(@sites)))');
    params.sites = JSON.stringify(query.sites);
  }
  if (query.priceMin !== undefined) {
    terms.push('d.price_minor >= @priceMin');
    params.priceMin = query.priceMin;
  }
  if (query.priceMax !== undefined) {
    terms.push('d.price_minor <= @priceMax');
    params.priceMax = query.priceMax;
  }
  // Not in the covering indexes: checked (by a read of the row) only for rows inside the bounds.
  if ((query.priceMin !== undefined || query.priceMax !== undefined) && query.priceCurrency !== undefined) {
    terms.push('d.currency = @priceCurrency');
    params.priceCurrency = query.priceCurrency;
  }
  if (query.minDiscount !== undefined) {
    terms.push('d.discount_percent >= @minDiscount');
    params.minDiscount = query.minDiscount;
  }
  if (query.minScore !== undefined) {
    terms.push('s.credibility_score >= @minScore');
    params.minScore = query.minScore;
  }
  if (query.newToday) {
    terms.push('d.first_seen_at > @newSince');
    params.newSince = query.now.getTime() - DAY_MS;
  }
  if (query.firstSeen) {
    terms.push('d.first_seen_at > @firstSeenAfter AND d.first_seen_at <= @firstSeenUntil');
    params.firstSeenAfter = query.firstSeen.after.getTime();
    params.firstSeenUntil = query.firstSeen.until.getTime();
  }
  const match = query.q === undefined ? null : ftsQuery(query.q);
  if (match !== null) {
    terms.push('d.id IN (SELECT rowid FROM deal_search WHERE deal_search MATCH @match)');
    params.match = match;
  }
  return { sql: terms.join('\n  AND '), params };
}

interface ListingStatement {
  sql: string;
  params: Record<string, unknown>;
}

// Every count and facet also returns the earliest end and first-seen time among the rows it
// counted, so the cache (FacetCache below) knows when the passing of time changes the answer.
const horizon = 'min(d.ends_at) AS next_end, min(d.first_seen_at) AS first_seen';

/**
 * The FROM of a count or facet, naming the covering index that leads on its most selective filter
 * (city, then category, then sites; else the facet's own column). Left to itself the planner
 * takes a (geo, category, sort key) index and reads the table for every match: 2 s instead of
 * 60 ms for a city's 137k deals at 1M (docs/benchmarks.md).
 */
function summaryFrom(query: DealQuery, except: FacetName | undefined, own: FacetName | 'count'): string {
  const has = (name: FacetName) => name !== except && (name === 'sites' ? Boolean(query.sites?.length) : query[name] !== undefined);
  const lead: FacetName = (['city', 'category', 'sites'] as const).find(has) ?? (own === 'count' || own === 'district' ? 'city' : own);
  const index = { city: 'deals_live_geo', district: 'deals_live_geo', category: 'deals_live_category', sites: 'deals_live_site' }[lead];
  return `FROM deals d INDEXED BY ${index} JOIN sites s ON s.id = d.site_id`;
}

/**
 * The total and the count at each step of the discount and score filters, as aggregates of one
 * pass over the rows matching every other filter: each step's count applies the other of the two
 * filters, the total both. `steps` is a JSON array, DISCOUNT_STEPS' counts then SCORE_STEPS'.
 */
function stepAggregates(query: DealQuery, discount: string, score: string): { total: string; steps: string } {
  const discountTerm = query.minDiscount === undefined ? null : `${discount} >= @minDiscount`;
  const scoreTerm = query.minScore === undefined ? null : `${score} >= @minScore`;
  const counted = (...terms: (string | null)[]) => {
    const kept = terms.filter((term): term is string => term !== null);
    return kept.length > 0 ? `count(*) FILTER (WHERE ${kept.join(' AND ')})` : 'count(*)';
  };
  const steps = [
    ...DISCOUNT_STEPS.map((step) => counted(`${discount} >= ${step}`, scoreTerm)),
    ...SCORE_STEPS.map((step) => counted(`${score} >= ${step}`, discountTerm)),
  ];
  return { total: counted(discountTerm, scoreTerm), steps: `json_array(${steps.join(', ')})` };
}

const withoutSteps = (query: DealQuery): DealQuery => ({ ...query, minDiscount: undefined, minScore: undefined });

/**
 * A facet's order and limit: largest counts first, except that the sites the query chose come
 * before the rest (and beyond the limit), so each chosen site shows its own count however small.
 */
function facetOrder(query: DealQuery, name: FacetName, column: string): { sql: string; params: Record<string, unknown> } {
  const chosen = name === 'sites' ? query.sites ?? [] : [];
  if (chosen.length === 0) return { sql: 'ORDER BY count DESC, value LIMIT @facetLimit', params: { facetLimit: facetLimitOf(query) } };
  return {
    sql: `ORDER BY ${column} IN (SELECT value FROM json_each(@chosen)) DESC, count DESC, value LIMIT @facetLimit`,
    params: { chosen: JSON.stringify(chosen), facetLimit: facetLimitOf(query) + chosen.length },
  };
}

function facetStatement(query: DealQuery, name: Exclude<FacetName, 'city'>, column: string, groupBy: string): ListingStatement {
  const where = whereFor(query, name);
  const order = facetOrder(query, name, column);
  // How many values the facet has in all (the window counts the groups before the LIMIT).
  return {
    sql: `SELECT ${column} AS value, count(*) AS count, count(*) OVER () AS values_total, ${horizon} ${summaryFrom(query, name, name)}
      WHERE ${where.sql} AND ${column} IS NOT NULL
      GROUP BY ${groupBy} ${order.sql}`,
    params: { ...where.params, ...order.params },
  };
}

/**
 * The statements one search runs, by role: the page, the total, and one per facet. Exported so
 * that test/storage/listing-plan.db.test.ts can EXPLAIN exactly what the listing executes.
 */
export function listingStatements(query: DealQuery, options: { scanSortIndex?: boolean } = {}): Record<string, ListingStatement> {
  const where = whereFor(query);
  const filter = query.collapseGroups ? `${where.sql}\n  AND ${notHiddenByGroup}` : where.sql;
  // The total reads the rows without the discount and score filters, to count each of their steps too.
  const stepless = whereFor(withoutSteps(query)).sql;
  const counted = stepAggregates(query, 'd.discount_percent', 's.credibility_score');
  const cities = whereFor(query, 'city');
  const pageParams = { ...where.params, limit: query.pageSize, offset: (query.page - 1) * query.pageSize };
  const { key, dir, index } = sortKeys[query.sort];
  let page: ListingStatement;
  if (query.city !== undefined && query.city !== '*' && query.category !== undefined && where.params.match === undefined) {
    // A city and a category: the city's deals and the nationwide ones are two streams in the
    // sort's order on deals_live_geo_<sort> (geo=? AND category=?), merged; the page reads only
    // its own rows (plus the ones before its offset), never the 100k+ matches.
    const arm = (geo: string) => `SELECT ${dealColumns}, ${key} AS sort_key, s.credibility_score AS sort_score, d.id AS sort_id ${from}
  WHERE ${filter.replace(`d.geo IN (@city, '*')`, `d.geo = ${geo}`)}`;
    page = {
      sql: `${arm('@city')}\nUNION ALL\n${arm(`'*'`)}\nORDER BY sort_key ${dir}, ${creditTies(query.sort) ? 'sort_score DESC, ' : ''}sort_id ${dir} LIMIT @limit OFFSET @offset`,
      params: pageParams,
    };
  } else if (options.scanSortIndex) {
    // Matches that are a large share of the deals (the whole country, a big city or category, a
    // common word): walk the sort's own index and keep the matches (a search's match list is
    // built once per statement) until the page is full, instead of reading and sorting them all.
    page = {
      sql: `SELECT ${dealColumns} FROM deals d INDEXED BY ${index} JOIN sites s ON s.id = d.site_id WHERE ${filter}
  ORDER BY ${orderBy(query.sort)} LIMIT @limit OFFSET @offset`,
      params: pageParams,
    };
  } else {
    page = { sql: `SELECT ${dealColumns} ${from} WHERE ${filter}\n  ORDER BY ${orderBy(query.sort)} LIMIT @limit OFFSET @offset`, params: pageParams };
  }
  return {
    page,
    count: {
      sql: `SELECT ${counted.total} AS total, ${counted.steps} AS steps, ${horizon} ${summaryFrom(query, undefined, 'count')}
  WHERE ${query.collapseGroups ? `${stepless}\n  AND ${notHiddenByGroup}` : stepless}`,
      params: where.params,
    },
    cities: {
      sql: `SELECT d.geo AS value, count(*) AS count, ${horizon} ${summaryFrom(query, 'city', 'city')}\n  WHERE ${cities.sql} AND d.geo IS NOT NULL GROUP BY d.geo`,
      params: cities.params,
    },
    // Districts only mean something inside one city; across the country they would cost a scan of every deal.
    ...(query.city === undefined ? {} : { districts: facetStatement(query, 'district', 'd.district', 'd.district') }),
    categories: facetStatement(query, 'category', 'd.category', 'd.category'),
    sites: facetStatement(query, 'sites', 's.slug', 'd.site_id'),
    newToday: newTodayStatement(query),
  };
}

/** How many matches were first seen in the last 24 hours: the count beside the "new today" choice. */
function newTodayStatement(query: DealQuery): ListingStatement {
  const where = whereFor({ ...query, newToday: true });
  const filter = query.collapseGroups ? `${where.sql}\n  AND ${notHiddenByGroup}` : where.sql;
  return { sql: `SELECT count(*) AS total, ${horizon} ${summaryFrom(query, undefined, 'count')} WHERE ${filter}`, params: where.params };
}

/**
 * A search's total and facets in one statement: the FTS match and the seek of each matching deal
 * happen once (the materialised `m`), and each facet counts `m` under the other filters. Null when
 * the query has no full-text match or collapses groups (the collapse test needs the deals table).
 */
export function searchSummaryStatement(query: DealQuery): ListingStatement | null {
  if (query.collapseGroups) return null;
  const full = whereFor(query);
  if (full.params.match === undefined) return null;
  const facetTerms: Record<FacetName, string | null> = {
    city: query.city === undefined ? null : `d.geo IN (@city, '*')`,
    district: query.district === undefined ? null : 'd.district = @district',
    category: query.category === undefined ? null : 'd.category = @category',
    sites: query.sites?.length ? 'd.site_id IN (SELECT id FROM sites WHERE slug IN (SELECT value FROM json_each(@sites)))' : null,
  };
  const facetSql = Object.values(facetTerms).filter((term): term is string => term !== null);
  // The discount and score filters apply outside `m` too, so the count can tell each step's.
  const stepped = whereFor(withoutSteps(query)).sql.split('\n  AND ');
  const stepTerms = [
    ...(query.minDiscount === undefined ? [] : ['d.discount_percent >= @minDiscount']),
    ...(query.minScore === undefined ? [] : ['d.credibility_score >= @minScore']),
  ];
  const base = stepped.filter((term) => !facetSql.includes(term) && !term.includes('MATCH @match'));
  const others = (except?: FacetName, steps = true) =>
    ['1', ...Object.entries(facetTerms).filter(([name, term]) => name !== except && term !== null).map(([, term]) => term),
      ...(steps ? stepTerms : [])].join(' AND ');
  const counted = stepAggregates(query, 'd.discount_percent', 'd.credibility_score');
  const facetArm = (name: Exclude<FacetName, 'city'>, role: string, column: string, groupBy: string, join = '') =>
    `SELECT * FROM (SELECT '${role}' AS facet, ${column} AS value, count(*) AS count, ${horizon} FROM m d ${join}
    WHERE ${others(name)} AND ${column} IS NOT NULL GROUP BY ${groupBy} ${facetOrder(query, name, column).sql})`;
  const arms = [
    `SELECT 'count' AS facet, ${counted.steps} AS value, ${counted.total} AS count, ${horizon} FROM m d WHERE ${others(undefined, false)}`,
    `SELECT 'cities', d.geo, count(*), ${horizon} FROM m d WHERE ${others('city')} AND d.geo IS NOT NULL GROUP BY d.geo`,
    `SELECT 'sitesTotal', NULL, count(DISTINCT d.site_id), NULL, NULL FROM m d WHERE ${others('sites')}`,
    `SELECT 'newToday', NULL, count(*), ${horizon} FROM m d WHERE ${others()} AND d.first_seen_at > @newSince`,
    ...(query.city === undefined ? [] : [facetArm('district', 'districts', 'd.district', 'd.district')]),
    facetArm('category', 'categories', 'd.category', 'd.category'),
    facetArm('sites', 'sites', 's.slug', 'd.site_id', 'JOIN sites s ON s.id = d.site_id'),
  ];
  return {
    sql: `WITH m AS MATERIALIZED (
  SELECT d.geo, d.district, d.category, d.site_id, d.ends_at, d.first_seen_at, d.discount_percent, s.credibility_score
  FROM deal_search f JOIN deals d ON d.id = f.rowid JOIN sites s ON s.id = d.site_id
  WHERE f.deal_search MATCH @match AND ${base.join('\n  AND ')})
${arms.join('\nUNION ALL\n')}`,
    params: { ...full.params, ...facetOrder(query, 'sites', 's.slug').params, newSince: query.now.getTime() - DAY_MS },
  };
}

const facetLimitOf = (query: DealQuery) =>
  Math.min(MAX_FACET_LIMIT, Math.max(1, Math.trunc(query.facetLimit ?? DEFAULT_FACET_LIMIT)));

/**
 * The offer-group statements, exported so that test/storage/listing-plan.db.test.ts can EXPLAIN them.
 * offerSummaries: a page's keys in one statement. Per key: the cheapest live deal (a walk of
 * deals_live_offer in price order that stops at the first live row), then the distinct sites
 * among the live deals up to the tolerance above it (a range of the same index).
 * sameOfferDeals: other sites' live deals of one key within the tolerance, cheapest first (deals_live_offer).
 */
export const offerStatementsSql = {
  offerSummaries: `
    WITH lows AS (
      SELECT k.value AS offer_key, (SELECT d.id ${from} WHERE d.offer_key = k.value AND ${liveDeal('d', 's')}
        ORDER BY d.price_minor, d.id LIMIT 1) AS low_id
      FROM json_each(@keys) k)
    SELECT lows.offer_key, l.price_minor AS low, l.currency,
      (SELECT count(DISTINCT m.site_id) FROM deals m JOIN sites ms ON ms.id = m.site_id
        WHERE m.offer_key = lows.offer_key AND ${liveDeal('m', 'ms')}
          AND m.price_minor * 100 <= l.price_minor * ${100 + GROUP_PRICE_TOLERANCE_PERCENT}) AS site_count
    FROM lows JOIN deals l ON l.id = lows.low_id`,
  sameOfferDeals: `
    SELECT ${dealColumns} ${from}
    WHERE d.offer_key = @key AND ${liveDeal('d', 's')} AND d.site_id <> @siteId
      AND d.price_minor * 100 <= @lowest * ${100 + GROUP_PRICE_TOLERANCE_PERCENT}
    ORDER BY d.price_minor, d.id LIMIT ${SAME_OFFER_LIMIT}`,
};

/** What the listing needs of one offer key: its cheapest live price and how many sites sell within tolerance of it. */
interface OfferSummary {
  key: string;
  lowestPriceMinor: number;
  currency: string;
  /** Sites with a live deal of the key priced at most GROUP_PRICE_TOLERANCE_PERCENT above the cheapest. */
  siteCount: number;
}

/** A live deal of the key is a member of its group when priced within tolerance of the cheapest. */
const withinTolerance = (priceMinor: number, lowestPriceMinor: number) =>
  priceMinor * 100 <= lowestPriceMinor * (100 + GROUP_PRICE_TOLERANCE_PERCENT);

/** The group a live deal belongs to: its key's summary, when that spans two sites and the deal is within tolerance. */
const listedGroup = (summary: OfferSummary | null | undefined, priceMinor: number): ListedDeal['group'] =>
  summary && summary.siteCount >= 2 && withinTolerance(priceMinor, summary.lowestPriceMinor)
    ? { id: offerGroupId(summary.key), siteCount: summary.siteCount, lowestPriceMinor: summary.lowestPriceMinor, currency: summary.currency }
    : null;

/** The step counts of stepAggregates' JSON array, by filter. */
function stepCounts(json: string | undefined): { discounts: StepCount[]; scores: StepCount[] } {
  const counts = json ? JSON.parse(json) as number[] : [];
  const at = (steps: readonly number[], offset: number) => steps.map((atLeast, i) => ({ atLeast, count: counts[offset + i] ?? 0 }));
  return { discounts: at(DISCOUNT_STEPS, 0), scores: at(SCORE_STEPS, DISCOUNT_STEPS.length) };
}

/** Above this many matches per page row wanted, a search page walks the sort's index (see listingStatements). */
const SCAN_RATIO_LIMIT = 20_000;

type HorizonRow = { next_end: number | null; first_seen: number | null };

export function createDealSearch(db: SqliteDatabase, changes: ChangeSource | null = null, cacheOptions: ListingCacheOptions = defaultListingCacheOptions) {
  const cache = new ListingCache(changes, cacheOptions);
  // Counts and facets are read on a worker thread when the database is a file it can open too.
  const reader = db.memory ? null : new ReadWorker(db.name);
  const liveCount = db.prepare<[], number>('SELECT count(*) FROM deals WHERE removed_at IS NULL').pluck();
  const statements = new Map<string, Statement>();
  const prepared = (sql: string): Statement => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };

  const offerSummaries = db.prepare<{ keys: string; now: number }, { offer_key: string; low: number; currency: string; site_count: number }>(
    offerStatementsSql.offerSummaries);
  const sameOfferDeals = db.prepare<{ key: string; now: number; siteId: number; lowest: number }, DealRow>(offerStatementsSql.sameOfferDeals);
  const byId = db.prepare<[number], DealRow & { site_status: string }>(
    `SELECT ${dealColumns}, s.status AS site_status ${from} WHERE d.id = ?`);
  // Uses deal_price_history_deal.
  const history = db.prepare<[number], { observed_at: number; price_minor: number; value_minor: number | null; currency: string; sold_out: number }>(
    'SELECT observed_at, price_minor, value_minor, currency, sold_out FROM deal_price_history WHERE deal_id = ? ORDER BY observed_at, id');

  const branches = createDealBranches(db);
  // The number of deals not removed, for the search page's choice of plan: an estimate is enough,
  // so it is read at most once a minute.
  let liveDealsCount = 0;
  let liveDealsReadAt = -Infinity;
  const liveDeals = (): number => {
    if (Date.now() - liveDealsReadAt > 60_000) {
      liveDealsCount = liveCount.get()!;
      liveDealsReadAt = Date.now();
    }
    return liveDealsCount;
  };

  // Summaries change when a crawl commits (the change watch empties the cache) and as deals end:
  // an entry is recomputed after OFFER_SUMMARY_TTL_MS, so a group may count a deal that ended
  // within that time.
  // Entries also remember the `now` they were computed for: a query for another moment (a test,
  // a digest for yesterday) more than the TTL away computes its own.
  const summaries = new InvalidatedCache<{ at: number; summary: OfferSummary | null }>(changes, {
    maxEntries: OFFER_SUMMARY_CACHE_SIZE, versionCheckMs: cacheOptions.versionCheckMs, ttlMs: OFFER_SUMMARY_TTL_MS,
  });

  /** Summaries of the given keys (null for a key with no live deal), from the cache or one statement for the rest. */
  function summariesOf(keys: string[], now: number): Map<string, OfferSummary | null> {
    summaries.refresh();
    const found = new Map<string, OfferSummary | null>();
    const missing: string[] = [];
    for (const key of new Set(keys)) {
      const cached = summaries.get(key);
      if (cached === undefined || Math.abs(cached.at - now) >= OFFER_SUMMARY_TTL_MS) missing.push(key); else found.set(key, cached.summary);
    }
    if (missing.length > 0) {
      for (const key of missing) found.set(key, null);
      for (const row of offerSummaries.all({ keys: JSON.stringify(missing), now })) {
        found.set(row.offer_key, { key: row.offer_key, lowestPriceMinor: row.low, currency: row.currency, siteCount: row.site_count });
      }
      for (const key of missing) summaries.set(key, { at: now, summary: found.get(key)! });
    }
    return found;
  }

  const run = (statement: ListingStatement | undefined) =>
    statement ? prepared(statement.sql).all(statement.params) : [];

  /** When time alone changes a summary: the earliest end, or first sighting leaving "new today". */
  function changesAt(query: DealQuery, rows: HorizonRow[]): number {
    let at = Infinity;
    for (const row of rows) {
      if (row.next_end !== null) at = Math.min(at, row.next_end);
      if (query.newToday && row.first_seen !== null) at = Math.min(at, row.first_seen + DAY_MS);
    }
    return at;
  }

  const facetValues = (rows: (FacetValue & HorizonRow)[]): FacetValue[] => rows.map(({ value, count }) => ({ value, count }));

  /** The statements a summary reads: the search's single one, or the count and each facet. */
  function summaryStatements(query: DealQuery): { role: string; statement: ListingStatement }[] {
    const combined = searchSummaryStatement(query);
    if (combined) return [{ role: 'search', statement: combined }];
    return Object.entries(listingStatements(query))
      .filter(([role]) => role !== 'page')
      .map(([role, statement]) => ({ role, statement }));
  }

  /** The summary from its statements' rows, in summaryStatements' order. */
  function assemble(query: DealQuery, roles: string[], results: unknown[][]): CachedSummary {
    type Row = FacetValue & HorizonRow & { facet?: string; total?: number; steps?: string; values_total?: number };
    const byRole = new Map(roles.map((role, i) => [role, results[i] as Row[]]));
    const search = byRole.get('search');
    const of = (role: string) => search ? search.filter((row) => row.facet === role) : byRole.get(role) ?? [];
    const countRow = of('count')[0];
    const count = (search ? countRow?.count : countRow?.total) ?? 0;
    const sitesTotal = (search ? of('sitesTotal')[0]?.count : of('sites')[0]?.values_total) ?? 0;
    const steps = stepCounts(search ? countRow?.value : countRow?.steps);
    const fresh = of('newToday')[0];
    const all = search ?? [...byRole.values()].flat();
    // The "new today" count drops when its earliest deal leaves the 24 hours, whatever the filter.
    const freshUntil = fresh?.first_seen == null ? Infinity : fresh.first_seen + DAY_MS;
    return {
      total: count,
      facets: {
        ...facets(of('cities'), of('districts'), of('categories'), of('sites')),
        newToday: (search ? fresh?.count : fresh?.total) ?? 0,
        sitesTotal,
        ...steps,
      },
      computedFor: query.now.getTime(),
      changesAt: Math.min(changesAt(query, all), freshUntil),
    };
  }

  /** A summary read on this thread: for databases a worker cannot open (in memory). */
  function summariseHere(query: DealQuery): CachedSummary {
    const statements = summaryStatements(query);
    return assemble(query, statements.map(({ role }) => role), statements.map(({ statement }) => run(statement)));
  }

  /** A summary read on the worker thread, so the event loop keeps answering meanwhile. */
  async function summarise(query: DealQuery): Promise<CachedSummary> {
    if (!reader) return summariseHere(query);
    const statements = summaryStatements(query);
    const results = await reader.run(statements.map(({ statement }) => statement));
    return assemble(query, statements.map(({ role }) => role), results);
  }

  /**
   * Cities count their own deals plus the nationwide ones, since choosing a city lists both. Every
   * city with a match is listed, whatever the facet limit: a shopper must be able to pick theirs
   * (a few hundred at most; the statement groups them all anyway).
   */
  function facets(rows: FacetValue[], districts: FacetValue[], categories: FacetValue[], sites: FacetValue[]): DealFacets {
    const nationwide = rows.find((row) => row.value === '*')?.count ?? 0;
    const cities = rows
      .filter((row) => row.value !== '*')
      .map((row) => ({ value: row.value, count: row.count + nationwide }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    return {
      cities,
      districts: facetValues(districts as (FacetValue & HorizonRow)[]),
      categories: facetValues(categories as (FacetValue & HorizonRow)[]),
      sites: facetValues(sites as (FacetValue & HorizonRow)[]),
      nationwide,
    };
  }

  function withGroups(rows: DealRow[], now: number): ListedDeal[] {
    const keys = rows.map((row) => row.offer_key).filter((key): key is string => key !== null);
    const summaryOf = keys.length > 0 ? summariesOf(keys, now) : new Map<string, OfferSummary | null>();
    return rows.map((row) => ({
      ...toStoredDeal(row),
      group: row.offer_key === null ? null : listedGroup(summaryOf.get(row.offer_key), row.price_minor),
    }));
  }

  return {
    async search(query: DealQuery): Promise<DealSearchResult> {
      const { total, facets } = await cache.summary(query, () => summarise(query));
      // A filter whose matches are a large share of the live deals finds its page sooner by
      // walking the sort's index (about wanted × live / total rows) than by reading and sorting
      // every match; a narrow one (one site, a small town) the other way round.
      const wanted = query.page * query.pageSize;
      const scanSortIndex = total > 0 && !query.collapseGroups && (wanted * liveDeals()) / total <= SCAN_RATIO_LIMIT;
      const rows = run(listingStatements(query, { scanSortIndex }).page) as DealRow[];
      return { deals: withGroups(rows, query.now.getTime()), total, facets };
    },

    /** Stops the read worker; the storage's close calls it. */
    async close(): Promise<void> {
      cache.close();
      summaries.close();
      await reader?.close();
    },

    async findDetail(id: number, now: Date): Promise<DealDetail | null> {
      const row = byId.get(id);
      if (!row) return null;
      const at = now.getTime();
      const live = row.removed_at === null && (row.ends_at === null || row.ends_at > at) && row.site_status === 'active';
      const summary = row.offer_key === null ? null : summariesOf([row.offer_key], at).get(row.offer_key) ?? null;
      // Other sites' live deals of the offer within the group's price tolerance, cheapest first;
      // shown for an ended deal too, so its page can point to where the offer still runs.
      const sameOffer: StoredDeal[] = summary
        ? sameOfferDeals.all({ key: summary.key, now: at, siteId: row.site_id, lowest: summary.lowestPriceMinor }).map(toStoredDeal)
        : [];
      const priceHistory: PricePoint[] = history.all(id).map((point) => ({
        observedAt: new Date(point.observed_at).toISOString(),
        priceMinor: point.price_minor,
        valueMinor: point.value_minor,
        currency: point.currency,
        soldOut: point.sold_out === 1,
      }));
      return {
        ...toStoredDeal(row), group: live ? listedGroup(summary, row.price_minor) : null, branches: branches.forDeal(id), priceHistory, sameOffer, live,
      };
    },
  };
}
