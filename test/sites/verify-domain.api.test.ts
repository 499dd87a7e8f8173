// Domain verification against home pages and token files served on 127.0.0.1: each method found
// or not, with what was seen; a redirect to another host proves nothing; with the address guard
// on, nothing on loopback is fetched at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlSettings } from '../../src/config';
import { verifyDomain, WELL_KNOWN_PATH } from '../../src/sites/verify-domain';
import { startFeedServer, type FeedServer } from '../helpers/feed-server';

const TOKEN = 'dealnav-test-token-123';
const html = (head: string) => ({ headers: { 'content-type': 'text/html; charset=utf-8' }, body: `<!doctype html><html><head>${head}</head><body></body></html>` });

describe('verifyDomain', () => {
  let site: FeedServer;
  let elsewhere: FeedServer;
  const fetch = crawlSettings(true).fetch;
  const verify = (home: FeedServer, path = '/') => verifyDomain({ homeUrl: home.url(path), verificationToken: TOKEN }, fetch);
  const outcomes = (result: Awaited<ReturnType<typeof verify>>) => result.checks.map((check) => `${check.method}:${check.outcome}`);

  beforeAll(async () => {
    [site, elsewhere] = [await startFeedServer(), await startFeedServer()];
  });
  afterAll(async () => { await Promise.all([site.close(), elsewhere.close()]); });

  it('finds the token in the meta tag, whatever the case of its name', async () => {
    site.answer('/', html(`<title>x</title><META NAME="DealNav-Verification" content=" ${TOKEN} ">`));
    site.answer(WELL_KNOWN_PATH, { status: 404, body: '' });
    const result = await verify(site);
    expect(result.verified).toBe(true);
    expect(outcomes(result)).toEqual(['meta:found', 'file:fetch_failed']);
    expect(result.checks[1]).toMatchObject({ errorCode: 'http_status', httpStatus: 404, url: site.url(WELL_KNOWN_PATH) });
  });

  it('finds the token as the whole content of the well-known file, on the home page\'s host', async () => {
    site.answer('/shop/', html('<title>x</title>'));
    site.answer(WELL_KNOWN_PATH, { headers: { 'content-type': 'text/plain' }, body: `\n${TOKEN}\r\n` });
    const result = await verify(site, '/shop/');
    expect(result.verified).toBe(true);
    expect(outcomes(result)).toEqual(['meta:absent', 'file:found']);
  });

  it('says what it saw when neither holds this site\'s token', async () => {
    site.answer('/', html('<meta name="dealnav-verification" content="another-token">'));
    site.answer(WELL_KNOWN_PATH, { body: `${TOKEN}-but-longer` });
    const result = await verify(site);
    expect(result.verified).toBe(false);
    expect(result.checks.map((check) => [check.outcome, check.detail])).toEqual([['mismatch', 'another-token'], ['mismatch', `${TOKEN}-but-longer`]]);
  });

  it('does not accept a token found on another host after a redirect', async () => {
    elsewhere.answer('/', html(`<meta name="dealnav-verification" content="${TOKEN}">`));
    elsewhere.answer(WELL_KNOWN_PATH, { body: TOKEN });
    site.answer('/moved', { status: 302, headers: { location: elsewhere.url('/') }, body: '' });
    site.answer(WELL_KNOWN_PATH, { status: 301, headers: { location: elsewhere.url(WELL_KNOWN_PATH) }, body: '' });
    const result = await verify(site, '/moved');
    expect(result.verified).toBe(false);
    expect(outcomes(result)).toEqual(['meta:other_host', 'file:other_host']);
  });

  it('fetches nothing on loopback while the address guard is on', async () => {
    const before = site.requests('/') + site.requests(WELL_KNOWN_PATH);
    const result = await verifyDomain({ homeUrl: site.url('/'), verificationToken: TOKEN }, crawlSettings(false).fetch);
    expect(result.verified).toBe(false);
    expect(result.checks.map((check) => check.errorCode)).toEqual(['blocked_address', 'blocked_address']);
    expect(site.requests('/') + site.requests(WELL_KNOWN_PATH)).toBe(before);
  });
});
