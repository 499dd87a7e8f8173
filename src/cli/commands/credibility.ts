// `dealnav credibility`: run the credibility work now, as the server does on its schedule.
import { createMailer } from '../../alerts/mailer';
import { alertSettingsFromEnv } from '../../alerts/config';
import { crawlSettings, resolveAllowPrivate, resolveDbPath } from '../../config';
import { credibilitySettingsFromEnv } from '../../credibility/config';
import { createDigestNotifier } from '../../credibility/notifier';
import { CredibilityService } from '../../credibility/service';
import { openStorage } from '../../storage';
import { allowPrivateOption, commonHelp, dbOption, stringValue, UsageError, type Command } from '../command';

const ACTIONS = ['check', 'recompute', 'digest', 'scores'] as const;

export const credibilityCommand: Command = {
  name: 'credibility',
  summary: 'partner credibility: check links, recompute scores, send the digest, list scores',
  help: `Usage: dealnav credibility check|recompute|digest|scores [--db PATH] [--allow-private-network] [--flag-sites ID,…]

  check      fetch a sample of every active site's live deal pages (as the daily run does), then recompute
  recompute  recompute deal flags, every site's score and the operator alerts from what is stored
             (--flag-sites 3,7: redo only those sites' deal flags, as the server does after crawls)
  digest     send the daily digest now (log; email and webhook when configured)
  scores     print each site's current score and parts

A running server picks up scores recomputed here within five minutes.

${commonHelp.db}
${commonHelp.allowPrivate}`,
  options: { ...dbOption, ...allowPrivateOption, 'flag-sites': { type: 'string' } },
  async run(values, positionals) {
    const action = positionals[0] as (typeof ACTIONS)[number];
    if (positionals.length !== 1 || !ACTIONS.includes(action)) throw new UsageError(`expected one of: ${ACTIONS.join(', ')}`);
    const settings = credibilitySettingsFromEnv();
    const allowPrivate = resolveAllowPrivate(values['allow-private-network'] === true);
    const storage = openStorage(resolveDbPath(stringValue(values, 'db')));
    const mailer = createMailer(alertSettingsFromEnv());
    try {
      const service = await CredibilityService.create(storage, settings.thresholds, createDigestNotifier(settings, mailer, allowPrivate));
      if (action === 'check') {
        const crawl = crawlSettings(allowPrivate);
        service.linkChecks = { fetch: crawl.fetch, hostGate: crawl.hostGate, robots: crawl.robots, perSite: settings.linksPerSite, concurrency: 4 };
        const summary = await service.checkLinks();
        console.log(`credibility: checked ${summary.checked} links on ${summary.sites} sites: ${JSON.stringify(summary.outcomes)}, ${summary.priceMismatches} price mismatches`);
      }
      if (action === 'check' || action === 'recompute') {
        const report = await service.recompute(new Date(), flagSites(stringValue(values, 'flag-sites')));
        console.log(`credibility: ${report.sites} sites, ${report.scored} scored, ${report.alertsOpened} alerts opened${report.suspended.length ? `, suspended: ${report.suspended.join(', ')}` : ''}`);
      }
      if (action === 'digest') await service.sendDigest();
      if (action === 'scores') {
        for (const site of await storage.sites.list()) {
          const scored = service.site(site.id);
          if (!scored) continue;
          const parts = scored.parts.map((part) => `${part.name} ${part.value === null ? '-' : part.value.toFixed(2)}`).join(', ');
          console.log(`${site.slug}\t${scored.score ?? 'not enough data'}\t${parts}`);
        }
      }
      return 0;
    } finally {
      await mailer.close();
      await storage.close();
    }
  },
};

/** `--flag-sites 3,7` → [3, 7]; absent → every site. */
function flagSites(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const ids = value.split(',').filter(Boolean).map(Number);
  if (ids.some((id) => !Number.isSafeInteger(id) || id <= 0)) throw new UsageError('--flag-sites takes site ids separated by commas');
  return ids;
}
