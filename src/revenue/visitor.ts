// Who clicked, without keeping who it was: a salted hash of the IP, and whether it was a bot.
import { createHmac } from 'node:crypto';
import { isbot } from 'isbot';

export function hashIp(salt: string, ip: string): string {
  return createHmac('sha256', salt).update(ip).digest('base64url').slice(0, 22);
}

/** Bots never bill: a known crawler user agent, no user agent at all, or a HEAD request. */
export function isBotRequest(method: string, userAgent: string | undefined): boolean {
  return method === 'HEAD' || !userAgent || isbot(userAgent);
}
