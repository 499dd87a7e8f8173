// SQL for `commission_terms` (migration 6): effective-dated commission terms per site. Rows are
// never updated or deleted: a conversion keeps the id of the term it was priced with.
import type { CommissionModel, CommissionTerm, NewCommissionTerm } from '../revenue-types';
import type { SqliteDatabase } from './database';
import { toDate } from './time';

interface TermRow {
  id: number;
  site_id: number;
  effective_from: number;
  model: CommissionModel;
  rate_bp: number | null;
  flat_minor: number | null;
  currency: string | null;
  category: string | null;
  created_at: number;
}

const toTerm = (row: TermRow): CommissionTerm => ({
  id: row.id,
  siteId: row.site_id,
  effectiveFrom: toDate(row.effective_from),
  model: row.model,
  rateBp: row.rate_bp,
  flatMinor: row.flat_minor,
  currency: row.currency,
  category: row.category,
  createdAt: toDate(row.created_at),
});

export function createCommissionTermsTable(db: SqliteDatabase) {
  const insert = db.prepare<Record<string, unknown>, TermRow>(`
    INSERT INTO commission_terms (site_id, effective_from, model, rate_bp, flat_minor, currency, category, created_at)
    VALUES (@siteId, @effectiveFrom, @model, @rateBp, @flatMinor, @currency, @category, @now) RETURNING *`);
  const bySite = db.prepare<[number], TermRow>(
    'SELECT * FROM commission_terms WHERE site_id = ? ORDER BY effective_from, id');
  const byId = db.prepare<[number], TermRow>('SELECT * FROM commission_terms WHERE id = ?');
  // A scan, but a short one: a few terms per site. The reports ask it once per report.
  const cpcTerms = db.prepare<[], TermRow>(
    "SELECT * FROM commission_terms WHERE model = 'cpc' ORDER BY site_id, effective_from, id");
  // commission_terms_lookup: (site_id, model, effective_from). A term for the deal's category wins
  // over an all-category one; among equals the latest effective_from, then the latest row.
  const inForce = db.prepare<{ siteId: number; first: string; second: string; category: string | null; at: number }, TermRow>(`
    SELECT * FROM commission_terms
    WHERE site_id = @siteId AND model IN (@first, @second) AND effective_from <= @at
      AND (category IS NULL OR category = @category)
    ORDER BY category IS NULL, effective_from DESC, id DESC LIMIT 1`);
  return {
    insert(term: NewCommissionTerm): CommissionTerm {
      return toTerm(insert.get({
        siteId: term.siteId, effectiveFrom: term.effectiveFrom.getTime(), model: term.model, rateBp: term.rateBp,
        flatMinor: term.flatMinor, currency: term.currency, category: term.category, now: term.now.getTime(),
      })!);
    },
    list(siteId: number): CommissionTerm[] {
      return bySite.all(siteId).map(toTerm);
    },
    listCpc(): CommissionTerm[] {
      return cpcTerms.all().map(toTerm);
    },
    find(id: number): CommissionTerm | null {
      const row = byId.get(id);
      return row ? toTerm(row) : null;
    },
    inForce(siteId: number, models: CommissionModel[], category: string | null, at: Date): CommissionTerm | null {
      const row = inForce.get({ siteId, first: models[0]!, second: models[1] ?? models[0]!, category, at: at.getTime() });
      return row ? toTerm(row) : null;
    },
  };
}
