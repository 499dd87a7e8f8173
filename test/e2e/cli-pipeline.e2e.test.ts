// The whole slice through the real `dealnav` CLI, as an operator would run it: a sample group-buy
// site on loopback → site add → site list → crawl → feeds → serve → /api/deals → /go → the site's
// deal page showing the click id. Plus the address guard, help and usage errors, and migrate.
import Database from 'better-sqlite3';
import * as cheerio from 'cheerio';
import type { ChildProcess } from 'node:child_process';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleSiteSpecs } from '../../src/demo/sample-network';
import { startSampleSite, type RunningSampleSite } from '../../src/demo/sample-site';
import { schemaVersion } from '../../src/storage/sqlite/migrations';
import { runDealnav, startDealnav, type CliResult } from '../helpers/cli';
import { makeTempDir } from '../helpers/temp-dir';

// The guard stays on unless a command is given --allow-private-network.
const env = { DEALNAV_ALLOW_PRIVATE: '', DEALNAV_DB: '' };
const dealnav = (...args: string[]) => runDealnav(args, env);
const SLOW = 40_000;

const noStack = (result: CliResult) => expect(result.stderr + result.stdout).not.toMatch(/^\s+at /m);

/**
 * 乐团网's five deals as src/demo/sample-deals.ts writes them (price/value strings, in yuan),
 * here in fen, worked out by hand: '1,280.00' is ¥1280.00 = 128000 fen.
 */
const letuanExpected: Record<string, { priceMinor: number; valueMinor: number; nationwide: boolean }> = {
  3172: { priceMinor: 6_800, valueMinor: 15_800, nationwide: false }, // ¥68.00 hotpot for two, 成都
  3173: { priceMinor: 3_900, valueMinor: 10_000, nationwide: false }, // ¥39.00 IMAX ticket, 北京市
  3174: { priceMinor: 12_800, valueMinor: 39_800, nationwide: false }, // ¥128.00 SPA, 上海
  3175: { priceMinor: 3_500, valueMinor: 8_800, nationwide: true }, // ¥35.00 hand cream, 全国
  3176: { priceMinor: 128_000, valueMinor: 268_000, nationwide: false }, // ¥1,280.00 Sanya trip, 广州
};

