// When credibility runs inside `dealnav serve`:
// - every hour, and a minute after crawls finish (debounced, so a burst of crawls costs one run):
//   the links of sites not checked for a day (or never) are checked, the crawled sites' deal flags
//   are redone, and every score is recomputed; so each site is checked about once a day, and a
//   new site soon after its first crawl;
// - once a day at a fixed hour (node-cron, like the alert digests): every deal flag, every score,
//   and the digest.
// stop() lets a run under way finish.
import cron, { type ScheduledTask } from 'node-cron';
import type { CredibilityService } from './service';

export interface CredibilityScheduleOptions {
  hour: number;
  timeZone: string;
  /** Wait after a crawl before running, so crawls finishing together cost one run. */
  afterCrawlDelayMs: number;
  /**
   * Least time between two runs started by crawls: with thousands of feeds crawls never stop, and
   * a run redoing the flags of many sites' offers takes seconds at a million deals.
   */
  minRunGapMs: number;
  /**
   * Recomputes flags (of these sites; all when undefined), scores and alerts. Default: in this
   * process; the server passes recomputeInChild so that the work never stops its event loop.
   */
  recompute?: (flagSites: number[] | undefined) => Promise<void>;
  /** The time runs go by; tests pass their own to step through days. */
  clock?: () => Date;
}

/** A site's links are checked again once its last check is this old. */
export const LINK_CHECK_EVERY_MS = 23 * 60 * 60 * 1000;

export class CredibilitySchedule {
  private tasks: ScheduledTask[] = [];
  private running: Promise<unknown> | null = null;
  private afterCrawl: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Sites crawled since the last run, whose deal flags it redoes. */
  private readonly crawledSites = new Set<number>();
  private lastRunAt = 0;

  constructor(
    private readonly service: CredibilityService,
    private readonly options: CredibilityScheduleOptions,
    private readonly log: (line: string) => void = console.log,
  ) {}

  start(): void {
    this.tasks.push(cron.schedule(`0 ${this.options.hour} * * *`, () => this.daily(), {
      timezone: this.options.timeZone, noOverlap: true, name: 'credibility-daily',
    }));
    this.tasks.push(cron.schedule('30 * * * *', () => this.checkDueAndRecompute(), { noOverlap: true, name: 'credibility-hourly' }));
  }

  /** Called after each crawl. */
  crawlFinished(siteId: number): void {
    this.crawledSites.add(siteId);
    if (this.stopped || this.afterCrawl) return;
    const wait = Math.max(this.options.afterCrawlDelayMs, this.lastRunAt + this.options.minRunGapMs - this.now().getTime());
    this.afterCrawl = setTimeout(() => {
      this.afterCrawl = null;
      void this.checkDueAndRecompute();
    }, wait);
    this.afterCrawl.unref();
  }

  /** Links of the sites that are due (see LINK_CHECK_EVERY_MS), then a recompute. */
  checkDueAndRecompute(): Promise<unknown> {
    return this.exclusive(async () => {
      const now = this.now();
      this.lastRunAt = now.getTime();
      if (this.service.checksLinks) {
        const summary = await this.service.checkLinks(now, new Date(now.getTime() - LINK_CHECK_EVERY_MS));
        if (summary.checked > 0) {
          this.log(`credibility: checked ${summary.checked} links on ${summary.sites} sites: ${summary.outcomes.dead} dead, ${summary.outcomes.home_redirect} to the home page, ${summary.outcomes.sold_out} sold out, ${summary.priceMismatches} price mismatches`);
        }
      }
      const crawled = [...this.crawledSites];
      this.crawledSites.clear();
      await this.recompute(crawled, now);
    });
  }

  /** A recompute with every deal flag, then the digest. */
  daily(): Promise<unknown> {
    return this.exclusive(async () => {
      const now = this.now();
      await this.recompute(undefined, now);
      await this.service.sendDigest(now);
    });
  }

  private now(): Date {
    return this.options.clock?.() ?? new Date();
  }

  private async recompute(flagSites: number[] | undefined, now: Date): Promise<void> {
    if (this.options.recompute) await this.options.recompute(flagSites);
    else await this.service.recompute(now, flagSites);
  }

  private exclusive(run: () => Promise<unknown>): Promise<unknown> {
    if (this.stopped) return Promise.resolve(null);
    const previous = this.running ?? Promise.resolve();
    const next = previous.then(run).catch((error: unknown) => {
      this.log(`credibility: run failed: ${(error as Error).message}`);
    });
    this.running = next;
    void next.finally(() => { if (this.running === next) this.running = null; });
    return next;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.afterCrawl) clearTimeout(this.afterCrawl);
    for (const task of this.tasks) await task.stop();
    this.tasks = [];
    await this.running;
  }
}
