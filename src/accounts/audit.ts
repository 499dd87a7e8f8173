// The audit log: every change an operator or a site owner makes, with the record before and after.
// Sign-ups, sign-ins (failed or not) and password changes are security events, not changes to
// the portal's data: they go to the server log (security-log.ts), never here.
import type { AuditLogRepository } from '../storage';

export interface AuditRecord {
  /** The signed-in user; null for a change made from the command line. */
  actorUserId: number | null;
  /** Dotted verb (`site_token.create`, `site.approve`). */
  action: string;
  /** What changed (`site:12`, `user:3`). */
  subject: string;
  before?: unknown;
  after?: unknown;
}

export class AuditService {
  constructor(private readonly repository: AuditLogRepository, private readonly clock: () => Date = () => new Date()) {}

  async record(entry: AuditRecord): Promise<number> {
    return this.repository.insert({
      at: this.clock(), actorUserId: entry.actorUserId, action: entry.action, subject: entry.subject,
      before: entry.before ?? null, after: entry.after ?? null,
    });
  }

  page(page: number, pageSize: number) {
    return this.repository.page(page, pageSize);
  }
}
