// A site owner editing a registered site through the real app on a real SQLite file: the form
// filled in with the stored settings, the registration's checks with each message next to its
// field, the site and its feed changed together and audited with before and after, a new host
// resetting the domain verification, a rejected site going back to the approval queue, /go
// following a changed click parameter at once, and another owner refused (403) without a change.
import * as cheerio from 'cheerio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { editOwnedSite } from '../../src/sites/edit-site';
import { registerOwnedSite } from '../../src/sites/register-site';
import type { Feed, Site, User } from '../../src/storage';
import { dealRecord } from '../helpers/deal-record';
import { buildOwnerTestApp, type OwnerTestApp } from './owner-test-app';

describe('editing a registered site', () => {
  let t: OwnerTestApp;
  let owner: User;
  let site: Site;
  let feed: Feed;

  beforeEach(async () => {
    t = await buildOwnerTestApp({ allowPrivateNetwork: false });
    owner = await t.createUser('owner@example.com');
    const registered = await registerOwnedSite(t.storage, {
      name: 'Tuan Owner', homeUrl: 'http://tuan.example/', feedUrl: 'http://tuan.example/feed.xml', format: 'auto', timeZone: 'Asia/Shanghai', clickParam: 'dnclick',
    }, owner.id, new Date());
    if (!registered.ok) throw new Error('registration failed');
    ({ site, feed } = registered);
  });
  afterEach(async () => { await t.close(); });

  const urlOf = (path: string) => path.replace('ID', String(site.id));
  /** Every field of the form as it stands, with these changed. */
  const formWith = async (session: Awaited<ReturnType<OwnerTestApp['signedIn']>>, changes: Record<string, string>) => {
    const $ = cheerio.load((await session.get(urlOf('/owner/sites/ID/edit'))).body);
    const fields: Record<string, string> = {};
    $('form.owner-form input, form.owner-form select').each((_, element) => {
      const name = $(element).attr('name');
      if (!name || name === '_csrf') return;
      fields[name] = element.tagName === 'select' ? $(element).find('option[selected]').attr('value') ?? '' : $(element).attr('value') ?? '';
    });
    return { ...fields, ...changes };
  };
  const save = async (changes: Record<string, string>, user = owner) => {
    const session = await t.signedIn(user);
    return session.submit(urlOf('/owner/sites/ID/edit'), urlOf('/owner/sites/ID/edit'), await formWith(session, changes));
  };
  const auditEntries = async () => (await t.app.audit.page(1, 20)).entries.filter((entry) => entry.action === 'site.edit');

  it('shows the form filled in with the stored settings, linked from the site\'s page', async () => {
    const session = await t.signedIn(owner);
    const sitePage = cheerio.load((await session.get(urlOf('/owner/sites/ID'))).body);
    expect(sitePage(`a.edit-site[href="${urlOf('/owner/sites/ID/edit')}"]`).text()).toBe("Edit the site's settings");
    const response = await session.get(urlOf('/owner/sites/ID/edit'));
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toContain('no-store');
    const $ = cheerio.load(response.body);
    expect($('h1').text()).toBe('Edit Tuan Owner');
    expect($('#field-name').attr('value')).toBe('Tuan Owner');
    expect($('#field-homeUrl').attr('value')).toBe('http://tuan.example/');
    expect($('#field-feedUrl').attr('value')).toBe('http://tuan.example/feed.xml');
    expect($('#field-format option[selected]').attr('value')).toBe('auto');
    expect($('#field-timeZone').attr('value')).toBe('Asia/Shanghai');
    expect($('#field-clickParam').attr('value')).toBe('dnclick');
    expect($('form.owner-form button[type="submit"]').text()).toBe('Save changes');
  });

  it('checks every field as registration does, shows each problem next to it, and changes nothing', async () => {
    const response = await save({
      name: '', homeUrl: 'not a url', feedUrl: 'ftp://tuan.example/feed.xml', timeZone: 'Mars/Olympus', clickParam: 'bad param!',
      clickTemplate: 'https://x.example/?u={url}', sel_item: '.deal',
    });
    expect(response.statusCode).toBe(400);
    const $ = cheerio.load(response.body);
    expect($('#error-name').text()).toContain('Give the site a name');
    const second = await save({
      homeUrl: 'not a url', feedUrl: 'ftp://tuan.example/feed.xml', timeZone: 'Mars/Olympus', clickParam: 'bad param!',
      clickTemplate: 'https://x.example/?u={url}', sel_item: '.deal',
    });
    expect(second.statusCode).toBe(400);
    const $second = cheerio.load(second.body);
    expect($second('#error-homeUrl').text()).toBe('Enter a whole address, starting with http:// or https://.');
    expect($second('#error-feedUrl').text()).toBe('Only http:// and https:// addresses can be used.');
    expect($second('#error-timeZone').text()).toContain('Unknown time zone');
    expect($second('#error-clickParam').text()).toContain('letters, digits');
    expect($second('#error-clickTemplate').text()).toContain('A template must start with {url}');
    expect($second('#error-sel_title').text()).toContain('The selector for title is missing');
    expect($second('#field-homeUrl').attr('aria-invalid')).toBe('true');
    expect($second('#field-clickTemplate').attr('value')).toBe('https://x.example/?u={url}'); // what was typed comes back
    expect(await t.storage.sites.findById(site.id)).toEqual(site);
    expect(await t.storage.feeds.findById(feed.id)).toEqual(feed);
    expect(await auditEntries()).toEqual([]);
  });

  it('saves the site and its feed together, reads the feed anew at the next crawl, and audits before and after', async () => {
    await t.storage.feeds.recordSuccess(feed.id, {
      at: new Date(), etag: '"v1"', lastModified: 'Mon, 02 Mar 2026 08:00:00 GMT', nextCheckAt: new Date(Date.now() + 3_600_000), format: 'hao123', bodyFingerprint: 'abc',
    });
    const verifiedAt = new Date('2026-03-01T00:00:00Z');
    await t.storage.sites.markVerified(site.id, verifiedAt);
    const response = await save({
      name: 'Tuan Owner Plus', feedUrl: 'http://tuan.example/deals.html', format: 'html', timeZone: 'Europe/Berlin', clickParam: 'ref',
      sel_item: 'li.deal', sel_title: 'h2', sel_price: '.price', sel_url: 'a', homeUrl: 'http://tuan.example/shop/',
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(urlOf('/owner/sites/ID?done=saved'));
    const notice = cheerio.load((await (await t.signedIn(owner)).get(response.headers.location as string)).body)('.notice').first().text();
    expect(notice).toContain('Your changes are saved');

    // The same host: the verification and the status stay.
    expect(await t.storage.sites.findById(site.id)).toMatchObject({
      name: 'Tuan Owner Plus', homeUrl: 'http://tuan.example/shop/', clickParam: 'ref', slug: site.slug, status: 'pending', verifiedAt,
    });
    const saved = (await t.storage.feeds.findById(feed.id))!;
    expect(saved).toMatchObject({
      url: 'http://tuan.example/deals.html', format: 'html', timeZone: 'Europe/Berlin', etag: null, lastModified: null, bodyFingerprint: null,
      selectors: { item: 'li.deal', title: 'h2', price: '.price', url: 'a' },
    });
    expect(saved.nextCheckAt.getTime()).toBe(0);
    expect(await t.storage.feeds.listForSite(site.id)).toHaveLength(1); // edited in place, not a second feed

    const [entry] = await auditEntries();
    expect(entry).toMatchObject({
      actorUserId: owner.id, subject: `site:${site.id}`,
      before: { site: { name: 'Tuan Owner', clickParam: 'dnclick', status: 'pending' }, feed: { url: 'http://tuan.example/feed.xml', format: 'auto', selectors: null } },
      after: { site: { name: 'Tuan Owner Plus', clickParam: 'ref', status: 'pending', verifiedAt: verifiedAt.toISOString() }, feed: { url: 'http://tuan.example/deals.html', format: 'html' } },
    });

    // Saving the same again changes nothing and records nothing.
    const again = await save({});
    expect(again.headers.location).toBe(urlOf('/owner/sites/ID?done=unchanged'));
    expect(await auditEntries()).toHaveLength(1);
  });

  it('resets the verification when the home page moves to another host, and an active site waits for approval again', async () => {
    await t.storage.sites.markVerified(site.id, new Date());
    await t.storage.sites.setStatus(site.id, 'active', null);
    const response = await save({ homeUrl: 'https://www.other-tuan.example/' });
    expect(response.headers.location).toBe(urlOf('/owner/sites/ID?done=rehosted'));
    const after = (await t.storage.sites.findById(site.id))!;
    expect(after).toMatchObject({ homeUrl: 'https://www.other-tuan.example/', verifiedAt: null, status: 'pending', verificationToken: site.verificationToken });
    const [entry] = await auditEntries();
    expect(entry!.before).toMatchObject({ site: { status: 'active', verifiedAt: expect.any(String) } });
    expect(entry!.after).toMatchObject({ site: { status: 'pending', verifiedAt: null } });
    const page = cheerio.load((await (await t.signedIn(owner)).get(response.headers.location as string)).body);
    expect(page('.notice').first().text()).toContain('prove that domain below');
    expect(page('.site-verification').text()).toBe('Not verified');
    expect(page('#file-url').text()).toBe('https://www.other-tuan.example/.well-known/dealnav-verify.txt');
  });

  it('lets a rejected site be edited and resubmitted to the approval queue', async () => {
    await t.storage.sites.setStatus(site.id, 'rejected', 'The feed has no prices.');
    const session = await t.signedIn(owner);
    const form = cheerio.load((await session.get(urlOf('/owner/sites/ID/edit'))).body);
    expect(form('.status-reason').text()).toContain('The feed has no prices.');
    expect(form('form.owner-form button[type="submit"]').text()).toBe('Save and resubmit for approval');

    const response = await save({ feedUrl: 'http://tuan.example/feed-with-prices.xml' });
    expect(response.headers.location).toBe(urlOf('/owner/sites/ID?done=resubmitted'));
    expect(await t.storage.sites.findById(site.id)).toMatchObject({ status: 'pending', statusReason: null });
    const [entry] = await auditEntries();
    expect(entry).toMatchObject({ before: { site: { status: 'rejected', statusReason: 'The feed has no prices.' } }, after: { site: { status: 'pending', statusReason: null } } });
    // The operators see it in their queue again.
    const operator = await t.createUser('ops@example.com', 'operator');
    const queue = cheerio.load((await (await t.signedIn(operator)).get('/operator/sites?status=pending')).body);
    expect(queue(`tr[data-site-id="${site.id}"]`).length).toBe(1);
  });

  it('keeps a suspended site suspended', async () => {
    await t.storage.sites.setStatus(site.id, 'active', null);
    await t.storage.sites.setStatus(site.id, 'suspended', 'Prices do not match.');
    expect((await save({ name: 'Renamed' })).statusCode).toBe(303);
    expect(await t.storage.sites.findById(site.id)).toMatchObject({ name: 'Renamed', status: 'suspended', statusReason: 'Prices do not match.' });
  });

  it('sends /go through the new click parameter at once', async () => {
    await t.storage.sites.setStatus(site.id, 'active', null);
    await t.storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: 'noodles', url: 'http://tuan.example/deal/noodles' })], new Date());
    const dealId = (await t.storage.deals.search({ now: new Date(), sites: [site.slug], sort: 'newest', page: 1, pageSize: 1, facetLimit: 1 })).deals[0]!.id;
    const go = async () => new URL((await t.app.inject({ url: `/go/${dealId}`, headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120' } })).headers.location as string);
    expect((await go()).searchParams.has('dnclick')).toBe(true);
    expect((await save({ clickParam: 'partner_ref' })).statusCode).toBe(303);
    const after = await go();
    expect(after.searchParams.has('partner_ref')).toBe(true);
    expect(after.searchParams.has('dnclick')).toBe(false);
  });

  it('refuses another owner (403) for the form and the save, and the site stays as it was', async () => {
    const stranger = await t.createUser('stranger@example.com');
    const session = await t.signedIn(stranger);
    expect((await session.get(urlOf('/owner/sites/ID/edit'))).statusCode).toBe(403);
    // A valid CSRF token of the stranger's own session, from a page they may open.
    const csrf = cheerio.load((await session.get('/owner/sites/new')).body)('form[action="/owner/sites/new"] input[name="_csrf"]').attr('value')!;
    const response = await session.post(urlOf('/owner/sites/ID/edit'), {
      _csrf: csrf, name: 'Taken over', homeUrl: 'http://evil.example/', feedUrl: 'http://evil.example/feed.xml', format: 'auto',
    });
    expect(response.statusCode).toBe(403);
    expect(await t.storage.sites.findById(site.id)).toEqual(site);
    expect(await t.storage.feeds.findById(feed.id)).toEqual(feed);
    expect(await auditEntries()).toEqual([]);
    // And the owner's own save without a CSRF token is refused too.
    const own = await t.signedIn(owner);
    expect((await own.post(urlOf('/owner/sites/ID/edit'), { name: 'No token', homeUrl: 'http://tuan.example/', feedUrl: 'http://tuan.example/feed.xml' })).statusCode).toBe(403);
    expect((await t.storage.sites.findById(site.id))!.name).toBe('Tuan Owner');
  });

  it('writes nothing when an operator decided on the site while its owner was editing', async () => {
    const stale = site;
    await t.storage.sites.setStatus(site.id, 'active', null); // the operator approves meanwhile
    const result = await editOwnedSite(t.storage, t.app.audit, {
      site: stale, actorUserId: owner.id, now: new Date(),
      registration: { name: 'Late edit', homeUrl: 'http://elsewhere.example/', feedUrl: 'http://elsewhere.example/feed.xml' },
    });
    expect(result).toEqual({ ok: false, problem: 'statusChanged' });
    expect(await t.storage.sites.findById(site.id)).toMatchObject({ name: 'Tuan Owner', status: 'active', homeUrl: 'http://tuan.example/' });
    expect(await t.storage.feeds.findById(feed.id)).toMatchObject({ url: 'http://tuan.example/feed.xml' });
    expect(await auditEntries()).toEqual([]);
  });
});
