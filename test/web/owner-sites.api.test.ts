// The site owners' registration and validation preview, through the real app and a feed server
// on 127.0.0.1: field-by-field validation, what a registration stores (pending, owned, with a
// verification token, audited), and a preview that reads the feed once, stores nothing and puts
// every problem and fetch failure in plain words.
import * as cheerio from 'cheerio';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { User } from '../../src/storage';
import type { BrowserSession } from '../helpers/browser-session';
import { fixture, startFeedServer, type FeedServer } from '../helpers/feed-server';
import { buildOwnerTestApp, type OwnerTestApp } from './owner-test-app';

/** The form's Preview button: the same fields and CSRF token, posted to the preview route (its formaction). */
async function previewThrough(session: BrowserSession, fields: Record<string, string>) {
  const form = cheerio.load((await session.get('/owner/sites/new')).body)('form[action="/owner/sites/new"]');
  expect(form.find('button[formaction="/owner/sites/preview"]')).toHaveLength(1);
  return session.post('/owner/sites/preview', { ...fields, _csrf: form.find('input[name="_csrf"]').attr('value')! });
}

const validForm = (server: FeedServer) => ({
  name: 'Tuan Owner', homeUrl: server.url('/'), feedUrl: server.url('/feed.xml'), format: 'auto', timeZone: '', clickParam: 'dnclick', clickTemplate: '',
});

