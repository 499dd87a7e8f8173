// Read-only SQL over `conversions` and `clicks` for reconciliation: what the portal recorded for
// a site in a period, with the public click id each conversion names (the report speaks in those).
import type { RecordedConversion } from '../reconciliation-types';
import type { ConversionStatus } from '../revenue-types';
import type { SqliteDatabase } from './database';
import { toDate } from './time';

interface RecordedRow {
  order_id: string;
  token: string;
  amount_minor: number;
  currency: string;
  status: ConversionStatus;
  occurred_at: number;
}

export function createRecordedConversionsQuery(db: SqliteDatabase) {
  // conversions_site_time, then the clicks row by primary key.
  const inPeriod = db.prepare<[number, number, number], RecordedRow>(`
    SELECT c.order_id, k.token, c.amount_minor, c.currency, c.status, c.occurred_at
    FROM conversions c JOIN clicks k ON k.id = c.click_id
    WHERE c.site_id = ? AND c.occurred_at >= ? AND c.occurred_at < ?
    ORDER BY c.occurred_at, c.id`);
  return (siteId: number, start: Date, end: Date): RecordedConversion[] =>
    inPeriod.all(siteId, start.getTime(), end.getTime()).map((row) => ({
      orderId: row.order_id, clickToken: row.token, amountMinor: row.amount_minor, currency: row.currency,
      status: row.status, occurredAt: toDate(row.occurred_at),
    }));
}
