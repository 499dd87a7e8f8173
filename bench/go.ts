// /go benchmark: throughput and latency of the click redirect under autocannon, as a ratio to a
// bare fastify route answering the same 302 without storage, measured in the same run. Beside
// them, for comparison only, another open-source redirector (serve-handler, the routing core of
// Vercel's `serve`) answering the same five links from its redirect rules.
//
// Layout: each server runs in its own child process (this file with a `serve-*` mode), fresh for
// every round; autocannon runs in this process. On a 2-core machine that is one core for the
// server and one for the load generator. Rounds alternate bare, app, redirector, bare, app, redirector.
import Fastify from 'fastify';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isEntry, projectDir, round, type BenchOptions, type Table } from './ingest';
import { autocannon } from './autocannon';
import { serveHandler, serveHandlerVersion } from './serve-handler';


const here = fileURLToPath(import.meta.url);
const runTs = join(projectDir, 'bin/run-ts.js');

/** The sample deals' ids in the feed; deal n (1-based) has external id DEAL_EXTERNAL_IDS[n-1]. */
const DEAL_EXTERNAL_IDS = ['3172', '3173', '3174', '3175', '3176'];
const dealUrl = (externalId: string) => `http://www.letuan.example/team.php?id=${externalId}`;
const CONNECTIONS = 50;
const HEADERS = {
  'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  referer: 'http://127.0.0.1/deals',
};

/** cpuMicros: the server process's CPU time so far (user + system), read in the child. */
interface ServerStats { sent302: number; clicks: number | null; cpuMicros: number }
type ToParent = { ready: string } | { stats: ServerStats };

interface ChildServer { address: string; stats(): Promise<ServerStats>; close(): Promise<void> }

// ---------------------------------------------------------------------------------------------
// Child modes.