describe('registering a site', () => {
  let t: OwnerTestApp;
  let server: FeedServer;
  let owner: User;

  beforeAll(async () => { server = await startFeedServer(); });
  afterAll(async () => { await server.close(); });
  beforeEach(async () => {
    t = await buildOwnerTestApp();
    owner = await t.createUser('owner@example.com');
  });
  afterEach(async () => { await t.close(); });

  it('sends a visitor to sign in first', async () => {
    const page = await t.app.inject({ url: '/owner/sites/new', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/account/sign-in?next=%2Fowner%2Fsites%2Fnew');
  });

  it('shows each problem next to its field and stores nothing', async () => {
    const session = await t.signedIn(owner);
    const response = await session.submit('/owner/sites/new', '/owner/sites/new', {
      name: 'Tuan Owner', homeUrl: 'not a url', feedUrl: 'ftp://feeds.example/x.xml', format: 'auto', timeZone: 'Mars/Olympus',
      clickParam: 'bad param!', clickTemplate: 'https://x.example/?u={url}', sel_item: '.deal', sel_title: '', sel_price: '', sel_url: '',
    });
    expect(response.statusCode).toBe(400);
    const $ = cheerio.load(response.body);
    expect($('#error-homeUrl').text()).toBe('Enter a whole address, starting with http:// or https://.');
    expect($('#error-feedUrl').text()).toBe('Only http:// and https:// addresses can be used.');
    expect($('#error-timeZone').text()).toContain('Unknown time zone');
    expect($('#error-clickParam').text()).toContain('letters, digits');
    expect($('#error-clickTemplate').text()).toContain('A template must start with {url}');
    expect($('#error-sel_title').text()).toContain('The selector for title is missing');
    expect($('#field-homeUrl').attr('aria-invalid')).toBe('true');
    // What was typed comes back, so nothing has to be typed again.
    expect($('#field-clickTemplate').attr('value')).toBe('https://x.example/?u={url}');
    expect(await t.storage.sites.listForOwner(owner.id)).toEqual([]);
  });

  it('checks selector syntax and the schema limits too', async () => {
    const session = await t.signedIn(owner);
    const badSelector = await session.submit('/owner/sites/new', '/owner/sites/new', {
      ...validForm(server), format: 'html', sel_item: 'li.deal:nope(', sel_title: 'h2', sel_price: '.price', sel_url: 'a',
    });
    expect(badSelector.statusCode).toBe(400);
    expect(cheerio.load(badSelector.body)('#error-sel_item').text()).toBe('This is not a valid CSS selector.');
    const noSelectors = await session.submit('/owner/sites/new', '/owner/sites/new', { ...validForm(server), format: 'html' });
    expect(cheerio.load(noSelectors.body)('#error-sel_item').text()).toContain('The html format reads a page through CSS selectors');
    const longName = await session.submit('/owner/sites/new', '/owner/sites/new', { ...validForm(server), name: 'x'.repeat(101) });
    expect(longName.statusCode).toBe(400);
    expect(cheerio.load(longName.body)('#error-name').text()).toContain('Give the site a name');
  });

  it('stores a valid site as pending, owned by the user, unverified with a token, and audits it', async () => {
    const session = await t.signedIn(owner);
    const response = await session.submit('/owner/sites/new', '/owner/sites/new', {
      ...validForm(server), timeZone: 'Asia/Shanghai', clickParam: '', clickTemplate: '{url}&from=dealnav&cid={clickId}',
      sel_item: 'li.deal', sel_title: 'h2', sel_price: '.price', sel_url: 'a',
    });
    expect(response.statusCode).toBe(303);
    const [site] = await t.storage.sites.listForOwner(owner.id);
    expect(response.headers.location).toBe(`/owner/sites/${site!.id}?registered=1`);
    expect(site).toMatchObject({
      name: 'Tuan Owner', status: 'pending', ownerUserId: owner.id, verifiedAt: null, clickTemplate: '{url}&from=dealnav&cid={clickId}', clickParam: null,
    });
    expect(site!.verificationToken).toMatch(/^dealnav-[\w-]{43}$/);
    const [feed] = await t.storage.feeds.listForSite(site!.id);
    expect(feed).toMatchObject({ url: server.url('/feed.xml'), format: 'auto', timeZone: 'Asia/Shanghai', selectors: { item: 'li.deal', title: 'h2', price: '.price', url: 'a' } });
    const { entries } = await t.app.audit.page(1, 10);
    expect(entries[0]).toMatchObject({ action: 'site.register', subject: `site:${site!.id}`, actorUserId: owner.id });
    // A pending site is not crawled: the scheduler's due list leaves it out.
    expect(await t.storage.feeds.listDue(new Date(Date.now() + 86_400_000), 10)).toEqual([]);
  });

  it('never takes over an existing site with the same host: the new one gets its own slug', async () => {
    const existing = await t.storage.sites.upsert({ slug: 'tuan-example', name: 'Somebody else', homeUrl: 'http://tuan.example/' });
    const session = await t.signedIn(owner);
    const response = await session.submit('/owner/sites/new', '/owner/sites/new', { ...validForm(server), homeUrl: 'http://www.tuan.example/' });
    expect(response.statusCode).toBe(303);
    const [mine] = await t.storage.sites.listForOwner(owner.id);
    expect(mine!.slug).toBe('tuan-example-2');
    expect(await t.storage.sites.findById(existing.id)).toMatchObject({ name: 'Somebody else', ownerUserId: null, status: 'active' });
  });

  it('refuses a form without its CSRF token', async () => {
    const session = await t.signedIn(owner);
    const response = await session.post('/owner/sites/new', validForm(server));
    expect(response.statusCode).toBe(403);
    expect(await t.storage.sites.listForOwner(owner.id)).toEqual([]);
  });
});

describe('the validation preview', () => {
  let t: OwnerTestApp;
  let server: FeedServer;
  let owner: User;

  beforeAll(async () => {
    server = await startFeedServer();
    server.answer('/feed.xml', { headers: { 'content-type': 'application/xml' }, body: fixture('owner/feed-with-broken-items.xml') });
    server.answer('/home.html', { headers: { 'content-type': 'text/html' }, body: fixture('owner/not-a-feed.html') });
    server.answer('/gone.xml', { status: 404, body: 'not here' });
  });
  afterAll(async () => { await server.close(); });
  beforeEach(async () => {
    t = await buildOwnerTestApp();
    owner = await t.createUser('owner@example.com');
  });
  afterEach(async () => { await t.close(); });

  const preview = async (fields: Record<string, string>, language = 'en') => {
    const session = await t.signedIn(owner, { 'accept-language': language });
    // The fixture's deals are on www.tuanowner.example: its home, so the deal-domain rule keeps them.
    return previewThrough(session, { ...validForm(server), homeUrl: 'http://www.tuanowner.example/', ...fields });
  };

  it('reads the feed once and shows the deal count, a sample and every problem, storing nothing', async () => {
    const before = server.requests('/feed.xml');
    const response = await preview({});
    expect(response.statusCode).toBe(200);
    expect(server.requests('/feed.xml') - before).toBe(1);
    const $ = cheerio.load(response.body);
    expect($('.preview-summary').text()).toBe('Found 4 deals in 9 items (hao123 format).');
    expect($('.preview-sample li.deal')).toHaveLength(4);
    expect($('.preview-sample li.deal .deal-title').first().text().trim()).toBe('川味火锅双人套餐 1');
    expect($('.preview-sample li.deal .deal-price').first().text()).toBe('CN¥68.00');
    const problems = $('.preview-problems li').map((_, li) => $(li).text().replace(/\s+/g, ' ').trim()).get();
    expect(problems).toEqual([
      'Left out 5: it has no price.',
      'Left out 6: it ends before it starts.',
      'Left out 7: its deal link is not an http(s) address.',
      'Left out 8: it has no title.',
      'Left out 9: its price "面议" is not an amount.',
      'Check 4: the city "Atlantis" is not one we know; the deal is listed under that name but not in any city filter.',
    ]);
    // The form keeps what was typed, and nothing was stored.
    expect($('#field-feedUrl').attr('value')).toBe(server.url('/feed.xml'));
    expect(await t.storage.sites.list()).toEqual([]);
    expect(await t.storage.feeds.list()).toEqual([]);
  });

  it('speaks the reader\'s language', async () => {
    const $ = cheerio.load((await preview({}, 'zh-CN')).body);
    expect($('.preview-summary').text()).toBe('在 9 个条目中找到 4 个团购（hao123 格式）。');
    expect($('.preview-problems li').first().text().replace(/\s+/g, ' ').trim()).toBe('未收录 5: 没有价格。');
  });

  it('says in plain words when the address is no feed, answers 404, or is in no known format', async () => {
    const page = cheerio.load((await preview({ feedUrl: server.url('/home.html') })).body);
    expect(page('.preview-error strong').text()).toBe('The address gives a web page or something else, not a deal feed.');
    const gone = cheerio.load((await preview({ feedUrl: server.url('/gone.xml') })).body);
    expect(gone('.preview-error strong').text()).toBe('Your server answered HTTP 404 instead of the feed.');
    server.answer('/other.xml', { body: '<?xml version="1.0"?><catalogue><book/></catalogue>' });
    const other = cheerio.load((await preview({ feedUrl: server.url('/other.xml') })).body);
    expect(other('.preview-error strong').text()).toBe('The answer is in no feed format dealnav knows.');
    expect(other('.preview-error .hint').text()).toContain('<catalogue>');
  });

  it('checks the feed settings before fetching anything', async () => {
    const before = server.requests('/feed.xml');
    const response = await preview({ timeZone: 'Nowhere/Zone' });
    expect(response.statusCode).toBe(400);
    expect(cheerio.load(response.body)('#error-timeZone').text()).toContain('Unknown time zone');
    expect(server.requests('/feed.xml')).toBe(before);
  });

  it('is rate-limited per address', async () => {
    const session = await t.signedIn(owner);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await previewThrough(session, validForm(server))).statusCode);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
    expect(statuses[10]).toBe(429);
  });
});

describe('the validation preview with the address guard on', () => {
  it('refuses a loopback feed the way a production crawl does, in plain words', async () => {
    const server = await startFeedServer();
    server.answer('/feed.xml', { body: fixture('owner/feed-with-broken-items.xml') });
    const t = await buildOwnerTestApp({ allowPrivateNetwork: false });
    try {
      const session = await t.signedIn(await t.createUser('owner@example.com'));
      const response = await previewThrough(session, validForm(server));
      expect(cheerio.load(response.body)('.preview-error strong').text())
        .toBe("The feed's address is a private or local network address, which dealnav does not fetch.");
      expect(server.requests('/feed.xml')).toBe(0);
    } finally {
      await t.close();
      await server.close();
    }
  });
});
