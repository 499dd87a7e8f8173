// When credibility runs inside `dealnav serve`: the daily link check, recompute and digest at a
// fixed hour (node-cron, like the alert digests); an hourly recompute; and a recompute shortly
// after crawls finish (debounced, so a burst of crawls costs one). stop() lets a run finish.
import cron, { type ScheduledTask } from 'node-cron';
import type { CredibilityService } from './service';

export interface CredibilityScheduleOptions {
  hour: number;
  timeZone: string;
  /** Wait after a crawl before recomputing, so crawls finishing together cost one recompute. */
  afterCrawlDelayMs: number;
}

export class CredibilitySchedule {
  private tasks: ScheduledTask[] = [];
  private running: Promise<unknown> | null = null;
  private afterCrawl: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly service: CredibilityService,
    private readonly options: CredibilityScheduleOptions,
    private readonly log: (line: string) => void = console.log,
  ) {}

  start(): void {
    this.tasks.push(cron.schedule(`0 ${this.options.hour} * * *`, () => this.daily(), {
      timezone: this.options.timeZone, noOverlap: true, name: 'credibility-daily',
    }));
    this.tasks.push(cron.schedule('30 * * * *', () => this.recompute(), { noOverlap: true, name: 'credibility-hourly' }));
  }

  /** Called after each crawl. */
  crawlFinished(): void {
    if (this.stopped || this.afterCrawl) return;
    this.afterCrawl = setTimeout(() => {
      this.afterCrawl = null;
      void this.recompute();
    }, this.options.afterCrawlDelayMs);
    this.afterCrawl.unref();
  }

  /** Link checks, then a recompute, then the digest. */
  daily(): Promise<unknown> {
    return this.exclusive(async () => {
      const summary = await this.service.checkLinks();
      this.log(`credibility: checked ${summary.checked} links on ${summary.sites} sites: ${summary.outcomes.dead} dead, ${summary.outcomes.home_redirect} to the home page, ${summary.outcomes.sold_out} sold out, ${summary.priceMismatches} price mismatches`);
      await this.service.recompute();
      await this.service.sendDigest();
    });
  }

  /** Link checks and a recompute now, without the digest (the demo, after its first crawl). */
  checkNow(): Promise<unknown> {
    return this.exclusive(async () => {
      await this.service.checkLinks();
      await this.service.recompute();
    });
  }

  recompute(): Promise<unknown> {
    return this.exclusive(() => this.service.recompute());
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
