// Two in-memory judgements about a visitor (known only by the salted hash of their IP), kept
// off the database so the click path stays one insert:
// - repeated clicks on one deal within a window are duplicates (redirected, never billed);
// - more than a budget of /go requests a minute from one visitor is probing, answered 429.

export interface ClickGuardOptions {
  /** A second click by the same visitor on the same deal within this long is a duplicate. */
  duplicateWindowMs: number;
  /** /go requests one visitor may make per minute, found deals or not. */
  requestsPerMinute: number;
  /** Visitors remembered at most; the oldest are forgotten first. */
  maxVisitors: number;
}

export const defaultClickGuardOptions: ClickGuardOptions = {
  duplicateWindowMs: 30 * 60_000,
  requestsPerMinute: 120,
  maxVisitors: 100_000,
};

export class ClickGuard {
  private readonly lastClick = new Map<string, number>();
  private readonly requests = new Map<string, { windowStart: number; count: number }>();

  constructor(private readonly options: ClickGuardOptions = defaultClickGuardOptions) {}

  /** Counts one request; false when the visitor is over the budget for the current minute. */
  allowRequest(visitor: string, now: number): boolean {
    const entry = this.requests.get(visitor);
    if (!entry || now - entry.windowStart >= 60_000) {
      remember(this.requests, visitor, { windowStart: now, count: 1 }, this.options.maxVisitors);
      return true;
    }
    entry.count++;
    return entry.count <= this.options.requestsPerMinute;
  }

  /** Seconds until the visitor's minute is over (for Retry-After). */
  retryAfterSeconds(visitor: string, now: number): number {
    const entry = this.requests.get(visitor);
    return entry ? Math.max(1, Math.ceil((entry.windowStart + 60_000 - now) / 1000)) : 1;
  }

  /** Records a click; true when the same visitor clicked the same deal within the window. */
  isDuplicate(visitor: string, dealId: number, now: number): boolean {
    const key = `${visitor}:${dealId}`;
    const previous = this.lastClick.get(key);
    remember(this.lastClick, key, now, this.options.maxVisitors);
    return previous !== undefined && now - previous < this.options.duplicateWindowMs;
  }
}

/** Sets key → value as the newest entry, dropping the oldest beyond `limit` (Map keeps insertion order). */
function remember<Value>(map: Map<string, Value>, key: string, value: Value, limit: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value!);
}
