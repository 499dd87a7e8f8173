// The plan SQLite chooses for a statement: EXPLAIN QUERY PLAN's steps, one a line, so a test can
// assert that a query reaches its table through an index and sorts without a temp B-tree.
import type Database from 'better-sqlite3';

export const queryPlan = (db: Database.Database, sql: string, params: unknown[] | Record<string, unknown>): string =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((row) => row.detail).join('\n');
