// When a feed is due again: its own interval with jitter after a success; exponential backoff
// after failures, never sooner than the site's Retry-After, never later than a day.
import type { Feed } from '../../src/storage';

const MAX_BACKOFF_MS = 24 * 60 * 60 * 1000;
/** ±10% so that feeds registered together do not stay in lockstep. */
const JITTER = 0.1;

const jittered = (ms: number, random: () => number): number => Math.round(ms * (1 - JITTER + 2 * JITTER * random()));

export function nextCheckAfterSuccess(feed: Pick<Feed, 'intervalMinutes'>, at: Date, random = Math.random): Date {
  return new Date(at.getTime() + jittered(feed.intervalMinutes * 60_000, random));
}

export function nextCheckAfterFailure(
  feed: Pick<Feed, 'intervalMinutes' | 'consecutiveFailures'>,
  at: Date,
  retryAfterSeconds: number | null,
  random = Math.random,
): Date {
  // consecutiveFailures counts failures before this one: the first failure waits one interval.
  const backoff = Math.min(feed.intervalMinutes * 60_000 * 2 ** feed.consecutiveFailures, MAX_BACKOFF_MS);
  const wait = Math.max(jittered(backoff, random), (retryAfterSeconds ?? 0) * 1000);
  return new Date(at.getTime() + Math.min(wait, MAX_BACKOFF_MS));
}
