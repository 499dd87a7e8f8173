// Every listing query must reach deals through an index: a full `SCAN d` (the table without an
// index) on a million deals is a regression this test catches before the benchmark does.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage, type DealQuery, type DealSort, type Storage } from '../../src/storage';
import { listingStatements, offerStatementsSql, searchSummaryStatement } from '../../src/storage/sqlite/deal-search';
import { dealRecord } from '../helpers/deal-record';
import { queryPlan } from '../helpers/query-plan';
import { makeTempDir } from '../helpers/temp-dir';

const sorts: DealSort[] = ['newest', 'price', 'price-desc', 'discount', 'popular', 'ending'];

describe('listing query plans (EXPLAIN QUERY PLAN on a real SQLite file)', () => {
  const dir = makeTempDir();
  let storage: Storage;
  let db: Database.Database;

  beforeAll(async () => {
    storage = openStorage(dir.file('plan.db'));
    const site = await storage.sites.upsert({ slug: 'letuan', name: '乐团网', homeUrl: 'http://letuan.example/' });
    const feed = await storage.feeds.upsert({ siteId: site.id, url: 'http://letuan.example/feed' });
    await storage.deals.applyFeedSnapshot(feed, Array.from({ length: 200 }, (_, i) => dealRecord({
      externalId: `d${i}`, title: `川味火锅双人餐 ${i}`, city: i % 3 ? 'chengdu' : 'beijing', nationwide: i % 10 === 0,
      category: i % 2 ? 'food' : 'beauty', priceMinor: 1000 + i, merchant: { name: `店${i % 20}`, phone: null, address: null },
    })), new Date());
    db = new Database(dir.file('plan.db'), { readonly: true });
  });
  afterAll(async () => {
    db.close();
    await storage.close();
    dir.remove();
  });

  const planOf = (sql: string, params: Record<string, unknown>) => queryPlan(db, sql, params);

  /** The query plan of every statement one search runs, by role (page, count, cities, …). */
  function plansOf(query: Partial<DealQuery>, options: { scanSortIndex?: boolean } = {}): Record<string, string> {
    const statements = listingStatements({ now: new Date(), sort: 'newest', page: 1, pageSize: 24, ...query }, options);
    return Object.fromEntries(Object.entries(statements).map(([role, { sql, params }]) => [role, planOf(sql, params)]));
  }

  // `SCAN d` alone is the whole table without an index; `SCAN d USING … INDEX` walks an index.
  const fullScan = /^(SCAN|SEARCH) (d|deals)$/m;

  it.each(sorts)('a city with a category, sorted by %s, and every facet use indexes', (sort) => {
    const plans = plansOf({ city: 'chengdu', category: 'food', sort });
    expect(Object.keys(plans)).toEqual(['page', 'count', 'cities', 'districts', 'categories', 'sites', 'newToday']);
    for (const plan of Object.values(plans)) {
      expect(plan).not.toMatch(fullScan);
      expect(plan).toMatch(/USING (COVERING )?INDEX deals_live_/);
    }
    // The sort's own (geo, category, key) index, walked in order for the city and for '*', merged:
    // the page stops after its rows instead of sorting every match (issue: listing at 1M deals).
    const index = { newest: 'newest', price: 'price', 'price-desc': 'price', discount: 'discount', popular: 'popular', ending: 'ending' }[sort];
    expect(plans.page).toMatch(new RegExp(`INDEX deals_live_geo_${index} \\(geo=\\? AND category=\\?\\)`));
    expect(plans.page).toMatch(/MERGE \(UNION ALL\)/);
    expect(plans.page).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
    for (const role of ['count', 'cities', 'districts', 'categories', 'sites', 'newToday']) expect(plans[role]).toMatch(/COVERING INDEX/);
  });

  // The search walks the sort's index whenever the matches are a large share of the deals (the
  // whole country, a big city or category); ties of the sort are ordered by credibility only
  // within a run of equal keys ("LAST 2 TERMS"), never by sorting every match.
  it.each(sorts)('the whole country, a city alone or a category alone sorted by %s reads its order from the sort index', (sort) => {
    const index = { newest: 'newest', price: 'price', 'price-desc': 'price', discount: 'discount', popular: 'popular', ending: 'ending' }[sort];
    for (const filter of [{}, { city: 'chengdu' }, { category: 'food' }]) {
      const { page } = plansOf({ sort, ...filter }, { scanSortIndex: true });
      expect(page).toMatch(new RegExp(`SCAN d USING INDEX deals_live_${index}\\b`));
      expect(page).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
    }
  });

  it('a Chinese search drives from the FTS5 index', () => {
    const plans = plansOf({ q: '火锅', city: 'chengdu' });
    for (const plan of Object.values(plans)) expect(plan).not.toMatch(fullScan);
    expect(plans.page).toMatch(/VIRTUAL TABLE INDEX/);
  });

  // A search's total and facets run as one statement (searchSummaryStatement), not the count and
  // facets above. Its CTE `m` (the matches) is the only reader of deals: from the FTS5 index, then
  // by rowid; every arm after it scans `m` (aliased `d` there, so its plan lines read `SCAN d`).
  it.each([
    { q: '火锅' }, { q: '火锅', city: 'chengdu' }, { q: '火锅', city: 'chengdu', category: 'food', sites: ['letuan'] },
    { q: 'hotpot', minDiscount: 50, minScore: 60, priceMax: 5000, priceCurrency: 'CNY', newToday: true },
  ])('the search summary statement of %j reads deals only through the FTS5 index and by rowid', (filter) => {
    const statement = searchSummaryStatement({ now: new Date(), sort: 'newest', page: 1, pageSize: 24, ...filter });
    expect(statement).not.toBeNull();
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${statement!.sql}`).all(statement!.params) as { id: number; parent: number; detail: string }[];
    const materialise = rows.find((row) => row.detail === 'MATERIALIZE m');
    expect(materialise).toBeDefined();
    const inside = new Set([materialise!.id]);
    for (const row of rows) if (inside.has(row.parent)) inside.add(row.id);
    const detailsOf = (keep: (row: { id: number }) => boolean) => rows.filter(keep).map((row) => row.detail).join('\n');
    const matching = detailsOf((row) => inside.has(row.id));
    expect(matching).toMatch(/SCAN f VIRTUAL TABLE INDEX/);
    expect(matching).toMatch(/SEARCH d USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(matching).not.toMatch(fullScan);
    const arms = detailsOf((row) => !inside.has(row.id) && row.id !== materialise!.id);
    expect(arms).not.toMatch(/deals_|SEARCH d USING|VIRTUAL TABLE INDEX 0/);
  });

  it('the offer-group statements (a page\'s group summaries, the deal page\'s same offer) seek deals_live_offer', () => {
    const summaries = planOf(offerStatementsSql.offerSummaries, { keys: '["k1","k2"]', now: Date.now() });
    const sameOffer = planOf(offerStatementsSql.sameOfferDeals, { key: 'k1', now: Date.now(), siteId: 1, lowest: 1000 });
    for (const plan of [summaries, sameOffer]) {
      expect(plan).not.toMatch(fullScan);
      expect(plan).toMatch(/SEARCH (d|m) USING INDEX deals_live_offer \(offer_key=\?/);
    }
    expect(summaries.match(/deals_live_offer/g)?.length).toBeGreaterThanOrEqual(2);
    expect(sameOffer).not.toMatch(/TEMP B-TREE/);
  });

  it('a price filter in one currency keeps the count and facets on their covering index', () => {
    const plans = plansOf({ city: 'chengdu', category: 'food', priceMax: 5000, priceCurrency: 'CNY', minDiscount: 30 });
    for (const plan of Object.values(plans)) {
      expect(plan).not.toMatch(fullScan);
      expect(plan).toMatch(/USING (COVERING )?INDEX deals_live_/);
    }
  });

  it('a site filter and collapsed groups use indexes', () => {
    const plans = plansOf({ sites: ['letuan'], collapseGroups: true, sort: 'price' });
    for (const plan of Object.values(plans)) expect(plan).not.toMatch(fullScan);
    expect(plans.page).toMatch(/deals_live_offer/);
  });
});
