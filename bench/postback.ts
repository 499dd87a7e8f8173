// Postback benchmark: signed GET /api/postback under autocannon, every request a new order
// (a conversion, its event, its ledger entries and the report rollups, in one IMMEDIATE
// transaction), as a ratio to a bare fastify route answering the same JSON without storage or
// signature check, measured in the same run. Layout as in go.ts: each server a fresh child
// process per round, autocannon in this process, rounds alternating bare, app, bare, app.
import Fastify from 'fastify';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isEntry, projectDir, round, type BenchOptions, type Table } from './ingest';
import { autocannon } from './autocannon';


const here = fileURLToPath(import.meta.url);
const runTs = join(projectDir, 'bin/run-ts.js');
const CONNECTIONS = 20;
const CLICKS = 2_000;
const SECRET = 'bench-postback-secret';

interface Ready { address: string; clickIds: string[] }
interface Stats { conversions: number | null }
type ToParent = { ready: Ready } | { stats: Stats };

/** Same route and answer shape as /api/postback, no storage, no signature check. */
async function serveBare() {
  const app = Fastify({ logger: false });
  let next = 1;
  app.get('/api/postback', async (_request, reply) => reply.header('Cache-Control', 'no-store')
    .send({ ok: true, conversionId: next++, status: 'pending', duplicate: false }));
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const clickIds = Array.from({ length: CLICKS }, (_, i) => `${(i + 1).toString(36)}-Q5xv0ZkLr2MbT8aW`);
  return { ready: { address, clickIds }, stats: async (): Promise<Stats> => ({ conversions: null }), close: () => app.close() };
}

/** The real server on a temp database: one site with a secret and a CPS term, one deal, CLICKS clicks. */
async function serveApp(dir: string) {
  const { openStorage } = await import('../src/storage');
  const { startServer } = await import('../src/server');
  const { newClickId } = await import('../src/revenue/click-id');
  const { dealRecord } = await import('../test/helpers/deal-record');
  const dbPath = join(dir, 'postback.db');
  const setup = openStorage(dbPath);
  const site = await setup.sites.upsert({ slug: 'letuan', name: '乐团网', homeUrl: 'http://www.letuan.example/', clickParam: 'dnclick' });
  const feed = await setup.feeds.upsert({ siteId: site.id, url: 'http://www.letuan.example/api/hao123.xml' });
  await setup.deals.applyFeedSnapshot({ id: feed.id, siteId: site.id }, [dealRecord({ externalId: '3172', site: 'letuan', city: 'chengdu' })], new Date());
  await setup.feeds.pause(feed.id, 'benchmark: no crawling during the postback run');
  const dealId = (await setup.deals.listLive({ now: new Date(), page: 1, pageSize: 1 })).deals[0]!.id;
  await setup.revenue.rotatePostbackSecret(site.id, SECRET, new Date(), null);
  await setup.revenue.addTerm({ siteId: site.id, model: 'cps', rateBp: 850, flatMinor: null, currency: null, category: null, effectiveFrom: new Date(Date.now() - 86_400_000), now: new Date() });
  const now = new Date();
  const clicks = Array.from({ length: CLICKS }, (_, i) => ({
    id: i + 1, token: newClickId(i + 1), dealId, siteId: site.id, createdAt: now, city: 'chengdu', subId: i % 3 ? null : 'app',
    referrer: null, userAgent: 'Mozilla/5.0', ipHash: `ip${i}`, isBot: false, isDuplicate: false,
  }));
  await setup.clicks.insertBatch(clicks);
  await setup.close();

  const server = await startServer({ dbPath, host: '127.0.0.1', port: 0, allowPrivateNetwork: true }, { background: false });
  return {
    ready: { address: server.address, clickIds: clicks.map((click) => click.token) },
    stats: async (): Promise<Stats> => ({ conversions: await server.storage.revenue.countConversions(site.id) }),
    close: () => server.close(),
  };
}

async function childMain(mode: string, dir: string | undefined): Promise<void> {
  const server = mode === 'serve-bare' ? await serveBare() : await serveApp(dir!);
  const send = (message: ToParent) => process.send!(message);
  process.on('message', (message: string) => {
    if (message === 'stats') void server.stats().then((stats) => send({ stats }));
    if (message === 'close') void server.close().then(() => process.exit(0));
  });
  process.on('disconnect', () => void server.close().then(() => process.exit(0)));
  send({ ready: server.ready });
}

