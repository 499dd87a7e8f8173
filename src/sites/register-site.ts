// Registering a partner site and its feed: the rules shared by the CLI, the demo and the owners'
// pages. `checkRegistration` lists every problem with the field it belongs to, so a form can show
// each next to its field; `registerSite` (CLI, demo) refuses with the first one, and
// `registerOwnedSite` (a signed-in owner) adds a pending, unverified site that waits for an operator.
import { load } from 'cheerio';
import { randomToken } from '../accounts/secrets';
import type { Feed, Site, Storage } from '../storage';
import { formatNames } from '../../crawlers/formats';
import type { HtmlSelectors } from '../../crawlers/types';
import { CLICK_TEMPLATE_RULE, isValidClickTemplate } from '../revenue/click-url';

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
  /** CSS selectors for a plain HTML page (format `html`, or `auto` on a page without structured data). */
  selectors?: HtmlSelectors | null;
}

export type RegistrationField =
  | 'name' | 'homeUrl' | 'feedUrl' | 'format' | 'intervalMinutes' | 'clickParam' | 'clickTemplate' | 'timeZone'
  | 'clockOffsetSeconds' | 'selectors';

/** Stable codes: the owners' pages translate them, the CLI prints `message`. */
export type RegistrationProblemCode =
  | 'name_missing' | 'url_invalid' | 'url_not_http' | 'format_unknown' | 'interval_invalid' | 'click_param_invalid'
  | 'click_template_invalid' | 'time_zone_unknown' | 'clock_offset_invalid' | 'selectors_incomplete'
  | 'selector_invalid' | 'selectors_required';

export interface RegistrationProblem {
  field: RegistrationField;
  code: RegistrationProblemCode;
  message: string;
  /** Which selector, for the selector problems. */
  detail?: string;
}

const REQUIRED_SELECTORS = ['item', 'title', 'price', 'url'] as const;
export const SELECTOR_FIELDS = [...REQUIRED_SELECTORS, 'value', 'image', 'endsAt', 'city'] as const;

/** Every problem with the registration, in form order; empty when it can be stored. */
export function checkRegistration(registration: SiteRegistration): RegistrationProblem[] {
  const problems: RegistrationProblem[] = [];
  const add = (field: RegistrationField, code: RegistrationProblemCode, message: string, detail?: string) =>
    problems.push({ field, code, message, ...(detail ? { detail } : {}) });
  if (!registration.name.trim()) add('name', 'name_missing', 'the site needs a name');
  for (const [field, what] of [['homeUrl', 'home URL'], ['feedUrl', 'feed URL']] as const) {
    const url = httpUrl(registration[field]);
    if (url === 'invalid') add(field, 'url_invalid', `the ${what} '${registration[field]}' is not a URL`);
    if (url === 'not_http') add(field, 'url_not_http', `the ${what} must be http or https`);
  }
  const format = registration.format ?? 'auto';
  const known = ['auto', ...formatNames()];
  if (!known.includes(format)) add('format', 'format_unknown', `unknown feed format '${format}' (use ${known.join(', ')})`);
  const interval = registration.intervalMinutes ?? 60;
  if (!Number.isInteger(interval) || interval < 1 || interval > 24 * 60) {
    add('intervalMinutes', 'interval_invalid', 'the crawl interval must be a whole number of minutes from 1 to 1440');
  }
  if (registration.clickParam && !/^[A-Za-z0-9_.-]{1,40}$/.test(registration.clickParam)) {
    add('clickParam', 'click_param_invalid', 'the click parameter may only use letters, digits, _ . and -');
  }
  if (registration.clickTemplate && !isValidClickTemplate(registration.clickTemplate)) {
    add('clickTemplate', 'click_template_invalid', CLICK_TEMPLATE_RULE);
  }
  if (registration.timeZone && !isTimeZone(registration.timeZone)) {
    add('timeZone', 'time_zone_unknown', `unknown time zone '${registration.timeZone}' (use an IANA name such as Asia/Shanghai)`);
  }
  const clockOffset = registration.clockOffsetSeconds ?? 0;
  if (!Number.isInteger(clockOffset) || Math.abs(clockOffset) > 86_400) {
    add('clockOffsetSeconds', 'clock_offset_invalid', 'the clock offset must be a whole number of seconds within a day');
  }
  problems.push(...checkSelectors(registration.selectors ?? null, format));
  return problems;
}

