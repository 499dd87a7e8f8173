// The signed order query, as the Chinese navigators' order APIs asked their partners: the portal
// GETs the site's order-query URL with
//
//   site   the site's slug
//   start  window start, unix seconds (inclusive)
//   end    window end, unix seconds (exclusive)
//   ts     unix seconds when the request was signed
//   nonce  16 random hex characters, never reused
//   sign   hex HMAC-SHA256, with the site's postback secret, of the canonical string
//
// The canonical string is the postbacks' own (canonicalPostbackString): every query parameter sent
// except `sign` (including any the registered URL already carries), as key=value sorted by key and
// joined by &, values not URL-encoded:
//
//   end=1764090000&nonce=9f86d081884c7d65&site=letuan&start=1764003600&ts=1764090000
import { randomBytes } from 'node:crypto';
import { signPostback } from '../postback';

export interface PullWindow {
  start: Date;
  end: Date;
}

export const unixSeconds = (at: Date): string => String(Math.floor(at.getTime() / 1000));

export const newNonce = (): string => randomBytes(8).toString('hex');

/** The URL to GET: the registered URL with the window, ts, nonce and the signature added. */
export function signedPullUrl(url: string, site: string, secret: string, window: PullWindow, now: Date, nonce: string = newNonce()): string {
  const target = new URL(url);
  const params: Record<string, string> = Object.fromEntries(target.searchParams);
  Object.assign(params, { site, start: unixSeconds(window.start), end: unixSeconds(window.end), ts: unixSeconds(now), nonce });
  delete params.sign;
  target.search = new URLSearchParams({ ...params, sign: signPostback(secret, params) }).toString();
  return target.href;
}