function startChild(mode: 'serve-bare' | 'serve-app', dir: string) {
  const child: ChildProcess = spawn(process.execPath, [runTs, here, mode, dir], { cwd: projectDir, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const exited = new Promise<void>((done) => child.once('exit', () => { clearTimeout(killTimer); done(); }));
  return new Promise<{ ready: Ready; stats(): Promise<Stats>; close(): Promise<void> }>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${mode} exited with ${code} before it was ready`));
    child.once('exit', onExit);
    child.once('message', (message: ToParent) => {
      if (!('ready' in message)) return reject(new Error(`${mode}: unexpected message`));
      child.off('exit', onExit);
      resolve({
        ready: message.ready,
        stats: () => new Promise((answer) => {
          child.once('message', (reply: ToParent) => answer((reply as { stats: Stats }).stats));
          child.send('stats');
        }),
        close: async () => { child.send('close'); await exited; },
      });
    });
  });
}

/** Every request a fresh order on one of the clicks, signed as a partner would (see revenue/postback.ts). */
function signedRequests(clickIds: string[], prefix: string) {
  let order = 0;
  return [{
    method: 'GET',
    setupRequest: (request: { path: string }) => {
      order++;
      const params: Record<string, string> = {
        site: 'letuan', click_id: clickIds[order % clickIds.length]!, order_id: `${prefix}-${order}`,
        amount: `${68 + (order % 50)}.${String(order % 100).padStart(2, '0')}`, currency: 'CNY', status: 'pending',
        ts: String(Math.floor(Date.now() / 1000)),
      };
      const canonical = Object.keys(params).sort().map((key) => `${key}=${params[key]}`).join('&');
      const sig = createHmac('sha256', SECRET).update(canonical).digest('hex');
      return { ...request, path: `/api/postback?${new URLSearchParams({ ...params, sig })}` };
    },
  }];
}

interface RoundResult { server: 'bare' | 'app'; round: number; rps: number; p50: number; p99: number; ok: number; other: number; conversions: number | null }

export async function runPostbackBench(options: BenchOptions): Promise<Table[]> {
  const { log } = options;
  const seconds = options.quick ? 2 : 6;
  const rounds = 2;
  const dir = mkdtempSync(join(tmpdir(), 'dealnav-bench-postback-'));
  const results: RoundResult[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const server of ['bare', 'app'] as const) {
        const roundDir = mkdtempSync(join(dir, `${server}-${round}-`));
        const child = await startChild(server === 'bare' ? 'serve-bare' : 'serve-app', roundDir);
        try {
          const { address, clickIds } = child.ready;
          await autocannon({ url: address, connections: CONNECTIONS, duration: 1, requests: signedRequests(clickIds, `warm${round}`) });
          const before = await child.stats();
          const result = await autocannon({ url: address, connections: CONNECTIONS, duration: seconds, requests: signedRequests(clickIds, `r${round}`) });
          const after = await child.stats();
          const row: RoundResult = {
            server, round, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, ok: result['2xx'],
            other: result.non2xx + result.errors + result.timeouts,
            conversions: after.conversions === null || before.conversions === null ? null : after.conversions - before.conversions,
          };
          results.push(row);
          log(`postback: round ${round} ${server}: ${Math.round(row.rps)} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, 2xx ${row.ok}, other ${row.other}, conversions ${row.conversions ?? '-'}`);
        } finally {
          await child.close();
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const mean = (server: 'bare' | 'app', pick: (row: RoundResult) => number) => {
    const rows = results.filter((row) => row.server === server);
    return rows.reduce((sum, row) => sum + pick(row), 0) / rows.length;
  };
  const ratio = mean('app', (r) => r.rps) / mean('bare', (r) => r.rps);
  const rows = results.map((row) => {
    const bare = results.find((each) => each.server === 'bare' && each.round === row.round)!;
    return [row.round, row.server === 'bare' ? 'bare fastify JSON (baseline)' : 'dealnav /api/postback (startServer)', Math.round(row.rps), row.p50, row.p99,
      (row.rps / bare.rps).toFixed(2), row.ok, row.other, row.conversions ?? '-'];
  });
  rows.push(['mean', 'dealnav vs bare', `${Math.round(mean('app', (r) => r.rps))} / ${Math.round(mean('bare', (r) => r.rps))}`,
    `${round(mean('app', (r) => r.p50), 1)} / ${round(mean('bare', (r) => r.p50), 1)}`, `${round(mean('app', (r) => r.p99), 1)} / ${round(mean('bare', (r) => r.p99), 1)}`,
    ratio.toFixed(2), '', '', '']);
  return [{
    title: `Signed postbacks under autocannon: ${CONNECTIONS} connections, ${seconds} s per run (after a 1 s warm-up), ${rounds} alternating rounds, 127.0.0.1`,
    columns: ['round', 'server', 'req/s', 'p50 ms', 'p99 ms', 'ratio to bare (same round)', '2xx', 'other', 'conversions stored'],
    rows,
    notes: [
      `Mean ratio ${ratio.toFixed(2)}. Every app request is a new order (pending) on one of ${CLICKS} clicks: HMAC check, replay memory, attribution, conversion + event + ledger entry + report rollups in one IMMEDIATE transaction (synchronous=NORMAL, WAL).`,
      'The bare route answers the same JSON shape with no storage and no signature check; requests are signed in this process for both servers alike.',
    ],
  }];
}

if (isEntry(import.meta.url)) {
  const [mode, dir] = process.argv.slice(2);
  if (mode !== 'serve-bare' && mode !== 'serve-app') throw new Error(`bench/postback.ts: unknown mode ${mode} (run the benchmarks with npm run bench)`);
  await childMain(mode, dir);
}
