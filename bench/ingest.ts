// Ingest benchmark: how long and how much memory one crawl of a big hao123 urlset feed takes,
// as a ratio to the bare cheerio parse of the same bytes measured in the same run, and how 200
// small feeds crawled at once compare with one of them crawled alone.
//
// Layout: the parent (this process) generates the feeds in memory and serves them from loopback
// node:http servers; every measured step (bare parse, crawl, re-crawl, the 200-feed crawl) runs
// in its own child process, so its peak RSS (VmHWM) is its own and the feed server does not
// share its event loop. Children are this same file run with a mode argument.
import { load } from 'cheerio';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { random } from './random';

// ---------------------------------------------------------------------------------------------
// Shared by the benchmarks (go.ts imports these too).

export interface Table {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  notes?: string[];
}

export interface BenchOptions {
  /** Smaller sizes for a smoke run (`npm run bench -- --quick`); figures are then not comparable. */
  quick: boolean;
  log: (line: string) => void;
}

const here = fileURLToPath(import.meta.url);
export const projectDir = resolve(here, '../..');
const runTs = join(projectDir, 'bin/run-ts.js');

/** True when `moduleUrl` is the entry point given to bin/run-ts.js. */
export const isEntry = (moduleUrl: string): boolean =>
  process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(moduleUrl);

/** Runs `file mode ...args` through tsx in a child; resolves with the JSON it prints on a `BENCH_RESULT` line. */
export function runChild<T>(file: string, args: string[], timeoutMs: number, nodeArgs: string[] = []): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, runTs, file, ...args], {
      cwd: projectDir, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => { out += chunk; });
    child.stderr.on('data', (chunk) => { err = (err + chunk).slice(-8000); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((each) => each.startsWith('BENCH_RESULT '));
      if (code === 0 && line) return resolvePromise(JSON.parse(line.slice('BENCH_RESULT '.length)) as T);
      reject(new Error(`child ${file} ${args[0]} ended with ${signal ?? code}${signal === 'SIGKILL' ? ` (time limit ${timeoutMs} ms)` : ''}\n${err}${out.slice(-2000)}`));
    });
  });
}

