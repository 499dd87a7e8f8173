// Which hosts a site's deal URLs may point to. /go redirects to the deal URL as the feed gave it,
// so a feed (hostile, or taken over) naming any other host would turn the portal into a redirector
// for it. A deal URL must be on the site's home host, or on its domain: the home host less a
// leading `www.`, and any subdomain of that (m.letuan.example.cn, bj.letuan.example.cn).
// An IP-literal home host (the demo's 127.0.0.1 sites) matches only itself. Ports are not
// compared: the host names whose owner proved the domain are what matter, not the service port.
import { isIP } from 'node:net';
import type { DealRecord, SkippedItem } from '../types';

/** A host as compared: WHATWG's lower-case ASCII form, without a trailing dot. */
const hostOf = (url: string): string | null => {
  try {
    return new URL(url).hostname.replace(/\.$/, '');
  } catch {
    return null;
  }
};

/** WHATWG writes IPv6 hosts in brackets and every IPv4 spelling as dotted quads. */
const isIpLiteral = (host: string): boolean => isIP(host.replace(/^\[(.*)\]$/, '$1')) !== 0;

/** The domain a site's deals may use: the home host less `www.`; null when the home URL has no host. */
export function siteDomain(homeUrl: string): string | null {
  const host = hostOf(homeUrl);
  if (!host) return null;
  return isIpLiteral(host) ? host : host.replace(/^www\./, '');
}

/** True when `dealUrl` is on the home host, the site's domain or a subdomain of it. */
export function isOnSiteDomain(dealUrl: string, homeUrl: string): boolean {
  const host = hostOf(dealUrl);
  const home = hostOf(homeUrl);
  const domain = siteDomain(homeUrl);
  if (!host || !home || !domain) return false;
  if (host === home || host === domain) return true;
  return !isIpLiteral(domain) && host.endsWith(`.${domain}`);
}

/** The reason an item on another host is skipped, in the words of the other skip reasons. */
export const otherHostReason = (dealUrl: string, homeUrl: string): string =>
  `deal URL host ${hostOf(dealUrl) ?? '?'} is not on the site's domain ${siteDomain(homeUrl) ?? '?'}`;

/** Keeps the deals on the site's domain; the others become skipped items with their reason. */
export function keepSiteDomainDeals(deals: DealRecord[], homeUrl: string): { deals: DealRecord[]; skipped: SkippedItem[] } {
  const kept: DealRecord[] = [];
  const skipped: SkippedItem[] = [];
  for (const deal of deals) {
    if (isOnSiteDomain(deal.url, homeUrl)) kept.push(deal);
    else skipped.push({ item: deal.externalId, reason: otherHostReason(deal.url, homeUrl) });
  }
  return { deals: kept, skipped };
}

/** A parse result with its deals on another domain moved to its skipped items (the crawl and the preview). */
export function withSiteDomainDeals<T extends { deals: DealRecord[]; skipped: SkippedItem[] }>(parsed: T, homeUrl: string): T {
  const { deals, skipped } = keepSiteDomainDeals(parsed.deals, homeUrl);
  return { ...parsed, deals, skipped: [...parsed.skipped, ...skipped] };
}
