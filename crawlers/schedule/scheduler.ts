// The crawl scheduler: a node-cron tick picks the feeds that are due and crawls them, a few at a
// time, never two crawls of one feed at once and one request at a time per host.
import cron, { type ScheduledTask } from 'node-cron';
import type { Feed, Storage } from '../../src/storage';
import { crawlFeed, type CrawlReport, type CrawlSettings } from '../ingest/crawl-feed';

export interface SchedulerOptions {
  /** node-cron expression for the tick; every minute by default (seconds allowed: `*\/10 * * * * *`). */
  tick: string;
  /** Feeds crawled at once across all hosts. */
  concurrency: number;
  /** Feeds looked at per tick. */
  batchSize: number;
  onReport?: (feed: Feed, report: CrawlReport) => void;
}

export const defaultSchedulerOptions: SchedulerOptions = { tick: '* * * * *', concurrency: 4, batchSize: 100 };

export class CrawlScheduler {
  private task: ScheduledTask | null = null;
  private readonly running = new Map<number, Promise<CrawlReport>>();
  private readonly busyHosts = new Set<string>();
  private ticking: Promise<void> | null = null;

  constructor(
    private readonly storage: Storage,
    private readonly settings: CrawlSettings,
    private readonly options: SchedulerOptions = defaultSchedulerOptions,
  ) {}

  start(): void {
    this.task = cron.schedule(this.options.tick, () => this.tick(), { noOverlap: true, name: 'crawl-due-feeds' });
    void this.tick();
  }

  /** Crawls every due feed once; resolves when those crawls are done. */
  tick(): Promise<void> {
    this.ticking ??= this.crawlDue().finally(() => { this.ticking = null; });
    return this.ticking;
  }

  /** Crawls one feed now unless it is already being crawled, in which case that crawl is awaited. */
  crawlNow(feed: Feed): Promise<CrawlReport> {
    const existing = this.running.get(feed.id);
    if (existing) return existing;
    const host = hostOf(feed.url);
    this.busyHosts.add(host);
    const run = crawlFeed(this.storage, feed, this.settings)
      .then((report) => { this.options.onReport?.(feed, report); return report; })
      .finally(() => { this.running.delete(feed.id); this.busyHosts.delete(host); });
    this.running.set(feed.id, run);
    return run;
  }

  /** Stops scheduling and waits for the crawls under way (each is one transaction, so none is cut in half). */
  async stop(): Promise<void> {
    await this.task?.stop();
    this.task = null;
    await this.ticking;
    await Promise.allSettled([...this.running.values()]);
  }

  private async crawlDue(): Promise<void> {
    const due = await this.storage.feeds.listDue(new Date(), this.options.batchSize);
    const queue = due.filter((feed) => !this.running.has(feed.id));
    const workers = Array.from({ length: this.options.concurrency }, () => this.work(queue));
    await Promise.all(workers);
  }

  private async work(queue: Feed[]): Promise<void> {
    for (;;) {
      const index = queue.findIndex((feed) => !this.busyHosts.has(hostOf(feed.url)) && !this.running.has(feed.id));
      if (index === -1) {
        // Only feeds on busy hosts remain: wait for one of the running crawls, then look again.
        if (queue.length === 0 || this.running.size === 0) return;
        await Promise.race(this.running.values());
        continue;
      }
      const [feed] = queue.splice(index, 1);
      await this.crawlNow(feed!).catch(() => undefined);
    }
  }
}

const hostOf = (url: string): string => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};
