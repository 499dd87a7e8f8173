// Sign-up, sign-in, sign-out and password change through the pages, with the session cookie,
// CSRF and throttling tried from outside them.
import * as cheerio from 'cheerio';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/accounts/sessions';
import { ACCOUNT_POLICY } from '../../src/accounts/throttle';
import { buildTestApp, type TestApp } from '../helpers/app';
import { BrowserSession, GOOD_PASSWORD } from '../helpers/browser-session';

describe('accounts', () => {
  let t: TestApp;
  beforeEach(async () => { t = await buildTestApp(); });
  afterEach(async () => { await t.close(); });

  const signUp = (browser: BrowserSession, email: string, password = GOOD_PASSWORD) =>
    browser.submit('/account/sign-up', '/account/sign-up', { email, password });
  const signIn = (browser: BrowserSession, email: string, password: string) =>
    browser.submit('/account/sign-in', '/account/sign-in', { email, password });

  it('signs up, shows the email in the header, signs out, and signs in again', async () => {
    const browser = new BrowserSession(t.app);
    const created = await signUp(browser, 'owner@example.com');
    expect(created.statusCode).toBe(303);
    expect(created.headers.location).toBe('/account');
    const user = await t.storage.users.findByEmail('owner@example.com');
    expect(user?.role).toBe('owner');

    const home = await browser.get('/');
    const $ = cheerio.load(home.body);
    expect($('.account-nav').text()).toContain('owner@example.com');
    expect($('.account-nav form[action="/account/sign-out"] button').length).toBe(1);
    expect(home.headers['cache-control']).toBe('private, no-store');

    const out = await browser.submit('/', '/account/sign-out', {});
    expect(out.statusCode).toBe(303);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await t.storage.sessions.countForUser(user!.id)).toBe(0);
    const after = cheerio.load((await browser.get('/')).body);
    expect(after('.account-nav').text()).not.toContain('owner@example.com');
    expect(after('.account-nav a[href="/account/sign-in"]').length).toBe(1);

    const back = await signIn(browser, 'OWNER@example.com', GOOD_PASSWORD);
    expect(back.statusCode).toBe(303);
    expect(cheerio.load((await browser.get('/account')).body)('main').text()).toContain('owner@example.com');
  });

  it('shows each refusal next to its field, in both languages', async () => {
    const browser = new BrowserSession(t.app);
    const badEmail = await signUp(browser, 'not-an-email');
    expect(badEmail.statusCode).toBe(400);
    const $ = cheerio.load(badEmail.body);
    expect($('#error-email').text()).toContain('email address');
    expect($('#field-email').attr('aria-invalid')).toBe('true');
    expect($('#field-email').attr('value')).toBe('not-an-email');
    const short = await signUp(browser, 'a@example.com', 'short');
    expect(short.statusCode).toBe(400);
    expect(cheerio.load(short.body)('#error-password').text()).toContain('at least 12');

    const common = await signUp(browser, 'a@example.com', 'Password1234');
    expect(common.statusCode).toBe(400);
    expect(cheerio.load(common.body)('#error-password').text()).toContain('most common');

    await signUp(browser, 'taken@example.com');
    const chinese = new BrowserSession(t.app, { 'accept-language': 'zh-CN' });
    const taken = await signUp(chinese, 'Taken@Example.com');
    expect(taken.statusCode).toBe(409);
    expect(cheerio.load(taken.body)('#error-email').text()).toContain('该邮箱已有账户');
  });

  it('sets the session cookie HttpOnly, SameSite=Lax, Path=/, and Secure only over https', async () => {
    const browser = new BrowserSession(t.app);
    const response = await signUp(browser, 'cookie@example.com');
    const header = [response.headers['set-cookie']].flat().find((line) => line?.startsWith(`${SESSION_COOKIE}=`))!;
    expect(header).toMatch(/; HttpOnly/i);
    expect(header).toMatch(/; SameSite=Lax/i);
    expect(header).toMatch(/; Path=\//i);
    expect(header).not.toMatch(/; Secure/i);
    expect(header).not.toMatch(/Domain=/i);
  });

  it('refuses a POST without a CSRF token, or with a wrong or another session\'s token, with 403', async () => {
    const browser = new BrowserSession(t.app);
    await signUp(browser, 'csrf@example.com');
    const user = (await t.storage.users.findByEmail('csrf@example.com'))!;
    const sessions = await t.storage.sessions.countForUser(user.id);

    const missing = await browser.post('/account/sign-out', {});
    expect(missing.statusCode).toBe(403);
    const wrong = await browser.post('/account/sign-out', { _csrf: 'forged-token' });
    expect(wrong.statusCode).toBe(403);
    expect(cheerio.load(wrong.body)('main').text()).toContain('expired or was sent from another site');
    const json = await t.app.inject({ method: 'POST', url: '/account/password', headers: { cookie: `${SESSION_COOKIE}=${browser.cookies.get(SESSION_COOKIE)}`, 'content-type': 'application/json' }, payload: { currentPassword: GOOD_PASSWORD, newPassword: 'a whole new phrase 9' } });
    expect(json.statusCode).toBe(403);
    expect(json.json()).toMatchObject({ code: 'DN_ERR_CSRF' });

    // A token minted for the anonymous visitor (before sign-in) does not work for the session.
    const stranger = new BrowserSession(t.app);
    const page = cheerio.load((await stranger.get('/account/sign-in')).body);
    const anonymousToken = page('input[name="_csrf"]').attr('value')!;
    const replayed = await browser.post('/account/sign-out', { _csrf: anonymousToken });
    expect(replayed.statusCode).toBe(403);

    expect(await t.storage.sessions.countForUser(user.id)).toBe(sessions);
    const signUpWithout = await new BrowserSession(t.app).post('/account/sign-up', { email: 'x@example.com', password: GOOD_PASSWORD });
    expect(signUpWithout.statusCode).toBe(403);
    expect(await t.storage.users.findByEmail('x@example.com')).toBeNull();
  });

  it('throttles an account after repeated wrong passwords, and then the right one waits too', async () => {
    await signUp(new BrowserSession(t.app), 'victim@example.com');
    const attacker = new BrowserSession(t.app);
    for (let attempt = 1; attempt <= ACCOUNT_POLICY.freeFailures; attempt++) {
      const wrong = await signIn(attacker, 'victim@example.com', `wrong password ${attempt}`);
      expect(wrong.statusCode, `attempt ${attempt}`).toBe(401);
      expect(cheerio.load(wrong.body)('.form-error').text()).toContain('not right');
    }
    const blocked = await signIn(attacker, 'victim@example.com', GOOD_PASSWORD);
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(cheerio.load(blocked.body)('.form-error').text()).toContain('Too many failed sign-ins');
    expect(attacker.cookies.has(SESSION_COOKIE)).toBe(false);
    // The owner, from another address, waits as well: the account is what is throttled.
    const owner = new BrowserSession(t.app);
    const ownerTry = await owner.submit('/account/sign-in', '/account/sign-in', { email: 'victim@example.com', password: GOOD_PASSWORD });
    expect(ownerTry.statusCode).toBe(429);
  });

  it('changing the password needs the current one and ends every other session', async () => {
    const laptop = new BrowserSession(t.app);
    await signUp(laptop, 'mover@example.com');
    const phone = new BrowserSession(t.app);
    expect((await signIn(phone, 'mover@example.com', GOOD_PASSWORD)).statusCode).toBe(303);
    const user = (await t.storage.users.findByEmail('mover@example.com'))!;
    expect(await t.storage.sessions.countForUser(user.id)).toBe(2);

    const wrong = await laptop.submit('/account/password', '/account/password', { currentPassword: 'not my password', newPassword: 'river stones and moss 7' });
    expect(wrong.statusCode).toBe(400);
    expect(cheerio.load(wrong.body)('#error-currentPassword').text()).toContain('not right');

    const changed = await laptop.submit('/account/password', '/account/password', { currentPassword: GOOD_PASSWORD, newPassword: 'river stones and moss 7' });
    expect(changed.statusCode).toBe(303);
    expect(await t.storage.sessions.countForUser(user.id)).toBe(1);
    expect(cheerio.load((await laptop.get('/account/password?changed=1')).body)('.notice').text()).toContain('changed');
    const phonePage = await phone.get('/account');
    expect(phonePage.statusCode).toBe(303);
    expect(phonePage.headers.location).toBe('/account/sign-in?next=%2Faccount');
    expect((await signIn(new BrowserSession(t.app), 'mover@example.com', 'river stones and moss 7')).statusCode).toBe(303);
  });

  it('sends a visitor to sign in and back, and answers the API with 401', async () => {
    const page = await t.app.inject({ url: '/account/password', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/account/sign-in?next=%2Faccount%2Fpassword');
    const api = await t.app.inject({ url: '/account/password', headers: { accept: 'application/json' } });
    expect(api.statusCode).toBe(401);
    expect(api.json()).toMatchObject({ code: 'DN_ERR_SIGN_IN_REQUIRED' });

    const browser = new BrowserSession(t.app);
    await signUp(browser, 'nexter@example.com');
    await browser.submit('/', '/account/sign-out', {});
    const back = await browser.submit('/account/sign-in?next=%2Faccount%2Fpassword', '/account/sign-in', { email: 'nexter@example.com', password: GOOD_PASSWORD });
    expect(back.headers.location).toBe('/account/password');
  });

  it('never stores a password in clear', async () => {
    await signUp(new BrowserSession(t.app), 'clear@example.com');
    const hash = (await t.storage.users.findByEmail('clear@example.com'))!.passwordHash;
    expect(hash).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$/);
    await t.storage.close();
    for (const file of [t.dbFile, `${t.dbFile}-wal`]) {
      let bytes: Buffer;
      try { bytes = readFileSync(file); } catch { continue; }
      expect(bytes.includes(Buffer.from(GOOD_PASSWORD))).toBe(false);
      expect(bytes.includes(Buffer.from('clear@example.com'))).toBe(true); // the read itself works
    }
  });
});
