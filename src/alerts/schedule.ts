// The daily digest run: a node-cron job at a fixed hour in a fixed zone. stop() ends the
// schedule and lets a run under way finish the mail it is sending, then skip the rest.
import cron, { type ScheduledTask } from 'node-cron';
import type { DigestReport } from './digest';

export interface AlertScheduleOptions {
  /** 0–23. */
  hour: number;
  timeZone: string;
}

export class AlertSchedule {
  private task: ScheduledTask | null = null;
  private running: Promise<DigestReport | null> | null = null;
  private readonly abort = new AbortController();

  constructor(
    private readonly run: (now: Date, signal: AbortSignal) => Promise<DigestReport>,
    private readonly options: AlertScheduleOptions,
    private readonly log: (line: string) => void = console.log,
  ) {}

  start(): void {
    this.task = cron.schedule(`0 ${this.options.hour} * * *`, () => this.runNow(), {
      timezone: this.options.timeZone, noOverlap: true, name: 'alert-digests',
    });
  }

  /** One digest pass now, unless one is under way (then that one is awaited). */
  runNow(): Promise<DigestReport | null> {
    this.running ??= this.run(new Date(), this.abort.signal)
      .then((report) => {
        this.log(`alerts: digest run: ${report.sent} sent, ${report.empty} with nothing new, ${report.failed} failed`);
        return report;
      }, (error: unknown) => {
        this.log(`alerts: digest run failed: ${(error as Error).message}`);
        return null;
      })
      .finally(() => { this.running = null; });
    return this.running;
  }

  async stop(): Promise<void> {
    await this.task?.stop();
    this.task = null;
    this.abort.abort();
    await this.running;
  }
}
