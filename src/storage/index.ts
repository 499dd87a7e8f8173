// Storage entry point: everything outside src/storage reaches the database through here.
export type * from './types';
export type * from './revenue-types';
export type * from './reconciliation-types';
export type * from './account-types';
export type * from './report-types';
export type * from './credibility-types';
export { REPORT_REASONS } from './credibility-types';
export { DISCOUNT_STEPS, SCORE_STEPS } from './listing-steps';
export { openSqliteStorage as openStorage, migrateSqlite as migrateStorage } from './sqlite/index';
