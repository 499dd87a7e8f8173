// The click path's durability promise, proven the hard way: `dealnav serve` answers /go under
// load from 32 keep-alive clients and is killed with SIGKILL mid-load, three times on the same
// database. Every click id that any client received in a Location must be in clicks.token.
import Database from 'better-sqlite3';
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleSiteSpecs } from '../../src/demo/sample-network';
import { startSampleSite, type RunningSampleSite } from '../../src/demo/sample-site';
import { openStorage } from '../../src/storage';
import { runDealnav, startDealnav } from '../helpers/cli';
import { makeTempDir } from '../helpers/temp-dir';

const CLICK_PARAM = 'dnclick';
const LOOPS = 32;
const LOAD_MS = 1_500;
const MAX_REQUESTS_PER_LOOP = 20_000; // a bound, far above what 1.5 s allows
const CYCLES = 3;
const MIN_REDIRECTS = 300;
const MAX_LOAD_MS = 8_000; // on a crowded machine, keep the load on until MIN_REDIRECTS, up to this
// The load comes from one address: lift the per-visitor click budget.
const env = { DEALNAV_ALLOW_PRIVATE: '', DEALNAV_DB: '', DEALNAV_CLICKS_PER_MINUTE: '0' };

interface Received {
  clickId: string;
  dealId: number;
}

