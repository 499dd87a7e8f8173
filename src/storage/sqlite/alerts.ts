// SQL for the `alert_subscriptions` table (migration 5): email alerts for a listing filter.
import type { AlertStatus, AlertSubscription, AlertsRepository } from '../types';
import type { SqliteDatabase } from './database';
import { toDate, toOptionalDate } from './time';

interface AlertRow {
  id: number;
  email: string;
  filter: string;
  price_ceiling_minor: number | null;
  locale: string;
  status: AlertStatus;
  unsubscribe_nonce: string;
  created_at: number;
  confirmation_sent_at: number | null;
  confirmed_at: number | null;
  last_digest_at: number | null;
  unsubscribed_at: number | null;
}

const columns = `id, email, filter, price_ceiling_minor, locale, status, unsubscribe_nonce, created_at,
  confirmation_sent_at, confirmed_at, last_digest_at, unsubscribed_at`;

const toSubscription = (row: AlertRow): AlertSubscription => ({
  id: row.id,
  email: row.email,
  filter: row.filter,
  priceCeilingMinor: row.price_ceiling_minor,
  locale: row.locale,
  status: row.status,
  unsubscribeNonce: row.unsubscribe_nonce,
  createdAt: toDate(row.created_at),
  confirmationSentAt: toOptionalDate(row.confirmation_sent_at),
  confirmedAt: toOptionalDate(row.confirmed_at),
  lastDigestAt: toOptionalDate(row.last_digest_at),
  unsubscribedAt: toOptionalDate(row.unsubscribed_at),
});

const millisOrNull = (date: Date | null): number | null => (date === null ? null : date.getTime());

export function createAlertsRepository(db: SqliteDatabase): AlertsRepository {
  const insert = db.prepare<Record<string, unknown>, AlertRow>(`
    INSERT INTO alert_subscriptions (email, filter, price_ceiling_minor, locale, status, confirm_token_hash,
      unsubscribe_nonce, unsubscribe_token_hash, created_at, confirmation_sent_at, updated_at)
    VALUES (@email, @filter, @priceCeilingMinor, @locale, 'pending', @confirmTokenHash,
      @unsubscribeNonce, @unsubscribeTokenHash, @now, @now, @now)
    ON CONFLICT (email, filter) DO NOTHING
    RETURNING ${columns}`);
  const byEmailAndFilter = db.prepare<[string, string], AlertRow>(
    `SELECT ${columns} FROM alert_subscriptions WHERE email = ? AND filter = ?`);
  const byConfirmHash = db.prepare<[string], AlertRow>(
    `SELECT ${columns} FROM alert_subscriptions WHERE confirm_token_hash = ?`);
  const byUnsubscribeHash = db.prepare<[string], AlertRow>(
    `SELECT ${columns} FROM alert_subscriptions WHERE unsubscribe_token_hash = ?`);
  const renew = db.prepare<Record<string, unknown>>(`
    UPDATE alert_subscriptions SET status = 'pending', price_ceiling_minor = @priceCeilingMinor, locale = @locale,
      confirm_token_hash = coalesce(@confirmTokenHash, confirm_token_hash),
      confirmation_sent_at = CASE WHEN @confirmTokenHash IS NULL THEN confirmation_sent_at ELSE @now END,
      confirmed_at = NULL, last_digest_at = NULL, unsubscribed_at = NULL, updated_at = @now
    WHERE id = @id`);
  const confirm = db.prepare<[number, number, number]>(`
    UPDATE alert_subscriptions SET status = 'active', confirmed_at = ?, updated_at = ?
    WHERE id = ? AND status = 'pending'`);
  const unsubscribe = db.prepare<[number, number, number]>(`
    UPDATE alert_subscriptions SET status = 'unsubscribed', confirm_token_hash = NULL, unsubscribed_at = ?, updated_at = ?
    WHERE id = ? AND status <> 'unsubscribed'`);
  // Reads alert_subscriptions_due for the active rows, then walks them by id (keyset paging).
  const due = db.prepare<[number, number, number], AlertRow>(`
    SELECT ${columns} FROM alert_subscriptions
    WHERE status = 'active' AND (last_digest_at IS NULL OR last_digest_at <= ?) AND id > ?
    ORDER BY id LIMIT ?`);
  const claim = db.prepare<{ at: number; id: number; previous: number | null }>(`
    UPDATE alert_subscriptions SET last_digest_at = @at, updated_at = @at
    WHERE id = @id AND status = 'active' AND last_digest_at IS @previous`);
  const release = db.prepare<[number | null, number, number]>(
    'UPDATE alert_subscriptions SET last_digest_at = ? WHERE id = ? AND last_digest_at = ?');

  const one = (row: AlertRow | undefined) => (row ? toSubscription(row) : null);
  return {
    async insertPending(subscription) {
      const { now, ...values } = subscription;
      return one(insert.get({ ...values, now: now.getTime() }));
    },
    async findByEmailAndFilter(email, filter) {
      return one(byEmailAndFilter.get(email, filter));
    },
    async findByConfirmTokenHash(hash) {
      return one(byConfirmHash.get(hash));
    },
    async findByUnsubscribeTokenHash(hash) {
      return one(byUnsubscribeHash.get(hash));
    },
    async renewPending(id, change) {
      renew.run({ id, priceCeilingMinor: change.priceCeilingMinor, locale: change.locale, confirmTokenHash: change.confirmTokenHash, now: change.now.getTime() });
    },
    async confirm(id, now) {
      confirm.run(now.getTime(), now.getTime(), id);
    },
    async unsubscribe(id, now) {
      unsubscribe.run(now.getTime(), now.getTime(), id);
    },
    async listDueForDigest(sentBefore, afterId, limit) {
      return due.all(sentBefore.getTime(), afterId, limit).map(toSubscription);
    },
    async claimDigest(id, previous, at) {
      return claim.run({ at: at.getTime(), id, previous: millisOrNull(previous) }).changes === 1;
    },
    async releaseDigest(id, at, previous) {
      release.run(millisOrNull(previous), id, at.getTime());
    },
  };
}
