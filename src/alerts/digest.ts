// One digest run: for every confirmed subscription not mailed in the last day, the deals that
// match its filter, are at or under its ceiling and were first seen since its last digest. No
// new deals, no mail; the "since" only moves when a mail has gone.
import type { AlertSubscription, Storage } from '../storage';
import { digestQuery, parseFilter } from './alert-filter';
import type { AlertLinks } from './links';
import { digestMail } from './mail-composer';
import type { Mailer } from './mailer';

/** Deals listed in one mail; the rest are a link to the listing. */
export const DIGEST_SIZE = 30;

/**
 * At most one digest a day. A little under 24 hours, so that a daily run that starts a few
 * seconds earlier than yesterday's (or mails a subscription earlier in its run) still sends.
 */
export const DIGEST_INTERVAL_MS = 23 * 3_600_000;

const BATCH = 200;

export interface DigestContext {
  storage: Storage;
  mailer: Mailer;
  links: AlertLinks;
  log?: (line: string) => void;
}

export interface DigestReport {
  /** Subscriptions due for a digest. */
  checked: number;
  sent: number;
  /** Due, but nothing new matched. */
  empty: number;
  failed: number;
}

/** Runs one pass at `now`; stops between subscriptions when `signal` is aborted. */
export async function sendDigests(context: DigestContext, now: Date, signal?: AbortSignal): Promise<DigestReport> {
  const report: DigestReport = { checked: 0, sent: 0, empty: 0, failed: 0 };
  const sentBefore = new Date(now.getTime() - DIGEST_INTERVAL_MS);
  let afterId = 0;
  for (;;) {
    const due = await context.storage.alerts.listDueForDigest(sentBefore, afterId, BATCH);
    for (const subscription of due) {
      if (signal?.aborted) return report;
      report.checked++;
      report[await sendDigest(context, subscription, now)]++;
    }
    if (due.length < BATCH) return report;
    afterId = due[due.length - 1]!.id;
  }
}

async function sendDigest(context: DigestContext, subscription: AlertSubscription, now: Date): Promise<'sent' | 'empty' | 'failed'> {
  const since = subscription.lastDigestAt ?? subscription.confirmedAt ?? subscription.createdAt;
  const query = digestQuery(parseFilter(subscription.filter), subscription.priceCeilingMinor, since, now, DIGEST_SIZE, subscription.locale);
  const result = await context.storage.deals.search(query);
  if (result.total === 0) return 'empty';
  // Claim first: another run (the CLI beside the server) that got here too sends nothing.
  if (!(await context.storage.alerts.claimDigest(subscription.id, subscription.lastDigestAt, now))) return 'empty';
  try {
    await context.mailer.send(digestMail(subscription, result.deals, result.total, context.links));
    return 'sent';
  } catch (error) {
    await context.storage.alerts.releaseDigest(subscription.id, now, subscription.lastDigestAt);
    (context.log ?? console.error)(`alerts: digest for subscription ${subscription.id} not sent: ${(error as Error).message}`);
    return 'failed';
  }
}