describe('kill -9 during a burst of /go clicks', () => {
  const dir = makeTempDir('dealnav-kill-');
  const dbFile = dir.file('kill.db');
  const spec = sampleSiteSpecs.find((candidate) => candidate.slug === 'letuan')!;
  let site: RunningSampleSite;
  let server: ChildProcess | null = null;
  const everyClickId = new Set<string>();
  const figures: string[] = [];

  beforeAll(async () => {
    site = await startSampleSite(spec, '127.0.0.1', 0);
    const added = await runDealnav(['site', 'add', spec.name, '--slug', spec.slug, '--home', site.homeUrl, '--feed', site.feedUrl,
      '--click-param', CLICK_PARAM, '--db', dbFile], env);
    expect(added.code, added.stderr).toBe(0);
    const crawled = await runDealnav(['crawl', '--db', dbFile, '--allow-private-network'], env);
    expect(crawled.code, crawled.stdout + crawled.stderr).toBe(0);
    expect(crawled.stdout).toMatch(new RegExp(`${spec.deals.length} added`));
  }, 60_000);

  afterAll(async () => {
    if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    await site?.close();
    dir.remove();
    if (figures.length) console.log(`kill-during-clicks:\n  ${figures.join('\n  ')}`);
  });

  const storedClicks = () => {
    const db = new Database(dbFile, { fileMustExist: true });
    try {
      const rows = db.prepare('SELECT token, deal_id AS dealId FROM clicks').all() as { token: string; dealId: number }[];
      return new Map(rows.map((row) => [row.token, row.dealId]));
    } finally {
      db.close();
    }
  };

  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    it(`cycle ${cycle}: every click id handed out before SIGKILL is in clicks.token`, async () => {
      const storedBefore = storedClicks().size;
      const started = await startDealnav(['serve', '--port', '0', '--db', dbFile], /serving on (http:\/\/127\.0\.0\.1:\d+)/, env);
      const child = started.child;
      server = child;
      // The server logs every request; keep draining its pipes but hold only a short tail.
      let tail = '';
      for (const stream of [child.stdout!, child.stderr!]) {
        stream.removeAllListeners('data');
        stream.on('data', (chunk: Buffer) => { tail = (tail + chunk.toString()).slice(-4_000); });
      }
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        child.once('exit', (code, signal) => resolve({ code, signal }));
      });
      const origin = started.match[1]!;

      const listing = await request(`${origin}/api/deals?pageSize=100`);
      const { deals } = await listing.body.json() as { deals: { id: number; url: string }[] };
      expect(deals).toHaveLength(spec.deals.length);
      const urlOf = new Map(deals.map((deal) => [deal.id, deal.url]));

      const agent = new Agent({ connections: LOOPS, pipelining: 1, keepAliveTimeout: 10_000, headersTimeout: 5_000, bodyTimeout: 5_000 });
      const received: Received[] = [];
      let stop = false;
      let failed = 0;
      let otherStatus = 0;
      const loadStarted = Date.now();
      const hardDeadline = loadStarted + MAX_LOAD_MS + 10_000;
      const loop = async (offset: number) => {
        for (let n = 0; n < MAX_REQUESTS_PER_LOOP && !stop && Date.now() < hardDeadline; n++) {
          const deal = deals[(offset + n) % deals.length]!;
          try {
            const response = await request(`${origin}/go/${deal.id}`, { dispatcher: agent });
            await response.body.dump();
            const location = response.headers.location;
            if (response.statusCode !== 302 || typeof location !== 'string') {
              otherStatus++;
              continue;
            }
            // A Location only counts as handed out if it is the deal's URL carrying our click id.
            expect(location.startsWith(urlOf.get(deal.id)!)).toBe(true);
            const clickId = new URL(location).searchParams.get(CLICK_PARAM);
            expect(clickId).toMatch(/^[0-9a-z]+-[A-Za-z0-9_-]{16}$/);
            received.push({ clickId: clickId!, dealId: deal.id });
          } catch (error) {
            if (!stop) throw error; // before the kill, every request must succeed
            failed++;
            return;
          }
        }
      };
      const loops = Array.from({ length: LOOPS }, (_, offset) => loop(offset));
      const allLoops = Promise.allSettled(loops);

      await sleep(LOAD_MS);
      while (received.length < MIN_REDIRECTS && Date.now() - loadStarted < MAX_LOAD_MS) await sleep(50);
      const loadMs = Date.now() - loadStarted;
      const answeredBeforeKill = received.length;
      stop = true; // no new requests; the ones in flight meet the kill
      child.kill('SIGKILL');
      const exit = await exited;
      expect(exit.signal, tail).toBe('SIGKILL');
      server = null;
      const outcomes = await allLoops;
      await agent.destroy();
      const loopErrors = outcomes.filter((outcome) => outcome.status === 'rejected');
      expect(loopErrors.map((outcome) => String((outcome as PromiseRejectedResult).reason))).toEqual([]);
      expect(otherStatus).toBe(0);

      const stored = storedClicks();
      const storedThisCycle = stored.size - storedBefore;
      const missing = received.filter(({ clickId }) => !stored.has(clickId));
      const wrongDeal = received.filter(({ clickId, dealId }) => stored.has(clickId) && stored.get(clickId) !== dealId);
      figures.push(`cycle ${cycle}: ${received.length} redirects received (${answeredBeforeKill} before the kill at ${loadMs} ms), `
        + `${storedThisCycle} clicks stored, ${missing.length} missing, ${failed} requests cut off by SIGKILL`);

      expect(received.length).toBeGreaterThanOrEqual(MIN_REDIRECTS);
      expect({ missing: missing.length, examples: missing.slice(0, 5) }).toEqual({ missing: 0, examples: [] });
      expect(wrongDeal.slice(0, 5)).toEqual([]);
      // No click id is ever handed out twice, within a run or across restarts.
      for (const { clickId } of received) {
        expect(everyClickId.has(clickId)).toBe(false);
        everyClickId.add(clickId);
      }
      // Clicks stored without a redirect reaching anyone can only be requests the kill cut off.
      expect(storedThisCycle).toBeGreaterThanOrEqual(received.length);
      expect(storedThisCycle - received.length).toBeLessThanOrEqual(failed);
    }, 40_000);
  }

  it('after the kills, the reports count every stored click exactly once', async () => {
    // Each kill can leave clicks committed but not rolled up; the next server's roll-up, or this
    // read, folds them in, and the mark keeps any from counting twice.
    const storage = openStorage(dbFile);
    try {
      const rows = await storage.reports.rollup({ grain: 'all', groupBy: 'site', fromDay: 0, toDay: Math.floor(Date.now() / 86_400_000) + 1, siteId: null });
      const counted = rows.reduce((sum, row) => sum + row.billable + row.bots + row.duplicates, 0);
      expect(counted).toBe(await storage.clicks.count());
      expect(counted).toBeGreaterThan(0);
    } finally {
      await storage.close();
    }
  });
});
