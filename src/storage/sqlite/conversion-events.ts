// SQL for `conversion_events` (migration 6): every status or amount change of a conversion.
import type { ConversionEvent, ConversionSource, ConversionStatus, NewConversionEvent } from '../revenue-types';
import type { SqliteDatabase } from './database';
import { toDate } from './time';

interface EventRow {
  id: number;
  conversion_id: number;
  source: ConversionSource;
  occurred_at: number;
  recorded_at: number;
  status_before: ConversionStatus | null;
  status_after: ConversionStatus;
  amount_before: number | null;
  amount_after: number;
}

const toEvent = (row: EventRow): ConversionEvent => ({
  id: row.id,
  conversionId: row.conversion_id,
  source: row.source,
  occurredAt: toDate(row.occurred_at),
  recordedAt: toDate(row.recorded_at),
  statusBefore: row.status_before,
  statusAfter: row.status_after,
  amountBefore: row.amount_before,
  amountAfter: row.amount_after,
});

export function createConversionEventsTable(db: SqliteDatabase) {
  const insert = db.prepare<Record<string, unknown>, EventRow>(`
    INSERT INTO conversion_events (conversion_id, source, occurred_at, recorded_at, status_before, status_after, amount_before, amount_after)
    VALUES (@conversionId, @source, @occurredAt, @recordedAt, @statusBefore, @statusAfter, @amountBefore, @amountAfter) RETURNING *`);
  const byConversion = db.prepare<[number], EventRow>('SELECT * FROM conversion_events WHERE conversion_id = ? ORDER BY id');
  return {
    insert(event: NewConversionEvent): ConversionEvent {
      return toEvent(insert.get({
        ...event, occurredAt: event.occurredAt.getTime(), recordedAt: event.recordedAt.getTime(),
      })!);
    },
    list(conversionId: number): ConversionEvent[] {
      return byConversion.all(conversionId).map(toEvent);
    },
  };
}
