// Sign-in throttling, per account and per client address, stored in the database so a restart
// does not reset it. The first failures are free; after that every attempt must wait a delay that
// doubles with each further failure, up to a ceiling. While waiting, no password is checked at all,
// so the right one waits too. Keys are HMACs: the table holds neither emails nor addresses.
import { createHmac } from 'node:crypto';
import type { SignInThrottleRepository, ThrottleScope, ThrottleState } from '../storage';

export interface ThrottlePolicy {
  /** Failures allowed before the first delay. */
  freeFailures: number;
  firstDelayMs: number;
  maxDelayMs: number;
  /** A counter with no failure for this long starts again from zero. */
  forgetAfterMs: number;
}

/** 5 free tries per account, then 30 s, 1 min, 2 min … up to 15 min between tries. */
export const ACCOUNT_POLICY: ThrottlePolicy = { freeFailures: 5, firstDelayMs: 30_000, maxDelayMs: 15 * 60_000, forgetAfterMs: 24 * 3_600_000 };
/** An address may be shared (an office behind NAT): 20 free failures, then the same doubling. */
export const ADDRESS_POLICY: ThrottlePolicy = { freeFailures: 20, firstDelayMs: 30_000, maxDelayMs: 15 * 60_000, forgetAfterMs: 24 * 3_600_000 };

export function delayAfter(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.freeFailures) return 0;
  const doublings = Math.min(failures - policy.freeFailures, 30);
  return Math.min(policy.firstDelayMs * 2 ** doublings, policy.maxDelayMs);
}

export class SignInThrottle {
  constructor(
    private readonly repository: SignInThrottleRepository,
    private readonly hmacKey: string,
    private readonly policies: Record<ThrottleScope, ThrottlePolicy> = { account: ACCOUNT_POLICY, ip: ADDRESS_POLICY },
  ) {}

  private key(scope: ThrottleScope, value: string): string {
    return createHmac('sha256', this.hmacKey).update(`${scope}:${value.toLowerCase()}`).digest('hex');
  }

  /** When the next attempt may be made, or null when it may be made now. */
  async blockedUntil(email: string, ip: string, now: Date): Promise<Date | null> {
    let until: Date | null = null;
    for (const [scope, value] of [['account', email], ['ip', ip]] as const) {
      const state = await this.current(scope, value, now);
      if (state?.blockedUntil && state.blockedUntil > now && (!until || state.blockedUntil > until)) until = state.blockedUntil;
    }
    return until;
  }

  async recordFailure(email: string, ip: string, now: Date): Promise<void> {
    for (const [scope, value] of [['account', email], ['ip', ip]] as const) {
      const previous = await this.current(scope, value, now);
      const failures = (previous?.failures ?? 0) + 1;
      const delay = delayAfter(failures, this.policies[scope]);
      await this.repository.save(scope, this.key(scope, value), {
        failures, lastFailureAt: now, blockedUntil: delay > 0 ? new Date(now.getTime() + delay) : null,
      });
    }
  }

  /** A right password clears the account's counter; the address keeps its own, so one account of the attacker's cannot wipe it. */
  async recordSuccess(email: string): Promise<void> {
    await this.repository.clear('account', this.key('account', email));
  }

  private async current(scope: ThrottleScope, value: string, now: Date): Promise<ThrottleState | null> {
    const state = await this.repository.find(scope, this.key(scope, value));
    if (!state) return null;
    return now.getTime() - state.lastFailureAt.getTime() > this.policies[scope].forgetAfterMs ? null : state;
  }
}
