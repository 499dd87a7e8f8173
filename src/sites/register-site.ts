// Registering a partner site and its feed: the rules shared by the CLI, the demo and, later, the owners' pages.
import type { Feed, Site, Storage } from '../storage';
import { formatNames } from '../../crawlers/formats';
import { isValidClickTemplate } from '../revenue/click-url';

export interface SiteRegistration {
  name: string;
  homeUrl: string;
  feedUrl: string;
  slug?: string;
  format?: string;
  clickParam?: string | null;
  clickTemplate?: string | null;
  intervalMinutes?: number;
  timeZone?: string | null;
  /** Seconds the emitter adds to its epoch times (FanWe: +8 h). */
  clockOffsetSeconds?: number;
}


export async function registerSite(storage: Storage, registration: SiteRegistration): Promise<{ site: Site; feed: Feed }> {
  const homeUrl = httpUrl(registration.homeUrl, 'home URL');
  const feedUrl = httpUrl(registration.feedUrl, 'feed URL');
  const format = registration.format ?? 'auto';
  const known = ['auto', ...formatNames()];
  if (!known.includes(format)) throw new Error(`unknown feed format '${format}' (use ${known.join(', ')})`);
  const interval = registration.intervalMinutes ?? 60;
  if (!Number.isInteger(interval) || interval < 1 || interval > 24 * 60) {
    throw new Error('the crawl interval must be a whole number of minutes from 1 to 1440');
  }
  if (registration.clickParam && !/^[A-Za-z0-9_.-]{1,40}$/.test(registration.clickParam)) {
    throw new Error('the click parameter may only use letters, digits, _ . and -');
  }
  if (registration.clickTemplate && !isValidClickTemplate(registration.clickTemplate)) {
    throw new Error('a click template must start with {url} and use only {url}, {clickId} and {subId}');
  }
  if (registration.timeZone) checkTimeZone(registration.timeZone);
  const clockOffset = registration.clockOffsetSeconds ?? 0;
  if (!Number.isInteger(clockOffset) || Math.abs(clockOffset) > 86_400) {
    throw new Error('the clock offset must be a whole number of seconds within a day');
  }
  const site = await storage.sites.upsert({
    slug: registration.slug ?? slugFor(homeUrl),
    name: registration.name,
    homeUrl: homeUrl.toString(),
    clickParam: registration.clickParam ?? null,
    clickTemplate: registration.clickTemplate ?? null,
  });
  const feed = await storage.feeds.upsert({
    siteId: site.id, url: feedUrl.toString(), format, intervalMinutes: interval, timeZone: registration.timeZone ?? null,
    clockOffsetSeconds: clockOffset,
  });
  return { site, feed };
}

function httpUrl(raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`the ${what} '${raw}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`the ${what} must be http or https`);
  return url;
}

function checkTimeZone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw new Error(`unknown time zone '${zone}' (use an IANA name such as Asia/Shanghai)`);
  }
}

/** `www.letuan.example.cn` → `letuan-example-cn`; a port is kept so loopback sample sites stay apart. */
export function slugFor(url: URL): string {
  const host = url.hostname.replace(/^www\./, '');
  return `${host}${url.port ? `-${url.port}` : ''}`.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}
