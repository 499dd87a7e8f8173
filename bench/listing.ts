// Listing benchmark: the shoppers' listing page, a Chinese search and GET /api/deals on a database
// of 1,000,000 deals from 2,000 sites in 300 cities, under autocannon, with throughput as a ratio
// to a bare fastify route answering a prebuilt body of the same byte length, in the same run.
//
// Layout:
// - `build` child: generates the deals (deterministic PRNG) and stores them through the real
//   storage path, `storage.deals.applyFeedSnapshot` once per feed (so the FTS, geo and offer-key
//   triggers and every index do their work), then pauses every feed. The file is cached under
//   bench/.cache/ keyed by GENERATOR_VERSION and the sizes, so re-runs reuse it.
// - `explain` child: EXPLAIN QUERY PLAN and the time of every statement one search runs, on the
//   same file, unloaded, for the "what dominates" part.
// - `serve-app` child: startServer on the cached file with no background work (no crawl, link
//   check or digest); `serve-bare` child: fastify answering each target's captured body as bytes.
// - autocannon runs in this process; rounds alternate bare, app, bare, app.
import Fastify from 'fastify';
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isEntry, projectDir, round, runChild, type BenchOptions, type Table } from './ingest';
import type { DealRecord } from '../crawlers/types';
import type { DealQuery, DealSort } from '../src/storage';
import { random } from './random';
import { autocannon, type AutocannonResult } from './autocannon';


const here = fileURLToPath(import.meta.url);
const runTs = join(projectDir, 'bin/run-ts.js');

/** Bump when the generated data changes: the cached database is keyed by it. */
const GENERATOR_VERSION = 1;
/** A cached database older than this is rebuilt: its deals start to end (ends_at is 20–400 days after the build). */
const CACHE_MAX_AGE_DAYS = 14;
const CACHE_DIR = join(projectDir, 'bench/.cache');
const CONNECTIONS = 20;
const HEADERS = {
  'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'accept-language': 'zh-CN,zh;q=0.9',
};

interface Sizes { deals: number; sites: number; cities: number }
const FULL: Sizes = { deals: 1_000_000, sites: 2_000, cities: 300 };
const QUICK: Sizes = { deals: 50_000, sites: 100, cities: 300 };

/** The city the listing targets use: the largest one (Zipf rank 1). */
const BENCH_CITY = 'beijing';
const BENCH_CATEGORY = 'food';
const SEARCH = '火锅';

interface Target {
  name: string;
  path: string;
  /** The storage query the route runs (for the explain child). */
  query: Omit<DealQuery, 'now'>;
}

const sorts: DealSort[] = ['newest', 'price', 'price-desc', 'discount', 'popular', 'ending'];
const base = { page: 1, pageSize: 24 } as const;
const TARGETS: Target[] = [
  ...sorts.map((sort): Target => ({
    name: `page ${BENCH_CITY} ${BENCH_CATEGORY} sort=${sort}`,
    path: `/?city=${BENCH_CITY}&category=${BENCH_CATEGORY}${sort === 'newest' ? '' : `&sort=${sort}`}`,
    query: { ...base, city: BENCH_CITY, category: BENCH_CATEGORY, sort },
  })),
  { name: `page q=${SEARCH} city=${BENCH_CITY}`, path: `/?city=${BENCH_CITY}&q=${encodeURIComponent(SEARCH)}`, query: { ...base, city: BENCH_CITY, q: SEARCH, sort: 'newest' } },
  { name: `page q=${SEARCH}, every city`, path: `/?q=${encodeURIComponent(SEARCH)}`, query: { ...base, q: SEARCH, sort: 'newest' } },
  { name: `api ${BENCH_CITY} ${BENCH_CATEGORY}`, path: `/api/deals?city=${BENCH_CITY}&category=${BENCH_CATEGORY}`, query: { ...base, city: BENCH_CITY, category: BENCH_CATEGORY, sort: 'newest' } },
];

// ---------------------------------------------------------------------------------------------
// The data.


/** Cumulative Zipf weights over n ranks, and a picker for them. */
function zipf(n: number, s: number): (r: number) => number {
  const cumulative: number[] = [];
  let sum = 0;
  for (let k = 1; k <= n; k++) cumulative.push(sum += 1 / k ** s);
  return (r) => {
    const target = r * sum;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid]! < target) low = mid + 1; else high = mid;
    }
    return low;
  };
}

const pick = <T>(items: readonly T[], r: number): T => items[Math.floor(r * items.length)]!;

