// Runtime settings from flags and environment, with the defaults the README documents.
import { isIP } from 'node:net';
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
  /** Which proxies' X-Forwarded-* headers to believe (fastify's trustProxy); false: none. */
  trustProxy?: TrustProxy;
}

/** The proxies whose X-Forwarded-* headers are believed: their addresses and ranges; false: none. */
export type TrustProxy = false | string[];

// proxy-addr's names for address ranges, accepted beside addresses and CIDRs.
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * DEALNAV_TRUST_PROXY: unset trusts no proxy, so a request's address is the socket's and its
 * protocol is http. Behind a TLS-terminating proxy, list the proxies' addresses or ranges
 * (`127.0.0.1`, `10.0.0.5, 10.1.0.0/16`, `loopback`): a request arriving from one of them takes
 * its client address from X-Forwarded-For and its protocol from X-Forwarded-Proto; from anywhere
 * else those headers are ignored. Neither "true" (anyone's headers) nor a hop count is accepted:
 * both let a client that reaches the port directly choose its own address, and fastify 5 treats
 * a count as "trust nobody" anyway.
 */
export function resolveTrustProxy(env = process.env): TrustProxy {
  const raw = (env.DEALNAV_TRUST_PROXY ?? '').trim();
  if (raw === '') return false;
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  const invalid = entries.find((entry) => !PROXY_RANGE_NAMES.has(entry) && !isAddressOrRange(entry));
  if (entries.length === 0 || invalid !== undefined) {
    throw new Error(`invalid DEALNAV_TRUST_PROXY: '${invalid ?? raw}' (give the proxies' addresses or CIDR ranges, comma-separated, or loopback)`);
  }
  return entries;
}

function isAddressOrRange(entry: string): boolean {
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
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
