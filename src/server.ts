// Starts dealnav: storage, the click writer, the web app and the crawl scheduler; closes them in
// reverse order on shutdown so in-flight clicks and crawls are finished, not dropped.
import type { FastifyInstance } from 'fastify';
import { CrawlScheduler, defaultSchedulerOptions, type SchedulerOptions } from '../crawlers/schedule/scheduler';
import { buildApp } from './app';
import { clickGuardOptions, crawlSettings, type ServerConfig } from './config';
import { ClickService } from './revenue/click-service';
import { ClickWriter } from './revenue/click-writer';
import { openStorage, type Storage } from './storage';

export interface RunningServer {
  app: FastifyInstance;
  storage: Storage;
  scheduler: CrawlScheduler;
  address: string;
  close(): Promise<void>;
}

export async function startServer(
  config: ServerConfig,
  options: { scheduler?: Partial<SchedulerOptions>; logger?: boolean } = {},
): Promise<RunningServer> {
  const storage = await openStorage(config.dbPath);
  const writer = await ClickWriter.open(storage.clicks);
  const clickService = await ClickService.create(storage, writer, undefined, clickGuardOptions());
  const app = await buildApp({ storage, clickService }, { logger: options.logger ?? false });
  app.addHook('onClose', () => writer.drain());
  const scheduler = new CrawlScheduler(storage, crawlSettings(config.allowPrivateNetwork), {
    ...defaultSchedulerOptions,
    ...options.scheduler,
  });
  const address = await app.listen({ host: config.host, port: config.port });
  scheduler.start();

  let closing: Promise<void> | null = null;
  return {
    app, storage, scheduler, address,
    close() {
      closing ??= (async () => {
        await scheduler.stop();
        await app.close(); // stops accepting, finishes requests, then drains the click writer
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
