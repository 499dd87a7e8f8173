// Registering a site's order-query URL (from the CLI or the operators' page), validated and audited.
import type { AuditService } from '../../accounts/audit';
import type { OrderPullSource, Site, Storage } from '../../storage';

export const DEFAULT_PULL_INTERVAL_MINUTES = 60;
export const DEFAULT_PULL_WINDOW_HOURS = 48;
export const MAX_PULL_INTERVAL_MINUTES = 7 * 24 * 60;
export const MAX_PULL_WINDOW_HOURS = 31 * 24;

export type PullUrlProblem = 'not_a_url' | 'not_http' | 'credentials' | 'too_long';

/** Why a URL cannot be an order-query URL; null when it can. Where it points is checked at each pull (address guard). */
export function pullUrlProblem(text: string): PullUrlProblem | null {
  if (text.length > 2000) return 'too_long';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not_a_url';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'not_http';
  // The query is signed instead; a password in the URL would end up in logs and the audit.
  if (url.username || url.password) return 'credentials';
  return null;
}

const describe = (source: OrderPullSource | null) =>
  source ? { url: source.url, intervalMinutes: source.intervalMinutes, windowHours: source.windowHours } : null;

export async function setPullSource(
  storage: Storage, audit: AuditService, site: Site, actorUserId: number | null,
  settings: { url: string; intervalMinutes?: number; windowHours?: number },
): Promise<OrderPullSource> {
  const before = await storage.orderPulls.findSource(site.id);
  const source = await storage.orderPulls.setSource(site.id, {
    url: settings.url,
    intervalMinutes: settings.intervalMinutes ?? before?.intervalMinutes ?? DEFAULT_PULL_INTERVAL_MINUTES,
    windowHours: settings.windowHours ?? before?.windowHours ?? DEFAULT_PULL_WINDOW_HOURS,
  }, new Date());
  await audit.record({ actorUserId, action: 'order_pull.set_url', subject: `site:${site.id}`, before: describe(before), after: describe(source) });
  return source;
}

export async function removePullSource(storage: Storage, audit: AuditService, site: Site, actorUserId: number | null): Promise<boolean> {
  const before = await storage.orderPulls.findSource(site.id);
  const removed = await storage.orderPulls.removeSource(site.id);
  if (removed) await audit.record({ actorUserId, action: 'order_pull.remove', subject: `site:${site.id}`, before: describe(before) });
  return removed;
}