/** 300 places: the 104 table cities (their codes), then raw names as feeds give unknown cities. */
function cityList(count: number): { code: string; zh: string; en: string }[] {
  const table = JSON.parse(readFileSync(join(projectDir, 'data/cities.json'), 'utf8')) as { cities: { code: string; zh: string; en: string }[] };
  const cities = table.cities.map(({ code, zh, en }) => ({ code, zh, en }));
  const first = '安永清宁泰兴嘉德丰新东西南北长平';
  const second = '阳川山江河城州林水源乡丘湖岭';
  outer: for (const a of first) {
    for (const b of second) {
      if (cities.length >= count) break outer;
      const zh = a + b;
      if (!cities.some((city) => city.zh === zh)) cities.push({ code: zh, zh, en: zh });
    }
  }
  return cities.slice(0, count);
}

// Per category: Chinese items (shared words such as 火锅, 套餐, 双人 give the search work), English items.
const ITEMS: Record<string, { weight: number; zh: string[]; en: string[]; brands: string[] }> = {
  food: {
    weight: 40,
    zh: ['川味火锅双人套餐', '重庆老火锅四人餐', '潮汕牛肉火锅双人套餐', '海鲜自助晚餐一位', '巴西烤肉自助午餐', '日式料理双人套餐',
      '港式茶餐厅双人餐', '烤鱼三至四人套餐', '麻辣香锅双人餐', '生日蛋糕8英寸', '韩式烧烤双人套餐', '粤式早茶四人套餐',
      '鸳鸯火锅六人聚餐', '西餐牛排双人套餐', '小龙虾三人餐', '奶茶两杯'],
    en: ['hotpot dinner for two', 'seafood buffet dinner', 'Korean BBQ set for two', 'steak dinner for two', 'dim sum for four',
      'birthday cake (8 inch)', 'grilled fish for three', 'bubble tea for two'],
    brands: ['火锅', '烤鱼', '茶餐厅', '酒楼', '料理', '烧烤', '海鲜', '西餐厅', '蛋糕坊', '食府'],
  },
  entertainment: {
    weight: 15,
    zh: ['KTV欢唱4小时', 'IMAX 3D电影票一张', '2D/3D通兑电影票两张', '真人密室逃脱双人票', '台球畅打3小时', '温泉门票一张', '桌游畅玩一天'],
    en: ['movie tickets for two', 'karaoke for 4 hours', 'escape room for two', 'hot spring entry ticket'],
    brands: ['KTV', '影城', '密室', '台球俱乐部', '温泉', '桌游吧'],
  },
  beauty: {
    weight: 12,
    zh: ['精油SPA全身按摩90分钟', '洗剪吹护理套餐', '日式美甲套餐', '美睫嫁接一次', '面部补水护理', '足疗按摩60分钟'],
    en: ['full body spa massage', 'haircut and styling', 'gel manicure', 'facial treatment'],
    brands: ['SPA会所', '发型工作室', '美甲店', '美容院', '足道'],
  },
  services: {
    weight: 8,
    zh: ['汽车精洗一次', '家政保洁3小时', '证件照拍摄套餐', '婚纱摄影套餐', '洗衣干洗5件', '宠物洗澡美容'],
    en: ['car wash', 'home cleaning for 3 hours', 'photo studio session', 'dry cleaning for five items'],
    brands: ['汽车美容', '家政', '摄影', '洗衣店', '宠物店'],
  },
  shopping: {
    weight: 10,
    zh: ['护手霜三支装，全国包邮', '补水面膜20片装', '保温杯一个', '羽绒服一件', '充电宝一个', '进口坚果礼盒'],
    en: ['hand cream, 3 tubes, free shipping', 'face masks, pack of 20', 'power bank', 'down jacket'],
    brands: ['旗舰店', '商城', '专卖店'],
  },
  travel: {
    weight: 6,
    zh: ['三亚5天4晚双人自由行', '温泉度假村双人套票', '古镇一日游含门票', '商务酒店大床房一晚', '主题乐园门票'],
    en: ['hotel room for one night', 'day trip with tickets', 'theme park ticket'],
    brands: ['酒店', '旅行社', '度假村'],
  },
  fitness: {
    weight: 4,
    zh: ['游泳健身月卡一张', '瑜伽体验课10次', '私教课3节', '羽毛球场2小时'],
    en: ['gym pass for a month', 'yoga classes, 10 sessions'],
    brands: ['健身会所', '瑜伽馆', '游泳馆'],
  },
  education: {
    weight: 3,
    zh: ['少儿英语体验课', '钢琴课4节', '驾校报名套餐', '书法课8节'],
    en: ['English lessons for kids', 'piano lessons'],
    brands: ['培训中心', '琴行', '驾校'],
  },
  other: { weight: 2, zh: ['体检套餐一份', '代金券100元'], en: ['health check-up'], brands: ['中心', '服务社'] },
};
const CATEGORY_SLUGS = Object.keys(ITEMS);
const categoryPicker = (() => {
  const cumulative: number[] = [];
  let sum = 0;
  for (const slug of CATEGORY_SLUGS) cumulative.push(sum += ITEMS[slug]!.weight);
  return (r: number) => CATEGORY_SLUGS[cumulative.findIndex((each) => r * sum < each)]!;
})();
const BRAND_PREFIX = ['蜀香', '星光', '静心', '南国', '港记', '麦霸', '镕喆', '金鼎', '大福', '御膳', '乐享', '悦来', '老街', '小城',
  '红辣椒', '海湾', '一品', '百味', '天天', '好运', '东方', '胖哥', '阿妈', '江湖', '聚福', '福满', '新概念', '蓝海', '森林', '青春'];