function checkSelectors(selectors: HtmlSelectors | null, format: string): RegistrationProblem[] {
  if (!selectors) {
    return format === 'html'
      ? [{ field: 'selectors', code: 'selectors_required', message: 'the html format reads a page through CSS selectors: give at least item, title, price and url' }]
      : [];
  }
  const missing = REQUIRED_SELECTORS.find((field) => !selectors[field]?.trim());
  if (missing) {
    return [{ field: 'selectors', code: 'selectors_incomplete', detail: missing, message: `the CSS selector for "${missing}" is missing (item, title, price and url are needed)` }];
  }
  const $ = load('');
  for (const field of SELECTOR_FIELDS) {
    const selector = selectors[field];
    if (selector === undefined) continue;
    try {
      $.root().find(selector);
    } catch {
      return [{ field: 'selectors', code: 'selector_invalid', detail: field, message: `the CSS selector for "${field}" ("${selector}") is not valid` }];
    }
  }
  return [];
}

/** The CLI's and the demo's registration: adds the site (active) and its feed, or updates them in place. */
export async function registerSite(storage: Storage, registration: SiteRegistration): Promise<{ site: Site; feed: Feed }> {
  const [problem] = checkRegistration(registration);
  if (problem) throw new Error(problem.message);
  const homeUrl = new URL(registration.homeUrl);
  const site = await storage.sites.upsert({
    slug: registration.slug ?? slugFor(homeUrl),
    name: registration.name,
    homeUrl: homeUrl.toString(),
    clickParam: registration.clickParam ?? null,
    clickTemplate: registration.clickTemplate ?? null,
  });
  return { site, feed: await addFeed(storage, site, registration) };
}

/**
 * A signed-in owner's registration: always a new site (never an update of someone else's), status
 * pending, with a fresh verification token. A slug already taken gets a number (`example-com-2`).
 */
export async function registerOwnedSite(
  storage: Storage, registration: SiteRegistration, ownerUserId: number, now: Date,
): Promise<{ ok: true; site: Site; feed: Feed } | { ok: false; problems: RegistrationProblem[] }> {
  const problems = checkRegistration(registration);
  if (problems.length > 0) return { ok: false, problems };
  const homeUrl = new URL(registration.homeUrl);
  const base = slugFor(homeUrl) || 'site';
  for (let attempt = 1; ; attempt++) {
    const slug = attempt === 1 ? base : `${base.slice(0, 55)}-${attempt}`;
    const site = await storage.sites.insertOwned({
      slug, name: registration.name.trim(), homeUrl: homeUrl.toString(), clickParam: registration.clickParam || null,
      clickTemplate: registration.clickTemplate || null, ownerUserId, verificationToken: newVerificationToken(), now,
    });
    if (site) return { ok: true, site, feed: await addFeed(storage, site, registration) };
  }
}

async function addFeed(storage: Storage, site: Site, registration: SiteRegistration): Promise<Feed> {
  return storage.feeds.upsert({
    siteId: site.id,
    url: new URL(registration.feedUrl).toString(),
    format: registration.format ?? 'auto',
    intervalMinutes: registration.intervalMinutes ?? 60,
    timeZone: registration.timeZone || null,
    clockOffsetSeconds: registration.clockOffsetSeconds ?? 0,
    selectors: registration.selectors ?? null,
  });
}

/** What the owner puts on the site: `dealnav-` and 32 random bytes. */
export const newVerificationToken = (): string => `dealnav-${randomToken()}`;

function httpUrl(raw: string): URL | 'invalid' | 'not_http' {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'invalid';
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : 'not_http';
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** `www.letuan.example.cn` → `letuan-example-cn`; a port is kept so loopback sample sites stay apart. */
export function slugFor(url: URL): string {
  const host = url.hostname.replace(/^www\./, '');
  return `${host}${url.port ? `-${url.port}` : ''}`.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}
