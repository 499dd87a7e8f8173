// Public click ids: unguessable, yet carrying the click's integer key so that a postback finds
// its click by primary key. Shape: `<id in base36>-<HMAC of the id, 16 base64url chars>`.
import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE_LENGTH = 16;

const sign = (secret: string, id: number): string =>
  createHmac('sha256', secret).update(`click:${id}`).digest('base64url').slice(0, SIGNATURE_LENGTH);

export function encodeClickId(secret: string, id: number): string {
  return `${id.toString(36)}-${sign(secret, id)}`;
}

/** The integer key inside a click id, or null when the id is malformed or its signature is wrong. */
export function decodeClickId(secret: string, token: string): number | null {
  const match = /^([0-9a-z]{1,12})-([A-Za-z0-9_-]{16})$/.exec(token);
  if (!match) return null;
  const id = Number.parseInt(match[1]!, 36);
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const expected = Buffer.from(sign(secret, id));
  const given = Buffer.from(match[2]!);
  return timingSafeEqual(expected, given) ? id : null;
}
