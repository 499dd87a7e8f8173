// `dealnav orders`: a site's order-query URL, pulls of it now, and the record of past pulls.
import { createAccountServices } from '../../accounts/services';
import { resolveAllowPrivate, resolveDbPath } from '../../config';
import {
  DEFAULT_PULL_INTERVAL_MINUTES, DEFAULT_PULL_WINDOW_HOURS, OrderPullService,
} from '../../revenue/order-pull/pull-orders';
import { PostbackService } from '../../revenue/postback';
import { openStorage, type OrderPullRun, type Site, type Storage } from '../../storage';
import { allowPrivateOption, commonHelp, dbOption, stringValue, UsageError, type Command, type Values } from '../command';

export const ordersCommand: Command = {
  name: 'orders',
  summary: "set a site's order-query URL, pull its orders, list the pulls",
  help: `Usage:
  dealnav orders pull-url SLUG URL [--interval MINUTES] [--window HOURS] [--db PATH]
  dealnav orders pull-url SLUG --remove [--db PATH]
  dealnav orders pull [SLUG] [--from TIME --to TIME] [--db PATH] [--allow-private-network]
  dealnav orders runs SLUG [--db PATH]

pull-url  registers the URL the portal asks for the site's orders (GET, signed with the site's postback
          secret: site, start, end, ts, nonce and sign = HMAC-SHA256 over the sorted parameters; see the
          README). It is asked every --interval minutes (default ${DEFAULT_PULL_INTERVAL_MINUTES}) for at least the last
          --window hours (default ${DEFAULT_PULL_WINDOW_HOURS}), reaching back to where the last good pull ended after a failure.
          --remove stops pulling the site.
pull      pulls one site now (its scheduled window, or --from/--to: YYYY-MM-DD is midnight UTC, or an ISO
          instant), or without SLUG every site whose pull is due. Exit code 1 when a pull failed.
runs      prints the site's last pulls with their windows, counts and errors.

${commonHelp.db}
${commonHelp.allowPrivate}`,
  options: {
    ...dbOption, ...allowPrivateOption,
    interval: { type: 'string' }, window: { type: 'string' }, remove: { type: 'boolean' },
    from: { type: 'string' }, to: { type: 'string' },
  },
  async run(values, positionals) {
    const [action, slug, url, ...rest] = positionals;
    if (rest.length > 0) throw new UsageError(`unexpected '${rest.join(' ')}'`);
    if (action !== 'pull-url' && action !== 'pull' && action !== 'runs') {
      throw new UsageError(action ? `unknown orders action '${action}'` : 'say pull-url, pull or runs');
    }
    if (action !== 'pull' && !slug) throw new UsageError(`orders ${action} needs the site SLUG`);
    const storage = openStorage(resolveDbPath(stringValue(values, 'db')));
    try {
      const site = slug ? await findSite(storage, slug) : null;
      if (action === 'pull-url') return await setPullUrl(storage, site!, url, values);
      if (action === 'runs') return await listRuns(storage, site!);
      return await pull(storage, site, values);
    } finally {
      await storage.close();
    }
  },
};

async function findSite(storage: Storage, slug: string): Promise<Site> {
  const site = await storage.sites.findBySlug(slug);
  if (!site) throw new Error(`no site '${slug}' (dealnav site list)`);
  return site;
}

