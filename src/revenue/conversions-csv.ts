// A site's conversions as CSV, for its owner: every order the portal recorded, newest first, with
// its click id, kind, current status, amount and times (UTC), read a page at a time and streamed.
// Each page continues after the last row read, by (occurred_at, id): an order recorded during the
// download cannot shift the pages still to come (with OFFSET a row was sent twice or never).
import type { Readable } from 'node:stream';
import type { ConversionPosition, Storage } from '../storage';
import { csvStream, neutraliseCell } from './csv-export';
import { formatMinor } from './money';

const COLUMNS = ['order_id', 'click_id', 'kind', 'status', 'amount', 'currency', 'occurred_at_utc', 'updated_at_utc'];
const PAGE = 1_000;
const EVER = new Date(0);

async function* records(storage: Storage, siteId: number, until: Date, pageSize: number): AsyncGenerator<string[]> {
  yield COLUMNS;
  // Ids start at 1, so the first page is every conversion before `until`.
  let before: ConversionPosition = { occurredAt: until, id: 0 };
  for (;;) {
    const page = await storage.revenue.listConversionsBefore(siteId, EVER, before, pageSize);
    for (const conversion of page) {
      yield [
        neutraliseCell(conversion.orderId), neutraliseCell(conversion.clickToken), conversion.kind, conversion.status,
        formatMinor(conversion.amountMinor, conversion.currency), conversion.currency,
        conversion.occurredAt.toISOString(), conversion.updatedAt.toISOString(),
      ];
    }
    const last = page.at(-1);
    if (!last || page.length < pageSize) return;
    before = { occurredAt: last.occurredAt, id: last.id };
  }
}

/** Every conversion that happened before `until` (the page's totals count the same ones). */
export const siteConversionsCsv = (storage: Storage, siteId: number, until: Date, pageSize = PAGE): Readable =>
  csvStream(records(storage, siteId, until, pageSize));
