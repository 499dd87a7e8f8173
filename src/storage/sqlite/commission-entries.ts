// SQL for `commission_entries` (migration 6): the commission ledger. Entries are only ever added:
// a change is a new signed entry, never an edit of an old one.
import type { BucketTotals, CommissionBucket, CommissionEntry, NewCommissionEntry } from '../revenue-types';
import type { SqliteDatabase } from './database';
import { toDate } from './time';

interface EntryRow {
  id: number;
  site_id: number;
  conversion_id: number | null;
  event_id: number | null;
  source: 'conversion' | 'cpc';
  bucket: CommissionBucket;
  amount_minor: number;
  currency: string;
  period: string;
  original_period: string;
  effective_at: number;
  explanation: string;
  created_at: number;
}

const toEntry = (row: EntryRow): CommissionEntry => ({
  id: row.id,
  siteId: row.site_id,
  conversionId: row.conversion_id,
  eventId: row.event_id,
  source: row.source,
  bucket: row.bucket,
  amountMinor: row.amount_minor,
  currency: row.currency,
  period: row.period,
  originalPeriod: row.original_period,
  effectiveAt: toDate(row.effective_at),
  explanation: row.explanation,
  createdAt: toDate(row.created_at),
});

export function createCommissionEntriesTable(db: SqliteDatabase) {
  const insert = db.prepare<Record<string, unknown>>(`
    INSERT INTO commission_entries (site_id, conversion_id, event_id, source, bucket, amount_minor, currency, period,
      original_period, effective_at, explanation, created_at)
    VALUES (@siteId, @conversionId, @eventId, @source, @bucket, @amountMinor, @currency, @period,
      @originalPeriod, @effectiveAt, @explanation, @now)`);
  const bySite = db.prepare<[number], EntryRow>('SELECT * FROM commission_entries WHERE site_id = ? ORDER BY id');
  // commission_entries_period: (site_id, period, currency, bucket).
  const totals = db.prepare<[number, string], BucketTotals>(`
    SELECT currency, bucket, source, sum(amount_minor) AS amountMinor,
      coalesce(sum(amount_minor) FILTER (WHERE original_period <> period), 0) AS adjustmentMinor
    FROM commission_entries WHERE site_id = ? AND period = ?
    GROUP BY currency, bucket, source ORDER BY currency, bucket, source`);
  const pendingThrough = db.prepare<[number, string], { currency: string; amountMinor: number }>(`
    SELECT currency, sum(amount_minor) AS amountMinor FROM commission_entries
    WHERE site_id = ? AND period <= ? AND bucket = 'pending' GROUP BY currency ORDER BY currency`);
  return {
    insertAll(entries: NewCommissionEntry[], now: Date): void {
      for (const entry of entries) {
        insert.run({ ...entry, effectiveAt: entry.effectiveAt.getTime(), now: now.getTime() });
      }
    },
    list(siteId: number): CommissionEntry[] {
      return bySite.all(siteId).map(toEntry);
    },
    totals(siteId: number, period: string): BucketTotals[] {
      return totals.all(siteId, period);
    },
    pendingThrough(siteId: number, period: string): { currency: string; amountMinor: number }[] {
      return pendingThrough.all(siteId, period);
    },
  };
}
