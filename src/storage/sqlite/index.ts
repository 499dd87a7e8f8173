// The SQLite implementation of Storage: one better-sqlite3 handle shared by every repository.
import type { Storage } from '../types';
import { createAlertsRepository } from './alerts';
import { createAuditLogRepository } from './audit-log';
import { createChangeNotifier } from './change-notifier';
import { createClicksRepository } from './clicks';
import { createCredibilityRepository } from './credibility';
import { createCrawlRunsRepository } from './crawl-runs';
import { openSqlite } from './database';
import { Checkpointer } from './checkpointer';
import { createDealSearch } from './deal-search';
import { createDealsRepository } from './deals';
import { createFeedsRepository } from './feeds';
import { migrate } from './migrations';
import { createOrderPullRepository } from './order-pulls';
import { createReconciliationRepository } from './reconciliation';
import { createClickRollups, createReportRollupsRepository } from './report-rollups';
import { createRevenueRepository } from './revenue';
import { createSessionsRepository } from './sessions';
import { createSettingsRepository } from './settings';
import { createSignInThrottleRepository } from './sign-in-throttle';
import { createSiteApiTokensRepository } from './site-api-tokens';
import { createSitesRepository } from './sites';
import { createUsersRepository } from './users';

export function openSqliteStorage(path: string): Storage {
  const db = openSqlite(path);
  migrate(db);
  const checkpointer = db.memory ? null : new Checkpointer(db);
  // The listing's cache of totals and facets and /go's redirect cache are emptied by the deals
  // repository's change listeners, fired by feed snapshots and by site status changes alike.
  const changes = createChangeNotifier();
  const deals = createDealsRepository(db, changes);
  const dealSearch = createDealSearch(db, deals);
  // Clicks are counted into the reports after they are committed (report-rollups.ts).
  const clickRollups = createClickRollups(db);
  return {
    sites: createSitesRepository(db, changes),
    feeds: createFeedsRepository(db),
    // The snapshot and redirect paths (deals.ts) and the shoppers' listing (deal-search.ts) share the table.
    deals: { ...deals, search: dealSearch.search, findDetail: dealSearch.findDetail },
    crawlRuns: createCrawlRunsRepository(db),
    clicks: createClicksRepository(db, clickRollups),
    settings: createSettingsRepository(db),
    alerts: createAlertsRepository(db),
    revenue: createRevenueRepository(db),
    reconciliation: createReconciliationRepository(db),
    orderPulls: createOrderPullRepository(db),
    users: createUsersRepository(db),
    sessions: createSessionsRepository(db),
    signInThrottle: createSignInThrottleRepository(db),
    auditLog: createAuditLogRepository(db),
    siteApiTokens: createSiteApiTokensRepository(db),
    credibility: createCredibilityRepository(db),
    reports: createReportRollupsRepository(db, clickRollups),
    async close() {
      if (db.open) clickRollups.rollUp(); // the last clicks counted before the file closes
      await dealSearch.close();
      await checkpointer?.stop();
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
