// Starts dealnav: storage, the click writer, the web app and the crawl scheduler; closes them in
// reverse order on shutdown so in-flight clicks and crawls are finished, not dropped.
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { CrawlScheduler, defaultSchedulerOptions, type SchedulerOptions } from '../crawlers/schedule/scheduler';
import { alertSettingsFromEnv, listenOrigin, type AlertSettings } from './alerts/config';
import { createMailer } from './alerts/mailer';
import { AlertSchedule } from './alerts/schedule';
import { AlertService } from './alerts/subscription-service';
import { buildApp } from './app';
import { clickGuardOptions, crawlSettings, type ServerConfig } from './config';
import { credibilitySettingsFromEnv } from './credibility/config';
import { createDigestNotifier } from './credibility/notifier';
import { recomputeInChild } from './credibility/recompute-in-child';
import { CredibilitySchedule } from './credibility/schedule';
import { CredibilityService } from './credibility/service';
import { ClickService } from './revenue/click-service';
import { ClickWriter } from './revenue/click-writer';
import { OrderPullService } from './revenue/order-pull/pull-orders';
import { OrderPullSchedule } from './revenue/order-pull/schedule';
import { openStorage, type Storage } from './storage';

export interface RunningServer {
  app: FastifyInstance;
  storage: Storage;
  scheduler: CrawlScheduler;
  alertSchedule: AlertSchedule;
  credibilitySchedule: CredibilitySchedule;
  orderPullSchedule: OrderPullSchedule;
  address: string;
  close(): Promise<void>;
}

export async function startServer(
  config: ServerConfig,
  options: {
    scheduler?: Partial<SchedulerOptions>;
    logger?: boolean;
    alerts?: AlertSettings;
    /**
     * false: serve requests only; no crawls, digests, credibility checks or order pulls start. For
     * benchmarks, whose data names hosts that must never be fetched (nothing leaves loopback).
     */
    background?: boolean;
  } = {},
): Promise<RunningServer> {
  const storage = await openStorage(config.dbPath);
  const writer = await ClickWriter.open(storage.clicks, { rollUp: (limit) => storage.reports.rollUpClicks(limit) });
  const clickService = await ClickService.create(storage, writer, undefined, clickGuardOptions());
  const alertSettings = options.alerts ?? alertSettingsFromEnv();
  const mailer = createMailer(alertSettings);
  const alerts = await AlertService.create(storage, mailer, alertSettings.publicUrl ?? listenOrigin(config.host, config.port));
  const crawl = crawlSettings(config.allowPrivateNetwork);
  const credibilitySettings = credibilitySettingsFromEnv();
  const credibility = await CredibilityService.create(storage, credibilitySettings.thresholds,
    createDigestNotifier(credibilitySettings, mailer, config.allowPrivateNetwork));
  // Link checks share the crawler's per-host gate and robots cache: one politeness budget per host.
  credibility.linkChecks = { fetch: crawl.fetch, hostGate: crawl.hostGate, robots: crawl.robots, perSite: credibilitySettings.linksPerSite, concurrency: 4 };
  const credibilitySchedule = new CredibilitySchedule(credibility, {
    hour: credibilitySettings.hour, timeZone: credibilitySettings.timeZone, afterCrawlDelayMs: 60_000, minRunGapMs: 15 * 60_000,
    // A file database: the heavy recompute runs in a child process, then the scores are reloaded.
    recompute: config.dbPath === ':memory:' ? undefined : async (flagSites) => {
      await recomputeInChild(config.dbPath, flagSites);
      await credibility.refresh();
    },
  });
  const app = await buildApp({ storage, clickService, alerts, crawl, credibility }, {
    logger: options.logger ?? false, trustProxy: config.trustProxy ?? false,
  });
  app.addHook('onClose', () => writer.drain());
  const scheduler = new CrawlScheduler(storage, crawl, {
    ...defaultSchedulerOptions,
    ...options.scheduler,
    onReport: (feed, report) => { options.scheduler?.onReport?.(feed, report); credibilitySchedule.crawlFinished(feed.siteId); },
  });
  const alertSchedule = new AlertSchedule((now, signal) => alerts.sendDigests(now, signal), {
    hour: alertSettings.digestHour, timeZone: alertSettings.timeZone,
  });
  // Partners' order-query URLs, through the crawler's guarded fetcher (same private-network rule as feeds).
  const orderPullSchedule = new OrderPullSchedule(new OrderPullService(storage, app.postbackService, { allowPrivateNetwork: config.allowPrivateNetwork }));
  const address = await app.listen({ host: config.host, port: config.port });
  // Port 0 picks a free port: the links in mails need the one it picked.
  if (!alertSettings.publicUrl) alerts.setPublicUrl(listenOrigin(config.host, (app.server.address() as AddressInfo).port));
  if (options.background ?? true) {
    scheduler.start();
    alertSchedule.start();
    credibilitySchedule.start();
    orderPullSchedule.start();
  }

  let closing: Promise<void> | null = null;
  return {
    app, storage, scheduler, alertSchedule, credibilitySchedule, orderPullSchedule, address,
    close() {
      closing ??= (async () => {
        await alertSchedule.stop(); // the mail being sent goes; the rest wait for the next run
        await credibilitySchedule.stop();
        await orderPullSchedule.stop(); // the pull under way finishes and is recorded
        await scheduler.stop();
        await app.close(); // stops accepting, finishes requests, then drains the click writer
        await mailer.close();
        await storage.close();
      })();
      return closing;
    },
  };
}

/** Closes the server on SIGINT/SIGTERM; a second signal exits at once. */
export function closeOnSignals(close: () => Promise<void>, log: (line: string) => void = console.log): void {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    log(`\n${signal}: finishing clicks and crawls under way, then stopping…`);
    close().then(() => process.exit(0), (error: unknown) => {
      console.error(`dealnav: error while stopping: ${(error as Error).message}`);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
}