/** A fastify route answering the same 302 as /go (same Location length and headers), with no storage. */
async function serveBare(): Promise<ChildServer> {
  const app = Fastify({ logger: false });
  let sent302 = 0;
  let next = 1;
  app.get<{ Params: { dealId: string } }>('/go/:dealId', async (request, reply) => {
    const externalId = DEAL_EXTERNAL_IDS[(Number(request.params.dealId) - 1) % DEAL_EXTERNAL_IDS.length] ?? '3172';
    // Same shape as the app's click id: base36 key, '-', 16 signature characters.
    const location = `${dealUrl(externalId)}&dnclick=${(next++).toString(36)}-${'Q5xv0ZkLr2MbT8aW'}`;
    return reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'origin').redirect(location, 302);
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  count302(app.server, () => sent302++);
  return { address, stats: async () => ({ sent302, clicks: null, cpuMicros: cpuMicros() }), close: () => app.close() };
}

/** The real server (startServer) on a temp database with one site, its feed (paused) and five deals. */
async function serveApp(dir: string): Promise<ChildServer> {
  const { openStorage } = await import('../src/storage');
  const { startServer } = await import('../src/server');
  const { dealRecord } = await import('../test/helpers/deal-record');
  const dbPath = join(dir, 'go.db');
  const setup = openStorage(dbPath);
  const site = await setup.sites.upsert({ slug: 'letuan', name: '乐团网', homeUrl: 'http://www.letuan.example/', clickParam: 'dnclick' });
  const feed = await setup.feeds.upsert({ siteId: site.id, url: 'http://www.letuan.example/api/hao123.xml' });
  await setup.deals.applyFeedSnapshot({ id: feed.id, siteId: site.id }, DEAL_EXTERNAL_IDS.map((externalId) =>
    dealRecord({ externalId, site: 'letuan', url: dealUrl(externalId), title: `仅售68元！价值158元的双人套餐 ${externalId}`, city: 'chengdu' })), new Date());
  // Paused, so the scheduler startServer starts has nothing to crawl during the run.
  await setup.feeds.pause(feed.id, 'benchmark: no crawling during the /go run');
  await setup.close();

  const server = await startServer({ dbPath, host: '127.0.0.1', port: 0, allowPrivateNetwork: true }, { background: false });
  let sent302 = 0;
  count302(server.app.server, () => sent302++);
  return {
    address: server.address,
    stats: async () => {
      const cpu = cpuMicros(); // before the count, which is the bench's question, not a click's cost
      return { sent302, clicks: await server.storage.clicks.count(), cpuMicros: cpu };
    },
    close: () => server.close(),
  };
}

/**
 * Another open-source redirector: serve-handler mounted on node:http as its README and `serve` mount it,
 * with one 302 rule per deal, the way a short-link table would hold them. It finds the rule by scanning
 * the list per request (per rule a path-to-regexp compiled and matched, and a minimatch glob test when
 * that fails) and stores nothing per redirect.
 */
async function serveRedirector(dir: string): Promise<ChildServer> {
  const redirects = DEAL_EXTERNAL_IDS.map((externalId, index) =>
    ({ source: `/go/${index + 1}`, destination: dealUrl(externalId), type: 302 as const }));
  // An empty folder, so a request no rule matches is a 404 instead of a file of this project.
  const config = { public: dir, redirects, directoryListing: false };
  let sent302 = 0;
  const server = createServer();
  // Counted before the handler is added: serve-handler ends a redirect within its own listener.
  count302(server, () => sent302++);
  server.on('request', (request, response) => void serveHandler(request, response, config));
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return {
    address: `http://127.0.0.1:${port}`,
    stats: async () => ({ sent302, clicks: null, cpuMicros: cpuMicros() }),
    close: () => new Promise((closed) => { server.close(() => closed()); server.closeAllConnections(); }),
  };
}

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** Counts the 302s a node:http server finished sending (the same listener on every server). */
function count302(server: Server, onRedirect: () => void): void {
  server.on('request', (_request, response: ServerResponse) => {
    response.once('finish', () => { if (response.statusCode === 302) onRedirect(); });
  });
}

const CHILD_MODES: Record<string, (dir: string) => Promise<ChildServer>> = {
  'serve-bare': serveBare,
  'serve-app': serveApp,
  'serve-redirector': serveRedirector,
};

async function childMain(mode: string, dir: string): Promise<void> {
  const server = await CHILD_MODES[mode]!(dir);
  const send = (message: ToParent) => process.send!(message);
  process.on('message', (message: string) => {
    if (message === 'stats') void server.stats().then((stats) => send({ stats }));
    if (message === 'close') void server.close().then(() => process.exit(0));
  });
  process.on('disconnect', () => void server.close().then(() => process.exit(0)));
  send({ ready: server.address });
}

// ---------------------------------------------------------------------------------------------
// The benchmark.

interface ServerChild {
  address: string;
  ask(message: 'stats'): Promise<ServerStats>;
  close(): Promise<void>;
}

function startServerChild(mode: string, dir: string): Promise<ServerChild> {
  const profileDir = process.env.BENCH_CPU_PROF;
  // BENCH_CPU_PROF=/some/dir: each server child writes CPU profiles there (one per thread; tsx's loader has its own).
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, mode)}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, runTs, here, mode, dir], {
    cwd: projectDir, stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // autocannon is one visitor: lift the per-visitor click budget, or most answers would be 429s.
    env: { ...process.env, DEALNAV_CLICKS_PER_MINUTE: '0' },
  });
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 120_000); // a hung server never outlives the bench
  const exited = new Promise<void>((done) => child.once('exit', () => { clearTimeout(killTimer); done(); }));
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${mode} exited with ${code} before it was ready`));
    child.once('exit', onExit);
    child.once('message', (message: ToParent) => {
      if (!('ready' in message)) return reject(new Error(`${mode}: unexpected message ${JSON.stringify(message)}`));
      child.off('exit', onExit);
      resolve({
        address: message.ready,
        ask: (request) => new Promise((answer) => {
          child.once('message', (reply: ToParent) => answer((reply as { stats: ServerStats }).stats));
          child.send(request);
        }),
        close: async () => {
          child.send('close');
          await exited;
        },
      });
    });
  });
}

type ServerName = 'bare' | 'app' | 'redirector';

/** The servers in the order each round runs them: their child mode and their name in the table. */
const SERVERS: { name: ServerName; mode: string; label: string }[] = [
  { name: 'bare', mode: 'serve-bare', label: 'bare fastify 302 (baseline)' },
  { name: 'app', mode: 'serve-app', label: 'dealnav /go/:id (startServer)' },
  { name: 'redirector', mode: 'serve-redirector', label: `serve-handler ${serveHandlerVersion} redirects (comparison)` },
];

interface RoundResult {
  server: ServerName;
  round: number;
  rps: number;
  p50: number;
  p99: number;
  received3xx: number;
  other: number;
  sent302: number;
  clicks: number | null;
  /** Server CPU time per 302 sent: what a redirect costs whatever else the machine is doing. */
  cpuMicrosPer302: number;
}

/** One run of one server: a fresh child, a 1 s warm-up, then `seconds` of load with its counts read before and after. */
async function measureServer(server: (typeof SERVERS)[number], roundNumber: number, roundDir: string, seconds: number): Promise<RoundResult> {
  const child = await startServerChild(server.mode, roundDir);
  try {
    const requests = DEAL_EXTERNAL_IDS.map((_, index) => ({ method: 'GET', path: `/go/${index + 1}` }));
    await autocannon({ url: child.address, connections: CONNECTIONS, duration: 1, headers: HEADERS, requests }); // warm-up
    const before = await child.ask('stats');
    const result = await autocannon({ url: child.address, connections: CONNECTIONS, duration: seconds, headers: HEADERS, requests });
    const after = await child.ask('stats');
    return {
      server: server.name, round: roundNumber, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99,
      received3xx: result['3xx'], other: result['2xx'] + result.non2xx - result['3xx'] + result.errors + result.timeouts,
      sent302: after.sent302 - before.sent302,
      clicks: after.clicks === null || before.clicks === null ? null : after.clicks - before.clicks,
      cpuMicrosPer302: (after.cpuMicros - before.cpuMicros) / Math.max(1, after.sent302 - before.sent302),
    };
  } finally {
    await child.close();
  }
}

const rps = (row: RoundResult) => row.rps;
const cpu = (row: RoundResult) => row.cpuMicrosPer302;

function mean(results: RoundResult[], server: ServerName, pick: (row: RoundResult) => number): number {
  const rows = results.filter((row) => row.server === server);
  return rows.reduce((sum, row) => sum + pick(row), 0) / rows.length;
}

/** A server's means beside bare's ("this / bare"), with the ratio of the means. */
function meanRow(results: RoundResult[], server: ServerName, label: string): (string | number)[] {
  const pair = (pick: (row: RoundResult) => number, digits: number) =>
    `${round(mean(results, server, pick), digits)} / ${round(mean(results, 'bare', pick), digits)}`;
  return [
    'mean', label, pair(rps, 0), pair((row) => row.p50, 1), pair((row) => row.p99, 1),
    (mean(results, server, rps) / mean(results, 'bare', rps)).toFixed(2),
    pair(cpu, 0), (mean(results, 'bare', cpu) / mean(results, server, cpu)).toFixed(2),
    '', '', '', '',
  ];
}

function roundRow(results: RoundResult[], row: RoundResult): (string | number)[] {
  const sameRoundBare = results.find((each) => each.server === 'bare' && each.round === row.round)!;
  return [
    row.round, SERVERS.find((server) => server.name === row.server)!.label,
    Math.round(row.rps), row.p50, row.p99, (row.rps / sameRoundBare.rps).toFixed(2),
    Math.round(row.cpuMicrosPer302), (sameRoundBare.cpuMicrosPer302 / row.cpuMicrosPer302).toFixed(2),
    row.received3xx, row.sent302, row.clicks ?? '-', row.clicks === null ? '' : row.clicks === row.sent302 ? 'yes' : 'NO',
  ];
}

export async function runGoBench(options: BenchOptions): Promise<Table[]> {
  const { log } = options;
  const seconds = options.quick ? 2 : 6;
  const rounds = 2;
  const dir = mkdtempSync(join(tmpdir(), 'dealnav-bench-go-'));
  const results: RoundResult[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const server of SERVERS) {
        const row = await measureServer(server, round, mkdtempSync(join(dir, `${server.name}-${round}-`)), seconds);
        results.push(row);
        log(`go: round ${round} ${server.name}: ${Math.round(row.rps)} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, 302 sent ${row.sent302}, clicks ${row.clicks ?? '-'}, ${Math.round(row.cpuMicrosPer302)} µs CPU per 302`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const ratio = mean(results, 'app', rps) / mean(results, 'bare', rps);
  const cpuRatio = mean(results, 'bare', cpu) / mean(results, 'app', cpu);
  const redirectorRatio = mean(results, 'redirector', rps) / mean(results, 'bare', rps);
  const redirectorCpuRatio = mean(results, 'bare', cpu) / mean(results, 'redirector', cpu);
  return [{
    title: `/go under autocannon: ${CONNECTIONS} connections, ${seconds} s per run (after a 1 s warm-up), ${rounds} rounds alternating bare, app, serve-handler, 127.0.0.1`,
    columns: ['round', 'server', 'req/s', 'p50 ms', 'p99 ms', 'ratio to bare (same round)', 'server CPU µs per 302', 'CPU ratio (bare µs / this µs)', '3xx received by autocannon', '302 sent (server)', 'clicks stored', 'clicks = 302 sent'],
    rows: [
      ...results.map((row) => roundRow(results, row)),
      meanRow(results, 'app', 'dealnav /go/:id vs bare'),
      meanRow(results, 'redirector', `serve-handler ${serveHandlerVersion} vs bare`),
    ],
    notes: [
      `Goal: ratio ≥ 0.70 — mean ratio ${ratio.toFixed(2)}: ${ratio >= 0.7 ? 'met' : 'NOT met'}. CPU ratio (bare's CPU per 302 over the app's: the throughput ratio each would reach with a core to itself) ${cpuRatio.toFixed(2)}.`,
      `Comparison (not the goal): serve-handler ${serveHandlerVersion} at ${redirectorRatio.toFixed(2)} of bare (CPU ratio ${redirectorCpuRatio.toFixed(2)}); dealnav /go at ${(ratio / redirectorRatio).toFixed(2)} of serve-handler's req/s (CPU ratio ${(cpuRatio / redirectorCpuRatio).toFixed(2)}).`,
      'Each server is its own child process, fresh per round (the app on a fresh temp SQLite file with one site and 5 deals); autocannon runs in the bench process, so load generator and server each have one of the 2 cores.',
      'Bare = fastify GET /go/:dealId, no schema, answering 302 with a Location of the same length, Cache-Control: no-store and Referrer-Policy: origin. Every server carries the same node:http request listener that counts the 302s it finished sending.',
      `serve-handler ${serveHandlerVersion} (npm, MIT: the routing core of Vercel's \`serve\`) on node:http as its README mounts it (without the compression and request log that \`serve\`'s CLI adds), with one redirect rule per deal, /go/1 … /go/5 → the deal's URL, type 302. Per request it scans the rules in order (per rule a path-to-regexp compiled and matched, then a minimatch test if that fails: /go/5 tries 5 rules) and answers 302 with only a Location (the deal URL, no click id). It stores nothing per redirect, not even a count; dealnav commits a click row per redirect before it answers. So it is a like-for-like lookup and 302 on node:http under the same load and process layout, doing less per redirect than dealnav (no write, no click id, fewer headers).`,
      '"3xx received" can be a few below "302 sent": responses still in flight when autocannon stops are not counted by it.',
    ],
  }];
}

if (isEntry(import.meta.url)) {
  const [mode, dir] = process.argv.slice(2);
  if (mode === undefined || dir === undefined || !(mode in CHILD_MODES)) throw new Error(`bench/go.ts: unknown mode ${mode} (run the benchmarks with npm run bench)`);
  await childMain(mode, dir);
}
