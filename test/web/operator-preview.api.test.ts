// The validation preview from the operator's site page: the site's own feed fetched once through
// the crawler's fetcher (a loopback test server here), its deals and problems shown, nothing stored.
import * as cheerio from 'cheerio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Feed, Site } from '../../src/storage';
import type { BrowserSession } from '../helpers/browser-session';
import { fixture, startFeedServer, type FeedServer } from '../helpers/feed-server';
import { buildOwnerTestApp, type OwnerTestApp } from './owner-test-app';

describe('operator: validation preview of a site feed', () => {
  let t: OwnerTestApp;
  let server: FeedServer;
  let site: Site;
  let feed: Feed;
  let ops: BrowserSession;

  beforeEach(async () => {
    t = await buildOwnerTestApp({ allowPrivateNetwork: true });
    server = await startFeedServer();
    server.answer('/hao123.xml', { headers: { 'content-type': 'application/xml' }, body: fixture('feeds/hao123-bad-items.xml') });
    // The feed's deals are on www.tuanba.example: the site's home, so the domain rule keeps them.
    site = await t.storage.sites.upsert({ slug: 'letuan', name: '乐团网', homeUrl: 'http://www.tuanba.example/', status: 'pending' });
    feed = await t.storage.feeds.upsert({ siteId: site.id, url: server.url('/hao123.xml') });
    ops = await t.signedIn(await t.createUser('ops@example.com', 'operator'));
  });
  afterEach(async () => {
    await server.close();
    await t.close();
  });

  it('fetches the feed once and shows its deals and item problems, storing nothing', async () => {
    const response = await ops.submit(`/operator/sites/${site.id}`, `/operator/sites/${site.id}/preview`, { feedId: String(feed.id) });
    expect(response.statusCode).toBe(200);
    expect(server.requests('/hao123.xml')).toBe(1);
    const $ = cheerio.load(response.body);
    expect($('.feed-preview .preview-summary').text()).toBe('Found 1 deal in 8 items (hao123 format).'); // the rest are the fixture's bad items
    expect($('.feed-preview .preview-problems li').length).toBeGreaterThan(0);
    expect($('h1').text()).toContain('乐团网'); // still the operator's site page, forms and all
    expect($('form[action$="/approve"]').length).toBe(1);
    expect((await t.storage.deals.listLive({ now: new Date(), page: 1, pageSize: 10 })).total).toBe(0);
    expect(await t.storage.crawlRuns.listForFeed(feed.id, 10)).toEqual([]);
    expect((await t.storage.feeds.findById(feed.id))!.lastCheckedAt).toBeNull();
  });

  it('refuses a feed of another site (404)', async () => {
    const other = await t.storage.sites.upsert({ slug: 'other', name: 'Other', homeUrl: 'http://other.example/' });
    const otherFeed = await t.storage.feeds.upsert({ siteId: other.id, url: 'http://other.example/feed.xml' });
    const response = await ops.submit(`/operator/sites/${site.id}`, `/operator/sites/${site.id}/preview`, { feedId: String(otherFeed.id) });
    expect(response.statusCode).toBe(404);
    expect(server.requests('/hao123.xml')).toBe(0);
  });
});
