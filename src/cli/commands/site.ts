import { resolveDbPath } from '../../config';
import { formatNames } from '../../../crawlers/formats';
import { CLICK_TEMPLATE_RULE, isValidClickTemplate } from '../../revenue/click-url';
import { openStorage } from '../../storage';
import { registerSite } from '../../sites/register-site';
import { newPostbackSecret, SECRET_GRACE_MS } from '../../revenue/postback';
import { commonHelp, dbOption, stringValue, UsageError, type Command } from '../command';

export const siteCommand: Command = {
  name: 'site',
  summary: 'register a partner site and its feed, or list the sites',
  help: `Usage:
  dealnav site add NAME --home URL --feed URL [--format F] [--click-param NAME | --click-template T]
                        [--slug SLUG] [--interval MINUTES] [--time-zone ZONE] [--db PATH]
  dealnav site list [--db PATH]
  dealnav site secret SLUG [--db PATH]

add    registers (or updates) a site and its deal feed; the feed is crawled on the next tick.
         --format F           auto (default: chosen by content), or one of: ${formatNames().join(', ')}
         --click-param NAME   query parameter that carries the click id to the site (e.g. dnclick)
         --click-template T   or a template starting with {url}, e.g. "{url}&ref={clickId}&sub={subId}"
         --slug SLUG          short id used in URLs and the API (default: derived from the home URL)
         --interval MINUTES   how often to crawl the feed (default 60)
         --time-zone ZONE     IANA zone for feed times without an offset (default Asia/Shanghai for Chinese formats)
         --clock-offset SECS  seconds the emitter adds to its epoch times (FanWe feeds: 28800)
list   prints every site with its feeds.
secret creates or rotates the site's postback secret and prints it once (it is not shown again);
       after a rotation the previous secret is still accepted for 24 hours.

${commonHelp.db}`,
  options: {
    ...dbOption,
    home: { type: 'string' },
    feed: { type: 'string' },
    format: { type: 'string' },
    'click-param': { type: 'string' },
    'click-template': { type: 'string' },
    slug: { type: 'string' },
    interval: { type: 'string' },
    'time-zone': { type: 'string' },
    'clock-offset': { type: 'string' },
  },
  async run(values, positionals) {
    const [action, ...names] = positionals;
    const storage = openStorage(resolveDbPath(stringValue(values, 'db')));
    try {
      if (action === 'list') return await listSites(storage);
      if (action === 'secret') return await rotateSecret(storage, names[0]);
      if (action !== 'add') throw new UsageError(action ? `unknown site action '${action}'` : 'say add, list or secret');
      const name = names.join(' ').trim();
      const home = stringValue(values, 'home');
      const feed = stringValue(values, 'feed');
      if (!name || !home || !feed) throw new UsageError('site add needs NAME, --home URL and --feed URL');
      const template = stringValue(values, 'click-template');
      if (template && !isValidClickTemplate(template)) {
        throw new UsageError(`--click-template: ${CLICK_TEMPLATE_RULE}`);
      }
      const interval = stringValue(values, 'interval');
      const result = await registerSite(storage, {
        name, homeUrl: home, feedUrl: feed,
        slug: stringValue(values, 'slug'),
        format: stringValue(values, 'format') ?? 'auto',
        clickParam: stringValue(values, 'click-param') ?? null,
        clickTemplate: template ?? null,
        intervalMinutes: interval === undefined ? undefined : Number(interval),
        timeZone: stringValue(values, 'time-zone') ?? null,
        clockOffsetSeconds: stringValue(values, 'clock-offset') === undefined ? undefined : Number(stringValue(values, 'clock-offset')),
      });
      console.log(`site ${result.site.slug} (#${result.site.id}) registered; feed #${result.feed.id} ${result.feed.url} every ${result.feed.intervalMinutes} min`);
      return 0;
    } finally {
      await storage.close();
    }
  },
};

async function listSites(storage: ReturnType<typeof openStorage>): Promise<number> {
  const sites = await storage.sites.list();
  if (sites.length === 0) console.log('no sites yet: add one with dealnav site add');
  for (const site of sites) {
    const click = site.clickTemplate ?? (site.clickParam ? `?${site.clickParam}={clickId}` : 'no click id');
    console.log(`#${site.id} ${site.slug}  ${site.name}  ${site.homeUrl}  [${site.status}]  click: ${click}`);
    for (const feed of await storage.feeds.listForSite(site.id)) {
      console.log(`    feed #${feed.id} ${feed.url} (${feed.format}, every ${feed.intervalMinutes} min, ${feed.status})`);
    }
  }
  return 0;
}

async function rotateSecret(storage: ReturnType<typeof openStorage>, slug: string | undefined): Promise<number> {
  if (!slug) throw new UsageError('site secret needs the site SLUG');
  const site = await storage.sites.findBySlug(slug);
  if (!site) throw new Error(`no site '${slug}' (dealnav site list)`);
  const now = new Date();
  const rotating = (await storage.revenue.postbackSecrets(site.id)) !== null;
  const secret = newPostbackSecret();
  await storage.revenue.rotatePostbackSecret(site.id, secret, now, rotating ? new Date(now.getTime() + SECRET_GRACE_MS) : null);
  console.log(secret);
  console.error(rotating
    ? `postback secret of ${slug} rotated; the previous one is accepted until ${new Date(now.getTime() + SECRET_GRACE_MS).toISOString()}. It is shown only now.`
    : `postback secret of ${slug} created. It is shown only now: give it to the site to sign its postbacks (HMAC-SHA256, see /docs).`);
  return 0;
}
