// The real app on a real SQLite file for the owners' pages, with the crawler's fetch allowed onto
// loopback (as the demo and crawl tests allow it) so feeds and home pages served by a test server
// on 127.0.0.1 can be previewed and verified; and owners signed in as BrowserSessions.
import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE } from '../../src/accounts/sessions';
import { buildApp } from '../../src/app';
import { crawlSettings } from '../../src/config';
import { ClickService } from '../../src/revenue/click-service';
import { ClickWriter } from '../../src/revenue/click-writer';
import { openStorage, type Storage, type User } from '../../src/storage';
import { BrowserSession, GOOD_PASSWORD } from '../helpers/browser-session';
import { makeTempDir } from '../helpers/temp-dir';

export interface OwnerTestApp {
  app: FastifyInstance;
  storage: Storage;
  dbFile: string;
  createUser(email: string, role?: 'owner' | 'operator'): Promise<User>;
  /** A browser-like session already signed in as the user. */
  signedIn(user: User, headers?: Record<string, string>): Promise<BrowserSession>;
  close(): Promise<void>;
}

export async function buildOwnerTestApp(options: { allowPrivateNetwork?: boolean } = {}): Promise<OwnerTestApp> {
  const dir = makeTempDir('dealnav-owner-');
  const dbFile = dir.file('app.db');
  const storage = openStorage(dbFile);
  const writer = await ClickWriter.open(storage.clicks);
  const app = await buildApp({
    storage, clickService: await ClickService.create(storage, writer), crawl: crawlSettings(options.allowPrivateNetwork ?? true),
  });
  app.addHook('onClose', () => writer.drain());
  return {
    app, storage, dbFile,
    async createUser(email, role = 'owner') {
      const result = await app.accounts.createUser(email, GOOD_PASSWORD, role);
      if (!result.ok) throw new Error(`could not create ${email}`);
      return result.user;
    },
    async signedIn(user, headers = {}) {
      const session = new BrowserSession(app, { 'accept-language': 'en', ...headers });
      session.cookies.set(SESSION_COOKIE, (await app.sessions.start(user.id, 'test')).cookieValue);
      return session;
    },
    async close() {
      await app.close();
      await storage.close();
      dir.remove();
    },
  };
}

export interface Route { path: string; methods: string[] }

/** The app's routes from its own printRoutes tree: one entry per full path, with its methods. */
export function routesOf(tree: string): Route[] {
  const routes: Route[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (.+) \(([A-Z, ]+)\)$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    routes.push({ path: stack.join(''), methods: match[3]!.split(', ').filter((method) => method !== 'HEAD') });
  }
  return routes;
}
