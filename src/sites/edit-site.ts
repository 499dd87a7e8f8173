// An owner editing a registered site: the same fields and rules as registering it
// (checkRegistration), written to the site and its feed together, audited with before and after.
//
//   - The slug stays: postbacks and links name the site by it.
//   - A new home page host is a new domain to prove: the verification is reset, and an active
//     site waits for an operator's approval again (approval was given for the old domain).
//   - A rejected site goes back to the approval queue (pending, the old reason cleared): editing
//     is how its owner answers the reason.
//   - A suspended site stays suspended: only an operator lifts that.
//   - Changed feed settings take effect at the next crawl, which is due at once.
import type { AuditService } from '../accounts/audit';
import type { Feed, Site, SiteSettingsChange, SiteStatus, Storage } from '../storage';
import { checkRegistration, type RegistrationProblem, type SiteRegistration } from './register-site';

export type SiteEditResult =
  | { ok: true; site: Site; changed: boolean; resubmitted: boolean; hostChanged: boolean; verificationReset: boolean }
  | { ok: false; problem: 'invalid'; problems: RegistrationProblem[] }
  /** Another feed of the site already reads that URL. */
  | { ok: false; problem: 'feedUrlTaken' }
  /** An operator changed the site's status while the owner was editing: nothing was written. */
  | { ok: false; problem: 'statusChanged' };

export async function editOwnedSite(
  storage: Storage, audit: AuditService,
  request: { site: Site; registration: SiteRegistration; actorUserId: number; now: Date },
): Promise<SiteEditResult> {
  const { site, registration, now } = request;
  const problems = checkRegistration(registration);
  if (problems.length > 0) return { ok: false, problem: 'invalid', problems };
  const feeds = await storage.feeds.listForSite(site.id);
  const feed = feeds[0] ?? null;
  const feedUrl = new URL(registration.feedUrl).toString();
  if (feeds.some((other) => other.id !== feed?.id && other.url === feedUrl)) return { ok: false, problem: 'feedUrlTaken' };

  const homeUrl = new URL(registration.homeUrl).toString();
  const hostChanged = new URL(site.homeUrl).host !== new URL(homeUrl).host;
  const verificationReset = hostChanged && site.verifiedAt !== null;
  const status = nextStatus(site.status, hostChanged);
  const change: SiteSettingsChange = {
    name: registration.name.trim(), homeUrl, clickParam: registration.clickParam || null, clickTemplate: registration.clickTemplate || null,
    status, statusReason: status === site.status ? site.statusReason : null,
    verifiedAt: hostChanged ? null : site.verifiedAt,
    feed: feed && {
      id: feed.id, url: feedUrl, format: registration.format ?? 'auto', timeZone: registration.timeZone || null, selectors: registration.selectors ?? null,
    },
    now,
  };
  const before = auditView(site, feed);
  const after = auditView({ ...site, ...change }, feed && { ...feed, ...change.feed });
  const resubmitted = site.status === 'rejected' && status === 'pending';
  if (JSON.stringify(before) === JSON.stringify(after) && !resubmitted) return { ok: true, site, changed: false, resubmitted, hostChanged, verificationReset };

  const updated = await storage.sites.updateSettings(site.id, site.status, change);
  if (!updated) return { ok: false, problem: 'statusChanged' };
  await audit.record({ actorUserId: request.actorUserId, action: 'site.edit', subject: `site:${site.id}`, before, after });
  return { ok: true, site: updated, changed: true, resubmitted, hostChanged, verificationReset };
}

/** Rejected sites are resubmitted; an active site on a new host waits for approval again. */
function nextStatus(status: SiteStatus, hostChanged: boolean): SiteStatus {
  if (status === 'rejected') return 'pending';
  if (status === 'active' && hostChanged) return 'pending';
  return status;
}

/** What the audit log keeps of an edit: every field the form changes, and the status it leads to. */
function auditView(site: Pick<Site, 'name' | 'homeUrl' | 'clickParam' | 'clickTemplate' | 'status' | 'statusReason' | 'verifiedAt'>, feed: Pick<Feed, 'url' | 'format' | 'timeZone' | 'selectors'> | null) {
  return {
    site: {
      name: site.name, homeUrl: site.homeUrl, clickParam: site.clickParam, clickTemplate: site.clickTemplate,
      status: site.status, statusReason: site.statusReason, verifiedAt: site.verifiedAt?.toISOString() ?? null,
    },
    feed: feed && { url: feed.url, format: feed.format, timeZone: feed.timeZone, selectors: feed.selectors },
  };
}
