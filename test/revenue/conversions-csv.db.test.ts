// The owner's conversions CSV on a real SQLite file: pages of a few rows, and an order recorded
// while the download runs, with a time among the rows already sent. Paging by OFFSET sent a row
// twice (every later row moved down one place); the walk continues after the last row it read.
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { siteConversionsCsv } from '../../src/revenue/conversions-csv';
import { openStorage, type RevenueRepository, type Site, type Storage } from '../../src/storage';
import { conversionStatementsSql } from '../../src/storage/sqlite/conversions';
import { dealRecord } from '../helpers/deal-record';
import { queryPlan } from '../helpers/query-plan';
import { makeTempDir } from '../helpers/temp-dir';

const CLICK_ID = 1;
const minute = (m: number) => new Date(Date.UTC(2026, 10, 20, 10, m));

describe('the conversions CSV, read a page at a time', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let storage: Storage;
  let site: Site;

  beforeEach(async () => {
    dir = makeTempDir();
    storage = openStorage(dir.file('conversions.db'));
    site = await storage.sites.upsert({ slug: 'letuan', name: '乐团网', homeUrl: 'http://letuan.example/' });
    const feed = await storage.feeds.upsert({ siteId: site.id, url: 'http://letuan.example/feed' });
    await storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: 'a' })], new Date());
    const dealId = (await storage.deals.listLive({ now: new Date(), page: 1, pageSize: 1 })).deals[0]!.id;
    await storage.clicks.insertBatch([{
      id: CLICK_ID, token: 'click-1', dealId, siteId: site.id, createdAt: minute(0), city: null, subId: null,
      referrer: null, userAgent: null, ipHash: 'ip', isBot: false, isDuplicate: false,
    }]);
  });
  afterEach(async () => {
    await storage.close();
    dir.remove();
  });

  const record = (orderId: string, occurredAt: Date, amountMinor: number) => storage.revenue.transaction((tx) => tx.insertConversion({
    siteId: site.id, clickId: CLICK_ID, orderId, kind: 'sale', amountMinor, currency: 'CNY', status: 'pending', occurredAt, termId: null, now: new Date(),
  }));

  /** The storage, but the first page read also records `late` before the CSV asks for the next. */
  function recordingAfterFirstPage(late: () => void): { storage: Storage; pagesRead: () => number } {
    let pages = 0;
    const revenue = new Proxy(storage.revenue, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (name !== 'listConversionsBefore' || typeof value !== 'function') return value;
        return async (...args: Parameters<RevenueRepository['listConversionsBefore']>) => {
          const page = await target.listConversionsBefore(...args);
          if (++pages === 1) late();
          return page;
        };
      },
    });
    return { storage: new Proxy(storage, { get: (target, name) => (name === 'revenue' ? revenue : Reflect.get(target, name)) }), pagesRead: () => pages };
  }

  const readCsv = async (stream: NodeJS.ReadableStream): Promise<string[][]> => {
    let text = '';
    for await (const chunk of stream) text += String(chunk);
    return (parse(text, { bom: true }) as string[][]).slice(1);
  };

  it('sends every order exactly once when one is recorded in the part already sent', async () => {
    // Newest first: O1, then O3 and O2 at the same minute (the larger id first), O4, O5. Pages of
    // two split the tie: [O1, O3], [O2, O4], [O5].
    record('O1', minute(5), 100);
    record('O2', minute(4), 200);
    record('O3', minute(4), 300);
    record('O4', minute(2), 400);
    record('O5', minute(1), 500);
    const reading = recordingAfterFirstPage(() => record('LATE', new Date(minute(4).getTime() + 30_000), 10_000));

    const rows = await readCsv(siteConversionsCsv(reading.storage, site.id, minute(10), 2));

    // LATE sorts before the position the walk had reached, so this download leaves it out; every
    // order that was there when it started is sent once, in order, and the amounts add up.
    expect(rows.map((row) => row[0])).toEqual(['O1', 'O3', 'O2', 'O4', 'O5']);
    expect(rows.reduce((total, row) => total + Number(row[4]), 0)).toBe(15);
    expect(await storage.revenue.findConversion(site.id, 'LATE')).not.toBeNull();
    expect(reading.pagesRead()).toBe(3);
  });

  it('sends only what happened before the download began, and nothing of another site', async () => {
    record('PAST', minute(1), 100);
    record('AT-UNTIL', minute(10), 100);
    const other = await storage.sites.upsert({ slug: 'other', name: 'Other', homeUrl: 'http://other.example/' });
    const rows = await readCsv(siteConversionsCsv(storage, other.id, minute(10), 2));
    expect(rows).toEqual([]);
    expect((await readCsv(siteConversionsCsv(storage, site.id, minute(10), 2))).map((row) => row[0])).toEqual(['PAST']);
  });

  it('seeks conversions_site_time for each page, in its order, like the numbered pages', () => {
    const db = new Database(dir.file('conversions.db'), { readonly: true });
    try {
      const numbered = queryPlan(db, conversionStatementsSql.page, [site.id, 0, Date.now(), 2, 4]);
      const walk = queryPlan(db, conversionStatementsSql.pageBefore, [site.id, 0, Date.now(), 7, 2]);
      for (const plan of [numbered, walk]) {
        expect(plan).toMatch(/^SEARCH c USING INDEX conversions_site_time \(site_id=\? AND occurred_at>\? AND occurred_at<\?\)$/m);
        expect(plan).toMatch(/^SEARCH k USING INTEGER PRIMARY KEY \(rowid=\?\)$/m);
        expect(plan).not.toMatch(/TEMP B-TREE/);
      }
    } finally {
      db.close();
    }
  });
});
