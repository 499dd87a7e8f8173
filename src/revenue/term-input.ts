// A new commission term as typed by a person (the `dealnav terms set` options, the operator's
// form): one reading of the text and one set of rules, so both refuse the same things the same way.
import type { CommissionModel, NewCommissionTerm } from '../storage';
import { parseRate } from './commission';
import { parseExactAmount } from './money';

export const COMMISSION_MODELS: readonly CommissionModel[] = ['cps', 'cpa_sale', 'cpa_lead', 'cpc'];

export interface TermText {
  model?: string;
  /** CPS: `8.5%` or `850bp`. */
  rate?: string;
  /** Flat models: major units (`5.00`). */
  amount?: string;
  currency?: string;
  /** `YYYY-MM-DD` (midnight UTC) or an ISO instant; absent: now. */
  from?: string;
  /** Portal category slug; absent or empty: every category. */
  category?: string;
}

export type TermField = 'model' | 'rate' | 'amount' | 'currency' | 'from' | 'category';
export type TermProblem =
  | 'modelUnknown' | 'rateInvalid' | 'amountInvalid' | 'currencyInvalid' | 'fromInvalid' | 'categoryInvalid';

export type ParsedTerm = Omit<NewCommissionTerm, 'siteId' | 'now'>;

export type TermParseResult = { ok: true; term: ParsedTerm } | { ok: false; field: TermField; problem: TermProblem };

const CATEGORY = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** `YYYY-MM-DD` is midnight UTC; an ISO instant is taken as written; null for anything else. */
export function parseEffectiveFrom(text: string): Date | null {
  const at = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? null : new Date(at);
}

export function parseTermText(text: TermText, now: Date): TermParseResult {
  const model = text.model as CommissionModel | undefined;
  if (!model || !COMMISSION_MODELS.includes(model)) return { ok: false, field: 'model', problem: 'modelUnknown' };
  const effectiveFrom = text.from === undefined || text.from === '' ? now : parseEffectiveFrom(text.from);
  if (!effectiveFrom) return { ok: false, field: 'from', problem: 'fromInvalid' };
  const category = text.category?.trim() || null;
  if (category !== null && !CATEGORY.test(category)) return { ok: false, field: 'category', problem: 'categoryInvalid' };
  if (model === 'cps') {
    const rateBp = text.rate === undefined ? null : parseRate(text.rate);
    if (rateBp === null) return { ok: false, field: 'rate', problem: 'rateInvalid' };
    return { ok: true, term: { model, effectiveFrom, category, rateBp, flatMinor: null, currency: null } };
  }
  const currency = text.currency?.trim().toUpperCase();
  if (!currency || !/^[A-Z]{3}$/.test(currency)) return { ok: false, field: 'currency', problem: 'currencyInvalid' };
  const flatMinor = text.amount === undefined ? null : parseExactAmount(text.amount.trim(), currency);
  if (flatMinor === null) return { ok: false, field: 'amount', problem: 'amountInvalid' };
  return { ok: true, term: { model, effectiveFrom, category, rateBp: null, flatMinor, currency } };
}
