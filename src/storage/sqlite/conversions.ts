// SQL for `conversions` (migration 6): one row per (site, order id), its current state.
import type { Conversion, ConversionKind, ConversionPosition, ConversionStatus, ConversionTotals, NewConversion, SiteConversion } from '../revenue-types';
import type { SqliteDatabase } from './database';
import { toDate } from './time';

interface ConversionRow {
  id: number;
  site_id: number;
  click_id: number;
  order_id: string;
  kind: ConversionKind;
  amount_minor: number;
  currency: string;
  status: ConversionStatus;
  occurred_at: number;
  term_id: number | null;
  created_at: number;
  updated_at: number;
}

const toConversion = (row: ConversionRow): Conversion => ({
  id: row.id,
  siteId: row.site_id,
  clickId: row.click_id,
  orderId: row.order_id,
  kind: row.kind,
  amountMinor: row.amount_minor,
  currency: row.currency,
  status: row.status,
  occurredAt: toDate(row.occurred_at),
  termId: row.term_id,
  createdAt: toDate(row.created_at),
  updatedAt: toDate(row.updated_at),
});

type SiteConversionRow = ConversionRow & { click_token: string };

const toSiteConversion = (row: SiteConversionRow): SiteConversion => ({ ...toConversion(row), clickToken: row.click_token });

const siteConversionColumns = 'SELECT c.*, k.token AS click_token FROM conversions c JOIN clicks k ON k.id = c.click_id';

/**
 * A site's conversions newest first, exported so that test/revenue/conversions-csv.db.test.ts can
 * EXPLAIN them. Both walk conversions_site_time backwards (its rows end in the rowid, c.id, so the
 * index already holds the ORDER BY), then each one's click by primary key.
 * page: numbered pages (the owner API), LIMIT/OFFSET in [start, end).
 * pageBefore: the rows that sort strictly after a position, (occurred_at, id) below it. A walk of
 * every row (the CSV) continues from the last row it read: a row written meanwhile never shifts the
 * rows still to come, and each page seeks instead of skipping over every row before it.
 */
export const conversionStatementsSql = {
  page: `${siteConversionColumns}
    WHERE c.site_id = ? AND c.occurred_at >= ? AND c.occurred_at < ?
    ORDER BY c.occurred_at DESC, c.id DESC LIMIT ? OFFSET ?`,
  pageBefore: `${siteConversionColumns}
    WHERE c.site_id = ? AND c.occurred_at >= ? AND (c.occurred_at, c.id) < (?, ?)
    ORDER BY c.occurred_at DESC, c.id DESC LIMIT ?`,
};

export function createConversionsTable(db: SqliteDatabase) {
  // ON CONFLICT DO NOTHING: of two inserts of one order, the second returns no row and the caller
  // reads the first one's instead (the UNIQUE (site_id, order_id) key decides, not a prior SELECT).
  const insert = db.prepare<Record<string, unknown>, ConversionRow>(`
    INSERT INTO conversions (site_id, click_id, order_id, kind, amount_minor, currency, status, occurred_at, term_id, created_at, updated_at)
    VALUES (@siteId, @clickId, @orderId, @kind, @amountMinor, @currency, @status, @occurredAt, @termId, @now, @now)
    ON CONFLICT (site_id, order_id) DO NOTHING RETURNING *`);
  const byOrder = db.prepare<[number, string], ConversionRow>('SELECT * FROM conversions WHERE site_id = ? AND order_id = ?');
  const update = db.prepare<{ id: number; status: string; amountMinor: number; now: number }, ConversionRow>(
    'UPDATE conversions SET status = @status, amount_minor = @amountMinor, updated_at = @now WHERE id = @id RETURNING *');
  const count = db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM conversions WHERE site_id = ?');
  // conversions_site_time: one site's conversions that happened in [start, end).
  const totals = db.prepare<[number, number, number], ConversionTotals>(`
    SELECT currency,
      count(*) FILTER (WHERE status <> 'rejected') AS conversions,
      count(*) FILTER (WHERE status <> 'rejected' AND kind = 'sale') AS sales,
      count(*) FILTER (WHERE status <> 'rejected' AND kind = 'lead') AS leads,
      coalesce(sum(amount_minor) FILTER (WHERE kind = 'sale' AND status IN ('pending', 'approved')), 0) AS salesMinor
    FROM conversions WHERE site_id = ? AND occurred_at >= ? AND occurred_at < ?
    GROUP BY currency ORDER BY currency`);
  const page = db.prepare<[number, number, number, number, number], SiteConversionRow>(conversionStatementsSql.page);
  const pageBefore = db.prepare<[number, number, number, number, number], SiteConversionRow>(conversionStatementsSql.pageBefore);
  const countIn = db.prepare<[number, number, number], { n: number }>(
    'SELECT count(*) AS n FROM conversions WHERE site_id = ? AND occurred_at >= ? AND occurred_at < ?');
  return {
    page(siteId: number, start: Date, end: Date, limit: number, offset: number): SiteConversion[] {
      return page.all(siteId, start.getTime(), end.getTime(), limit, offset).map(toSiteConversion);
    },
    pageBefore(siteId: number, start: Date, before: ConversionPosition, limit: number): SiteConversion[] {
      return pageBefore.all(siteId, start.getTime(), before.occurredAt.getTime(), before.id, limit).map(toSiteConversion);
    },
    countIn(siteId: number, start: Date, end: Date): number {
      return countIn.get(siteId, start.getTime(), end.getTime())!.n;
    },
    insert(conversion: NewConversion): Conversion | null {
      const row = insert.get({
        siteId: conversion.siteId, clickId: conversion.clickId, orderId: conversion.orderId, kind: conversion.kind,
        amountMinor: conversion.amountMinor, currency: conversion.currency, status: conversion.status,
        occurredAt: conversion.occurredAt.getTime(), termId: conversion.termId, now: conversion.now.getTime(),
      });
      return row ? toConversion(row) : null;
    },
    find(siteId: number, orderId: string): Conversion | null {
      const row = byOrder.get(siteId, orderId);
      return row ? toConversion(row) : null;
    },
    update(id: number, change: { status: ConversionStatus; amountMinor: number; now: Date }): Conversion {
      return toConversion(update.get({ id, status: change.status, amountMinor: change.amountMinor, now: change.now.getTime() })!);
    },
    count(siteId: number): number {
      return count.get(siteId)!.n;
    },
    totals(siteId: number, start: Date, end: Date): ConversionTotals[] {
      return totals.all(siteId, start.getTime(), end.getTime());
    },
  };
}
