// The absolute links an alert mail carries, on the portal's public origin.
import type { AlertSubscription } from '../storage';
import { unsubscribeToken } from './tokens';

export class AlertLinks {
  constructor(public origin: string, private readonly secret: string) {}

  confirm(token: string): string {
    return `${this.origin}/alerts/confirm?token=${token}`;
  }

  unsubscribe(subscription: Pick<AlertSubscription, 'unsubscribeNonce'>): string {
    return `${this.origin}/alerts/unsubscribe?token=${this.unsubscribeToken(subscription)}`;
  }

  unsubscribeToken(subscription: Pick<AlertSubscription, 'unsubscribeNonce'>): string {
    return unsubscribeToken(this.secret, subscription.unsubscribeNonce);
  }

  /** The click-out, attributed to alert mails. */
  go(dealId: number): string {
    return `${this.origin}/go/${dealId}?sub=alert`;
  }

  deal(dealId: number): string {
    return `${this.origin}/deals/${dealId}`;
  }

  listing(filter: string): string {
    return `${this.origin}/${filter}`;
  }
}
