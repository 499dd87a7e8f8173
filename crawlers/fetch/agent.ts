// The undici Agent every feed fetch goes through: connect/headers/idle-body timeouts, and,
// unless private networks are allowed (tests, self-hosting), the address guard at two points.

import dns from 'node:dns';
import { Agent, buildConnector } from 'undici';
import { CrawlError } from '../errors';
import { createGuardedLookup, isPublicAddress, type LookupFunction } from './address-guard';

export interface FeedAgentOptions {
  allowPrivateNetwork: boolean;
  connectTimeoutMs: number;
  /** Time until the response headers are complete. */
  headersTimeoutMs: number;
  /** Longest idle gap between body chunks (not a total; fetchFeed has its own deadline). */
  bodyTimeoutMs: number;
  /** Resolver used instead of `dns.lookup`; tests map invented names to loopback with it. */
  lookup?: LookupFunction;
}

export function createFeedAgent(options: FeedAgentOptions): Agent {
  const resolve = options.lookup ?? dns.lookup;
  const timeouts = { headersTimeout: options.headersTimeoutMs, bodyTimeout: options.bodyTimeoutMs };
  if (options.allowPrivateNetwork) {
    return new Agent({ ...timeouts, connect: { timeout: options.connectTimeoutMs, lookup: resolve } });
  }
  return new Agent({ ...timeouts, connect: createGuardedConnector(options.connectTimeoutMs, resolve) });
}

/**
 * The lookup guard refuses names that resolve to non-public addresses before connecting.
 * The socket check after connecting covers what lookup never sees: literal IPs (Node skips
 * lookup for them) and a resolver that answers differently the second time (DNS rebinding).
 */
function createGuardedConnector(timeoutMs: number, resolve: LookupFunction): buildConnector.connector {
  const connect = buildConnector({ timeout: timeoutMs, lookup: createGuardedLookup(resolve) });
  return (connectOptions, callback) => {
    connect(connectOptions, (error, socket) => {
      if (error !== null) return callback(error, null);
      const remoteAddress = socket.remoteAddress;
      if (remoteAddress !== undefined && isPublicAddress(remoteAddress)) return callback(null, socket);
      socket.destroy();
      const message = `${connectOptions.hostname} connected to ${remoteAddress ?? 'an unknown address'}, which is not a public address`;
      callback(new CrawlError('blocked_address', message), null);
    });
  };
}
