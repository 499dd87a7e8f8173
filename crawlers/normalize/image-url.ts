// Which picture URLs a deal may carry. Every shopper's browser fetches each listed deal's picture,
// so a feed naming a loopback, private or link-local address (127.0.0.1, 192.168.1.1,
// 169.254.169.254, [::1]) or `localhost` would make shoppers' browsers probe their own machines
// and networks. Such a picture is dropped; the deal stays. An IP literal gets the address guard's
// verdict (global unicast only); a host name is not resolved here: what it resolves to at crawl
// time says nothing about the shopper's resolver, and the guard never fetches pictures anyway.
import net from 'node:net';
import { isPublicAddress } from '../fetch/address-guard';

/** True when a shopper's browser may be sent to this (already resolved, http(s)) picture URL. */
export function isShownImageUrl(href: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(href).hostname;
  } catch {
    return false;
  }
  const host = (hostname.startsWith('[') ? hostname.slice(1, -1) : hostname).replace(/\.$/, '');
  if (net.isIP(host) !== 0) return isPublicAddress(host);
  return host !== 'localhost' && !host.endsWith('.localhost');
}
