import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { CrawlError } from '../../../crawlers/errors';
import {
  checkUrlAllowed,
  createGuardedLookup,
  isPublicAddress,
  type LookupFunction,
} from '../../../crawlers/fetch/address-guard';

// Pure checks on strings: nothing here opens a socket or asks DNS.

describe('isPublicAddress', () => {
  it.each([
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['::', false],
    ['fe80::1', false],
    ['fc00::1', false],
    ['::ffff:10.0.0.1', false],
    ['::ffff:127.0.0.1', false],
    ['198.18.0.1', false], // benchmarking, "reserved"
    ['240.0.0.1', false],
    ['224.0.0.1', false],
    ['2001:db8::1', false],
    ['64:ff9b::7f00:1', false], // NAT64 of 127.0.0.1
    ['2002:7f00:1::1', false], // 6to4 of 127.0.0.1
    ['not-an-ip', false],
    ['', false],
    ['8.8.8.8', true],
    ['2606:4700::1111', true],
  ])('%s → %s', (ip, expected) => {
    expect(isPublicAddress(ip)).toBe(expected);
  });
});

function codeOf(action: () => void): string | null {
  try {
    action();
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(CrawlError);
    return (error as CrawlError).code;
  }
}

describe('checkUrlAllowed', () => {
  it.each([
    'http://127.0.0.1/',
    'http://127.1/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0177.0.0.1/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://10.0.0.1:8080/feed.xml',
    'https://169.254.169.254/latest/meta-data/',
    'http://[fe80::1]/',
    'http://0.0.0.0/',
  ])('refuses the literal non-public address in %s', (url) => {
    expect(codeOf(() => checkUrlAllowed(new URL(url), false))).toBe('blocked_address');
  });

  it('allows literal private addresses when private networks are allowed', () => {
    expect(codeOf(() => checkUrlAllowed(new URL('http://127.0.0.1:8080/feed'), true))).toBeNull();
  });

  it('leaves host names to the guarded lookup, and lets public literals through', () => {
    expect(codeOf(() => checkUrlAllowed(new URL('https://feed.partner.test/deals.xml'), false))).toBeNull();
    expect(codeOf(() => checkUrlAllowed(new URL('http://8.8.8.8/'), false))).toBeNull();
    expect(codeOf(() => checkUrlAllowed(new URL('http://[2606:4700::1111]/'), false))).toBeNull();
  });

  it.each(['file:///etc/passwd', 'ftp://example.test/feed', 'gopher://127.0.0.1:6379/', 'data:text/xml,<rss/>'])(
    'refuses the scheme of %s',
    (url) => {
      expect(codeOf(() => checkUrlAllowed(new URL(url), true))).toBe('invalid_url');
    },
  );

  it('refuses credentials in the URL', () => {
    expect(codeOf(() => checkUrlAllowed(new URL('http://user:pw@127.0.0.1/'), true))).toBe('invalid_url');
    expect(codeOf(() => checkUrlAllowed(new URL('https://user@feed.partner.test/'), false))).toBe('invalid_url');
  });

  // Redirect targets are resolved against the current URL and re-checked the same way on every hop.
  it.each(['http://127.1:8080/', '//[::1]/feed', 'http://2130706433/x', '//0x7f000001/'])(
    'refuses a redirect Location of %s',
    (location) => {
      const hop = new URL(location, 'https://feed.partner.test/deals.xml');
      expect(codeOf(() => checkUrlAllowed(hop, false))).toBe('blocked_address');
    },
  );
});

/** A resolver that answers from a table, synchronously enough for a unit test and without DNS. */
function tableResolver(table: Record<string, LookupAddress[]>): LookupFunction {
  return (hostname, options, callback) => {
    const addresses = table[hostname];
    if (addresses === undefined) {
      return callback(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
    }
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  };
}

function lookup(resolver: LookupFunction, hostname: string, all: boolean) {
  return new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((resolve) => {
    createGuardedLookup(resolver)(hostname, { all }, (error, address) => resolve({ error, address }));
  });
}

describe('createGuardedLookup', () => {
  const resolver = tableResolver({
    'public.partner.test': [{ address: '8.8.8.8', family: 4 }],
    'mixed.evil.test': [
      { address: '8.8.8.8', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ],
    'v6.evil.test': [{ address: '::1', family: 6 }],
    'mapped.evil.test': [{ address: '::ffff:169.254.169.254', family: 6 }],
  });

  it('passes public answers through, in both answer shapes', async () => {
    expect(await lookup(resolver, 'public.partner.test', true)).toEqual({
      error: null,
      address: [{ address: '8.8.8.8', family: 4 }],
    });
    expect(await lookup(resolver, 'public.partner.test', false)).toEqual({ error: null, address: '8.8.8.8' });
  });

  it.each(['mixed.evil.test', 'v6.evil.test', 'mapped.evil.test'])(
    'fails when any address of %s is not public',
    async (hostname) => {
      for (const all of [true, false]) {
        const { error } = await lookup(resolver, hostname, all);
        if (!all && hostname === 'mixed.evil.test') continue; // the single answer is the public one
        expect(error).toBeInstanceOf(CrawlError);
        expect((error as unknown as CrawlError).code).toBe('blocked_address');
      }
    },
  );

  it('passes resolver failures through unchanged', async () => {
    const { error } = await lookup(resolver, 'missing.test', true);
    expect(error?.code).toBe('ENOTFOUND');
  });
});
