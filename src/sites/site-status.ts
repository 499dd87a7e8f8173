// An operator's decisions on a partner site: approve, reject, suspend, reactivate. Each is one
// status change with the reason its owner sees, audited with the site's state before and after.
//
//   pending ──approve──▶ active ──suspend──▶ suspended ──reactivate──▶ active
//   pending ──reject───▶ rejected ──approve──▶ active
//
// An owner's edit (edit-site.ts) also leads back to pending: a rejected site resubmitted, or an
// active one whose home page moved to another host.
//
// Only an active site's feeds are crawled (feeds.listDue) and only its deals list and redirect
// (/go answers 404 for a suspended site's deal: no click, no trip to the partner). The storage's
// setStatus fires the deals change listeners, so the caches of both drop the site at once.
// Nothing is deleted: deals, clicks and conversions stay, and come back on reactivation.
import type { AuditService } from '../accounts/audit';
import type { Site, SiteStatus, Storage } from '../storage';

export type SiteDecision = 'approve' | 'reject' | 'suspend' | 'reactivate';

/** The statuses each decision may start from, and where it leads. */
export const TRANSITIONS: Record<SiteDecision, { from: readonly SiteStatus[]; to: SiteStatus }> = {
  approve: { from: ['pending', 'rejected'], to: 'active' },
  reject: { from: ['pending'], to: 'rejected' },
  suspend: { from: ['active'], to: 'suspended' },
  reactivate: { from: ['suspended'], to: 'active' },
};

/** Decisions the owner must be told the reason for. */
const NEEDS_REASON: ReadonlySet<SiteDecision> = new Set(['reject', 'suspend']);
export const REASON_MAX_LENGTH = 500;

export interface SiteDecisionRequest {
  siteId: number;
  decision: SiteDecision;
  /** Shown to the site's owner; required to reject or suspend. */
  reason?: string | null;
  /** Approve a site whose ownership is not proven (the operator ticked it, knowingly). */
  overrideUnverified?: boolean;
  actorUserId: number | null;
}

export type SiteDecisionResult =
  | { ok: true; site: Site; before: Site }
  | { ok: false; problem: 'notFound' }
  | { ok: false; problem: 'wrongStatus'; status: SiteStatus }
  | { ok: false; problem: 'unverified' }
  | { ok: false; problem: 'reasonRequired' | 'reasonTooLong' };

/** Which decisions an operator may take on a site in this status (for the page's buttons). */
export const decisionsFrom = (status: SiteStatus): SiteDecision[] =>
  (Object.keys(TRANSITIONS) as SiteDecision[]).filter((decision) => TRANSITIONS[decision].from.includes(status));

const auditView = (site: Site) => ({
  status: site.status, statusReason: site.statusReason, verifiedAt: site.verifiedAt?.toISOString() ?? null,
});

export class SiteStatusService {
  constructor(private readonly storage: Storage, private readonly audit: AuditService) {}

  async decide(request: SiteDecisionRequest): Promise<SiteDecisionResult> {
    const before = await this.storage.sites.findById(request.siteId);
    if (!before) return { ok: false, problem: 'notFound' };
    const transition = TRANSITIONS[request.decision];
    if (!transition.from.includes(before.status)) return { ok: false, problem: 'wrongStatus', status: before.status };
    const reason = request.reason?.trim() || null;
    if (NEEDS_REASON.has(request.decision)) {
      if (!reason) return { ok: false, problem: 'reasonRequired' };
      if ([...reason].length > REASON_MAX_LENGTH) return { ok: false, problem: 'reasonTooLong' };
    }
    const override = request.decision === 'approve' && !before.verifiedAt;
    if (override && !request.overrideUnverified) return { ok: false, problem: 'unverified' };

    // Approving or reactivating clears the earlier reason: the owner no longer needs to act on it.
    const site = await this.storage.sites.setStatus(before.id, transition.to, NEEDS_REASON.has(request.decision) ? reason : null);
    if (!site) return { ok: false, problem: 'notFound' };
    await this.audit.record({
      actorUserId: request.actorUserId,
      action: `site.${request.decision}`,
      subject: `site:${site.id}`,
      before: auditView(before),
      after: { ...auditView(site), ...(override ? { approvedUnverified: true } : {}) },
    });
    return { ok: true, site, before };
  }
}