/** Peak resident set size of this process so far, from /proc (MiB). */
export function peakRssMiB(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
const mib = (bytes: number): number => round(bytes / 1024 / 1024, 1);

/** Samples heapUsed every 50 ms; a sample only lands when the event loop is free, so long synchronous stretches are missed. */
function heapSampler(): { stop(): number } {
  let max = process.memoryUsage().heapUsed;
  const timer = setInterval(() => { max = Math.max(max, process.memoryUsage().heapUsed); }, 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(max, process.memoryUsage().heapUsed);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The feed: a hao123 urlset as the demo's sample sites write it (CDATA titles, epoch times).

const CITIES = ['北京', '上海', '广州', '深圳', '成都', '杭州', '南京', '武汉', '西安', '重庆', '天津', '苏州', '长沙', '郑州',
  '沈阳', '青岛', '大连', '厦门', '宁波', '济南', '哈尔滨', '昆明', '福州', '合肥', '无锡', '石家庄', '南昌', '贵阳', '南宁', '全国'];
const DISTRICTS = ['锦江区', '朝阳区', '静安区', '天河区', '福田区', '西湖区', '海淀区', '鼓楼区', '江汉区', '雁塔区', '渝中区', '和平区'];
const ROADS = ['春熙路', '建国路', '南京西路', '体育西路', '华强北路', '文三路', '中关村大街', '中山路', '解放大道', '长安街', '人民路'];
const OFFERS: [category: string, subcategory: string, items: string[]][] = [
  ['1', '火锅', ['川味火锅双人套餐，含锅底+8道菜品&饮料', '重庆老火锅四人餐', '潮汕牛肉火锅双人套餐']],
  ['1', '自助餐', ['海鲜自助晚餐一位', '巴西烤肉自助午餐一位', '日式料理双人套餐']],
  ['1', '甜点饮品', ['港式奶茶+菠萝油套餐', '生日蛋糕8英寸一个', '鲜榨果汁两杯']],
  ['2', '电影', ['IMAX 3D电影票一张', '2D/3D通兑电影票两张']],
  ['2', 'KTV', ['KTV欢唱4小时(周一至周五)', 'KTV中包欢唱3小时+果盘']],
  ['3', '健身', ['游泳健身月卡一张', '瑜伽体验课10次']],
  ['4', '美妆', ['护手霜三支装，全国包邮', '补水面膜20片装']],
  ['5', '旅游', ['三亚5天4晚双人自由行', '温泉度假村双人套票', '古镇一日游含门票']],
  ['6', '美容SPA', ['精油SPA全身按摩90分钟', '洗剪吹+护理套餐（镕·喆发型）', '日式美甲套餐']],
];
const EXTRAS = ['节假日通用', '免预约', '周一至周五可用', '限购2份', '可叠加使用', '含服务费', '24小时营业'];
const BRANDS = ['蜀香', '星光', '静心', '南国', '港记', '麦霸', '镕喆', '金鼎', '大福', '御膳', '乐享', '悦来'];
const SHOP_KINDS = ['火锅', '影城', 'SPA会所', '假期', '茶餐厅', 'KTV', '发型工作室', '酒楼', '健身会所', '旅行社'];


/** `deals` deals of one site as a UTF-8 urlset. Start and end times are in the future. */
export function generateUrlset(deals: number, options: { seed: number; host: string; siteName: string }): Buffer {
  const next = random(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const now = Math.floor(Date.now() / 1000);
  const chunks: Buffer[] = [Buffer.from('<?xml version="1.0" encoding="utf-8"?>\n<urlset>')];
  let part = '';
  for (let i = 0; i < deals; i++) {
    const id = 100000 + i;
    const [category, subcategory, items] = pick(OFFERS);
    const priceFen = Math.round((9.9 + next() * 1990) * 100);
    const valueFen = Math.round(priceFen * (1.5 + next() * 2.5));
    const price = (priceFen / 100).toFixed(2);
    const value = (valueFen / 100).toFixed(2);
    const city = pick(CITIES);
    const district = pick(DISTRICTS);
    const address = `${district}${pick(ROADS)}${1 + Math.floor(next() * 300)}号`;
    const merchant = `${pick(BRANDS)}${pick(SHOP_KINDS)}(${pick(ROADS)}店)`;
    const start = now + 3600 + Math.floor(next() * 86400);
    const end = start + 86400 * (1 + Math.floor(next() * 30));
    const title = `仅售${price}元！价值${value}元的${pick(items)}，${pick(EXTRAS)}`;
    part += `
  <url>
    <loc>http://${options.host}/team.php?id=${id}</loc>
    <data>
      <display>
        <website>${options.siteName}</website>
        <siteurl>http://${options.host}/</siteurl>
        <identifier>${id}</identifier>
        <city>${city}</city>
        <title><![CDATA[${title}]]></title>
        <image>http://img.${options.host}/deal/${id}.jpg</image>
        <startTime>${start}</startTime>
        <endTime>${end}</endTime>
        <value>${value}</value>
        <price>${price}</price>
        <rebate>${(priceFen / valueFen * 10).toFixed(2)}</rebate>
        <bought>${Math.floor(next() * 5000)}</bought>
        <category>${category}</category>
        <subcategory>${subcategory}</subcategory>
        <address>${address}</address>
        <shops><shop><shopSeller>${merchant}</shopSeller><shopAddress>${address}</shopAddress></shop></shops>
      </display>
    </data>
  </url>`;
    if (part.length > 1 << 20) {
      chunks.push(Buffer.from(part));
      part = '';
    }
  }
  chunks.push(Buffer.from(`${part}\n</urlset>\n`));
  return Buffer.concat(chunks);
}

/** Serves fixed bytes at /api/hao123.xml on a loopback port. */
async function serveFeed(body: Buffer): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    if (!request.url?.startsWith('/api/hao123.xml')) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': body.length });
    response.end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/hao123.xml`, server };
}

const closeServer = (server: Server) =>
  new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); });

// ---------------------------------------------------------------------------------------------
// Child modes.

interface BareResult { seconds: number; secondsRuns: number[]; urls: number; fields: number; peakRssMiB: number; heapMaxMiB: number }
interface CrawlResult {
  seconds: number; outcome: string; itemsSeen: number; counts: unknown; skipped: number; error: unknown;
  peakRssMiB: number; heapMaxMiB: number;
}
interface MultiResult {
  aloneSeconds: number[];
  concurrentSeconds: number;
  concurrency: number;
  ok: number;
  failed: { feed: number; error: unknown }[];
  deals: number;
  peakRssMiB: number;
}

/** The raw parser: decode, cheerio xml load, every `url` element, the text of every field in it. */
function bareParse(bytes: Uint8Array): { urls: number; fields: number } {
  const text = new TextDecoder('utf-8').decode(bytes);
  const $ = load(text, { xml: true });
  let urls = 0;
  let fields = 0;
  $('url').each((_, url) => {
    urls++;
    $(url).find('loc, display > *, shop > *').each((__, field) => {
      if ($(field).text().trim()) fields++;
    });
  });
  return { urls, fields };
}

async function childBare(url: string, runs: number): Promise<BareResult> {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const heap = heapSampler();
  const secondsRuns: number[] = [];
  let counted = { urls: 0, fields: 0 };
  let peakAfterFirst = 0;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    counted = bareParse(bytes);
    secondsRuns.push((performance.now() - started) / 1000);
    if (run === 0) peakAfterFirst = peakRssMiB(); // the memory figure is the first parse's, as for one crawl
  }
  return { seconds: Math.min(...secondsRuns), secondsRuns, ...counted, peakRssMiB: peakAfterFirst, heapMaxMiB: mib(heap.stop()) };
}

async function storageModules() {
  const { openStorage } = await import('../src/storage');
  const { registerSite } = await import('../src/sites/register-site');
  const { crawlSettings } = await import('../src/config');
  const { crawlFeed } = await import('../crawlers/ingest/crawl-feed');
  return { openStorage, registerSite, crawlSettings, crawlFeed };
}

/**
 * One crawl in this child. `reparse` raises maxItems by one: a different reading rule, so the
 * crawler cannot reuse the stored fingerprint and parses the same bytes in full (same deals).
 */
async function childCrawl(url: string, dbFile: string, maxItems: number, maxBytes: number, reparse = false): Promise<CrawlResult> {
  const { openStorage, registerSite, crawlSettings, crawlFeed } = await storageModules();
  const storage = openStorage(dbFile);
  const { feed } = await registerSite(storage, {
    name: '乐团网', slug: 'bench-letuan', homeUrl: 'http://www.letuan.example/', feedUrl: url, clickParam: 'dnclick',
  });
  const settings = crawlSettings(true);
  settings.maxItems = reparse ? maxItems + 1 : maxItems;
  settings.fetch = { ...settings.fetch, maxBytes };
  const current = (await storage.feeds.findById(feed.id))!;
  const heap = heapSampler();
  const started = performance.now();
  const report = await crawlFeed(storage, current, settings);
  const seconds = (performance.now() - started) / 1000;
  const heapMax = heap.stop();
  await storage.close();
  return {
    seconds, outcome: report.outcome, itemsSeen: report.itemsSeen, counts: report.counts, skipped: report.skipped.length,
    error: report.error, peakRssMiB: peakRssMiB(), heapMaxMiB: mib(heapMax),
  };
}

async function childMulti(urlsFile: string, dir: string, concurrency: number, aloneSample: number): Promise<MultiResult> {
  const { openStorage, registerSite, crawlSettings, crawlFeed } = await storageModules();
  const { CrawlScheduler } = await import('../crawlers/schedule/scheduler');
  const urls = JSON.parse(readFileSync(urlsFile, 'utf8')) as string[];
  const register = async (storage: ReturnType<typeof openStorage>, feedUrl: string, index: number) =>
    (await registerSite(storage, {
      name: `团购站${index}`, slug: `bench-site-${index}`, homeUrl: `http://www.site${index}.example/`, feedUrl, clickParam: 'dnclick',
    })).feed;

  // Alone: a sample of the feeds, one after another, each into its own fresh database, after one
  // uncounted warm-up crawl (the concurrent pass below runs warm too).
  const warmStorage = openStorage(join(dir, 'warm-up.db'));
  await crawlFeed(warmStorage, await register(warmStorage, urls[urls.length - 1]!, urls.length - 1), crawlSettings(true));
  await warmStorage.close();
  const aloneSeconds: number[] = [];
  const step = Math.max(1, Math.floor(urls.length / aloneSample));
  for (let index = 0; index < urls.length && aloneSeconds.length < aloneSample; index += step) {
    const storage = openStorage(join(dir, `alone-${index}.db`));
    const feed = await register(storage, urls[index]!, index);
    const started = performance.now();
    const report = await crawlFeed(storage, feed, crawlSettings(true));
    aloneSeconds.push((performance.now() - started) / 1000);
    if (report.outcome !== 'ok') throw new Error(`alone crawl of ${urls[index]} failed: ${JSON.stringify(report.error)}`);
    await storage.close();
  }

  // Together: every feed registered in one database, one scheduler tick crawls them all.
  const storage = openStorage(join(dir, 'together.db'));
  for (const [index, url] of urls.entries()) await register(storage, url, index);
  let ok = 0;
  let deals = 0;
  const failed: MultiResult['failed'] = [];
  const scheduler = new CrawlScheduler(storage, crawlSettings(true), {
    tick: '* * * * *', concurrency, batchSize: urls.length,
    onReport: (feed, report) => {
      if (report.outcome === 'ok') { ok++; deals += report.counts?.added ?? 0; } else failed.push({ feed: feed.id, error: report.error });
    },
  });
  const started = performance.now();
  await scheduler.tick(); // tick() without start(): no cron, just one pass over the due feeds
  const concurrentSeconds = (performance.now() - started) / 1000;
  await scheduler.stop();
  await storage.close();
  return { aloneSeconds, concurrentSeconds, concurrency, ok, failed: failed.slice(0, 5), deals, peakRssMiB: peakRssMiB() };
}

