// Random values handed out once (session ids, API tokens) and the one-way hash they are stored as.
import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: 256 bits, nothing to guess. */
export const randomToken = (): string => randomBytes(32).toString('base64url');

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