const DISTRICTS = ['朝阳区', '海淀区', '中心广场', '火车站', '大学城', '开发区', '新区', '老城区', '步行街', '万达广场', '滨江', '高新区'];
const EXTRAS = ['节假日通用', '免预约', '周一至周五可用', '限购2份', '可叠加使用', '含服务费', '24小时营业'];
const EN_BRANDS = ['Golden Tripod', 'Harbour View', 'Sichuan House', 'Star Light', 'Blue Sea', 'Old Street', 'Happy Days', 'Lucky Star'];

/** One site's deals for one snapshot. `variant` 1 is a later snapshot: some gone, some repriced. */
function siteDeals(site: SiteSpec, cities: { code: string; zh: string }[], cityOf: (r: number) => number, now: number, variant: 0 | 1): DealRecord[] {
  const rnd = random(site.index * 7919 + 17);
  const change = random(site.index * 104_729 + 3);
  const deals: DealRecord[] = [];
  for (let n = 0; n < site.deals; n++) {
    const nationwide = rnd() < site.nationwideShare;
    // The site's own cities: Zipf within the first `site.cityCount` ranks, shifted so sites differ.
    let cityIndex = cityOf(rnd());
    if (cityIndex >= site.cityCount) cityIndex = (cityIndex + site.index) % site.cityCount;
    const city = cities[cityIndex]!;
    const category = nationwide ? (rnd() < 0.75 ? 'shopping' : rnd() < 0.6 ? 'travel' : 'other') : categoryPicker(rnd());
    const items = ITEMS[category]!;
    const english = rnd() < 0.15;
    // Merchants: a city's pool, so the same merchant shows on several sites (same-offer groups).
    const hasMerchant = !nationwide && rnd() < 0.8;
    const merchantId = Math.floor(rnd() * 400);
    const brand = `${BRAND_PREFIX[merchantId % BRAND_PREFIX.length]!}${items.brands[Math.floor(merchantId / BRAND_PREFIX.length) % items.brands.length]!}`;
    const district = rnd() < 0.1 ? null : pick(DISTRICTS, rnd());
    const yuan = Math.round(Math.exp(Math.log(5) + rnd() * Math.log(3000 / 5)));
    const priceMinor = yuan * 100 + pick([0, 0, 50, 90], rnd());
    const off = 10 + Math.floor(rnd() * 80);
    const hasValue = rnd() < 0.95;
    const valueMinor = hasValue ? Math.round(priceMinor / (1 - off / 100) / 100) * 100 : null;
    const item = english ? pick(items.en, rnd()) : pick(items.zh, rnd());
    const extra = pick(EXTRAS, rnd());
    const priceText = (priceMinor / 100).toFixed(2);
    const valueText = valueMinor === null ? null : (valueMinor / 100).toFixed(2);
    const title = english
      ? `Only ¥${priceText} for ${item} at ${pick(EN_BRANDS, rnd())}${valueText ? ` (worth ¥${valueText})` : ''}`
      : `仅售${priceText}元！${valueText ? `价值${valueText}元的` : ''}${hasMerchant ? brand : ''}${item}，${extra}`;
    const soldRaw = rnd();
    const started = rnd();
    const ending = rnd();
    let deal: DealRecord = {
      site: site.slug,
      externalId: String(100_000 + n),
      url: `http://www.${site.slug}.example/team.php?id=${100_000 + n}`,
      title,
      imageUrl: rnd() < 0.9 ? `http://img.${site.slug}.example/team/${100_000 + n}.jpg` : null,
      city: nationwide ? null : city.code,
      nationwide,
      district: nationwide ? null : district,
      category,
      priceMinor,
      valueMinor,
      currency: 'CNY',
      discountPercent: valueMinor === null ? null : Math.round((1 - priceMinor / valueMinor) * 100),
      sold: soldRaw < 0.1 ? null : Math.floor(Math.exp(soldRaw * Math.log(50_000))),
      soldOut: rnd() < 0.03,
      startsAt: started < 0.05 ? null : new Date(now - Math.floor(started * 90 * 86_400_000)).toISOString(),
      endsAt: ending < 0.08 ? null : new Date(now + (20 + Math.floor(ending * 380)) * 86_400_000).toISOString(),
      merchant: hasMerchant ? { name: `${brand}(${district ?? city.zh}店)`, phone: null, address: null } : null,
      branches: [],
    };
    if (variant === 1) {
      const r = change();
      if (r < 0.1) continue; // gone from the feed: marked removed
      if (r < 0.2) deal = { ...deal, priceMinor: Math.max(100, deal.priceMinor - 500), discountPercent: deal.valueMinor === null ? null : Math.round((1 - (deal.priceMinor - 500) / deal.valueMinor) * 100) };
    }
    deals.push(deal);
  }
  return deals;
}

