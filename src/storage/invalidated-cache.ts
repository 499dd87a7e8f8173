// A bounded in-process cache of values derived from the deals table, emptied whenever the deals
// change (ChangeWatch: this process's snapshots at once, other processes within versionCheckMs)
// and aging out after ttlMs, for what time alone changes (a deal ending). Least recently used
// entries go first when it is full. Used by /go's redirect targets (revenue/redirect-cache.ts),
// the listing's offer groups (sqlite/deal-search.ts) and finished answers (web/response-cache.ts).
import { ChangeWatch, type ChangeSource } from './change-watch';

export interface InvalidatedCacheOptions {
  maxEntries: number;
  versionCheckMs: number;
  ttlMs: number;
}

interface Entry<V> {
  value: V;
  storedAt: number;
}

export class InvalidatedCache<V> {
  private entries = new Map<string, Entry<V>>();
  private clears = 0;
  private readonly changes: ChangeWatch | null;

  constructor(
    source: ChangeSource | null,
    private readonly options: InvalidatedCacheOptions,
    private readonly clock: () => number = Date.now,
  ) {
    this.changes = source ? new ChangeWatch(source, () => this.clear(), options.versionCheckMs, clock) : null;
  }

  /** Polls for changes by other processes; call once per request before `get`s. */
  refresh(): void {
    this.changes?.poll(this.clock());
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.clock() - entry.storedAt >= this.options.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    this.entries.delete(key); // most recently used last: eviction takes the first keys
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V): void {
    if (!this.entries.has(key) && this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, storedAt: this.clock() });
  }

  clear(): void {
    this.entries = new Map();
    this.clears++;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Moves on every clear: a value computed across a change compares it before `set`. */
  get generation(): number {
    return this.clears;
  }

  close(): void {
    this.changes?.close();
    this.clear();
  }
}
