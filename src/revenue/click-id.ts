// Public click ids: unguessable, yet carrying the click's integer key so that a postback finds its
// click by primary key. Shape: `<key in base36>-<16 base64url characters: 96 random bits>`. The
// whole id is stored on the click (clicks.token), and a postback's click id must equal it: a guessed
// key with made-up characters finds the click but not its id.
//
// Why random bits and not an HMAC of the key: the stored id is checked anyway, so a signature adds
// nothing, and an HMAC per click (a new key schedule each time) was ~2-3 µs of every /go, more than
// a tenth of the click path. Random bytes are drawn from the CSPRNG a pool at a time, as Node's own
// randomUUID does.
import { randomFillSync, timingSafeEqual } from 'node:crypto';

const RANDOM_BYTES = 12;
const pool = Buffer.alloc(RANDOM_BYTES * 512);
let used = pool.length;

function randomPart(): string {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const part = pool.toString('base64url', used, used + RANDOM_BYTES);
  used += RANDOM_BYTES;
  return part;
}

/** A new public id for the click with this key. */
export function newClickId(key: number): string {
  return `${key.toString(36)}-${randomPart()}`;
}

const CLICK_ID = /^([0-9a-z]{1,12})-[A-Za-z0-9_-]{16}$/;

/** The integer key inside a click id, or null when the id is malformed (whether it is real, only the stored id can say). */
export function clickKeyOf(clickId: string): number | null {
  const match = CLICK_ID.exec(clickId);
  if (!match) return null;
  const key = Number.parseInt(match[1]!, 36);
  return Number.isSafeInteger(key) && key > 0 ? key : null;
}

/** Whether a given click id is the stored one, in time that does not depend on where they differ. */
export function isSameClickId(stored: string, given: string): boolean {
  const a = Buffer.from(stored);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
