// Which addresses a feed fetch may reach. Partner feeds are hostile input: a feed URL (or a
// redirect, or a DNS answer) pointing at 127.0.0.1, 10.x or 169.254.169.254 would turn the
// crawler into a proxy into our own network. We allow-list global unicast and refuse the rest.

import dns from 'node:dns';
import net from 'node:net';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { CrawlError } from '../errors';

export type { LookupFunction };

/**
 * True only for globally routable unicast addresses. `ipaddr.process` first unwraps
 * IPv4-mapped IPv6 (`::ffff:127.0.0.1`), so the mapped form gets the IPv4 verdict; every other
 * range (loopback, private, linkLocal, carrierGradeNat, uniqueLocal, reserved, 6to4, rfc6052
 * NAT64, teredo, multicast, unspecified…) is refused, including ones added in later versions.
 */
export function isPublicAddress(ip: string): boolean {
  try {
    return ipaddr.process(ip).range() === 'unicast';
  } catch {
    return false; // not an IP at all
  }
}

/**
 * Checks a URL before it is requested, and again on every redirect hop. A host name is left
 * to the guarded lookup (DNS is only known at connect time); a literal IP is judged here,
 * because Node never calls `lookup` for one. WHATWG `URL` has already normalised `127.1`,
 * `2130706433` and `0x7f000001` to `127.0.0.1`, and `[::ffff:127.0.0.1]` to `[::ffff:7f00:1]`.
 */
export function checkUrlAllowed(url: URL, allowPrivateNetwork: boolean): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CrawlError('invalid_url', `Only http and https feed URLs are fetched, not ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new CrawlError('invalid_url', 'Feed URLs must not carry a user name or password');
  }
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (host === '') throw new CrawlError('invalid_url', 'The feed URL has no host');
  if (allowPrivateNetwork || net.isIP(host) === 0) return;
  if (!isPublicAddress(host)) {
    throw new CrawlError('blocked_address', `${host} is not a public address`);
  }
}

/**
 * Wraps a resolver (by default `dns.lookup`) for undici's `connect.lookup`. Node 20 calls it
 * with `{ all: true }` (autoSelectFamily), so the answer may be an array; it fails when ANY
 * address is not public, before a socket is opened. Tests inject a resolver that maps invented
 * names to loopback.
 */
export function createGuardedLookup(resolve: LookupFunction = dns.lookup): LookupFunction {
  return (hostname, options, callback) => {
    const onResolved: Parameters<LookupFunction>[2] = (error, address, family) => {
      if (error) return callback(error, address, family);
      const addresses = Array.isArray(address) ? address.map((entry) => entry.address) : [address];
      if (addresses.length === 0) {
        return callback(new CrawlError('dns_failed', `${hostname} resolved to no address`), address, family);
      }
      const blocked = addresses.find((candidate) => !isPublicAddress(candidate));
      if (blocked !== undefined) {
        const message = `${hostname} resolves to ${blocked}, which is not a public address`;
        return callback(new CrawlError('blocked_address', message), address, family);
      }
      callback(null, address, family);
    };
    try {
      resolve(hostname, options, onResolved);
    } catch (error) {
      callback(error as NodeJS.ErrnoException, '', 0);
    }
  };
}
