// Invalidation for in-process caches of what the deals table holds (the /go redirect cache in
// src/revenue/redirect-cache.ts, the listing's counts and facets in sqlite/deal-search.ts).
//
// Two signals, both from the deals repository:
// - this process's feed snapshots: `onRedirectTargetsChanged` calls back after each commit, so
//   `onChange` runs at once;
// - any other connection or process (the `dealnav crawl` CLI, an operator's sqlite3):
//   `externalChangeVersion` (SQLite's PRAGMA data_version) moves. It is read by `poll`, at most
//   once per `versionCheckMs`, so such a commit is seen within versionCheckMs of the first poll
//   after it (callers poll on every lookup).
import type { DealsRepository } from './types';

export type ChangeSource = Pick<DealsRepository, 'onRedirectTargetsChanged' | 'externalChangeVersion'>;

export class ChangeWatch {
  private version: number;
  private nextVersionCheckAt: number;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly source: ChangeSource,
    private readonly onChange: () => void,
    private readonly versionCheckMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.version = source.externalChangeVersion();
    this.nextVersionCheckAt = now() + versionCheckMs;
    this.unsubscribe = source.onRedirectTargetsChanged(() => onChange());
  }

  /** Reads the change version when versionCheckMs has passed since the last read; calls onChange when it moved. */
  poll(now: number = this.now()): void {
    if (now < this.nextVersionCheckAt) return;
    this.nextVersionCheckAt = now + this.versionCheckMs;
    const version = this.source.externalChangeVersion();
    if (version !== this.version) {
      this.version = version;
      this.onChange();
    }
  }

  close(): void {
    this.unsubscribe();
  }
}
