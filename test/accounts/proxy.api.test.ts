// Behind a TLS-terminating proxy: DEALNAV_TRUST_PROXY names the proxies whose X-Forwarded-For and
// X-Forwarded-Proto are believed, so per-address limits see each client and cookies over https get
// Secure; the same headers from anyone else change nothing. DEALNAV_PUBLIC_URL on https makes
// cookies Secure even where the app itself only sees http.
import * as cheerio from 'cheerio';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CSRF_COOKIE } from '../../src/accounts/plugin';
import { SESSION_COOKIE } from '../../src/accounts/sessions';
import { buildApp } from '../../src/app';
import { resolveTrustProxy, type TrustProxy } from '../../src/config';
import { ClickService } from '../../src/revenue/click-service';
import { ClickWriter } from '../../src/revenue/click-writer';
import { SIGN_IN_PER_MINUTE } from '../../src/web/pages/account';
import { openStorage, type Storage } from '../../src/storage';
import { GOOD_PASSWORD } from '../helpers/browser-session';
import { makeTempDir } from '../helpers/temp-dir';

const PROXY = '10.0.0.5';
const STRANGER = '198.51.100.9';

interface ProxiedApp { app: FastifyInstance; storage: Storage; close(): Promise<void> }

async function buildProxiedApp(trustProxy: TrustProxy): Promise<ProxiedApp> {
  const dir = makeTempDir('dealnav-proxy-');
  const storage = openStorage(dir.file('app.db'));
  const writer = await ClickWriter.open(storage.clicks);
  const app = await buildApp({ storage, clickService: await ClickService.create(storage, writer) }, { trustProxy });
  app.addHook('onClose', () => writer.drain());
  return { app, storage, async close() { await app.close(); await storage.close(); dir.remove(); } };
}

/** The Set-Cookie line for one cookie. */
const setCookie = (response: LightMyRequestResponse, name: string): string | undefined =>
  [response.headers['set-cookie']].flat().find((line) => line?.startsWith(`${name}=`));

/** Opens the sign-up page and submits it as one browser at `from` with these headers would. */
async function signUpThrough(app: FastifyInstance, from: Partial<InjectOptions>, email: string) {
  const page = await app.inject({ url: '/account/sign-up', ...from, headers: { accept: 'text/html', ...from.headers } });
  const token = cheerio.load(page.body)('form[action="/account/sign-up"] input[name="_csrf"]').attr('value')!;
  const csrfCookie = page.cookies.find((cookie) => cookie.name === CSRF_COOKIE)!;
  const response = await app.inject({
    method: 'POST', url: '/account/sign-up', ...from,
    headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', cookie: `${CSRF_COOKIE}=${csrfCookie.value}`, ...from.headers },
    payload: new URLSearchParams({ _csrf: token, email, password: GOOD_PASSWORD }).toString(),
  });
  return { page, response };
}

describe('DEALNAV_TRUST_PROXY', () => {
  it('reads addresses, ranges and proxy-addr names, and refuses what would let a client choose its own address', () => {
    expect(resolveTrustProxy({})).toBe(false);
    expect(resolveTrustProxy({ DEALNAV_TRUST_PROXY: ' ' })).toBe(false);
    expect(resolveTrustProxy({ DEALNAV_TRUST_PROXY: '127.0.0.1' })).toEqual(['127.0.0.1']);
    expect(resolveTrustProxy({ DEALNAV_TRUST_PROXY: '10.0.0.5, 10.1.0.0/16 ,::1,fd00::/8,loopback' }))
      .toEqual(['10.0.0.5', '10.1.0.0/16', '::1', 'fd00::/8', 'loopback']);
    for (const refused of ['true', '1', '2', 'proxy.example', '10.0.0.0/33', '10.0.0.1/8/2', 'fd00::/129', ',']) {
      expect(() => resolveTrustProxy({ DEALNAV_TRUST_PROXY: refused }), refused).toThrow(/DEALNAV_TRUST_PROXY/);
    }
  });
});

