// The SQLite implementation of Storage: one better-sqlite3 handle shared by every repository.
import type { Storage } from '../types';
import { createAlertsRepository } from './alerts';
import { createClicksRepository } from './clicks';
import { createCrawlRunsRepository } from './crawl-runs';
import { openSqlite } from './database';
import { createDealSearch } from './deal-search';
import { createDealsRepository } from './deals';
import { createFeedsRepository } from './feeds';
import { migrate } from './migrations';
import { createRevenueRepository } from './revenue';
import { createSettingsRepository } from './settings';
import { createSitesRepository } from './sites';

export function openSqliteStorage(path: string): Storage {
  const db = openSqlite(path);
  migrate(db);
  return {
    sites: createSitesRepository(db),
    feeds: createFeedsRepository(db),
    // The snapshot and redirect paths (deals.ts) and the shoppers' listing (deal-search.ts) share the table.
    deals: { ...createDealsRepository(db), ...createDealSearch(db) },
    crawlRuns: createCrawlRunsRepository(db),
    clicks: createClicksRepository(db),
    settings: createSettingsRepository(db),
    alerts: createAlertsRepository(db),
    revenue: createRevenueRepository(db),
    async close() {
      if (db.open) db.close();
    },
  };
}

/** Applies pending migrations without opening the repositories (for `dealnav migrate`). */
export function migrateSqlite(path: string): { from: number; to: number } {
  const db = openSqlite(path);
  try {
    return migrate(db);
  } finally {
    db.close();
  }
}
