// The crawler's fetch stage: one guarded, capped HTTP GET per feed.

export { checkUrlAllowed, createGuardedLookup, isPublicAddress, type LookupFunction } from './address-guard';
export { createFeedAgent, type FeedAgentOptions } from './agent';
export {
  DEFAULT_FETCH_LIMITS,
  DEFAULT_USER_AGENT,
  fetchFeed,
  HttpStatusError,
  parseRetryAfter,
  type FetchLimits,
  type FetchOptions,
  type FetchResult,
} from './fetch-feed';
