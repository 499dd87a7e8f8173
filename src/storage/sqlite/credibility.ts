// The SQLite CredibilityRepository: one object over the credibility tables (one module each).
import type { CredibilityRepository } from '../credibility-types';
import { createCredibilityAlerts } from './credibility-alerts';
import { createCredibilityExpired } from './credibility-expired';
import { createCredibilityFlags } from './credibility-flags';
import { createCredibilityScores } from './credibility-scores';
import { createCredibilitySignals } from './credibility-signals';
import type { SqliteDatabase } from './database';
import { createLinkChecks } from './link-checks';
import { createShopperReports } from './shopper-reports';

export function createCredibilityRepository(db: SqliteDatabase): CredibilityRepository {
  return {
    ...createLinkChecks(db),
    ...createShopperReports(db),
    ...createCredibilityExpired(db),
    ...createCredibilityFlags(db),
    ...createCredibilitySignals(db),
    ...createCredibilityScores(db),
    ...createCredibilityAlerts(db),
  };
}
