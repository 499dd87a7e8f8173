// Where the daily credibility digest goes: the log always works; email through the portal's
// mailer when SMTP is configured; a webhook gets the digest as JSON, POSTed through an agent that
// carries the crawler's address guard (no private or loopback addresses unless allowed).
import { request } from 'undici';
import { checkUrlAllowed, createFeedAgent } from '../../crawlers/fetch';
import type { Mailer } from '../alerts/mailer';

export interface DigestSite {
  name: string;
  slug: string;
  score: number | null;
  alerts: { rule: string; detail: string }[];
}

export interface CredibilityDigest {
  at: string;
  /** Alerts opened since the last digest; `closedAt` is set on those that closed again since. */
  newAlerts: { site: string; rule: string; detail: string; closedAt: string | null }[];
  sites: DigestSite[];
}

export interface Notifier {
  readonly name: string;
  send(digest: CredibilityDigest): Promise<void>;
}

export function digestText(digest: CredibilityDigest): string {
  const lines = [`dealnav credibility digest, ${digest.at}`, ''];
  lines.push(digest.newAlerts.length === 0 ? 'No new alerts.' : `New alerts (${digest.newAlerts.length}):`);
  for (const alert of digest.newAlerts) {
    lines.push(`- ${alert.site}: ${alert.rule}: ${alert.detail}${alert.closedAt ? ` (closed again ${alert.closedAt})` : ''}`);
  }
  lines.push('', 'Scores:');
  for (const site of digest.sites) {
    lines.push(`- ${site.name} (${site.slug}): ${site.score ?? 'not enough data'}${site.alerts.length ? `, open alerts: ${site.alerts.map((a) => a.rule).join(', ')}` : ''}`);
  }
  return lines.join('\n');
}

export class LogNotifier implements Notifier {
  readonly name = 'log';
  constructor(private readonly log: (line: string) => void = console.log) {}
  async send(digest: CredibilityDigest): Promise<void> {
    this.log(digestText(digest));
  }
}

export class MailNotifier implements Notifier {
  readonly name = 'email';
  constructor(private readonly mailer: Mailer, private readonly to: string) {}
  async send(digest: CredibilityDigest): Promise<void> {
    const text = digestText(digest);
    // The HTML part is the same text, escaped, in a <pre>: no markup from site names can get in.
    const escaped = text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
    await this.mailer.send({ to: this.to, subject: `dealnav credibility: ${digest.newAlerts.length} new alerts`, text, html: `<pre>${escaped}</pre>` });
  }
}

const WEBHOOK_TIMEOUT_MS = 10_000;

export class WebhookNotifier implements Notifier {
  readonly name = 'webhook';
  constructor(private readonly url: string, private readonly allowPrivateNetwork: boolean) {}
  async send(digest: CredibilityDigest): Promise<void> {
    const target = new URL(this.url);
    checkUrlAllowed(target, this.allowPrivateNetwork);
    const agent = createFeedAgent({
      allowPrivateNetwork: this.allowPrivateNetwork, connectTimeoutMs: WEBHOOK_TIMEOUT_MS,
      headersTimeoutMs: WEBHOOK_TIMEOUT_MS, bodyTimeoutMs: WEBHOOK_TIMEOUT_MS,
    });
    try {
      // No redirects are followed: a webhook that moves is reconfigured, not chased.
      const response = await request(target, {
        method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' },
        body: JSON.stringify(digest), signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      await response.body.dump();
      if (response.statusCode >= 300) throw new Error(`credibility: webhook answered HTTP ${response.statusCode}`);
    } finally {
      await agent.destroy().catch(() => undefined);
    }
  }
}

/** Sends to every notifier; one failing does not stop the others. */
export class FanOutNotifier implements Notifier {
  readonly name: string;
  constructor(private readonly notifiers: Notifier[], private readonly log: (line: string) => void = console.log) {
    this.name = notifiers.map((notifier) => notifier.name).join('+');
  }
  async send(digest: CredibilityDigest): Promise<void> {
    const results = await Promise.allSettled(this.notifiers.map((notifier) => notifier.send(digest)));
    results.forEach((result, index) => {
      if (result.status === 'rejected') this.log(`credibility: ${this.notifiers[index]!.name} digest failed: ${(result.reason as Error).message}`);
    });
  }
}

/** The log always; email when SMTP delivers and a recipient is set; the webhook when one is set. */
export function createDigestNotifier(
  settings: { digestEmail: string | null; webhookUrl: string | null },
  mailer: Mailer,
  allowPrivateNetwork: boolean,
  log: (line: string) => void = console.log,
): Notifier {
  const notifiers: Notifier[] = [new LogNotifier(log)];
  if (settings.digestEmail && mailer.delivers) notifiers.push(new MailNotifier(mailer, settings.digestEmail));
  if (settings.webhookUrl) notifiers.push(new WebhookNotifier(settings.webhookUrl, allowPrivateNetwork));
  return new FanOutNotifier(notifiers, log);
}
