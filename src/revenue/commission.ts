// Commission per conversion event, as signed ledger entries in minor units.
//
// Rounding: CPS = amount_minor × rate_bp / 10000, rounded half-up to the currency's minor unit
// (578.5 fen → 579, 578.4999 → 578), computed in BigInt so no float ever touches money. Amounts
// are never negative here, so half-up and half-away-from-zero agree; a reversal negates the
// rounded figure, so a sale and its reversal cancel to the fen.
//
// Terms: the conversion is priced with the term in force at its `occurred_at` (kept on the row as
// term_id), so a later rate change never rewrites it, not even for its later status changes.
import type {
  CommissionBucket, CommissionModel, CommissionTerm, ConversionKind, ConversionStatus, NewCommissionEntry, RevenueTransaction,
} from '../storage';
import { periodOf, nextPeriod } from './periods';

export const ROUNDING_RULE = 'CPS: amount × rate_bp / 10000, rounded half-up to the minor unit';

export interface Commission {
  amountMinor: number;
  currency: string;
  explanation: string;
}

/** The models that price a conversion of this kind; of those in force, the latest wins. */
export const modelsFor = (kind: ConversionKind): CommissionModel[] => (kind === 'sale' ? ['cps', 'cpa_sale'] : ['cpa_lead']);

/** `rate_bp` of `amountMinor`, half-up, with how it was computed. */
export function cpsCommission(amountMinor: number, rateBp: number): { amountMinor: number; explanation: string } {
  const product = BigInt(amountMinor) * BigInt(rateBp);
  const rounded = (product * 2n + 10_000n) / 20_000n;
  const exact = `${product / 10_000n}.${(product % 10_000n).toString().padStart(4, '0')}`.replace(/\.?0+$/, '');
  return { amountMinor: Number(rounded), explanation: `cps ${rateBp}bp × ${amountMinor} = ${exact} → ${rounded} (half-up)` };
}

export function commissionFor(term: CommissionTerm | null, conversion: { kind: ConversionKind; amountMinor: number; currency: string }): Commission {
  if (!term) return { amountMinor: 0, currency: conversion.currency, explanation: 'no commission term in force' };
  if (term.model === 'cps') {
    const cps = cpsCommission(conversion.amountMinor, term.rateBp ?? 0);
    return { ...cps, currency: conversion.currency, explanation: `${cps.explanation} [term #${term.id}]` };
  }
  return {
    amountMinor: term.flatMinor ?? 0,
    currency: term.currency ?? conversion.currency,
    explanation: `${term.model} flat ${term.flatMinor} ${term.currency} [term #${term.id}]`,
  };
}

/** What a conversion in `status` has put in each bucket over its life (reversed: approved, then taken back). */
function contribution(status: ConversionStatus, amount: number): Partial<Record<CommissionBucket, number>> {
  switch (status) {
    case 'pending': return { pending: amount };
    case 'approved': return { approved: amount };
    case 'reversed': return { approved: amount, reversed: -amount };
    case 'rejected': return {};
  }
}

export interface LedgerChange {
  siteId: number;
  conversionId: number;
  eventId: number;
  /** When the event happened: its month is the entries' month unless that one is closed. */
  at: Date;
  before: { status: ConversionStatus; commission: Commission } | null;
  after: { status: ConversionStatus; commission: Commission };
}

/**
 * The entries one event adds: per bucket, what the new state contributes minus what the old one
 * did. pending → approved moves the amount from pending to approved; pending → rejected takes it
 * out of pending; approved → reversed adds a negative reversed entry. They land in the event's
 * month, or, when that month is closed, in the first open month after it (an adjustment).
 */
export function ledgerEntries(tx: RevenueTransaction, change: LedgerChange): NewCommissionEntry[] {
  const { after, before } = change;
  const old = before ? contribution(before.status, before.commission.amountMinor) : {};
  const now = contribution(after.status, after.commission.amountMinor);
  const originalPeriod = periodOf(change.at);
  let period = originalPeriod;
  for (let guard = 0; tx.isPeriodClosed(change.siteId, period) && guard < 1200; guard++) period = nextPeriod(period);
  const transition = `${before?.status ?? 'new'} → ${after.status}`;
  const why = before && before.commission.amountMinor !== after.commission.amountMinor
    ? `was ${before.commission.explanation}; now ${after.commission.explanation}`
    : after.commission.explanation;
  const buckets: CommissionBucket[] = ['pending', 'approved', 'reversed'];
  return buckets.flatMap((bucket) => {
    const delta = (now[bucket] ?? 0) - (old[bucket] ?? 0);
    if (delta === 0) return [];
    return [{
      siteId: change.siteId,
      conversionId: change.conversionId,
      eventId: change.eventId,
      source: 'conversion' as const,
      bucket,
      amountMinor: delta,
      currency: after.commission.currency,
      period,
      originalPeriod,
      effectiveAt: change.at,
      explanation: `${transition}: ${why}${period !== originalPeriod ? ` (${originalPeriod} closed; adjustment in ${period})` : ''}`,
    }];
  });
}

/** "8.5%" → 850, "850bp" → 850; null for anything else or above 100%. */
export function parseRate(text: string): number | null {
  const percent = /^(\d{1,3})(?:\.(\d{1,2}))?%$/.exec(text.trim());
  const bp = percent ? Number(percent[1]) * 100 + Number((percent[2] ?? '').padEnd(2, '0')) : /^(\d{1,5})bp$/.test(text.trim()) ? Number.parseInt(text, 10) : null;
  return bp !== null && bp <= 10_000 ? bp : null;
}
