// `dealnav orders`: a site's order-query URL, pulls of it now, and the record of past pulls.
import { createAccountServices } from '../../accounts/services';
import { resolveAllowPrivate, resolveDbPath } from '../../config';
import { OrderPullService } from '../../revenue/order-pull/pull-orders';
import {
  DEFAULT_PULL_INTERVAL_MINUTES, DEFAULT_PULL_WINDOW_HOURS, MAX_PULL_INTERVAL_MINUTES, MAX_PULL_WINDOW_HOURS,
  pullUrlProblem, removePullSource, setPullSource, type PullUrlProblem,
} from '../../revenue/order-pull/pull-source';
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

const optionalInteger = (values: Values, name: string, max: number): number | undefined => {
  const text = stringValue(values, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}`);
  return value;
};

const URL_PROBLEMS: Record<PullUrlProblem, string> = {
  not_a_url: 'is not a URL',
  not_http: 'must be http or https',
  credentials: 'must not carry a user name or password (the query is signed instead)',
  too_long: 'is longer than 2000 characters',
};

async function setPullUrl(storage: Storage, site: Site, url: string | undefined, values: Values): Promise<number> {
  const { audit } = await createAccountServices(storage);
  if (values.remove === true) {
    if (url) throw new UsageError('--remove takes no URL');
    const removed = await removePullSource(storage, audit, site, null);
    console.log(removed ? `${site.slug}: order pull removed` : `${site.slug} had no order-query URL`);
    return 0;
  }
  if (!url) throw new UsageError('orders pull-url needs the URL (or --remove)');
  const problem = pullUrlProblem(url);
  if (problem) throw new UsageError(`the order-query URL ${URL_PROBLEMS[problem]}`);
  const source = await setPullSource(storage, audit, site, null, {
    url,
    intervalMinutes: optionalInteger(values, 'interval', MAX_PULL_INTERVAL_MINUTES),
    windowHours: optionalInteger(values, 'window', MAX_PULL_WINDOW_HOURS),
  });
  if (!(await storage.revenue.postbackSecrets(site.id))) {
    console.error(`note: ${site.slug} has no postback secret yet; pulls fail until one exists (dealnav site secret ${site.slug})`);
  }
  console.log(`${site.slug}: orders pulled from ${source.url} every ${source.intervalMinutes} min, window at least ${source.windowHours} h; first pull due now`);
  return 0;
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
