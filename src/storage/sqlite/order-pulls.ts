// The order-pull repository: order-query URLs with their schedule, and the record of every pull.
import type { OrderPullRepository } from '../reconciliation-types';
import type { SqliteDatabase } from './database';
import { createOrderPullRunsTable } from './order-pull-runs';
import { createOrderPullSourcesTable } from './order-pull-sources';

export function createOrderPullRepository(db: SqliteDatabase): OrderPullRepository {
  const sources = createOrderPullSourcesTable(db);
  const runs = createOrderPullRunsTable(db);
  return {
    async setSource(siteId, source, now) {
      return sources.set(siteId, source, now);
    },
    async removeSource(siteId) {
      return sources.remove(siteId);
    },
    async findSource(siteId) {
      return sources.find(siteId);
    },
    async listDue(now, limit) {
      return sources.listDue(now, limit);
    },
    async startRun(run) {
      return runs.start(run);
    },
    async finishRun(id, result) {
      runs.finish(id, result);
    },
    async scheduleNext(siteId, nextPullAt, okWindowEnd) {
      sources.scheduleNext(siteId, nextPullAt, okWindowEnd);
    },
    async listRuns(siteId, limit) {
      return runs.list(siteId, limit);
    },
  };
}
