// An operator disabling or enabling a site owner's account. A disabled account cannot sign in
// and every session it had ends at once; its sites, API tokens and history stay untouched.
// Operators' accounts are not disabled from the pages (the command line manages operators).
import type { Storage } from '../storage';
import type { AuditService } from './audit';

export type UserAccessResult =
  | { ok: true; changed: boolean }
  | { ok: false; problem: 'notFound' | 'notOwner' };

export async function setOwnerDisabled(
  storage: Storage, audit: AuditService, request: { userId: number; disabled: boolean; actorUserId: number; now?: Date },
): Promise<UserAccessResult> {
  const user = await storage.users.findById(request.userId);
  if (!user) return { ok: false, problem: 'notFound' };
  if (user.role !== 'owner') return { ok: false, problem: 'notOwner' };
  if (Boolean(user.disabledAt) === request.disabled) return { ok: true, changed: false };
  const at = request.disabled ? request.now ?? new Date() : null;
  await storage.users.setDisabled(user.id, at);
  const sessionsEnded = request.disabled ? await storage.sessions.deleteForUser(user.id, null) : 0;
  await audit.record({
    actorUserId: request.actorUserId,
    action: request.disabled ? 'user.disable' : 'user.enable',
    subject: `user:${user.id}`,
    before: { email: user.email, disabledAt: user.disabledAt?.toISOString() ?? null },
    after: { email: user.email, disabledAt: at?.toISOString() ?? null, ...(request.disabled ? { sessionsEnded } : {}) },
  });
  return { ok: true, changed: true };
}