interface SiteSpec { index: number; slug: string; name: string; deals: number; cityCount: number; nationwideShare: number; suspended: boolean }

/** 2,000 sites with Zipf-sized catalogues summing to exactly `sizes.deals`; big sites cover more cities. */
function siteSpecs(sizes: Sizes): SiteSpec[] {
  const rnd = random(42);
  const weights = Array.from({ length: sizes.sites }, (_, i) => 1 / (i + 1) ** 0.7);
  const total = weights.reduce((sum, w) => sum + w, 0);
  const counts = weights.map((w) => Math.max(1, Math.floor((w / total) * sizes.deals)));
  counts[0]! += sizes.deals - counts.reduce((sum, c) => sum + c, 0);
  return counts.map((deals, index) => ({
    index,
    slug: `site${String(index + 1).padStart(4, '0')}`,
    name: `${pick(BRAND_PREFIX, rnd())}团购${index + 1}`,
    deals,
    cityCount: Math.min(sizes.cities, Math.max(1, Math.round(deals / 150))),
    nationwideShare: rnd() < 0.2 ? 0.2 : 0.01,
    suspended: index % 100 === 57, // 1 % of the sites: their deals are stored but not live
  }));
}

interface BuildResult { seconds: number; deals: number; liveDeals: number; removed: number; secondSnapshots: number; fileBytes: number; peakRssMiB: number }

