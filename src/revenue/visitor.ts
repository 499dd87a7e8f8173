// Who clicked, without keeping who it was: a salted hash of the IP, and whether it was a bot.
import { createHmac } from 'node:crypto';
import { isbot } from 'isbot';

export function hashIp(salt: string, ip: string): string {
  return createHmac('sha256', salt).update(ip).digest('base64url').slice(0, 22);
}

/** Bots never bill: a known crawler user agent, no user agent at all, or a HEAD request. */
export function isBotRequest(method: string, userAgent: string | undefined): boolean {
  return method === 'HEAD' || !userAgent || isbotCached(userAgent);
}

/**
 * A small memo for a pure function of a string: user agents and client IPs repeat from click to
 * click. Bounded in entries and in key length (keys come from request headers); when full, the
 * oldest half is dropped. Holds its keys in memory only, never on disk.
 */
export class StringMemo<V> {
  private readonly values = new Map<string, V>();

  constructor(private readonly compute: (key: string) => V, private readonly maxEntries: number, private readonly maxKeyLength: number) {}

  get(key: string): V {
    const cached = this.values.get(key);
    if (cached !== undefined) return cached;
    const value = this.compute(key);
    if (key.length <= this.maxKeyLength) {
      if (this.values.size >= this.maxEntries) this.dropOldestHalf();
      this.values.set(key, value);
    }
    return value;
  }

  get size(): number {
    return this.values.size;
  }

  private dropOldestHalf(): void {
    let toDrop = Math.ceil(this.values.size / 2);
    for (const key of this.values.keys()) {
      this.values.delete(key);
      if (--toDrop === 0) break;
    }
  }
}

const botVerdicts = new StringMemo<boolean>(isbot, 2_000, 1_024);
const isbotCached = (userAgent: string): boolean => botVerdicts.get(userAgent);

/** hashIp with a memo per salt; a click service keeps one. */
export function ipHasher(salt: string, maxEntries = 4_096): (ip: string) => string {
  const memo = new StringMemo((ip) => hashIp(salt, ip), maxEntries, 64);
  return (ip) => memo.get(ip);
}
