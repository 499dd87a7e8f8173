// The digest's notifiers: email through the portal's mailer to a real SMTP server on loopback
// when SMTP is configured, and only the log when it is not.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMailer } from '../../src/alerts/mailer';
import { createDigestNotifier, type CredibilityDigest } from '../../src/credibility/notifier';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server';

const digest: CredibilityDigest = {
  at: '2026-11-25T05:00:00.000Z',
  newAlerts: [
    { site: '可疑团 <b>', rule: 'dead_links', detail: '3 of 6 checked links bad', closedAt: null },
    { site: 'New', rule: 'report_spike', detail: '5 shopper reports in the last 24 hours', closedAt: '2026-11-24T20:00:00.000Z' },
  ],
  sites: [{ name: '可疑团 <b>', slug: 'shady', score: 71, alerts: [{ rule: 'dead_links', detail: '3 of 6' }] }, { name: 'New', slug: 'new', score: null, alerts: [] }],
};

describe('credibility digest notifiers', () => {
  let smtp: TestSmtpServer;
  beforeEach(async () => { smtp = await startSmtpServer(); });
  afterEach(async () => { await smtp.close(); });

  it('mails the digest when SMTP is configured, and logs it as well', async () => {
    const lines: string[] = [];
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'dealnav <cred@localhost>' });
    await createDigestNotifier({ digestEmail: 'ops@example.com', webhookUrl: null }, mailer, true, (line) => lines.push(line)).send(digest);
    await mailer.close();
    const [mail] = smtp.take();
    expect(mail!.envelopeTo).toEqual(['ops@example.com']);
    expect(mail!.subject).toBe('dealnav credibility: 2 new alerts');
    expect(mail!.text).toContain('- 可疑团 <b>: dead_links: 3 of 6 checked links bad\n');
    expect(mail!.text).toContain('- New: report_spike: 5 shopper reports in the last 24 hours (closed again 2026-11-24T20:00:00.000Z)');
    expect(mail!.text).toContain('- New (new): not enough data');
    expect(mail!.html).toContain('可疑团 &#60;b&#62;');
    expect(lines.join('\n')).toContain('Scores:');
  });

  it('only logs without SMTP, even with a recipient set', async () => {
    const lines: string[] = [];
    const mailer = createMailer({ smtpUrl: null, from: 'x <x@localhost>' }, () => undefined);
    await createDigestNotifier({ digestEmail: 'ops@example.com', webhookUrl: null }, mailer, true, (line) => lines.push(line)).send(digest);
    expect(smtp.take()).toEqual([]);
    expect(lines.join('\n')).toContain('shady');
  });
});
