// Password hashing with scrypt (Node's own), in a PHC-style string that carries its parameters,
// so they can be raised later: a sign-in with an older hash rehashes it with the current ones.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { isCommonPassword } from './common-passwords';

export interface ScryptParameters {
  /** log2 of the CPU/memory cost N. */
  logN: number;
  r: number;
  p: number;
}

/** N = 2^15, r = 8, p = 3: one of OWASP's equivalent scrypt minimums, 32 MiB of memory per hash. */
export const CURRENT_PARAMETERS: ScryptParameters = { logN: 15, r: 8, p: 3 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

export const PASSWORD_MIN_LENGTH = 12;
/** scrypt takes any length; the cap only keeps request bodies small. */
export const PASSWORD_MAX_LENGTH = 256;

const derive = (password: string, salt: Buffer, params: ScryptParameters, keyLength: number): Promise<Buffer> => {
  const options: ScryptOptions = {
    N: 2 ** params.logN, r: params.r, p: params.p,
    // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is exactly that for 2^15, so leave room.
    maxmem: 256 * 2 ** params.logN * params.r + 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
};

export async function hashPassword(password: string, params: ScryptParameters = CURRENT_PARAMETERS): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, params, KEY_LENGTH);
  return `$scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface ParsedHash {
  params: ScryptParameters;
  salt: Buffer;
  key: Buffer;
}

const HASH_PATTERN = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([\w-]+)\$([\w-]+)$/;

function parseHash(stored: string): ParsedHash | null {
  const match = HASH_PATTERN.exec(stored);
  if (!match) return null;
  const [, logN, r, p, salt, key] = match;
  return { params: { logN: Number(logN), r: Number(r), p: Number(p) }, salt: Buffer.from(salt!, 'base64url'), key: Buffer.from(key!, 'base64url') };
}

/** Compares in constant time; false for a malformed stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed || parsed.key.length === 0) return false;
  const key = await derive(password, parsed.salt, parsed.params, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}

/** True when the hash was made with weaker parameters than today's. */
export function needsRehash(stored: string, current: ScryptParameters = CURRENT_PARAMETERS): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return true;
  const { logN, r, p } = parsed.params;
  return logN < current.logN || r < current.r || p < current.p || parsed.key.length < KEY_LENGTH;
}

// An unknown email still costs one scrypt, so the answer's timing does not tell which emails exist.
let dummyHash: Promise<string> | null = null;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('dealnav-no-such-user');
  await verifyPassword(password, await dummyHash);
}

export type PasswordProblem = 'tooShort' | 'tooLong' | 'common' | 'containsEmail';

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, email: string): PasswordProblem | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return 'tooShort';
  if (length > PASSWORD_MAX_LENGTH) return 'tooLong';
  if (isCommonPassword(password)) return 'common';
  const lowered = password.toLowerCase();
  const local = email.toLowerCase().split('@')[0] ?? '';
  if (lowered === email.toLowerCase() || (local.length >= 4 && lowered.includes(local))) return 'containsEmail';
  return null;
}
