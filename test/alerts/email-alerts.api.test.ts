import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SmtpMailer } from '../../src/alerts/mailer';
import { AlertService } from '../../src/alerts/subscription-service';
import { buildApp } from '../../src/app';
import { ClickService } from '../../src/revenue/click-service';
import { ClickWriter } from '../../src/revenue/click-writer';
import { openStorage, type Feed, type Storage } from '../../src/storage';
import { dealRecord } from '../helpers/deal-record';
import { startSmtpServer, type CapturedMail, type TestSmtpServer } from '../helpers/smtp-server';
import { makeTempDir } from '../helpers/temp-dir';
import type { DealRecord } from '../../crawlers/types';

const HOUR = 3_600_000;
const ORIGIN = 'http://deals.test:8080';
const TOKEN = /token=([A-Za-z0-9_-]{43})/;
const farFuture = new Date(Date.now() + 30 * 24 * HOUR).toISOString();

interface Setup {
  app: FastifyInstance;
  storage: Storage;
  feed: Feed;
  smtp: TestSmtpServer;
  alerts: AlertService;
  close(): Promise<void>;
}

async function setUp(): Promise<Setup> {
  const dir = makeTempDir();
  const storage = openStorage(dir.file('alerts.db'));
  const site = await storage.sites.upsert({ slug: 'letuan', name: '乐团网', homeUrl: 'http://www.letuan.example/', clickParam: 'dnclick' });
  const feed = await storage.feeds.upsert({ siteId: site.id, url: 'http://www.letuan.example/api.xml' });
  const smtp = await startSmtpServer();
  const mailer = new SmtpMailer(smtp.url, 'dealnav <alerts@deals.test>');
  const alerts = await AlertService.create(storage, mailer, ORIGIN);
  const writer = await ClickWriter.open(storage.clicks);
  const app = await buildApp({ storage, clickService: await ClickService.create(storage, writer), alerts });
  app.addHook('onClose', () => writer.drain());
  return {
    app, storage, feed, smtp, alerts,
    async close() {
      await app.close();
      await mailer.close();
      await smtp.close();
      await storage.close();
      dir.remove();
    },
  };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

const hotpot = (externalId: string, overrides: Partial<DealRecord> = {}) =>
  dealRecord({ externalId, title: `蜀九香火锅 双人餐 ${externalId}`, city: 'chengdu', category: 'food', priceMinor: 8800, endsAt: farFuture, ...overrides });

function dealIdsIn(mail: CapturedMail): number[] {
  return [...(mail.text ?? '').matchAll(/\/go\/(\d+)\?sub=alert/g)].map((match) => Number(match[1])).sort((a, b) => a - b);
}

function header(mail: CapturedMail, name: string): string | undefined {
  const line = mail.headerLines.find((entry) => entry.key === name.toLowerCase())?.line;
  return line?.slice(line.indexOf(':') + 1).replace(/\r?\n\s+/g, ' ').trim();
}

describe('email alerts for a listing filter', () => {
  let t: Setup;

  beforeEach(async () => { t = await setUp(); });
  afterEach(async () => { await t.close(); });

  async function subscribe(fields: Record<string, string>, language = 'zh-CN') {
    return t.app.inject({
      method: 'POST', url: '/alerts', payload: form(fields),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': language, accept: 'text/html' },
    });
  }

  /** Subscribes and follows the confirmation link the mail carries. */
  async function subscribeAndConfirm(fields: Record<string, string>): Promise<void> {
    expect((await subscribe(fields)).statusCode).toBe(200);
    const [mail] = t.smtp.take();
    const token = TOKEN.exec(mail!.text ?? '')![1];
    expect((await t.app.inject({ method: 'POST', url: `/alerts/confirm?token=${token}` })).statusCode).toBe(200);
  }

  const ids = async (externalIds: string[]) => {
    const { deals } = await t.storage.deals.listLive({ now: new Date(), page: 1, pageSize: 100 });
    return externalIds.map((externalId) => deals.find((deal) => deal.externalId === externalId)!.id).sort((a, b) => a - b);
  };

  it('confirms by mail, then sends daily digests of only the new matching deals under the ceiling', async () => {
    // On the listing before anyone subscribes: not new for the alert.
    await t.storage.deals.applyFeedSnapshot(t.feed, [hotpot('before')], new Date(Date.now() - HOUR));

    const response = await subscribe({ email: 'shopper@example.com', city: 'chengdu', q: '火锅', priceCeiling: '100', category: '' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('请查收邮件');
    expect(response.body).toContain('shopper@example.com');
    const [confirmation, ...others] = t.smtp.take();
    expect(others).toHaveLength(0);
    expect(confirmation!.envelopeTo).toEqual(['shopper@example.com']);
    expect(confirmation!.subject).toContain('请确认');
    const confirmLink = new RegExp(`${ORIGIN}/alerts/confirm\\?token=[A-Za-z0-9_-]{43}`).exec(confirmation!.text ?? '')?.[0];
    expect(confirmLink).toBeDefined();
    expect(confirmation!.html).toContain(confirmLink);
    // Whoever gets it can also stop it for good, before or after confirming: a line and the headers.
    expect(confirmation!.text).toContain('如果不是您本人操作，请忽略此邮件');
    const stopLink = new RegExp(`已确认但又改变主意？点此链接即可立即停止此提醒: (${ORIGIN}/alerts/unsubscribe\\?token=[A-Za-z0-9_-]{43})`).exec(confirmation!.text ?? '')?.[1];
    expect(stopLink).toBeDefined();
    expect(header(confirmation!, 'List-Unsubscribe')).toBe(`<${stopLink}>`);

    // The same email and filter again: no second subscription, no second mail so soon.
    expect((await subscribe({ email: 'Shopper@Example.com ', city: 'chengdu', q: '火锅', priceCeiling: '100' })).statusCode).toBe(200);
    expect(t.smtp.take()).toHaveLength(0);

    // Unconfirmed: a new deal arrives, the digest run sends nothing (and the deal predates the confirmation).
    await t.storage.deals.applyFeedSnapshot(t.feed, [hotpot('before'), hotpot('early')], new Date());
    expect(await t.alerts.sendDigests(new Date(Date.now() + 25 * HOUR))).toMatchObject({ checked: 0, sent: 0 });
    expect(t.smtp.take()).toHaveLength(0);

    const path = confirmLink!.slice(ORIGIN.length);
    const page = await t.app.inject({ url: path, headers: { 'accept-language': 'zh-CN' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<form method="post" action="${path}">`);
    expect(page.headers['cache-control']).toBe('no-store');
    const confirmed = await t.app.inject({ method: 'POST', url: path, headers: { 'accept-language': 'zh-CN' } });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('提醒已开启');

    // Day 1, from the confirmation on: one matching deal, one over the ceiling, one elsewhere, one off-topic.
    const day1 = Date.now() + 3 * HOUR;
    const day1Deals = [
      hotpot('before'), hotpot('early'),
      hotpot('match', { priceMinor: 8800 }),
      hotpot('at-ceiling', { priceMinor: 10000 }),
      hotpot('too-dear', { priceMinor: 12800 }),
      hotpot('beijing', { city: 'beijing' }),
      dealRecord({ externalId: 'spa', title: '足疗按摩', city: 'chengdu', endsAt: farFuture }),
    ];
    await t.storage.deals.applyFeedSnapshot(t.feed, day1Deals, new Date(day1));
    const first = await t.alerts.sendDigests(new Date(day1 + HOUR));
    expect(first).toMatchObject({ checked: 1, sent: 1, failed: 0 });
    const [digest, ...extra] = t.smtp.take();
    expect(extra).toHaveLength(0);
    expect(digest!.envelopeTo).toEqual(['shopper@example.com']);
    expect(dealIdsIn(digest!)).toEqual(await ids(['match', 'at-ceiling']));
    expect(digest!.subject).toMatch(/2 个新团购/);
    // The ceiling is in the filter's currency, named in the description.
    expect(digest!.subject).toContain('¥100.00');
    expect(digest!.text).toContain('¥88.00');
    expect(digest!.html).toContain(`${ORIGIN}/deals/${(await ids(['match']))[0]}`);
    const unsubscribeUrl = new RegExp(`${ORIGIN}/alerts/unsubscribe\\?token=[A-Za-z0-9_-]{43}`).exec(digest!.text ?? '')![0];
    expect(header(digest!, 'List-Unsubscribe')).toBe(`<${unsubscribeUrl}>`);
    expect(header(digest!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');

    // Later the same day: a new deal, but no second mail today.
    await t.storage.deals.applyFeedSnapshot(t.feed, [...day1Deals, hotpot('late')], new Date(day1 + 2 * HOUR));
    expect((await t.alerts.sendDigests(new Date(day1 + 3 * HOUR))).sent).toBe(0);
    expect(t.smtp.take()).toHaveLength(0);

    // The next day: only what is new since the first digest.
    await t.storage.deals.applyFeedSnapshot(t.feed, [...day1Deals, hotpot('late'), hotpot('next-day')], new Date(day1 + 24 * HOUR));
    expect((await t.alerts.sendDigests(new Date(day1 + 25 * HOUR))).sent).toBe(1);
    const [second] = t.smtp.take();
    expect(dealIdsIn(second!)).toEqual(await ids(['late', 'next-day']));

    // Nothing new on day 3: no mail at all.
    expect(await t.alerts.sendDigests(new Date(day1 + 49 * HOUR))).toMatchObject({ sent: 0, empty: 1 });
    expect(t.smtp.take()).toHaveLength(0);
  });

  it('unsubscribes through the page and through the RFC 8058 one-click POST, and stops the mails', async () => {
    await subscribeAndConfirm({ email: 'page@example.com', category: 'food' });
    await subscribeAndConfirm({ email: 'oneclick@example.com', category: 'food' });
    const day1 = Date.now() + HOUR;
    await t.storage.deals.applyFeedSnapshot(t.feed, [hotpot('a')], new Date(day1));
    await t.alerts.sendDigests(new Date(day1 + HOUR));
    const mails = t.smtp.take();
    expect(mails.map((mail) => mail.envelopeTo[0]).sort()).toEqual(['oneclick@example.com', 'page@example.com']);
    const linkFor = (to: string) => TOKEN.exec(/\/alerts\/unsubscribe\?token=\S+/.exec(mails.find((mail) => mail.envelopeTo[0] === to)!.text ?? '')![0])![0];

    // The page: GET shows a button and changes nothing; its form POSTs.
    const pageUrl = `/alerts/unsubscribe?${linkFor('page@example.com')}`;
    const page = await t.app.inject({ url: pageUrl, headers: { 'accept-language': 'en' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<form method="post" action="${pageUrl}">`);
    expect(page.body).toContain('Stop this email alert?');
    const posted = await t.app.inject({ method: 'POST', url: pageUrl, headers: { 'accept-language': 'en' } });
    expect(posted.statusCode).toBe(200);
    expect(posted.body).toContain('You are unsubscribed');
    expect((await t.app.inject({ url: pageUrl, headers: { 'accept-language': 'en' } })).body).toContain('You are unsubscribed');

    // A mail client's one-click unsubscribe.
    const oneClick = await t.app.inject({
      method: 'POST', url: `/alerts/unsubscribe?${linkFor('oneclick@example.com')}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode).toBe(200);

    await t.storage.deals.applyFeedSnapshot(t.feed, [hotpot('a'), hotpot('b')], new Date(day1 + 24 * HOUR));
    expect((await t.alerts.sendDigests(new Date(day1 + 25 * HOUR))).checked).toBe(0);
    expect(t.smtp.take()).toHaveLength(0);
  });

  it('escapes hostile deal titles in the HTML mail', async () => {
    await subscribeAndConfirm({ email: 'html@example.com' });
    const day1 = Date.now() + HOUR;
    await t.storage.deals.applyFeedSnapshot(t.feed, [hotpot('x', {
      title: '<script>alert(1)</script><img src=x onerror=alert(2)> 火锅',
      merchant: { name: '<b>m</b>', phone: null, address: null },
    })], new Date(day1));
    await t.alerts.sendDigests(new Date(day1 + HOUR));
    const [mail] = t.smtp.take();
    expect(mail!.html).not.toContain('<script>alert(1)');
    expect(mail!.html).not.toContain('<img src=x');
    expect(mail!.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('answers a bad email address with a 400 and a message, and sends nothing', async () => {
    for (const email of ['not-an-address', '']) {
      const response = await t.app.inject({
        method: 'POST', url: '/alerts', payload: form({ email, city: 'chengdu' }),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ statusCode: 400, code: 'DN_ERR_INVALID_REQUEST' });
      expect(response.json().message).toMatch(/email/);
    }
    const page = await subscribe({ email: 'x@', city: 'chengdu' }, 'en');
    expect(page.statusCode).toBe(400);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(t.smtp.take()).toHaveLength(0);
  });

  it('rejects a malformed price ceiling or filter with a 400', async () => {
    expect((await subscribe({ email: 'a@example.com', priceCeiling: '-5' })).statusCode).toBe(400);
    expect((await subscribe({ email: 'a@example.com', category: 'Not A Slug' })).statusCode).toBe(400);
  });

  it('limits subscription requests per address with a 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await t.app.inject({
        method: 'POST', url: '/alerts', payload: form({ email: `victim+${i}@example.com` }),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) expect(response.json()).toMatchObject({ code: 'DN_ERR_RATE_LIMITED' });
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(t.smtp.take()).toHaveLength(5);
    // Only the subscription form is limited.
    expect((await t.app.inject({ url: '/' })).statusCode).toBe(200);
  });

  it('answers unknown tokens with a page saying the link does not work, and malformed ones with a 400', async () => {
    const unknown = await t.app.inject({ url: `/alerts/confirm?token=${'A'.repeat(43)}`, headers: { 'accept-language': 'en' } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('This link does not work');
    expect((await t.app.inject({ method: 'POST', url: `/alerts/unsubscribe?token=${'A'.repeat(43)}` })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/alerts/unsubscribe?token=short' })).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/alerts/confirm' })).statusCode).toBe(400);
  });

  it('puts a subscribe form for the current filter on the listing page', async () => {
    const page = await t.app.inject({ url: '/?city=chengdu&q=%22%3E%3Cscript%3E&site=letuan&priceMax=100', headers: { 'accept-language': 'en' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<form class="alert-form" method="post" action="/alerts"');
    expect(page.body).toContain('<input type="hidden" name="city" value="chengdu">');
    expect(page.body).toContain('<input type="hidden" name="site" value="letuan">');
    expect(page.body).toContain('<input type="hidden" name="q" value="&quot;&gt;&lt;script&gt;">');
    expect(page.body).toContain('<label for="alert-email">');
    expect(page.body).not.toContain('no mail server set up');
  });
});
