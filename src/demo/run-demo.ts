// `dealnav demo`: sample sites on loopback, registered, crawled and listed by a real portal.
import type { ServerConfig } from '../config';
import { startServer, type RunningServer } from '../server';
import { registerSite } from '../sites/register-site';
import type { Storage } from '../storage';
import { describeReport } from '../cli/crawl-report';
import { sampleClickRules, startSampleNetwork } from './sample-network';
import type { RunningSampleSite } from './sample-site';

export interface RunningDemo {
  server: RunningServer;
  sites: RunningSampleSite[];
  close(): Promise<void>;
}

export async function startDemo(config: Omit<ServerConfig, 'allowPrivateNetwork'>, log: (line: string) => void): Promise<RunningDemo> {
  const sites = await startSampleNetwork();
  // The sample sites live on loopback, so the demo turns the address guard off.
  const server = await startServer({ ...config, allowPrivateNetwork: true });
  try {
    for (const site of sites) await register(server.storage, site);
    // Crawl every sample feed now, so the first page already shows their deals.
    for (const feed of await server.storage.feeds.listDue(new Date(Date.now() + 60_000), 100)) {
      const report = await server.scheduler.crawlNow(feed);
      log(`crawled ${feed.siteSlug}: ${describeReport(report)}`);
    }
    // Check the sample deal pages in the background, so /operator/credibility has link results
    // and scores at once (two sample pages misbehave on purpose).
    void server.credibilitySchedule.checkDueAndRecompute();
  } catch (error) {
    await server.close();
    await Promise.all(sites.map((site) => site.close()));
    throw error;
  }
  return {
    server,
    sites,
    async close() {
      await server.close();
      await Promise.all(sites.map((site) => site.close()));
    },
  };
}

async function register(storage: Storage, site: RunningSampleSite): Promise<void> {
  const existing = await storage.sites.findBySlug(site.spec.slug);
  const [oldFeed] = existing ? await storage.feeds.listForSite(existing.id) : [];
  // Sample sites get a new port each run: move the old feed instead of adding another.
  if (oldFeed && oldFeed.url !== site.feedUrl) await storage.feeds.replaceUrl(oldFeed.id, site.feedUrl);
  await registerSite(storage, {
    name: site.spec.name,
    slug: site.spec.slug,
    homeUrl: site.homeUrl,
    feedUrl: site.feedUrl,
    intervalMinutes: 5,
    ...sampleClickRules[site.spec.slug],
  });
}
