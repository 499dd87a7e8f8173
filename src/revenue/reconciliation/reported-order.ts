// One order as a partner reports it (a row of an uploaded report or of a pulled answer), and the
// conversion change it asks for, through the same path as a postback.
import type { Conversion, ConversionKind, ConversionSource, ConversionStatus } from '../../storage';
import type { ConversionChange } from '../postback';

export interface ReportedOrder {
  /** The report's line (1 = header); for a pulled JSON answer, the order's index + 1. */
  line: number;
  orderId: string;
  /** As reported; '' when the report has none. */
  clickToken: string;
  amountMinor: number;
  currency: string;
  status: ConversionStatus;
  /** Sale unless the report's kind column (or a pulled order's `kind`) says lead. */
  kind: ConversionKind;
  occurredAt: Date;
}

/**
 * A new order is attributed at its order time; a change to a known order happens now, when the
 * portal learns of it (a reversal found in June's report lands in June, like a late postback).
 */
export function conversionChange(siteId: number, order: ReportedOrder, existing: Conversion | null, now: Date, source: ConversionSource): ConversionChange {
  return {
    siteId, orderId: order.orderId, clickToken: order.clickToken, kind: order.kind, amountMinor: order.amountMinor,
    currency: order.currency, status: order.status, at: existing ? now : order.occurredAt, now, source,
  };
}
