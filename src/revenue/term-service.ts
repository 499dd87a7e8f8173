// Adding a commission term to a site: terms are never edited, a change is a new term from a date.
// A term may not start inside or before a closed statement month, whose figures are frozen.
import type { AuditService } from '../accounts/audit';
import type { CommissionTerm, Storage } from '../storage';
import { periodBounds } from './periods';
import type { ParsedTerm } from './term-input';

export type AddTermResult =
  | { ok: true; term: CommissionTerm }
  | { ok: false; problem: 'beforeClosedMonth'; closedPeriod: string; earliest: Date };

export class CommissionTermService {
  constructor(private readonly storage: Storage, private readonly audit: AuditService, private readonly clock: () => Date = () => new Date()) {}

  /** The first instant a new term may start from: after the site's latest closed month, or any time. */
  async earliestStart(siteId: number): Promise<{ closedPeriod: string; earliest: Date } | null> {
    const closedPeriod = await this.storage.revenue.latestClosedPeriod(siteId);
    return closedPeriod ? { closedPeriod, earliest: periodBounds(closedPeriod).end } : null;
  }

  async add(siteId: number, term: ParsedTerm, actorUserId: number | null): Promise<AddTermResult> {
    const limit = await this.earliestStart(siteId);
    if (limit && term.effectiveFrom < limit.earliest) return { ok: false, problem: 'beforeClosedMonth', ...limit };
    const added = await this.storage.revenue.addTerm({ siteId, ...term, now: this.clock() });
    await this.audit.record({ actorUserId, action: 'commission_term.add', subject: `site:${siteId}`, after: describeTerm(added) });
    return { ok: true, term: added };
  }
}

const describeTerm = (term: CommissionTerm) => ({
  id: term.id, model: term.model, effectiveFrom: term.effectiveFrom.toISOString(), rateBp: term.rateBp,
  flatMinor: term.flatMinor, currency: term.currency, category: term.category,
});
