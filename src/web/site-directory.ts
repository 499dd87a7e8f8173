// Every partner site's directory row (live deals, cities, crawl health), shared by /sites and
// /api/sites. Building the rows costs ~150 ms at 2,000 sites and a million deals, so they are kept
// until a crawl commits or a site changes (the deals change source: at once in this process,
// within 100 ms from another) and for TTL_MS at most.
import type { Storage, SiteSummary } from '../storage';
import { InvalidatedCache } from '../storage/invalidated-cache';

const TTL_MS = 30_000;

export class SiteDirectory {
  private readonly rows: InvalidatedCache<SiteSummary[]>;

  constructor(private readonly storage: Storage) {
    this.rows = new InvalidatedCache(storage.deals, { maxEntries: 1, ttlMs: TTL_MS, versionCheckMs: 100 });
  }

  async all(now: Date): Promise<SiteSummary[]> {
    this.rows.refresh();
    const cached = this.rows.get('all');
    if (cached) return cached;
    const rows = await this.storage.sites.directory(now);
    this.rows.set('all', rows);
    return rows;
  }

  close(): void {
    this.rows.close();
  }
}
