// Which orders a scheduled pull asks for. Every pull re-reads at least the last `windowHours`, so
// orders whose status changed since the previous pull are read again (the idempotent path makes
// the repeats free). After failures or downtime it reaches back to where the last good pull ended,
// less an overlap for clock skew between the partner and us, but never more than MAX_CATCH_UP.
import type { OrderPullSource } from '../../storage';
import type { PullWindow } from './sign-request';

export const PULL_OVERLAP_MS = 15 * 60_000;
export const MAX_CATCH_UP_MS = 31 * 86_400_000;

export function pullWindow(source: Pick<OrderPullSource, 'windowHours' | 'lastOkWindowEnd'>, now: Date): PullWindow {
  const recent = now.getTime() - source.windowHours * 3_600_000;
  const resume = source.lastOkWindowEnd ? source.lastOkWindowEnd.getTime() - PULL_OVERLAP_MS : recent;
  const start = Math.max(now.getTime() - MAX_CATCH_UP_MS, Math.min(recent, resume));
  return { start: new Date(start), end: now };
}
