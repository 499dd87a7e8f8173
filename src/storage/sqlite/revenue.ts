// The money side's repository: assembles the per-table modules (postback secrets and signatures,
// conversions and events, terms, ledger, closed months) behind one contract and one transaction.
import type { RevenueRepository, RevenueTransaction } from '../revenue-types';
import { createClickRevenueQueries } from './clicks';
import { createCommissionEntriesTable } from './commission-entries';
import { createCommissionTermsTable } from './commission-terms';
import { createConversionEventsTable } from './conversion-events';
import { createConversionsTable } from './conversions';
import type { SqliteDatabase } from './database';
import { createPostbackSecretsTable } from './postback-secrets';
import { createPostbackSignaturesTable } from './postback-signatures';
import { createSiteAttributionQuery } from './sites';
import { createStatementPeriodsTable } from './statement-periods';

export function createRevenueRepository(db: SqliteDatabase): RevenueRepository {
  const secrets = createPostbackSecretsTable(db);
  const signatures = createPostbackSignaturesTable(db);
  const clicks = createClickRevenueQueries(db);
  const attributionWindowDays = createSiteAttributionQuery(db);
  const conversions = createConversionsTable(db);
  const events = createConversionEventsTable(db);
  const terms = createCommissionTermsTable(db);
  const entries = createCommissionEntriesTable(db);
  const periods = createStatementPeriodsTable(db);

  const tx: RevenueTransaction = {
    rememberSignature: (siteId, signature, now, expiresAt) => signatures.remember(siteId, signature, now, expiresAt),
    findClick: (id) => clicks.forAttribution(id),
    attributionWindowDays,
    findConversion: (siteId, orderId) => conversions.find(siteId, orderId),
    insertConversion: (conversion) => conversions.insert(conversion),
    updateConversion: (id, change) => conversions.update(id, change),
    insertEvent: (event) => events.insert(event),
    findTerm: (id) => terms.find(id),
    termAt: (siteId, models, category, at) => terms.inForce(siteId, models, category, at),
    isPeriodClosed: (siteId, period) => periods.find(siteId, period) !== null,
    insertEntries: (list) => entries.insertAll(list, new Date()),
  };

  const finishClose = db.transaction((closing: Parameters<RevenueRepository['finishClosedPeriod']>[0]) => {
    // Only the close that stores the snapshot writes the CPC entries: a second one changes nothing.
    if (periods.setSnapshot(closing.siteId, closing.period, closing.snapshot)) entries.insertAll(closing.cpcEntries, new Date());
  });

  return {
    async rotatePostbackSecret(siteId, secret, now, previousValidUntil) {
      secrets.rotate(siteId, secret, now, previousValidUntil);
    },
    async postbackSecrets(siteId) {
      return secrets.find(siteId);
    },
    async addTerm(term) {
      return terms.insert(term);
    },
    async listTerms(siteId) {
      return terms.list(siteId);
    },
    async listCpcTerms() {
      return terms.listCpc();
    },
    // IMMEDIATE takes the write lock at BEGIN: a reader that later writes never meets SQLITE_BUSY
    // half way, and another process's postback or month close waits its turn (busy_timeout).
    transaction(work) {
      return db.transaction(() => work(tx)).immediate();
    },
    async listEvents(conversionId) {
      return events.list(conversionId);
    },
    async listEntries(siteId) {
      return entries.list(siteId);
    },
    async findConversion(siteId, orderId) {
      return conversions.find(siteId, orderId);
    },
    async countConversions(siteId) {
      return conversions.count(siteId);
    },
    async clickCounts(siteId, start, end) {
      return clicks.counts(siteId, start, end);
    },
    async conversionTotals(siteId, start, end) {
      return conversions.totals(siteId, start, end);
    },
    async listClicks(siteId, start, end, limit, offset) {
      return clicks.page(siteId, start, end, limit, offset);
    },
    async listConversions(siteId, start, end, limit, offset) {
      return conversions.page(siteId, start, end, limit, offset);
    },
    async listConversionsBefore(siteId, start, before, limit) {
      return conversions.pageBefore(siteId, start, before, limit);
    },
    async countConversionsIn(siteId, start, end) {
      return conversions.countIn(siteId, start, end);
    },
    async entryTotals(siteId, period) {
      return entries.totals(siteId, period);
    },
    async pendingThrough(siteId, period) {
      return entries.pendingThrough(siteId, period);
    },
    async latestClosedPeriod(siteId) {
      return periods.latest(siteId);
    },
    async findClosedPeriod(siteId, period) {
      return periods.find(siteId, period);
    },
    async markPeriodClosed(siteId, period, closedAt) {
      return db.transaction(() => periods.close(siteId, period, closedAt)).immediate();
    },
    async finishClosedPeriod(closing) {
      finishClose.immediate(closing);
    },
  };
}
