import { resolveDbPath } from '../../config';
import { openStorage } from '../../storage';
import type { Storage } from '../../storage';
import { commonHelp, dbOption, stringValue, UsageError, type Command } from '../command';

export const feedsCommand: Command = {
  name: 'feeds',
  summary: 'list feeds with their health and last crawl runs',
  help: `Usage: dealnav feeds [--runs N] [--db PATH]
       dealnav feeds resume ID [--db PATH]

Lists every feed: status (a paused feed says why), consecutive failures, last error, next check,
and its last N runs (default 3) with status, duration, counts and errors.
A feed that kept failing is paused rather than retried forever; 'resume' schedules it again now.

  --runs N                   crawl runs shown per feed (default 3)
${commonHelp.db}`,
  options: { ...dbOption, runs: { type: 'string' } },
  async run(values, positionals) {
    const storage = openStorage(resolveDbPath(stringValue(values, 'db')));
    if (positionals[0] === 'resume') {
      try {
        return await resumeFeed(storage, positionals[1]);
      } finally {
        await storage.close();
      }
    }
    if (positionals.length > 0) {
      await storage.close();
      throw new UsageError(`unknown feeds action '${positionals[0]}'`);
    }
    const runsShown = Math.max(0, Number(stringValue(values, 'runs') ?? 3) || 0);
    try {
      const feeds = await storage.feeds.list();
      if (feeds.length === 0) console.log('no feeds yet: add one with dealnav site add');
      for (const feed of feeds) {
        const health = feed.status === 'paused'
          ? `PAUSED: ${feed.pausedReason ?? 'by an operator'} (dealnav feeds resume ${feed.id})`
          : feed.consecutiveFailures > 0
          ? `FAILING ×${feed.consecutiveFailures}: ${feed.lastErrorCode} ${feed.lastErrorMessage ?? ''}`
          : feed.lastSuccessAt ? `ok, last success ${feed.lastSuccessAt.toISOString()}` : 'not crawled yet';
        console.log(`#${feed.id} ${feed.siteSlug} ${feed.url}\n    ${feed.status}, every ${feed.intervalMinutes} min, next ${feed.nextCheckAt.toISOString()}; ${health}`);
        for (const run of await storage.crawlRuns.listForFeed(feed.id, runsShown)) {
          const counts = run.counts ? ` +${run.counts.added} ~${run.counts.updated} -${run.counts.removed}` : '';
          const skipped = run.skipped.length ? ` skipped ${run.skipped.length}` : '';
          const error = run.errorCode ? ` ${run.errorCode}: ${run.errorMessage ?? ''}` : '';
          console.log(`    ${run.startedAt.toISOString()} ${run.outcome} ${run.durationMs ?? '?'}ms HTTP ${run.httpStatus ?? '-'} ${run.bytes ?? 0}B ${run.format ?? ''} items ${run.itemsSeen}${counts}${skipped}${error}`);
        }
      }
      return 0;
    } finally {
      await storage.close();
    }
  },
};

async function resumeFeed(storage: Storage, raw: string | undefined): Promise<number> {
  const feed = raw && /^\d+$/.test(raw) ? await storage.feeds.findById(Number(raw)) : null;
  if (!feed) throw new UsageError(`no feed with id '${raw ?? ''}' (see dealnav feeds)`);
  await storage.feeds.resume(feed.id);
  console.log(`feed #${feed.id} ${feed.url} resumed; it will be crawled on the next tick`);
  return 0;
}
