// One pull of a site's order-query URL reads as a straight line: the window → a signed GET through
// the crawler's guarded fetcher → JSON or CSV orders → each through the postback's own path
// (source 'pull') → the run recorded with its counts or its error, and the next pull scheduled.
import { fetchFeed, type LookupFunction } from '../../../crawlers/fetch';
import { CrawlError } from '../../../crawlers/errors';
import { DEFAULT_FEED_TIME_ZONE } from '../../../crawlers/normalize/time';
import type { OrderPullCounts, OrderPullRun, OrderPullSource, OrderPullTrigger, Site, Storage } from '../../storage';
import { RevenueError } from '../errors';
import type { PostbackService } from '../postback';
import { ReportError } from '../reconciliation/report-error';
import { conversionChange, type ReportedOrder } from '../reconciliation/reported-order';
import { parsePulledOrders, PullAnswerError } from './parse-orders';
import { signedPullUrl, type PullWindow } from './sign-request';
import { pullWindow } from './window';

export interface OrderPullOptions {
  /** Off in production: the partner's URL must resolve to public addresses (the crawler's address guard). */
  allowPrivateNetwork: boolean;
  maxBytes?: number;
  timeoutMs?: number;
  /** Tests map invented host names to loopback. */
  lookup?: LookupFunction;
  clock?: () => Date;
}

/** Refused orders kept on the run, with why. */
const MAX_PROBLEMS = 20;

class PullFailure extends Error {
  constructor(readonly code: string, message: string, readonly httpStatus: number | null = null) {
    super(message);
  }
}

export class OrderPullService {
  private readonly clock: () => Date;

  constructor(private readonly storage: Storage, private readonly postbacks: PostbackService, private readonly options: OrderPullOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** Pulls every site whose next pull is due, one after another. */
  async pullDue(limit = 20, signal?: AbortSignal): Promise<OrderPullRun[]> {
    const runs: OrderPullRun[] = [];
    for (const source of await this.storage.orderPulls.listDue(this.clock(), limit)) {
      if (signal?.aborted) break;
      const site = await this.storage.sites.findById(source.siteId);
      if (site) runs.push(await this.pull(site, source, 'schedule'));
    }
    return runs;
  }

  /** Pulls one site now, for its scheduled window or the one given. */
  async pullSite(site: Site, trigger: OrderPullTrigger, window?: PullWindow): Promise<OrderPullRun> {
    const source = await this.storage.orderPulls.findSource(site.id);
    if (!source) throw new RevenueError(404, 'DN_ERR_PULL_NO_URL', `Site '${site.slug}' has no order-query URL (dealnav orders pull-url ${site.slug} URL)`);
    return this.pull(site, source, trigger, window);
  }

  private async pull(site: Site, source: OrderPullSource, trigger: OrderPullTrigger, given?: PullWindow): Promise<OrderPullRun> {
    const startedAt = this.clock();
    const window = given ?? pullWindow(source, startedAt);
    const runId = await this.storage.orderPulls.startRun({ siteId: site.id, trigger, windowStart: window.start, windowEnd: window.end, startedAt });
    const counts: OrderPullCounts = { orders: 0, created: 0, updated: 0, unchanged: 0, refused: 0 };
    const problems: OrderPullRun['problems'] = [];
    let httpStatus: number | null = null;
    let format: 'json' | 'csv' | null = null;
    let failure: PullFailure | null = null;
    try {
      const response = await this.fetch(site, source, window, startedAt);
      httpStatus = response.status;
      const answer = await this.read(site, response.body, response.contentType);
      format = answer.format;
      for (const order of answer.orders) await this.applyOrder(site.id, order, counts, problems);
    } catch (error) {
      failure = toFailure(error);
      httpStatus = failure.httpStatus ?? httpStatus;
    }
    const finishedAt = this.clock();
    await this.storage.orderPulls.finishRun(runId, {
      finishedAt, outcome: failure ? 'failed' : 'ok', httpStatus, format, counts,
      errorCode: failure?.code ?? null, errorMessage: failure?.message.slice(0, 500) ?? null, problems,
    });
    // A manual pull of another window does not move the schedule's resume point.
    const okEnd = !failure && !given ? window.end : null;
    await this.storage.orderPulls.scheduleNext(site.id, new Date(finishedAt.getTime() + source.intervalMinutes * 60_000), okEnd);
    return (await this.storage.orderPulls.listRuns(site.id, 1))[0]!;
  }

  private async fetch(site: Site, source: OrderPullSource, window: PullWindow, now: Date) {
    const secrets = await this.storage.revenue.postbackSecrets(site.id);
    if (!secrets) throw new PullFailure('no_secret', `site '${site.slug}' has no postback secret to sign the query with (dealnav site secret ${site.slug})`);
    return fetchFeed(signedPullUrl(source.url, site.slug, secrets.current, window, now), {
      allowPrivateNetwork: this.options.allowPrivateNetwork,
      maxBytes: this.options.maxBytes ?? 10 * 1024 * 1024,
      timeoutMs: this.options.timeoutMs ?? 30_000,
      ...(this.options.lookup ? { lookup: this.options.lookup } : {}),
    });
  }

  /** JSON or CSV; order times without an offset are in the site's zone (its report mapping's, else its feed's). */
  private async read(site: Site, body: Uint8Array, contentType: string | null) {
    const stored = await this.storage.reconciliation.findMapping(site.id);
    const timeZone = stored?.mapping.timeZone
      ?? (await this.storage.feeds.listForSite(site.id)).find((feed) => feed.timeZone)?.timeZone ?? DEFAULT_FEED_TIME_ZONE;
    return parsePulledOrders(body, contentType, stored?.mapping ?? null, timeZone);
  }

  private async applyOrder(siteId: number, order: ReportedOrder, counts: OrderPullCounts, problems: OrderPullRun['problems']): Promise<void> {
    counts.orders += 1;
    const now = this.clock();
    const existing = await this.storage.revenue.findConversion(siteId, order.orderId);
    try {
      const result = this.postbacks.applyChange(conversionChange(siteId, order, existing, now, 'pull'));
      if (result.duplicate) counts.unchanged += 1;
      else if (existing) counts.updated += 1;
      else counts.created += 1;
    } catch (error) {
      if (!(error instanceof RevenueError)) throw error;
      counts.refused += 1;
      if (problems.length < MAX_PROBLEMS) problems.push({ orderId: order.orderId, code: error.code, message: error.message });
    }
  }
}

function toFailure(error: unknown): PullFailure {
  if (error instanceof PullFailure) return error;
  if (error instanceof CrawlError) return new PullFailure(error.code, error.message, error.httpStatus);
  if (error instanceof PullAnswerError) return new PullFailure(error.code, error.message);
  if (error instanceof ReportError) return new PullFailure(error.problem.code, `the answer cannot be read: ${error.problem.code.replaceAll('_', ' ')}`);
  throw error;
}
