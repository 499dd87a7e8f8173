// A site's conversions as CSV, for its owner: every order the portal recorded, newest first, with
// its click id, kind, current status, amount and times (UTC), read a page at a time and streamed.
import type { Readable } from 'node:stream';
import type { Storage } from '../storage';
import { csvStream, neutraliseCell } from './csv-export';
import { formatMinor } from './money';

const COLUMNS = ['order_id', 'click_id', 'kind', 'status', 'amount', 'currency', 'occurred_at_utc', 'updated_at_utc'];
const PAGE = 1_000;
const EVER = new Date(0);

async function* records(storage: Storage, siteId: number, until: Date): AsyncGenerator<string[]> {
  yield COLUMNS;
  for (let offset = 0; ; offset += PAGE) {
    const page = await storage.revenue.listConversions(siteId, EVER, until, PAGE, offset);
    for (const conversion of page) {
      yield [
        neutraliseCell(conversion.orderId), neutraliseCell(conversion.clickToken), conversion.kind, conversion.status,
        formatMinor(conversion.amountMinor, conversion.currency), conversion.currency,
        conversion.occurredAt.toISOString(), conversion.updatedAt.toISOString(),
      ];
    }
    if (page.length < PAGE) return;
  }
}

/** Every conversion that happened before `until` (the page's totals count the same ones). */
export const siteConversionsCsv = (storage: Storage, siteId: number, until: Date): Readable => csvStream(records(storage, siteId, until));
