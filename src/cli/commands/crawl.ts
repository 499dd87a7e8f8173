import { crawlFeed, type CrawlProgress } from '../../../crawlers/ingest/crawl-feed';
import { crawlSettings, resolveAllowPrivate, resolveDbPath } from '../../config';
import { openStorage } from '../../storage';
import { allowPrivateOption, commonHelp, dbOption, stringValue, UsageError, type Command } from '../command';
import { describeReport } from '../crawl-report';

export const crawlCommand: Command = {
  name: 'crawl',
  summary: 'crawl every active feed once (or one feed) and report what changed',
  help: `Usage: dealnav crawl [--feed ID] [--db PATH] [--allow-private-network]

Fetches each active feed of an active site once, whether or not it is due, and upserts its deals.
Sites waiting for approval, rejected or suspended are left alone, as the scheduler leaves them. A
failed fetch or an unparseable answer changes no deals and is recorded on the crawl run.

  --feed ID                  crawl only this feed (see dealnav feeds), even if it or its site is paused
${commonHelp.db}
${commonHelp.allowPrivate}`,
  options: { ...dbOption, ...allowPrivateOption, feed: { type: 'string' } },
  async run(values) {
    const storage = openStorage(resolveDbPath(stringValue(values, 'db')));
    try {
      const settings = crawlSettings(resolveAllowPrivate(values['allow-private-network'] === true));
      const feedId = stringValue(values, 'feed');
      const feeds = feedId === undefined ? await crawlableFeeds(storage) : [await findFeed(storage, feedId)];
      if (feeds.length === 0) console.log('no active feeds: register one with dealnav site add');
      let failures = 0;
      for (const [index, feed] of feeds.entries()) {
        const label = `[${index + 1}/${feeds.length}] ${feed.siteSlug} feed #${feed.id} ${feed.url}`;
        const progress = progressLine(label);
        const report = await crawlFeed(storage, feed, settings, progress.update);
        progress.done(describeReport(report));
        if (report.outcome === 'failed') failures++;
      }
      return failures > 0 ? 1 : 0;
    } finally {
      await storage.close();
    }
  },
};

/** Active feeds of active sites (what the scheduler would poll), saying how many others are left alone. */
async function crawlableFeeds(storage: ReturnType<typeof openStorage>) {
  const [feeds, sites] = await Promise.all([storage.feeds.list(), storage.sites.list()]);
  const activeSites = new Set(sites.filter((site) => site.status === 'active').map((site) => site.id));
  const active = feeds.filter((feed) => feed.status === 'active');
  const crawlable = active.filter((feed) => activeSites.has(feed.siteId));
  const skipped = active.length - crawlable.length;
  if (skipped > 0) console.log(`${skipped} feed(s) of sites that are not active (pending, rejected or suspended) left alone`);
  return crawlable;
}

async function findFeed(storage: ReturnType<typeof openStorage>, raw: string) {
  const id = Number(raw);
  const feed = Number.isInteger(id) ? await storage.feeds.findById(id) : null;
  if (!feed) throw new UsageError(`no feed with id '${raw}' (see dealnav feeds)`);
  return feed;
}

/** On a terminal, one line per feed that shows the stage and bytes while the crawl runs. */
function progressLine(label: string) {
  const live = process.stdout.isTTY === true;
  let lastDrawn = 0;
  if (!live) process.stdout.write(`${label} … `);
  return {
    update(progress: CrawlProgress) {
      if (!live || (progress.stage === 'fetching' && Date.now() - lastDrawn < 200)) return;
      lastDrawn = Date.now();
      const megabytes = (progress.bytes / 1_048_576).toFixed(1);
      process.stdout.write(`\r\x1b[2K${label} … ${progress.stage} ${megabytes} MB`);
    },
    done(summary: string) {
      process.stdout.write(live ? `\r\x1b[2K${label} … ${summary}\n` : `${summary}\n`);
    },
  };
}