describe('dealnav CLI: help, usage errors and migrate', () => {
  const dir = makeTempDir('dealnav-cli-');
  afterAll(() => dir.remove());

  it('dealnav --help lists every command and exits 0', async () => {
    const result = await dealnav('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: dealnav <command> \[options\]$/m);
    for (const name of ['serve', 'demo', 'crawl', 'parse', 'site', 'feeds', 'migrate']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    }
    expect(result.stderr).toBe('');
  }, SLOW);

  it('dealnav site --help prints the site usage and exits 0', async () => {
    const result = await dealnav('site', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('dealnav site add NAME --home URL --feed URL');
    expect(result.stdout).toContain('dealnav site list');
    expect(result.stdout).toContain('--click-param NAME');
    expect(result.stderr).toBe('');
  }, SLOW);

  it('an unknown command exits 2 with the error on stderr, nothing on stdout, no stack', async () => {
    const result = await dealnav('frobnicate');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    noStack(result);
    const [first, ...rest] = result.stderr.trimEnd().split('\n');
    expect(first).toBe("dealnav: unknown command 'frobnicate'");
    // UsageError adds at most a pointer to --help (src/cli/command.ts); nothing else.
    expect(rest.length).toBeLessThanOrEqual(1);
    for (const line of rest) expect(line).toMatch(/--help/);
  }, SLOW);

  it('dealnav migrate --db FILE creates the schema, then reports it current', async () => {
    const file = dir.file('migrate.db');
    const first = await dealnav('migrate', '--db', file);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim()).toBe(`${file}: migrated from version 0 to ${schemaVersion}`);
    const db = new Database(file, { fileMustExist: true, readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(schemaVersion);
      expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'clicks'").get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
    const second = await dealnav('migrate', '--db', file);
    expect(second.code).toBe(0);
    expect(second.stdout.trim()).toBe(`${file}: schema is current (version ${schemaVersion})`);
  }, SLOW);
});

describe('dealnav CLI pipeline: sample site → crawl → serve → click-out', () => {
  const dir = makeTempDir('dealnav-pipeline-');
  const dbFile = dir.file('pipeline.db');
  const spec = sampleSiteSpecs.find((candidate) => candidate.slug === 'letuan')!;
  let site: RunningSampleSite;
  let server: ChildProcess | null = null;
  let origin = '';

  const readDb = <T>(read: (db: Database.Database) => T): T => {
    const db = new Database(dbFile, { fileMustExist: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  };
  const dealRows = () => readDb((db) => db.prepare('SELECT * FROM deals ORDER BY id').all());
  const lastRun = () => readDb((db) => db.prepare('SELECT outcome, error_code, added FROM crawl_runs ORDER BY id DESC LIMIT 1').get());

  beforeAll(async () => {
    site = await startSampleSite(spec, '127.0.0.1', 0);
  });

  afterAll(async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    }
    await site?.close();
    dir.remove();
  });

  it('site add registers the site and its feed', async () => {
    const result = await dealnav('site', 'add', spec.name, '--slug', spec.slug, '--home', site.homeUrl,
      '--feed', site.feedUrl, '--click-param', 'dnclick', '--db', dbFile);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(`site letuan (#1) registered; feed #1 ${site.feedUrl} every 60 min`);
  }, SLOW);

  it('site list shows it with its click parameter and feed', async () => {
    const result = await dealnav('site', 'list', '--db', dbFile);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('#1 letuan');
    expect(lines[0]).toContain('乐团网');
    expect(lines[0]).toContain(site.homeUrl);
    expect(lines[0]).toContain('click: ?dnclick={clickId}');
    expect(lines[1]).toContain(`feed #1 ${site.feedUrl}`);
  }, SLOW);

  it('crawl without --allow-private-network is refused by the address guard: exit 1, error recorded, no fetch, no deals', async () => {
    const requestsBefore = site.feedRequests();
    const result = await dealnav('crawl', '--db', dbFile);
    expect(result.code).toBe(1);
    noStack(result);
    expect(result.stdout).toMatch(/failed \(blocked_address\): 127\.0\.0\.1 is not a public address/);
    expect(site.feedRequests()).toBe(requestsBefore);
    expect(dealRows()).toEqual([]);
    expect(lastRun()).toEqual({ outcome: 'failed', error_code: 'blocked_address', added: 0 });

    const feeds = await dealnav('feeds', '--db', dbFile);
    expect(feeds.code).toBe(0);
    expect(feeds.stdout).toContain('FAILING ×1: blocked_address');
    expect(feeds.stdout).toMatch(/ failed \d+ms .*blocked_address: 127\.0\.0\.1 is not a public address/);
  }, SLOW);

  it('crawl --allow-private-network fetches the feed and prints the counts', async () => {
    const requestsBefore = site.feedRequests();
    const result = await dealnav('crawl', '--db', dbFile, '--allow-private-network');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^\\[1/1\\] letuan feed #1 ${site.feedUrl.replace(/[.?]/g, '\\$&')} … hao123: 5 items, 5 added, 0 updated, 0 unchanged, 0 removed \\[\\d+\\.\\ds\\]$`, 'm'));
    expect(site.feedRequests()).toBe(requestsBefore + 1);
    expect(dealRows()).toHaveLength(5);
  }, SLOW);

  it('feeds shows the successful run above the refused one', async () => {
    const result = await dealnav('feeds', '--db', dbFile);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`#1 letuan ${site.feedUrl}`);
    expect(lines[1]).toMatch(/^    active, every 60 min, next \S+; ok, last success \S+$/);
    expect(lines[2]).toMatch(/^    \S+ ok \d+ms HTTP 200 \d+B hao123 items 5 \+5 ~0 -0$/);
    expect(lines[3]).toMatch(/^    \S+ failed \d+ms HTTP - 0B +items 0 blocked_address: /);
  }, SLOW);

  it('a refused crawl after a good one changes no deals', async () => {
    const before = dealRows();
    const requestsBefore = site.feedRequests();
    const result = await dealnav('crawl', '--db', dbFile);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('failed (blocked_address)');
    expect(site.feedRequests()).toBe(requestsBefore);
    expect(dealRows()).toEqual(before);
    expect(lastRun()).toEqual({ outcome: 'failed', error_code: 'blocked_address', added: 0 });
    const feeds = await dealnav('feeds', '--db', dbFile);
    expect(feeds.stdout).toContain('FAILING ×1: blocked_address');
  }, SLOW);

  it('serve answers GET /api/deals with the sample deals at their exact prices', async () => {
    const started = await startDealnav(['serve', '--port', '0', '--db', dbFile], /serving on (http:\/\/127\.0\.0\.1:\d+)/, env);
    server = started.child;
    origin = started.match[1]!;
    const response = await request(`${origin}/api/deals?pageSize=100`);
    expect(response.statusCode).toBe(200);
    const body = await response.body.json() as { total: number; deals: any[] };
    expect(body.total).toBe(5);
    expect(body.deals.map((deal) => deal.externalId).sort()).toEqual(Object.keys(letuanExpected).sort());
    for (const deal of body.deals) {
      const sample = spec.deals.find((candidate) => candidate.id === deal.externalId)!;
      expect(deal).toMatchObject({
        ...letuanExpected[deal.externalId],
        currency: 'CNY',
        site: 'letuan',
        siteName: '乐团网',
        title: sample.title,
        url: `${site.homeUrl}team.php?id=${sample.id}`,
        sold: sample.bought,
        clickUrl: `/go/${deal.id}`,
      });
    }
    const hotpot = body.deals.find((deal) => deal.externalId === '3172');
    expect(hotpot).toMatchObject({ priceMinor: 6800, currency: 'CNY', title: '仅售68元！价值158元的川味火锅双人套餐，含锅底+8道菜品&饮料' });
  }, SLOW);

  it('GET /go/:id answers 302 to the site\'s deal URL with dnclick=<id>, and the site shows that id', async () => {
    const { deals } = await (await request(`${origin}/api/deals?pageSize=100`)).body.json() as { deals: any[] };
    const hotpot = deals.find((deal) => deal.externalId === '3172');
    const go = await request(`${origin}/go/${hotpot.id}`);
    await go.body.dump();
    expect(go.statusCode).toBe(302);
    expect(go.headers['cache-control']).toBe('no-store');
    const location = String(go.headers.location);
    const clickId = new URL(location).searchParams.get('dnclick');
    expect(clickId).toMatch(/^[0-9a-z]+-[A-Za-z0-9_-]{16}$/);
    expect(location).toBe(`${site.homeUrl}team.php?id=3172&dnclick=${clickId}`);

    // The click was committed before the redirect was answered.
    const stored = readDb((db) => db.prepare('SELECT deal_id AS dealId, site_id AS siteId FROM clicks WHERE token = ?').get(clickId));
    expect(stored).toEqual({ dealId: hotpot.id, siteId: 1 });

    // Following the redirect lands on 乐团网's page for that deal, which shows the click id it got.
    const page = await request(location);
    expect(page.statusCode).toBe(200);
    const $ = cheerio.load(await page.body.text());
    expect($('#click-id').text()).toBe(clickId);
    expect($('body').text()).toContain('川味火锅双人套餐');

    // A second click on the same deal gets a different id.
    const again = await request(`${origin}/go/${hotpot.id}`);
    await again.body.dump();
    expect(again.statusCode).toBe(302);
    expect(new URL(String(again.headers.location)).searchParams.get('dnclick')).not.toBe(clickId);
  }, SLOW);
});