// ---------------------------------------------------------------------------------------------
// The benchmark.

const CHILD_LIMIT_MS = 180_000;

export async function runIngestBench(options: BenchOptions): Promise<Table[]> {
  const { log } = options;
  const bigDeals = options.quick ? 10_000 : 100_000;
  const multiFeeds = options.quick ? 40 : 200;
  const multiDeals = 500;
  const dir = mkdtempSync(join(tmpdir(), 'dealnav-bench-ingest-'));
  const servers: Server[] = [];
  try {
    // (a) the 100k feed
    let started = performance.now();
    const big = generateUrlset(bigDeals, { seed: 1, host: 'www.letuan.example', siteName: '乐团网' });
    log(`ingest: generated ${bigDeals} deals, ${mib(big.length)} MiB, in ${round((performance.now() - started) / 1000, 1)} s`);
    const bigFeed = await serveFeed(big);
    servers.push(bigFeed.server);
    const { crawlSettings } = await import('../src/config');
    const defaults = crawlSettings(false);
    const defaultMaxBytes = defaults.fetch.maxBytes ?? 50 * 1024 * 1024;
    const maxBytes = Math.max(defaultMaxBytes, 2 ** Math.ceil(Math.log2(big.length)));
    const maxItems = Math.max(defaults.maxItems, bigDeals);
    const limitNotes = [
      `crawlSettings defaults: maxItems ${defaults.maxItems}, maxBytes ${mib(defaultMaxBytes)} MiB; ` +
      `the feed is ${mib(big.length)} MiB with ${bigDeals} deals, ` +
      (maxBytes > defaultMaxBytes ? `so the bench raises maxBytes to ${mib(maxBytes)} MiB` : 'within both limits') +
      (maxItems > defaults.maxItems ? ` and maxItems to ${maxItems}` : '') + '.',
    ];

    // The baseline is parsed twice, each time in a fresh child (cold, like each crawl), once before
    // and once after the crawls, so a change in the shared machine's load over the run shows.
    log('ingest: bare cheerio parse (fresh child)…');
    const bareBefore = await runChild<BareResult>(here, ['bare', bigFeed.url, '1'], CHILD_LIMIT_MS);
    log(`ingest: bare parse ${round(bareBefore.seconds)} s, ${bareBefore.urls} urls`);
    const dbFile = join(dir, 'big.db');
    log('ingest: first crawl (child, fresh database)…');
    const first = await runChild<CrawlResult>(here, ['crawl', bigFeed.url, dbFile, String(maxItems), String(maxBytes)], CHILD_LIMIT_MS);
    log(`ingest: first crawl ${round(first.seconds)} s ${first.outcome} ${JSON.stringify(first.counts)}`);
    log('ingest: second crawl (child, same database, same bytes)…');
    const second = await runChild<CrawlResult>(here, ['crawl', bigFeed.url, dbFile, String(maxItems), String(maxBytes)], CHILD_LIMIT_MS);
    log(`ingest: second crawl ${round(second.seconds)} s ${second.outcome} ${JSON.stringify(second.counts)}`);
    log('ingest: third crawl (child, same bytes read again in full, as after a change of reading rules)…');
    const reparse = await runChild<CrawlResult>(here, ['crawl', bigFeed.url, dbFile, String(maxItems), String(maxBytes), 'reparse'], CHILD_LIMIT_MS);
    log(`ingest: third crawl ${round(reparse.seconds)} s ${reparse.outcome} ${JSON.stringify(reparse.counts)}`);
    for (const [crawl, expected] of [[first, 'ok'], [second, 'not_modified'], [reparse, 'ok']] as const) {
      if (crawl.outcome !== expected) throw new Error(`expected ${expected}, the crawl gave ${crawl.outcome}: ${JSON.stringify(crawl.error)}`);
    }
    log('ingest: bare cheerio parse again (fresh child)…');
    const bareAfter = await runChild<BareResult>(here, ['bare', bigFeed.url, '1'], CHILD_LIMIT_MS);
    log(`ingest: bare parse ${round(bareAfter.seconds)} s`);
    const bare: BareResult = {
      ...bareBefore,
      seconds: (bareBefore.seconds + bareAfter.seconds) / 2,
      secondsRuns: [bareBefore.seconds, bareAfter.seconds],
      peakRssMiB: Math.max(bareBefore.peakRssMiB, bareAfter.peakRssMiB),
      heapMaxMiB: Math.max(bareBefore.heapMaxMiB, bareAfter.heapMaxMiB),
    };

    const timeTable: Table = {
      title: `ingest (a): one hao123 urlset feed, ${bigDeals} deals, ${mib(big.length)} MiB, served from 127.0.0.1`,
      columns: ['step', 'seconds', 'ratio to bare parse', 'goal', 'met', 'result'],
      rows: [
        ['bare cheerio parse (baseline)', round(bare.seconds), '1.00', '', '', `mean of ${bare.secondsRuns.map((each) => round(each)).join(' s and ')} s; ${bare.urls} url elements, ${bare.fields} fields read`],
        ['first crawl (100% inserts)', round(first.seconds), round(first.seconds / bare.seconds).toFixed(2), '≤ 2.50', first.seconds / bare.seconds <= 2.5 ? 'yes' : 'NO', JSON.stringify(first.counts)],
        ['second crawl (nothing changed)', round(second.seconds), round(second.seconds / bare.seconds).toFixed(2), '≤ 1.20', second.seconds / bare.seconds <= 1.2 ? 'yes' : 'NO', `${second.outcome}: same body fingerprint, no parse`],
        ['same bytes parsed again in full', round(reparse.seconds), round(reparse.seconds / bare.seconds).toFixed(2), '(≤ 1.20)', reparse.seconds / bare.seconds <= 1.2 ? 'yes' : 'NO', JSON.stringify(reparse.counts)],
      ],
      notes: [
        ...limitNotes,
        'Bare parse = TextDecoder + cheerio.load(text, { xml: true }) + $("url") + text() of loc, every display child and shop field; one parse per fresh child, run once before and once after the crawls, baseline = their mean.',
        'Crawl = crawlFeed (fetch over loopback, decode, detect, parse, normalize, one-transaction snapshot, crawl run record) into a SQLite file in a temp folder; each in its own child process.',
      ],
    };

    // (b) memory: the 100k crawl above, and a ~50 MB feed
    const perDeal = big.length / bigDeals;
    const fiftyDeals = options.quick ? 5_000 : Math.round(50e6 / perDeal);
    const fifty = generateUrlset(fiftyDeals, { seed: 2, host: 'www.haotuan.example', siteName: '好团网' });
    const fiftyFeed = await serveFeed(fifty);
    servers.push(fiftyFeed.server);
    log(`ingest: ~50 MB feed: ${fiftyDeals} deals, ${mib(fifty.length)} MiB; crawling (child)…`);
    const fiftyCrawl = await runChild<CrawlResult>(here, ['crawl', fiftyFeed.url, join(dir, 'fifty.db'), String(maxItems), String(maxBytes)], CHILD_LIMIT_MS);
    if (fiftyCrawl.outcome !== 'ok') throw new Error(`the 50 MB crawl failed: ${JSON.stringify(fiftyCrawl.error)}`);
    log(`ingest: 50 MB crawl ${round(fiftyCrawl.seconds)} s, peak RSS ${round(fiftyCrawl.peakRssMiB, 0)} MiB`);
    const memoryTable: Table = {
      title: 'ingest (b): peak memory per child process (VmHWM at the end of the child; heap = max of 50 ms samples)',
      columns: ['run', 'feed MiB', 'deals', 'seconds', 'peak RSS MiB', 'RSS / feed size', 'heap max sampled MiB'],
      rows: [
        ['bare cheerio parse (baseline)', mib(big.length), bigDeals, round(bare.seconds), round(bare.peakRssMiB, 0), round(bare.peakRssMiB / mib(big.length), 1), bare.heapMaxMiB],
        ['first crawl', mib(big.length), bigDeals, round(first.seconds), round(first.peakRssMiB, 0), round(first.peakRssMiB / mib(big.length), 1), first.heapMaxMiB],
        ['second crawl (unchanged)', mib(big.length), bigDeals, round(second.seconds), round(second.peakRssMiB, 0), round(second.peakRssMiB / mib(big.length), 1), second.heapMaxMiB],
        ['same bytes parsed again', mib(big.length), bigDeals, round(reparse.seconds), round(reparse.peakRssMiB, 0), round(reparse.peakRssMiB / mib(big.length), 1), reparse.heapMaxMiB],
        ['first crawl, ~50 MB feed', mib(fifty.length), fiftyDeals, round(fiftyCrawl.seconds), round(fiftyCrawl.peakRssMiB, 0), round(fiftyCrawl.peakRssMiB / mib(fifty.length), 1), fiftyCrawl.heapMaxMiB],
      ],
      notes: [
        'Peak RSS ratio of first crawl to bare parse: ' + round(first.peakRssMiB / bare.peakRssMiB).toFixed(2) + '×.',
        'Heap samples only land when the event loop is free, so they miss the synchronous parse and store; VmHWM is the reliable figure.',
      ],
    };
    await closeServer(bigFeed.server);
    await closeServer(fiftyFeed.server);
    servers.length = 0;

    // (c) 200 feeds from 200 loopback ports at once
    started = performance.now();
    const urls: string[] = [];
    for (let index = 0; index < multiFeeds; index++) {
      const feed = await serveFeed(generateUrlset(multiDeals, { seed: 1000 + index, host: `www.site${index}.example`, siteName: `团购站${index}` }));
      servers.push(feed.server);
      urls.push(feed.url);
    }
    const urlsFile = join(dir, 'urls.json');
    writeFileSync(urlsFile, JSON.stringify(urls));
    log(`ingest: ${multiFeeds} feeds × ${multiDeals} deals on ${multiFeeds} ports, ready in ${round((performance.now() - started) / 1000, 1)} s`);
    const multiRows: (string | number)[][] = [];
    const multiNotes: string[] = [];
    for (const concurrency of [multiFeeds, 4]) {
      log(`ingest: ${multiFeeds} feeds, CrawlScheduler concurrency ${concurrency} (child)…`);
      const multiDir = mkdtempSync(join(dir, `multi-${concurrency}-`));
      const multi = await runChild<MultiResult>(here, ['multi', urlsFile, multiDir, String(concurrency), '5'], CHILD_LIMIT_MS);
      const slowest = Math.max(...multi.aloneSeconds);
      const median = [...multi.aloneSeconds].sort((a, b) => a - b)[Math.floor(multi.aloneSeconds.length / 2)]!;
      log(`ingest: concurrency ${concurrency}: ${round(multi.concurrentSeconds)} s, alone ${multi.aloneSeconds.map((s) => round(s, 3)).join(', ')}`);
      multiRows.push([
        concurrency, round(multi.concurrentSeconds), round(slowest, 3), round(multi.concurrentSeconds / slowest, 1).toFixed(1),
        round(multi.concurrentSeconds / (median * multiFeeds)).toFixed(2), `${multi.ok}/${multiFeeds} ok, ${multi.deals} deals`, round(multi.peakRssMiB, 0),
      ]);
      if (multi.failed.length > 0) multiNotes.push(`concurrency ${concurrency}: failures ${JSON.stringify(multi.failed)}`);
    }
    const multiTable: Table = {
      title: `ingest (c): ${multiFeeds} feeds × ${multiDeals} deals from ${multiFeeds} loopback ports (distinct hosts), one CrawlScheduler tick`,
      columns: ['scheduler concurrency', 'wall s', 'slowest alone s', 'wall / slowest alone', `wall / (${multiFeeds} × median alone)`, 'result', 'peak RSS MiB'],
      rows: multiRows,
      notes: [
        `"Alone" = 5 of the feeds crawled one after another with crawlFeed into fresh databases, in the same child before the concurrent pass and after one uncounted warm-up crawl; the slowest of them is the denominator.`,
        `A ratio of ${multiFeeds}× would mean no overlap at all; the last column compares with crawling every feed serially (1.00 = no gain from concurrency).`,
        ...multiNotes,
      ],
    };
    return [timeTable, memoryTable, multiTable];
  } finally {
    await Promise.all(servers.map(closeServer));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isEntry(import.meta.url)) {
  const [mode, ...args] = process.argv.slice(2);
  let result: unknown;
  if (mode === 'bare') result = await childBare(args[0]!, Number(args[1] ?? 1));
  else if (mode === 'crawl') result = await childCrawl(args[0]!, args[1]!, Number(args[2]), Number(args[3]), args[4] === 'reparse');
  else if (mode === 'multi') result = await childMulti(args[0]!, args[1]!, Number(args[2]), Number(args[3]));
  else throw new Error(`bench/ingest.ts: unknown mode ${mode} (run the benchmarks with npm run bench)`);
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
}
