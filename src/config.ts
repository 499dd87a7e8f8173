// Runtime settings from flags and environment, with the defaults the README documents.
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CrawlSettings } from '../crawlers/ingest/crawl-feed';
import { DEFAULT_FETCH_LIMITS, DEFAULT_USER_AGENT } from '../crawlers/fetch';
import { HostGate } from '../crawlers/fetch/host-gate';
import { RobotsCache } from '../crawlers/fetch/robots';
import { defaultClickGuardOptions, type ClickGuardOptions } from './revenue/click-guard';

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

export interface ServerConfig {
  dbPath: string;
  host: string;
  port: number;
  allowPrivateNetwork: boolean;
}

/** `--db`, else DEALNAV_DB, else `data/dealnav.db` in the project folder. Relative paths are from the working folder. */
export function resolveDbPath(flag: string | undefined, env = process.env, fallback = 'data/dealnav.db'): string {
  const chosen = flag ?? env.DEALNAV_DB;
  if (chosen === ':memory:') return chosen;
  if (chosen) return isAbsolute(chosen) ? chosen : resolve(process.cwd(), chosen);
  return resolve(projectRoot, fallback);
}

export function resolvePort(flag: string | undefined, env = process.env, fallback = 3000): number {
  const raw = flag ?? env.PORT;
  if (raw === undefined) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${raw}`);
  return port;
}

export const resolveHost = (flag: string | undefined, env = process.env): string => flag ?? env.HOST ?? '127.0.0.1';

/** The address guard is on unless a flag or DEALNAV_ALLOW_PRIVATE=1 turns it off (tests, the demo). */
export const resolveAllowPrivate = (flag: boolean | undefined, env = process.env): boolean =>
  flag === true || env.DEALNAV_ALLOW_PRIVATE === '1';

export function crawlSettings(allowPrivateNetwork: boolean): CrawlSettings {
  const fetch = { ...DEFAULT_FETCH_LIMITS, allowPrivateNetwork, userAgent: DEFAULT_USER_AGENT };
  return {
    fetch,
    robots: new RobotsCache(fetch),
    maxItems: 100_000,
    pauseAfterFailures: 8,
    hostGate: new HostGate(1000),
  };
}

/**
 * How many /go requests one visitor may make per minute (env DEALNAV_CLICKS_PER_MINUTE, default
 * 120; 0 turns the limit off, for load tests from a single address).
 */
export function clickGuardOptions(env = process.env): ClickGuardOptions {
  const raw = env.DEALNAV_CLICKS_PER_MINUTE;
  const perMinute = raw === undefined || raw === '' ? defaultClickGuardOptions.requestsPerMinute : Number(raw);
  if (!Number.isInteger(perMinute) || perMinute < 0) throw new Error(`invalid DEALNAV_CLICKS_PER_MINUTE: ${raw}`);
  return { ...defaultClickGuardOptions, requestsPerMinute: perMinute === 0 ? Number.POSITIVE_INFINITY : perMinute };
}
