// A resolver for tests: invented names map to loopback addresses, nothing asks real DNS.
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from '../../crawlers/fetch';

export function loopbackResolver(table: Record<string, string>): LookupFunction {
  return (hostname, options, callback) => {
    const address = table[hostname];
    process.nextTick(() => {
      if (address === undefined) {
        const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
        return callback(error, '', 0);
      }
      const entry: LookupAddress = { address, family: address.includes(':') ? 6 : 4 };
      if (options.all) callback(null, [entry]);
      else callback(null, entry.address, entry.family);
    });
  };
}
