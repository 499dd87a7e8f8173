// The real app on a real SQLite file, with one registered site and feed, for inject() tests.
import type { FastifyInstance } from 'fastify';
import { buildApp, type PageRoutes } from '../../src/app';
import { ClickService } from '../../src/revenue/click-service';
import { ClickWriter } from '../../src/revenue/click-writer';
import { openStorage, type Feed, type Site, type Storage } from '../../src/storage';
import { makeTempDir } from './temp-dir';

export interface TestApp {
  app: FastifyInstance;
  storage: Storage;
  site: Site;
  feed: Feed;
  dbFile: string;
  close(): Promise<void>;
}

/** `pageRoutes`: routes a test declares beside the pages, with their sessions and guards. */
export async function buildTestApp(site: { clickParam?: string; clickTemplate?: string } = { clickParam: 'dnclick' }, pageRoutes?: PageRoutes): Promise<TestApp> {
  const dir = makeTempDir();
  const dbFile = dir.file('app.db');
  const storage = openStorage(dbFile);
  const registered = await storage.sites.upsert({ slug: 'letuan', name: '乐团网', homeUrl: 'http://www.letuan.example/', ...site });
  const feed = await storage.feeds.upsert({ siteId: registered.id, url: 'http://www.letuan.example/api.xml' });
  const writer = await ClickWriter.open(storage.clicks);
  const app = await buildApp({ storage, clickService: await ClickService.create(storage, writer) }, {}, pageRoutes);
  app.addHook('onClose', () => writer.drain());
  return {
    app, storage, site: registered, feed, dbFile,
    async close() {
      await app.close();
      await storage.close();
      dir.remove();
    },
  };
}
