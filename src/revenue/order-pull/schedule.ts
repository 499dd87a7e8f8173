// The order-pull schedule: a node-cron job each minute pulls the sites whose next pull is due (each
// site has its own interval). stop() ends the schedule and lets the pull under way finish.
import cron, { type ScheduledTask } from 'node-cron';
import type { OrderPullRun } from '../../storage';
import type { OrderPullService } from './pull-orders';

export class OrderPullSchedule {
  private task: ScheduledTask | null = null;
  private running: Promise<OrderPullRun[]> | null = null;
  private readonly abort = new AbortController();

  constructor(private readonly service: OrderPullService, private readonly log: (line: string) => void = console.log) {}

  start(): void {
    this.task = cron.schedule('* * * * *', () => this.runNow(), { noOverlap: true, name: 'order-pulls' });
  }

  /** One pass over the due sites now, unless one is under way (then that one is awaited). */
  runNow(): Promise<OrderPullRun[]> {
    this.running ??= this.service.pullDue(20, this.abort.signal)
      .then((runs) => {
        for (const run of runs) {
          this.log(run.outcome === 'ok'
            ? `orders: pulled site #${run.siteId}: ${run.orders} orders (${run.created} new, ${run.updated} changed, ${run.refused} refused)`
            : `orders: pull of site #${run.siteId} failed: ${run.errorCode}: ${run.errorMessage}`);
        }
        return runs;
      }, (error: unknown) => {
        this.log(`orders: pull pass failed: ${(error as Error).message}`);
        return [];
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
