// Feeds that misbehave on purpose, crawled end to end: each run ends in a recorded error and
// leaves the site's deals exactly as they were.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFeedAgent, createGuardedLookup, type LookupFunction } from '../../../crawlers/fetch';
import { crawlFeed, type CrawlSettings } from '../../../crawlers/ingest/crawl-feed';
import { crawlSettings } from '../../../src/config';
import { openStorage, type Feed, type Storage } from '../../../src/storage';
import { fixture } from '../../helpers/feed-server';
import { loopbackResolver } from '../../helpers/loopback-resolver';
import { makeTempDir } from '../../helpers/temp-dir';

interface TestServer {
  port: number;
  requests: number;
  /** Bytes the server managed to write before the client hung up. */
  bytesWritten: number;
  close(): Promise<void>;
}

async function serve(handler: (server: TestServer) => RequestListener): Promise<TestServer> {
  const state: TestServer = { port: 0, requests: 0, bytesWritten: 0, close: async () => undefined };
  const server: Server = createServer((request, response) => {
    state.requests++;
    handler(state)(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.close = () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return state;
}

describe('hostile feeds end in a recorded error and leave the deals alone', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let storage: Storage;
  const servers: TestServer[] = [];

  beforeEach(() => {
    dir = makeTempDir();
    storage = openStorage(dir.file('hostile.db'));
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await storage.close();
    dir.remove();
  });

  /** Registers a feed at `url`, gives it three good deals by a first crawl of a good server, then points it at `url`. */
  async function feedWithDeals(url: string): Promise<Feed> {
    const good = await serve(() => (_request, response) => response.end(fixture('ingest/three-deals.xml')));
    servers.push(good);
    const site = await storage.sites.upsert({ slug: 'letuan', name: '乐团网', homeUrl: 'http://www.letuan.example/' });
    const feed = await storage.feeds.upsert({ siteId: site.id, url: `http://127.0.0.1:${good.port}/api.xml` });
    expect((await crawlFeed(storage, feed, crawlSettings(true))).counts?.added).toBe(3);
    await storage.feeds.replaceUrl(feed.id, url);
    return (await storage.feeds.findById(feed.id))!;
  }

  async function expectFailureKeepsDeals(feed: Feed, settings: CrawlSettings, code: string) {
    const before = await storage.deals.listLive({ now: new Date(), page: 1, pageSize: 10 });
    const report = await crawlFeed(storage, feed, settings);
    expect(report.error?.code).toBe(code);
    const [run] = await storage.crawlRuns.listForFeed(feed.id, 1);
    expect(run).toMatchObject({ outcome: 'failed', errorCode: code });
    expect(run!.errorMessage).toBeTruthy();
    const after = await storage.deals.listLive({ now: new Date(), page: 1, pageSize: 10 });
    expect(after).toEqual(before);
    expect(after.total).toBe(3);
  }

  const limited = (limits: Partial<CrawlSettings['fetch']>): CrawlSettings => {
    const settings = crawlSettings(true);
    return { ...settings, fetch: { ...settings.fetch, ...limits } };
  };

  it('a feed that drips its bytes slowly is cut off at the deadline', async () => {
    const drip = await serve(() => (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.write('<?xml version="1.0"?><urlset>');
      const timer = setInterval(() => response.write('<url>'), 100);
      response.on('close', () => clearInterval(timer));
    });
    servers.push(drip);
    const feed = await feedWithDeals(`http://127.0.0.1:${drip.port}/feed.xml`);
    await expectFailureKeepsDeals(feed, limited({ timeoutMs: 600 }), 'timeout');
  });

  it('a feed that sends 200 MB is stopped at the byte cap, long before the end', async () => {
    const huge = await serve((state) => (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/xml' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const total = 200 * 1024 * 1024;
      const pump = () => {
        while (state.bytesWritten < total && !response.destroyed) {
          state.bytesWritten += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end();
      };
      pump();
    });
    servers.push(huge);
    const feed = await feedWithDeals(`http://127.0.0.1:${huge.port}/feed.xml`);
    await expectFailureKeepsDeals(feed, limited({ maxBytes: 2 * 1024 * 1024 }), 'too_large');
    expect(huge.bytesWritten).toBeLessThan(40 * 1024 * 1024);
  });

  it('a feed that redirects in a loop gives up after five redirects', async () => {
    const loop = await serve((state) => (_request, response) => {
      response.writeHead(302, { location: `/hop-${state.requests}` });
      response.end();
    });
    servers.push(loop);
    const feed = await feedWithDeals(`http://127.0.0.1:${loop.port}/feed.xml`);
    await expectFailureKeepsDeals(feed, crawlSettings(true), 'too_many_redirects');
    expect(loop.requests).toBe(6);
  });

  it('a feed that redirects to 127.0.0.1 is refused by the guard, and the target never hears of it', async () => {
    const internal = await serve(() => (_request, response) => response.end('internal secrets'));
    const partner = await serve(() => (_request, response) => {
      response.writeHead(302, { location: `http://127.0.0.1:${internal.port}/admin` });
      response.end();
    });
    servers.push(internal, partner);
    const feed = await feedWithDeals(`http://feed.partner.test:${partner.port}/feed.xml`);
    // A partner on a public address cannot be simulated without public traffic: only the first
    // hop's name is let through to loopback; the guard stays on for everything else.
    const resolver = loopbackResolver({ 'feed.partner.test': '127.0.0.1' });
    const guarded = createGuardedLookup(resolver);
    const lookup: LookupFunction = (host, options, callback) => (host === 'feed.partner.test' ? resolver : guarded)(host, options, callback);
    const agent = createFeedAgent({ allowPrivateNetwork: true, connectTimeoutMs: 1000, headersTimeoutMs: 1000, bodyTimeoutMs: 1000, lookup });
    try {
      const settings = crawlSettings(false);
      await expectFailureKeepsDeals(feed, { ...settings, fetch: { ...settings.fetch, agent } }, 'blocked_address');
      expect(partner.requests).toBe(1);
      expect(internal.requests).toBe(0);
    } finally {
      await agent.destroy();
    }
  });

  it('a feed that answers an HTML error page with status 200 is not taken for an empty feed', async () => {
    const page = await serve(() => (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(fixture('feeds/html-error-page.html'));
    });
    servers.push(page);
    const feed = await feedWithDeals(`http://127.0.0.1:${page.port}/feed.xml`);
    await expectFailureKeepsDeals(feed, crawlSettings(true), 'not_a_feed');
  });
});
