// Subscribing, confirming and unsubscribing: double opt-in, one subscription per email and
// filter, and no more than one confirmation mail per subscription every few minutes.
import type { AlertSubscription, Storage } from '../storage';
import type { Locale } from '../web/i18n';
import { canonicalFilter, type AlertFilterFields } from './alert-filter';
import { sendDigests, type DigestReport } from './digest';
import { AlertLinks } from './links';
import { confirmationMail } from './mail-composer';
import type { Mailer } from './mailer';
import { hashToken, loadUnsubscribeSecret, newNonce, newToken } from './tokens';

/** A confirmation link works this long. */
export const CONFIRMATION_VALID_MS = 7 * 86_400_000;
/** A repeated request sends another confirmation mail only after this long. */
export const CONFIRMATION_RESEND_MS = 10 * 60_000;

export interface SubscribeRequest {
  email: string;
  filter: AlertFilterFields;
  priceCeilingMinor: number | null;
  locale: Locale;
}

/** What happened, for logs and tests; the page says the same in every case, so it tells no one who subscribed. */
export type SubscribeOutcome = 'confirmation-sent' | 'confirmation-recently-sent' | 'already-active';

export class AlertService {
  private constructor(
    private readonly storage: Storage,
    readonly mailer: Mailer,
    readonly links: AlertLinks,
  ) {}

  static async create(storage: Storage, mailer: Mailer, publicUrl: string): Promise<AlertService> {
    return new AlertService(storage, mailer, new AlertLinks(publicUrl, await loadUnsubscribeSecret(storage.settings)));
  }

  /** The origin of links in mails, once the server knows the address it listens on. */
  setPublicUrl(origin: string): void {
    this.links.origin = origin;
  }

  async subscribe(request: SubscribeRequest, now = new Date()): Promise<SubscribeOutcome> {
    const email = request.email.trim();
    const filter = canonicalFilter(request.filter);
    const confirmToken = newToken();
    const nonce = newNonce();
    const created = await this.storage.alerts.insertPending({
      email, filter, priceCeilingMinor: request.priceCeilingMinor, locale: request.locale,
      confirmTokenHash: hashToken(confirmToken),
      unsubscribeNonce: nonce,
      unsubscribeTokenHash: hashToken(this.links.unsubscribeToken({ unsubscribeNonce: nonce })),
      now,
    });
    if (created) {
      await this.mailer.send(confirmationMail(created, confirmToken, this.links));
      return 'confirmation-sent';
    }
    const existing = (await this.storage.alerts.findByEmailAndFilter(email, filter))!;
    // Someone else's request must not change a confirmed alert; the subscriber can unsubscribe and ask again.
    if (existing.status === 'active') return 'already-active';
    const recent = existing.status === 'pending' && existing.confirmationSentAt !== null
      && now.getTime() - existing.confirmationSentAt.getTime() < CONFIRMATION_RESEND_MS;
    await this.storage.alerts.renewPending(existing.id, {
      priceCeilingMinor: request.priceCeilingMinor, locale: request.locale,
      confirmTokenHash: recent ? null : hashToken(confirmToken), now,
    });
    if (recent) return 'confirmation-recently-sent';
    const renewed = { ...existing, priceCeilingMinor: request.priceCeilingMinor, locale: request.locale };
    await this.mailer.send(confirmationMail(renewed, confirmToken, this.links));
    return 'confirmation-sent';
  }

  /** The subscription a confirmation link is for, while it can still be confirmed (or already is). */
  async findByConfirmToken(token: string, now = new Date()): Promise<AlertSubscription | null> {
    const subscription = await this.storage.alerts.findByConfirmTokenHash(hashToken(token));
    if (!subscription || subscription.status === 'unsubscribed') return null;
    if (subscription.status === 'pending' && now.getTime() - (subscription.confirmationSentAt?.getTime() ?? 0) > CONFIRMATION_VALID_MS) return null;
    return subscription;
  }

  async confirm(token: string, now = new Date()): Promise<AlertSubscription | null> {
    const subscription = await this.findByConfirmToken(token, now);
    if (!subscription) return null;
    if (subscription.status === 'pending') await this.storage.alerts.confirm(subscription.id, now);
    return { ...subscription, status: 'active', confirmedAt: subscription.confirmedAt ?? now };
  }

  findByUnsubscribeToken(token: string): Promise<AlertSubscription | null> {
    return this.storage.alerts.findByUnsubscribeTokenHash(hashToken(token));
  }

  /** Unsubscribes (again, harmlessly, when already done); null for an unknown token. */
  async unsubscribe(token: string, now = new Date()): Promise<AlertSubscription | null> {
    const subscription = await this.findByUnsubscribeToken(token);
    if (!subscription) return null;
    await this.storage.alerts.unsubscribe(subscription.id, now);
    return { ...subscription, status: 'unsubscribed' };
  }

  /** One digest pass at `now` (see ./digest.ts). */
  sendDigests(now = new Date(), signal?: AbortSignal, log?: (line: string) => void): Promise<DigestReport> {
    return sendDigests({ storage: this.storage, mailer: this.mailer, links: this.links, log }, now, signal);
  }
}