describe('cookies and client addresses behind a proxy', () => {
  let t: ProxiedApp;
  afterEach(async () => {
    vi.unstubAllEnvs();
    await t.close();
  });

  it('sets Secure on the session and CSRF cookies when a trusted proxy says the browser used https', async () => {
    t = await buildProxiedApp([PROXY]);
    const viaProxy = { remoteAddress: PROXY, headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' } };
    const { page, response } = await signUpThrough(t.app, viaProxy, 'secure@example.com');
    expect(response.statusCode).toBe(303);
    expect(setCookie(page, CSRF_COOKIE)).toMatch(/; Secure/i);
    expect(setCookie(response, SESSION_COOKIE)).toMatch(/; Secure/i);
    expect(setCookie(response, SESSION_COOKIE)).toMatch(/; HttpOnly/i);
  });

  it('ignores X-Forwarded-Proto from an address that is not a trusted proxy', async () => {
    t = await buildProxiedApp([PROXY]);
    const forged = { remoteAddress: STRANGER, headers: { 'x-forwarded-proto': 'https' } };
    const { page, response } = await signUpThrough(t.app, forged, 'plain@example.com');
    expect(response.statusCode).toBe(303);
    expect(setCookie(page, CSRF_COOKIE)).not.toMatch(/; Secure/i);
    expect(setCookie(response, SESSION_COOKIE)).not.toMatch(/; Secure/i);
  });

  it('sets Secure when DEALNAV_PUBLIC_URL is https, even where the app only sees http', async () => {
    t = await buildProxiedApp(false);
    vi.stubEnv('DEALNAV_PUBLIC_URL', 'https://deals.example.com/');
    const { page, response } = await signUpThrough(t.app, {}, 'public@example.com');
    expect(response.statusCode).toBe(303);
    expect(setCookie(page, CSRF_COOKIE)).toMatch(/; Secure/i);
    expect(setCookie(response, SESSION_COOKIE)).toMatch(/; Secure/i);
    vi.stubEnv('DEALNAV_PUBLIC_URL', 'http://deals.example.com/');
    const plain = await signUpThrough(t.app, {}, 'plain-public@example.com');
    expect(setCookie(plain.response, SESSION_COOKIE)).not.toMatch(/; Secure/i);
  });

  /** Sign-in posts (without a CSRF token: refused with 403, but counted by the per-address limit first). */
  const signInFrom = (remoteAddress: string, forwardedFor?: string) => t.app.inject({
    method: 'POST', url: '/account/sign-in', remoteAddress,
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
    payload: 'email=a%40example.com&password=x',
  });

  it('gives each client behind a trusted proxy its own sign-in limit', async () => {
    t = await buildProxiedApp([PROXY]);
    for (let attempt = 1; attempt <= SIGN_IN_PER_MINUTE; attempt++) {
      expect((await signInFrom(PROXY, '203.0.113.1')).statusCode, `attempt ${attempt}`).toBe(403);
    }
    const over = await signInFrom(PROXY, '203.0.113.1');
    expect(over.statusCode).toBe(429);
    expect(over.json()).toMatchObject({ code: 'DN_ERR_RATE_LIMITED' });
    // Another client behind the same proxy is not held back by the first one's attempts.
    expect((await signInFrom(PROXY, '203.0.113.2')).statusCode).toBe(403);
  });

  it('counts a client that forges X-Forwarded-For without a trusted proxy as one address', async () => {
    t = await buildProxiedApp([PROXY]);
    for (let attempt = 1; attempt <= SIGN_IN_PER_MINUTE; attempt++) {
      expect((await signInFrom(STRANGER, `203.0.113.${attempt}`)).statusCode, `attempt ${attempt}`).toBe(403);
    }
    expect((await signInFrom(STRANGER, '203.0.113.99')).statusCode).toBe(429);
  });

  it('counts every client as the proxy when no proxy is trusted', async () => {
    t = await buildProxiedApp(false);
    for (let attempt = 1; attempt <= SIGN_IN_PER_MINUTE; attempt++) await signInFrom(PROXY, `203.0.113.${attempt}`);
    expect((await signInFrom(PROXY, '203.0.113.99')).statusCode).toBe(429);
  });
});