const positiveInteger = (values: Values, name: string, fallback: number, max: number): number => {
  const text = stringValue(values, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}`);
  return value;
};

async function setPullUrl(storage: Storage, site: Site, url: string | undefined, values: Values): Promise<number> {
  const { audit } = await createAccountServices(storage);
  const before = await storage.orderPulls.findSource(site.id);
  if (values.remove === true) {
    if (url) throw new UsageError('--remove takes no URL');
    const removed = await storage.orderPulls.removeSource(site.id);
    if (removed) await audit.record({ actorUserId: null, action: 'order_pull.remove', subject: `site:${site.id}`, before: { url: before?.url } });
    console.log(removed ? `${site.slug}: order pull removed` : `${site.slug} had no order-query URL`);
    return 0;
  }
  if (!url) throw new UsageError('orders pull-url needs the URL (or --remove)');
  checkUrl(url);
  const source = await storage.orderPulls.setSource(site.id, {
    url,
    intervalMinutes: positiveInteger(values, 'interval', before?.intervalMinutes ?? DEFAULT_PULL_INTERVAL_MINUTES, 7 * 24 * 60),
    windowHours: positiveInteger(values, 'window', before?.windowHours ?? DEFAULT_PULL_WINDOW_HOURS, 31 * 24),
  }, new Date());
  await audit.record({
    actorUserId: null, action: 'order_pull.set_url', subject: `site:${site.id}`,
    before: before ? { url: before.url, intervalMinutes: before.intervalMinutes, windowHours: before.windowHours } : null,
    after: { url: source.url, intervalMinutes: source.intervalMinutes, windowHours: source.windowHours },
  });
  if (!(await storage.revenue.postbackSecrets(site.id))) {
    console.error(`note: ${site.slug} has no postback secret yet; pulls fail until one exists (dealnav site secret ${site.slug})`);
  }
  console.log(`${site.slug}: orders pulled from ${source.url} every ${source.intervalMinutes} min, window at least ${source.windowHours} h; first pull due now`);
  return 0;
}

function checkUrl(text: string): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`'${text}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('the order-query URL must be http or https');
  if (url.username || url.password) throw new UsageError('the order-query URL must not carry a user name or password (the query is signed instead)');
  if (text.length > 2000) throw new UsageError('the order-query URL is longer than 2000 characters');
}

function parseTime(text: string | undefined, name: string): Date | undefined {
  if (text === undefined) return undefined;
  const at = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) throw new UsageError(`--${name} '${text}' is not a date (YYYY-MM-DD, midnight UTC) or an ISO instant`);
  return new Date(at);
}

async function pull(storage: Storage, site: Site | null, values: Values): Promise<number> {
  const from = parseTime(stringValue(values, 'from'), 'from');
  const to = parseTime(stringValue(values, 'to'), 'to');
  if ((from === undefined) !== (to === undefined)) throw new UsageError('give both --from and --to, or neither');
  if (from && to && to <= from) throw new UsageError('--to must be after --from');
  if (from && !site) throw new UsageError('--from/--to need the site SLUG');
  const service = new OrderPullService(storage, await PostbackService.create(storage), {
    allowPrivateNetwork: resolveAllowPrivate(values['allow-private-network'] === true),
  });
  const runs = site ? [await service.pullSite(site, 'manual', from && to ? { start: from, end: to } : undefined)] : await service.pullDue(1000);
  if (runs.length === 0) console.log('no site is due for a pull');
  for (const run of runs) console.log(describeRun(run, site?.slug ?? `site #${run.siteId}`));
  return runs.some((run) => run.outcome !== 'ok') ? 1 : 0;
}

async function listRuns(storage: Storage, site: Site): Promise<number> {
  const source = await storage.orderPulls.findSource(site.id);
  console.log(source
    ? `${site.slug}: ${source.url} every ${source.intervalMinutes} min, window ≥ ${source.windowHours} h, next ${source.nextPullAt.toISOString()}`
    : `${site.slug}: no order-query URL (dealnav orders pull-url ${site.slug} URL)`);
  for (const run of await storage.orderPulls.listRuns(site.id, 20)) console.log(describeRun(run, `#${run.id}`));
  return 0;
}

function describeRun(run: OrderPullRun, name: string): string {
  const window = `${run.windowStart.toISOString()} – ${run.windowEnd.toISOString()}`;
  if (run.outcome !== 'ok') return `${name}: pull failed [${window}]: ${run.errorCode ?? 'interrupted'}: ${run.errorMessage ?? ''}`;
  const refused = run.problems.map((problem) => `\n    refused ${problem.orderId}: ${problem.code}: ${problem.message}`).join('');
  return `${name}: pulled [${window}] ${run.format}: ${run.orders} orders, ${run.created} new, ${run.updated} changed, ${run.unchanged} unchanged, ${run.refused} refused${refused}`;
}
