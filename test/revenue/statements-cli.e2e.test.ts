// `dealnav statements close` through the real CLI, on a SQLite file the test filled with last
// month's clicks (billable, a bot, a duplicate) and a CPC term: the close prints the frozen
// statement, writes the month's CPC commission to the ledger once, and refuses to close it again
// or to close a month that is not over; `statements show` then answers the frozen snapshot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodOf } from '../../src/revenue/periods';
import { openStorage, type NewClick } from '../../src/storage';
import { runDealnav } from '../helpers/cli';
import { dealRecord } from '../helpers/deal-record';
import { makeTempDir } from '../helpers/temp-dir';

const env = { DEALNAV_DB: '' };

/** The month before the one `now` is in, as YYYY-MM, and an instant in it. */
function lastMonth(now: Date): { period: string; at: (day: number) => Date } {
  const first = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1);
  return { period: periodOf(new Date(first)), at: (day) => new Date(first + (day - 1) * 86_400_000 + 3_600_000) };
}

describe('dealnav statements close', () => {
  const dir = makeTempDir('dealnav-statements-');
  const db = dir.file('statements.db');
  const dealnav = (...args: string[]) => runDealnav([...args, '--db', db], env);
  const month = lastMonth(new Date());

  beforeAll(async () => {
    const added = await dealnav('site', 'add', '乐团网', '--home', 'http://www.letuan.example/', '--feed', 'http://www.letuan.example/api.xml', '--slug', 'letuan');
    expect(added.code, added.stderr).toBe(0);
    const term = await dealnav('terms', 'set', 'letuan', '--model', 'cpc', '--amount', '0.30', '--currency', 'CNY', '--from', `${month.period}-01`);
    expect(term.code, term.stderr).toBe(0);
    const storage = openStorage(db);
    try {
      const site = (await storage.sites.findBySlug('letuan'))!;
      const feed = (await storage.feeds.listForSite(site.id))[0]!;
      await storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: 'a', url: 'http://www.letuan.example/t/a' })], new Date());
      const dealId = (await storage.deals.listLive({ now: new Date(), page: 1, pageSize: 1 })).deals[0]!.id;
      const click = (id: number, day: number, flags: Partial<NewClick> = {}): NewClick => ({
        id, token: `t${id}`, dealId, siteId: site.id, createdAt: month.at(day), city: null, subId: null, referrer: null,
        userAgent: 'Mozilla/5.0', ipHash: `v${id}`, isBot: false, isDuplicate: false, ...flags,
      });
      await storage.clicks.insertBatch([click(1, 2), click(2, 9), click(3, 20), click(4, 20, { isBot: true }), click(5, 20, { isDuplicate: true })]);
    } finally {
      await storage.close();
    }
  }, 60_000);
  afterAll(() => { dir.remove(); });

  it('closes a finished month once, writing its CPC commission to the ledger', async () => {
    const closed = await dealnav('statements', 'close', 'letuan', month.period, '--csv');
    expect(closed.code, closed.stderr).toBe(0);
    expect(closed.stderr).toContain(`${month.period} of letuan closed: later events land in the next open month.`);
    const [header, row] = closed.stdout.trim().split('\r\n');
    expect(header).toBe('site,period,currency,closed_at,total_clicks,billable_clicks,bot_clicks,duplicate_clicks,conversions,sales,leads,'
      + 'sales_amount,commission_pending,commission_approved,commission_reversed,commission_cpc,adjustments,payable');
    // 3 billable clicks × 0.30 CNY; the bot and the repeat are not paid.
    expect(row).toMatch(new RegExp(`^letuan,${month.period},CNY,\\d{4}-[^,]+,5,3,1,1,0,0,0,0\\.00,0\\.00,0\\.00,0\\.00,0\\.90,0\\.00,0\\.90$`));

    const storage = openStorage(db);
    try {
      const site = (await storage.sites.findBySlug('letuan'))!;
      const cpc = (await storage.revenue.listEntries(site.id)).filter((entry) => entry.source === 'cpc');
      expect(cpc.map((entry) => [entry.period, entry.bucket, entry.amountMinor, entry.currency])).toEqual([[month.period, 'approved', 90, 'CNY']]);
    } finally {
      await storage.close();
    }

    const again = await dealnav('statements', 'close', 'letuan', month.period);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(new RegExp(`${month.period} of letuan was already closed at`));

    const shown = await dealnav('statements', 'show', 'letuan', month.period);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^letuan ${month.period} \\(.*\\) closed \\d{4}-`));
    expect(shown.stdout).toContain('clicks: 3 billable of 5 (1 bots, 1 duplicates filtered)');
    expect(shown.stdout).toContain('cpc 0.90 CNY');
  });

  it('refuses to close the month under way, an unknown site, and a malformed month', async () => {
    const current = await dealnav('statements', 'close', 'letuan', periodOf(new Date()));
    expect(current.code).toBe(1);
    expect(current.stderr).toMatch(/is not over yet/);
    const unknown = await dealnav('statements', 'close', 'nosuch', month.period);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no site 'nosuch'");
    const malformed = await dealnav('statements', 'close', 'letuan', '2026-13');
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('needs SLUG and a month YYYY-MM');
  });
});
