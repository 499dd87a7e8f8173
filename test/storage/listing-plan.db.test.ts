// Every listing query must reach deals through an index: a full `SCAN d` (the table without an
// index) on a million deals is a regression this test catches before the benchmark does.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage, type DealQuery, type DealSort, type Storage } from '../../src/storage';
import { listingStatements } from '../../src/storage/sqlite/deal-search';
import { dealRecord } from '../helpers/deal-record';
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

  /** The query plan of every statement one search runs, by role (page, count, cities, …). */
  function plansOf(query: Partial<DealQuery>, options: { scanSortIndex?: boolean } = {}): Record<string, string> {
    const statements = listingStatements({ now: new Date(), sort: 'newest', page: 1, pageSize: 24, ...query }, options);
    return Object.fromEntries(Object.entries(statements).map(([role, { sql, params }]) => {
      const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[];
      return [role, rows.map((row) => row.detail).join('\n')];
    }));
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

  it('a site filter and collapsed groups use indexes', () => {
    const plans = plansOf({ sites: ['letuan'], collapseGroups: true, sort: 'price' });
    for (const plan of Object.values(plans)) expect(plan).not.toMatch(fullScan);
    expect(plans.page).toMatch(/deals_live_offer/);
  });
});
