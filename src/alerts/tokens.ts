// Alert links carry unguessable tokens. The database keeps only their SHA-256 hashes: the
// confirmation token is random and mailed once; the unsubscribe token is derived from a per-row
// nonce and the app's secret (kept in settings), so every digest can carry it again.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { SettingsRepository } from '../storage';

/** 32 random bytes in base64url: what every token looks like, for the routes' schemas. */
export const TOKEN_PATTERN = '^[A-Za-z0-9_-]{43}$';

const SECRET_SETTING = 'alerts.unsubscribe-secret';

export const newToken = (): string => randomBytes(32).toString('base64url');

export const newNonce = (): string => randomBytes(16).toString('base64url');

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export const unsubscribeToken = (secret: string, nonce: string): string =>
  createHmac('sha256', secret).update(`alert-unsubscribe:${nonce}`).digest('base64url');

export function loadUnsubscribeSecret(settings: SettingsRepository): Promise<string> {
  return settings.getOrCreate(SECRET_SETTING, () => randomBytes(32).toString('base64url'));
}
