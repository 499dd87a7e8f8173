// The preview of a report against what the portal recorded, in five categories:
//   matched        the portal has the order with the same status, amount and click;
//   mismatch       the portal has the order, but status, amount (or click, currency) differ;
//   unknown_click  a new order whose click id is not one of this site's clicks;
//   new            a new order naming a valid click of this site (never posted);
//   missing        a recorded conversion of the period that the report does not list.
// Whether a correction would be accepted is asked of the conversion rules themselves (a dry run of
// the shared apply path), so the preview never disagrees with what applying does.
import type { NewReconciliationRow, RecordedConversion, Storage } from '../../storage';
import type { RevenueError } from '../errors';
import type { PostbackResult, PostbackService } from '../postback';
import { conversionChange, type ReportedOrder } from './reported-order';

const UNKNOWN_CLICK_CODES = new Set(['DN_ERR_CLICK_UNKNOWN', 'DN_ERR_CLICK_OTHER_SITE']);

export async function previewRows(
  siteId: number,
  orders: ReportedOrder[],
  recorded: RecordedConversion[],
  services: { storage: Storage; postbacks: PostbackService; now: Date },
): Promise<NewReconciliationRow[]> {
  const rows: NewReconciliationRow[] = [];
  for (const order of [...orders].sort((a, b) => a.line - b.line)) {
    const existing = await services.storage.revenue.findConversion(siteId, order.orderId);
    const verdict = services.postbacks.tryChange(conversionChange(siteId, order, existing, services.now, 'import'));
    const problem = isError(verdict) ? verdict : null;
    const duplicate = !isError(verdict) && verdict.duplicate;
    const category = existing
      ? (duplicate ? 'matched' : 'mismatch')
      : (problem && UNKNOWN_CLICK_CODES.has(problem.code) ? 'unknown_click' : 'new');
    rows.push({
      position: rows.length, line: order.line, category, orderId: order.orderId, clickToken: order.clickToken,
      amountMinor: order.amountMinor, currency: order.currency, status: order.status, kind: order.kind, occurredAt: order.occurredAt,
      portalStatus: existing?.status ?? null, portalAmountMinor: existing?.amountMinor ?? null, portalCurrency: existing?.currency ?? null,
      applicable: category !== 'matched' && !problem,
      problemCode: problem?.code ?? null, problem: problem?.message ?? null,
    });
  }
  const reported = new Set(orders.map((order) => order.orderId));
  for (const conversion of recorded) {
    if (reported.has(conversion.orderId)) continue;
    rows.push({
      position: rows.length, line: null, category: 'missing', orderId: conversion.orderId, clickToken: conversion.clickToken,
      amountMinor: null, currency: null, status: null, kind: null, occurredAt: conversion.occurredAt,
      portalStatus: conversion.status, portalAmountMinor: conversion.amountMinor, portalCurrency: conversion.currency,
      applicable: false, problemCode: null, problem: null,
    });
  }
  return rows;
}

const isError = (verdict: PostbackResult | RevenueError): verdict is RevenueError => !('ok' in verdict);
