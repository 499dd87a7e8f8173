// Security events (sign-up, sign-in failures and throttling, password changes, sign-out) go to the
// server log as structured lines with `securityEvent` set, so they can be filtered and shipped;
// they never carry a password, a session id or a token.
import type { FastifyRequest } from 'fastify';

export type SecurityEvent = 'sign_up' | 'sign_in' | 'sign_in_failed' | 'sign_in_throttled' | 'sign_out' | 'password_changed' | 'api_token_refused';

export function logSecurityEvent(request: FastifyRequest, event: SecurityEvent, fields: Record<string, string | number | null> = {}): void {
  const level = event === 'sign_in_failed' || event === 'sign_in_throttled' || event === 'api_token_refused' ? 'warn' : 'info';
  request.log[level]({ securityEvent: event, ip: request.ip, ...fields }, `security: ${event}`);
}