async function buildMain(dbPath: string, sizes: Sizes): Promise<void> {
  const { openStorage } = await import('../src/storage');
  const started = Date.now();
  const now = Date.now();
  rmSync(dbPath, { force: true });
  const storage = openStorage(dbPath);
  const cities = cityList(sizes.cities);
  const cityOf = zipf(cities.length, 0.8);
  const specs = siteSpecs(sizes);
  let removed = 0;
  let secondSnapshots = 0;
  const feeds: number[] = [];
  for (const spec of specs) {
    const site = await storage.sites.upsert({ slug: spec.slug, name: spec.name, homeUrl: `http://www.${spec.slug}.example/`, clickParam: 'dnclick', status: spec.suspended ? 'suspended' : 'active' });
    const feed = await storage.feeds.upsert({ siteId: site.id, url: `http://www.${spec.slug}.example/api/hao123.xml` });
    feeds.push(feed.id);
    await storage.deals.applyFeedSnapshot({ id: feed.id, siteId: site.id }, siteDeals(spec, cities, cityOf, now, 0), new Date(now - 86_400_000));
    // 5 % of the feeds were crawled again since: 10 % of their deals gone, 10 % cheaper.
    if (spec.index % 20 === 3) {
      const counts = await storage.deals.applyFeedSnapshot({ id: feed.id, siteId: site.id }, siteDeals(spec, cities, cityOf, now, 1), new Date(now - 3_600_000));
      removed += counts.removed;
      secondSnapshots++;
    }
    if (spec.index % 100 === 0) process.stderr.write(`  build: ${spec.index}/${specs.length} sites, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }
  for (const id of feeds) await storage.feeds.pause(id, 'benchmark: no crawling during the listing run');
  await storage.close();
  // A checkpointed, optimized file: what a server that has been running a while reads.
  const db = new Database(dbPath);
  db.pragma('optimize');
  db.pragma('wal_checkpoint(TRUNCATE)');
  const liveDeals = (db.prepare('SELECT count(*) AS n FROM deals WHERE removed_at IS NULL').get() as { n: number }).n;
  db.close();
  const result: BuildResult = {
    seconds: (Date.now() - started) / 1000, deals: sizes.deals, liveDeals, removed, secondSnapshots,
    fileBytes: statSync(dbPath).size, peakRssMiB: peakRss(),
  };
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
}

function peakRss(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? round(Number(match[1]) / 1024, 0) : 0;
}

// ---------------------------------------------------------------------------------------------
// Explain: plans and unloaded timings of the statements behind each target.

interface StatementReport { role: string; ms: number; rows: number; plan: string }
interface ExplainResult { target: string; searchMs: number; sitesListMs: number; total: number; statements: StatementReport[] }

async function explainMain(dbPath: string): Promise<void> {
  const { openStorage } = await import('../src/storage');
  const { listingStatements } = await import('../src/storage/sqlite/deal-search');
  const storage = openStorage(dbPath);
  const db = new Database(dbPath, { readonly: true });
  // One warm-up (page cache, prepared statement), then one timed run: the slow statements take
  // hundreds of ms each, and the measured part of the bench has to stay within a few minutes.
  const time = (fn: () => unknown): number => {
    fn();
    const t = process.hrtime.bigint();
    fn();
    return round(Number(process.hrtime.bigint() - t) / 1e6, 1);
  };
  const results: ExplainResult[] = [];
  for (const target of TARGETS) {
    const query: DealQuery = { ...target.query, now: new Date() };
    const statements: StatementReport[] = Object.entries(listingStatements(query)).map(([role, { sql, params }]) => {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((row) => row.detail).join(' / ');
      const statement = db.prepare(sql);
      let rows = 0;
      const ms = time(() => { rows = statement.all(params).length; });
      return { role, ms, rows, plan };
    });
    // The statements above warmed the cache: one timed search() (page, count, facets, offer groups).
    let t = process.hrtime.bigint();
    await storage.deals.search(query);
    const searchMs = round(Number(process.hrtime.bigint() - t) / 1e6, 1);
    await storage.sites.list();
    t = process.hrtime.bigint();
    await storage.sites.list();
    const sitesListMs = round(Number(process.hrtime.bigint() - t) / 1e6, 1);
    const total = (db.prepare(listingStatements(query).count!.sql).get(listingStatements(query).count!.params) as { total: number }).total;
    results.push({ target: target.name, searchMs, sitesListMs, total, statements });
  }
  db.close();
  await storage.close();
  console.log(`BENCH_RESULT ${JSON.stringify(results)}`);
}

// ---------------------------------------------------------------------------------------------
// Server children.

type ToParent = { ready: string };

async function serveApp(dbPath: string): Promise<{ address: string; close(): Promise<void> }> {
  const { startServer } = await import('../src/server');
  // No background work (crawls, link checks): the generated deals name hosts that must never be fetched.
  const server = await startServer({ dbPath, host: '127.0.0.1', port: 0, allowPrivateNetwork: true }, { background: false });
  return { address: server.address, close: () => server.close() };
}

/** A bare fastify route per target answering that target's captured body (same bytes, same Content-Type), as a static page. */
async function serveBare(bodiesFile: string): Promise<{ address: string; close(): Promise<void> }> {
  const bodies = JSON.parse(readFileSync(bodiesFile, 'utf8')) as { path: string; contentType: string; body: string }[];
  const app = Fastify({ logger: false });
  bodies.forEach(({ contentType, body }, index) => {
    // Bytes, as a static file server sends a page: no text to encode per request.
    const bytes = Buffer.from(body, 'utf8');
    app.get(`/bare/${index}`, async (_request, reply) => reply.header('content-type', contentType).send(bytes));
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { address, close: () => app.close() };
}

async function serverChildMain(mode: string, arg: string): Promise<void> {
  const server = mode === 'serve-app' ? await serveApp(arg) : await serveBare(arg);
  process.on('message', (message: string) => {
    if (message === 'close') void server.close().then(() => process.exit(0));
  });
  process.on('disconnect', () => void server.close().then(() => process.exit(0)));
  process.send!({ ready: server.address } satisfies ToParent);
}

interface ServerChild { address: string; close(): Promise<void>; kill(): Promise<void>; cpuMicros(): number }

/** A process's CPU time so far (user + system), from /proc (Linux): robust against a shared machine. */
function processCpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticksPerSecond = 100; // USER_HZ, 100 on Linux
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / ticksPerSecond;
}

/** The app's two ways of answering: its shipped default, and with the answers cache off (every request renders). */
type AppMode = 'cached' | 'uncached';
const APP_MODES: AppMode[] = ['cached', 'uncached'];
const appEnv = (mode: AppMode): NodeJS.ProcessEnv => ({ ...process.env, DEALNAV_PAGE_CACHE_MS: mode === 'cached' ? '' : '0' });

function startServerChild(mode: 'serve-app' | 'serve-bare', arg: string, env: NodeJS.ProcessEnv = process.env): Promise<ServerChild> {
  const profileDir = process.env.BENCH_CPU_PROF;
  // BENCH_CPU_PROF=/some/dir: each server child writes CPU profiles there.
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, `listing-${mode}`)}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, runTs, here, mode, arg], {
    cwd: projectDir, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 240_000); // a hung server never outlives the bench
  const exited = new Promise<void>((done) => child.once('exit', () => { clearTimeout(killTimer); done(); }));
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${mode} exited with ${code} before it was ready`));
    child.once('exit', onExit);
    child.once('message', (message: ToParent) => {
      child.off('exit', onExit);
      resolve({
        address: message.ready,
        cpuMicros: () => processCpuMicros(child.pid!),
        close: async () => {
          if (child.connected) child.send('close');
          await exited;
        },
        // The app child only reads the database, so SIGKILL is safe; it drops the requests still queued.
        kill: async () => {
          child.kill('SIGKILL');
          await exited;
        },
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The benchmark.

interface CacheMeta { version: number; sizes: Sizes; builtAt: string; build: BuildResult; migratedFrom?: number; migrateSeconds?: number }

async function cachedDatabase(sizes: Sizes, log: (line: string) => void): Promise<{ path: string; meta: CacheMeta; reused: boolean }> {
  mkdirSync(CACHE_DIR, { recursive: true });
  // Keyed by the schema too: a server opening an older file would migrate (re-index) it during the run.
  const { schemaVersion } = await import('../src/storage/sqlite/migrations');
  const name = `listing-v${GENERATOR_VERSION}-s${schemaVersion}-${sizes.deals}-${sizes.sites}-${sizes.cities}`;
  const path = join(CACHE_DIR, `${name}.db`);
  const metaPath = join(CACHE_DIR, `${name}.json`);
  if (existsSync(path) && existsSync(metaPath)) {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as CacheMeta;
    const ageDays = (Date.now() - Date.parse(meta.builtAt)) / 86_400_000;
    if (meta.version === GENERATOR_VERSION && ageDays < CACHE_MAX_AGE_DAYS) {
      log(`listing: reusing ${path} (built ${meta.builtAt} in ${meta.build.seconds.toFixed(0)} s)`);
      return { path, meta, reused: true };
    }
    log(`listing: cached database is ${ageDays.toFixed(0)} days old; rebuilding`);
  }
  const building = join(CACHE_DIR, `${name}.building.db`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${building}${suffix}`, { force: true });
  // The same data under an older schema: copy it and let the product's migrations bring it up to
  // date (what a deployment does), instead of generating a million deals again.
  const older = readdirSync(CACHE_DIR)
    .map((file) => new RegExp(`^listing-v${GENERATOR_VERSION}-s(\\d+)-${sizes.deals}-${sizes.sites}-${sizes.cities}\\.json$`).exec(file))
    .filter((match): match is RegExpExecArray => match !== null && Number(match[1]) < schemaVersion)
    .sort((a, b) => Number(b[1]) - Number(a[1]))[0];
  if (older) {
    const olderMeta = JSON.parse(readFileSync(join(CACHE_DIR, older[0]), 'utf8')) as CacheMeta;
    const olderDb = join(CACHE_DIR, older[0].replace(/\.json$/, '.db'));
    if (existsSync(olderDb) && (Date.now() - Date.parse(olderMeta.builtAt)) / 86_400_000 < CACHE_MAX_AGE_DAYS) {
      log(`listing: migrating the cached schema-${older[1]} database to schema ${schemaVersion}…`);
      const started = Date.now();
      copyFileSync(olderDb, building);
      await runChild<{ ok: true }>(here, ['migrate', building], 10 * 60_000);
      renameSync(building, path);
      for (const suffix of ['-wal', '-shm']) rmSync(`${building}${suffix}`, { force: true });
      const meta: CacheMeta = { ...olderMeta, migratedFrom: Number(older[1]), migrateSeconds: (Date.now() - started) / 1000 };
      writeFileSync(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
      for (const suffix of ['.db', '.db-wal', '.db-shm', '.json']) rmSync(join(CACHE_DIR, older[0].replace(/\.json$/, suffix)), { force: true });
      return { path, meta, reused: true };
    }
  }
  log(`listing: building ${sizes.deals} deals from ${sizes.sites} sites in ${sizes.cities} cities (cached afterwards)…`);
  const build = await runChild<BuildResult>(here, ['build', building, String(sizes.deals), String(sizes.sites), String(sizes.cities)], 40 * 60_000);
  for (const suffix of ['-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  renameSync(building, path);
  for (const suffix of ['-wal', '-shm']) rmSync(`${building}${suffix}`, { force: true });
  const meta: CacheMeta = { version: GENERATOR_VERSION, sizes, builtAt: new Date().toISOString(), build };
  writeFileSync(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
  log(`listing: built in ${build.seconds.toFixed(0)} s, ${(build.fileBytes / 1024 / 1024).toFixed(0)} MiB`);
  return { path, meta, reused: false };
}

interface Captured { path: string; contentType: string; body: string; bytes: number; status: number }

async function capture(address: string, target: Target): Promise<Captured> {
  const response = await fetch(`${address}${target.path}`, { headers: HEADERS });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`listing: ${target.path} answered ${response.status}: ${body.slice(0, 300)}`);
  return { path: target.path, contentType: response.headers.get('content-type') ?? 'text/plain', body, bytes: Buffer.byteLength(body), status: response.status };
}

/** Sequential requests on an idle server: the service time of one request, without queueing. */
async function unloaded(address: string, path: string, budgetMs: number, maxRuns: number): Promise<number> {
  const samples: number[] = [];
  const until = Date.now() + budgetMs;
  while (samples.length < maxRuns && (samples.length < 3 || Date.now() < until)) {
    const t = process.hrtime.bigint();
    await (await fetch(`${address}${path}`, { headers: HEADERS })).arrayBuffer();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
}

type Server = 'bare' | AppMode;
interface Run { target: number; server: Server; round: number; rps: number; p50: number; p99: number; ok: number; bad: number; cpuMicrosPerAnswer: number }

function record(target: number, server: Server, roundNo: number, result: AutocannonResult, cpuMicros: number): Run {
  return {
    cpuMicrosPerAnswer: cpuMicros / Math.max(1, result['2xx']),
    target, server, round: roundNo, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99,
    ok: result['2xx'], bad: result.non2xx + result.errors + result.timeouts,
  };
}

export async function runListingBench(options: BenchOptions): Promise<Table[]> {
  const { log } = options;
  const sizes = options.quick ? QUICK : FULL;
  const seconds = options.quick ? 2 : 5; // per app run
  const bareSeconds = options.quick ? 2 : 3;
  const rounds = 2;
  const { path: dbPath, meta, reused } = await cachedDatabase(sizes, log);
  const measuredStart = Date.now();

  log('listing: EXPLAIN QUERY PLAN and unloaded statement timings…');
  const explained = await runChild<ExplainResult[]>(here, ['explain', dbPath], 300_000);

  const work = mkdtempSync(join(tmpdir(), 'dealnav-bench-listing-'));
  const runs: Run[] = [];
  let captured: Captured[] = [];
  const unloadedMs: Record<AppMode, number[]> = { cached: [], uncached: [] };
  const logRun = (run: Run) => log(`listing: round ${run.round} ${run.server} ${TARGETS[run.target]!.name}: ${round(run.rps, 1)} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms${run.bad ? `, ${run.bad} failed` : ''}`);
  try {
    // The bodies the bare server answers: each target's real answer, captured once from the app.
    {
      for (const mode of APP_MODES) {
        const app = await startServerChild('serve-app', dbPath, appEnv(mode));
        try {
          if (mode === 'cached') for (const target of TARGETS) captured.push(await capture(app.address, target));
          for (const target of TARGETS) unloadedMs[mode].push(round(await unloaded(app.address, target.path, 1500, 15), 1));
        } finally {
          await app.close();
        }
      }
      writeFileSync(join(work, 'bodies.json'), JSON.stringify(captured));
      log(`listing: answers ${captured.map((each) => each.bytes).join(', ')} bytes; unloaded ms cached ${unloadedMs.cached.join(', ')}; uncached ${unloadedMs.uncached.join(', ')}`);
    }
    for (let roundNo = 1; roundNo <= rounds; roundNo++) {
      // Bare: one child per round, a 1 s autocannon warm-up per route.
      const bare = await startServerChild('serve-bare', join(work, 'bodies.json'));
      try {
        for (const [index, target] of TARGETS.entries()) {
          const url = `${bare.address}/bare/${index}`;
          await autocannon({ url, connections: CONNECTIONS, duration: 1, timeout: 30, headers: HEADERS });
          const cpuBefore = bare.cpuMicros();
          const result = await autocannon({ url, connections: CONNECTIONS, duration: bareSeconds, timeout: 30, headers: HEADERS });
          runs.push(record(index, 'bare', roundNo, result, bare.cpuMicros() - cpuBefore));
          logRun(runs.at(-1)!);
        }
      } finally {
        await bare.close();
      }
      // App: a fresh child per route, warmed by one request, killed after its run. A route that
      // takes 0.3–3 s per request leaves up to CONNECTIONS × that queued when autocannon stops;
      // killing the child drops that backlog instead of letting it run into the next route.
      for (const mode of APP_MODES) {
        for (const [index, target] of TARGETS.entries()) {
          const app = await startServerChild('serve-app', dbPath, appEnv(mode));
          try {
            await (await fetch(`${app.address}${target.path}`, { headers: HEADERS })).arrayBuffer();
            const cpuBefore = app.cpuMicros();
            const result = await autocannon({ url: `${app.address}${target.path}`, connections: CONNECTIONS, duration: seconds, timeout: 30, headers: HEADERS });
            runs.push(record(index, mode, roundNo, result, app.cpuMicros() - cpuBefore));
            logRun(runs.at(-1)!);
          } finally {
            await app.kill();
          }
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const measuredSeconds = (Date.now() - measuredStart) / 1000;

  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  const pickRuns = (index: number, server: Server) => runs.filter((run) => run.target === index && run.server === server);
  const rows = APP_MODES.flatMap((mode) => TARGETS.map((target, index) => {
    const app = pickRuns(index, mode);
    const bare = pickRuns(index, 'bare');
    const ratios = app.map((run) => run.rps / bare.find((each) => each.round === run.round)!.rps);
    const ratio = mean(ratios);
    return [
      target.name, mode, explained[index]!.total, captured[index]!.bytes, unloadedMs[mode][index]!,
      round(mean(app.map((run) => run.rps)), 1), round(mean(app.map((run) => run.p50)), 0), round(mean(app.map((run) => run.p99)), 0),
      Math.round(mean(bare.map((run) => run.rps))), round(mean(bare.map((run) => run.p50)), 1), round(mean(bare.map((run) => run.p99)), 1),
      ratios.map((each) => each.toPrecision(2)).join(' / '), ratio.toPrecision(2), ratio >= 0.5 ? 'yes' : '**no**',
      Math.round(mean(app.map((run) => run.cpuMicrosPerAnswer))), Math.round(mean(bare.map((run) => run.cpuMicrosPerAnswer))),
      (mean(bare.map((run) => run.cpuMicrosPerAnswer)) / mean(app.map((run) => run.cpuMicrosPerAnswer))).toPrecision(2),
      app.reduce((sum, run) => sum + run.bad, 0),
    ];
  }));

  const statementRows = explained.flatMap((each) => [
    ...each.statements.map((statement) => [each.target, statement.role, statement.ms, statement.rows, statement.plan]),
    [each.target, 'storage.deals.search() total', each.searchMs, '', 'page + count + facets + offer groups of the page'],
    [each.target, 'storage.sites.list() (every page)', each.sitesListMs, '', ''],
  ]);

  return [{
    title: `Listing at ${sizes.deals.toLocaleString('en')} deals: autocannon ${CONNECTIONS} connections, ${seconds} s per run (after a 1 s warm-up), ${rounds} alternating rounds, 127.0.0.1`,
    columns: ['target', 'app answers', 'live matches', 'answer bytes', 'unloaded ms (median, sequential)', 'app req/s', 'app p50 ms', 'app p99 ms', 'bare req/s', 'bare p50 ms', 'bare p99 ms', 'ratio per round', 'ratio (mean)', '≥ 0.5', 'app CPU µs per answer', 'bare CPU µs per answer', 'CPU ratio (bare / app)', 'app non-2xx/errors'],
    rows,
    notes: [
      `Database: ${sizes.deals} deals (${meta.build.liveDeals} not removed; ${meta.build.removed} removed by ${meta.build.secondSnapshots} second snapshots), ${sizes.sites} sites, ${sizes.cities} cities; ${(meta.build.fileBytes / 1024 / 1024).toFixed(0)} MiB; built ${meta.builtAt} in ${meta.build.seconds.toFixed(0)} s through applyFeedSnapshot (peak RSS ${meta.build.peakRssMiB} MiB)${reused ? ', reused from the cache' : ', built in this run'}${meta.migratedFrom === undefined ? '' : ` (migrated from schema ${meta.migratedFrom} in ${meta.migrateSeconds?.toFixed(0)} s)`}.`,
      `Bare = fastify (no schema, no storage) answering each target's captured body verbatim (same byte length and Content-Type), one child per round, 1 s warm-up then ${bareSeconds} s per route.`,
      `App = startServer on the cached file (every feed paused: the scheduler is idle), a fresh child per route, mode and round, warmed by one request, ${seconds} s of autocannon, then SIGKILL (drops the queued backlog). Each server child has one core, autocannon the other.`,
      'App answers "cached" = as shipped: an anonymous listing or /api/deals answer is reused for 2 s (DEALNAV_PAGE_CACHE_MS), so under load most requests of one URL are served from memory. "uncached" = DEALNAV_PAGE_CACHE_MS=0: every request runs the page query and renders; the totals and facets still come from their own cache (listing-cache.ts), as they do for any URL whose filters were asked before (another page, another sort).',
      'CPU µs per answer: the server process\'s CPU time (from /proc) over the 2xx answers of the run; the CPU ratio is the throughput ratio each would reach with a core to itself, and moves far less than req/s on a shared machine.',
      'On a route that is saturated (service time × connections ≫ 1 s) p50/p99 are mostly queueing; "unloaded ms" is the service time of one request on an idle server (sequential requests, median).',
      `Measured part (explain, capture, ${rounds} rounds): ${measuredSeconds.toFixed(0)} s.`,
    ],
  }, {
    title: 'What each listing statement costs (unloaded: one timed run after a warm-up run, one connection) and its plan',
    columns: ['target', 'statement', 'ms', 'rows', 'EXPLAIN QUERY PLAN'],
    rows: statementRows,
  }];
}

if (isEntry(import.meta.url)) {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'build') await buildMain(args[0]!, { deals: Number(args[1]), sites: Number(args[2]), cities: Number(args[3]) });
  else if (mode === 'explain') await explainMain(args[0]!);
  else if (mode === 'migrate') {
    const { openStorage } = await import('../src/storage');
    await openStorage(args[0]!).close(); // opening applies the pending migrations
    const db = new Database(args[0]!);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    console.log('BENCH_RESULT {"ok":true}');
  }
  else if (mode === 'serve-app' || mode === 'serve-bare') await serverChildMain(mode, args[0]!);
  else throw new Error(`bench/listing.ts: unknown mode ${mode} (run the benchmarks with npm run bench)`);
}
