// The per-address limits on the account forms, over HTTP: sign-in attempts a minute, sign-ups an
// hour, and the failed-sign-in throttle per address (20 free failures over any accounts, then even
// the right password waits), each from one address while another address goes on unhindered.
// Date alone is faked, so a test can step past the rate limit's window; scrypt still runs for real.
import * as cheerio from 'cheerio';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SESSION_COOKIE } from '../../src/accounts/sessions';
import { ADDRESS_POLICY } from '../../src/accounts/throttle';
import { SIGN_IN_PER_MINUTE, SIGN_UPS_PER_HOUR } from '../../src/web/pages/account';
import { buildTestApp, type TestApp } from '../helpers/app';
import { BrowserSession, GOOD_PASSWORD } from '../helpers/browser-session';

const ATTACKER = '203.0.113.66';
const NEIGHBOUR = '203.0.113.77';

// Each attempt costs a real scrypt (32 MiB, tens of ms): room for a loaded machine.
describe('per-address limits on signing in and up', { timeout: 60_000 }, () => {
  let t: TestApp;
  /** One CSRF token and cookie, from a page opened once, reused for every post (as a script would). */
  let csrf: { token: string; cookie: string };

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-02T08:00:00Z'));
    t = await buildTestApp();
    const browser = new BrowserSession(t.app);
    const page = await browser.get('/account/sign-in');
    csrf = { token: cheerio.load(page.body)('input[name="_csrf"]').attr('value')!, cookie: [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ') };
  });
  afterEach(async () => {
    await t.close();
    vi.useRealTimers();
  });

  const post = (url: string, from: string, fields: Record<string, string>) => t.app.inject({
    method: 'POST', url, remoteAddress: from,
    headers: { accept: 'text/html', 'accept-language': 'en', 'content-type': 'application/x-www-form-urlencoded', cookie: csrf.cookie },
    payload: new URLSearchParams({ _csrf: csrf.token, ...fields }).toString(),
  });
  const signIn = (from: string, email: string, password: string) => post('/account/sign-in', from, { email, password });
  const signUp = (from: string, email: string) => post('/account/sign-up', from, { email, password: GOOD_PASSWORD });
  const formError = (body: string) => cheerio.load(body)('.form-error').text();
  const mainText = (body: string) => cheerio.load(body)('main').text();

  it(`takes ${SIGN_IN_PER_MINUTE} sign-in attempts a minute from one address, then 429 until the minute is over`, async () => {
    for (let attempt = 1; attempt <= SIGN_IN_PER_MINUTE; attempt++) {
      // A different account each time: the per-account throttle never comes into it.
      const wrong = await signIn(ATTACKER, `nobody${attempt}@example.com`, 'not the password');
      expect(wrong.statusCode, `attempt ${attempt}`).toBe(401);
    }
    const over = await signIn(ATTACKER, 'nobody-more@example.com', 'not the password');
    expect(over.statusCode).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(mainText(over.body)).toContain('Too many requests from your address');
    // Another address is not held back by the first one's attempts.
    expect((await signIn(NEIGHBOUR, 'nobody1@example.com', 'not the password')).statusCode).toBe(401);

    vi.setSystemTime(Date.now() + 61_000);
    expect((await signIn(ATTACKER, 'nobody-later@example.com', 'not the password')).statusCode).toBe(401);
  });

  it(`takes ${SIGN_UPS_PER_HOUR} sign-ups an hour from one address`, async () => {
    for (let attempt = 1; attempt <= SIGN_UPS_PER_HOUR; attempt++) {
      expect((await signUp(ATTACKER, `farm${attempt}@example.com`)).statusCode, `sign-up ${attempt}`).toBe(303);
    }
    const over = await signUp(ATTACKER, 'farm-more@example.com');
    expect(over.statusCode).toBe(429);
    expect(mainText(over.body)).toContain('Too many requests from your address');
    expect(await t.storage.users.findByEmail('farm-more@example.com')).toBeNull();
    expect((await signUp(NEIGHBOUR, 'neighbour@example.com')).statusCode).toBe(303);

    // Still refused within the hour; accepted again after it.
    vi.setSystemTime(Date.now() + 59 * 60_000);
    expect((await signUp(ATTACKER, 'farm-more@example.com')).statusCode).toBe(429);
    vi.setSystemTime(Date.now() + 2 * 60_000);
    expect((await signUp(ATTACKER, 'farm-more@example.com')).statusCode).toBe(303);
  });

  it(`throttles an address after ${ADDRESS_POLICY.freeFailures} failed sign-ins over any accounts, the right password included`, async () => {
    const created = await t.app.accounts.createUser('real@example.com', GOOD_PASSWORD, 'owner');
    expect(created.ok).toBe(true);
    // Spread over rate-limit windows with room left in the last, so it is the throttle (not the
    // per-minute limit) that answers the attempt after them.
    for (let failure = 1; failure <= ADDRESS_POLICY.freeFailures; failure++) {
      if (failure > 1 && (failure - 1) % (SIGN_IN_PER_MINUTE - 1) === 0) vi.setSystemTime(Date.now() + 61_000);
      const wrong = await signIn(ATTACKER, `guess${failure}@example.com`, 'not the password');
      expect(wrong.statusCode, `failure ${failure}`).toBe(401);
      expect(formError(wrong.body)).toContain('not right');
    }
    const blocked = await signIn(ATTACKER, 'real@example.com', GOOD_PASSWORD);
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBe(ADDRESS_POLICY.firstDelayMs / 1000);
    expect(formError(blocked.body)).toContain('Too many failed sign-ins');
    expect(blocked.cookies.some((cookie) => cookie.name === SESSION_COOKIE)).toBe(false);

    // The account itself is not throttled: its owner signs in from elsewhere.
    const owner = await signIn(NEIGHBOUR, 'real@example.com', GOOD_PASSWORD);
    expect(owner.statusCode).toBe(303);
    expect(owner.cookies.some((cookie) => cookie.name === SESSION_COOKIE)).toBe(true);

    // Once the delay is over, the address may try again (and a right password works).
    vi.setSystemTime(Date.now() + ADDRESS_POLICY.firstDelayMs + 1000);
    expect((await signIn(ATTACKER, 'real@example.com', GOOD_PASSWORD)).statusCode).toBe(303);
  });
});
