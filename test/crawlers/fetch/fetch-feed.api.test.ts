import { loopbackResolver } from '../../helpers/loopback-resolver';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { request } from 'undici';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CrawlError } from '../../../crawlers/errors';
import {
  createFeedAgent,
  createGuardedLookup,
  fetchFeed,
  HttpStatusError,
  type FetchOptions,
  type LookupFunction,
} from '../../../crawlers/fetch';

// Every server here listens on 127.0.0.1, port 0, and every name is invented and resolved by
// an injected table that only holds loopback addresses: no packet leaves the machine.

interface TestServer {
  origin: string;
  port: number;
  requests: http.IncomingMessage[];
  connections: number;
}

const servers: http.Server[] = [];

async function startServer(handler: http.RequestListener): Promise<TestServer> {
  const server = http.createServer();
  const state: TestServer = { origin: '', port: 0, requests: [], connections: 0 };
  server.on('connection', () => (state.connections += 1));
  server.on('request', (req, res) => {
    state.requests.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  state.port = (server.address() as AddressInfo).port;
  state.origin = `http://127.0.0.1:${state.port}`;
  return state;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Maps invented names to loopback addresses; anything else is ENOTFOUND. Never a routable address. */
const open: FetchOptions = { allowPrivateNetwork: true, timeoutMs: 3_000, userAgent: 'dealnav-test/1.0' };
const guarded: FetchOptions = { ...open, allowPrivateNetwork: false };

async function crawlErrorOf(promise: Promise<unknown>): Promise<CrawlError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CrawlError);
  return error as CrawlError;
}

const FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>Deals</title></channel></rss>';

describe('fetchFeed: successful answers', () => {
  it('returns the body, content type, validators and final URL of a 200', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/rss+xml; charset=utf-8',
        etag: '"v1"',
        'last-modified': 'Wed, 21 Oct 2015 07:28:00 GMT',
      });
      res.end(FEED);
    });
    const result = await fetchFeed(`${server.origin}/deals.xml?city=beijing`, open);
    expect(result).toMatchObject({
      status: 200,
      notModified: false,
      finalUrl: `${server.origin}/deals.xml?city=beijing`,
      redirects: 0,
      contentType: 'application/rss+xml; charset=utf-8',
      etag: '"v1"',
      lastModified: 'Wed, 21 Oct 2015 07:28:00 GMT',
      bytes: Buffer.byteLength(FEED),
      retryAfterSeconds: null,
    });
    expect(Buffer.from(result.body).toString('utf8')).toBe(FEED);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const headers = server.requests[0]!.headers;
    expect(headers['user-agent']).toBe('dealnav-test/1.0');
    expect(headers['accept']).toMatch(/^application\/rss\+xml/);
    expect(headers['accept-encoding']).toBe('gzip, deflate, br');
    expect(headers['if-none-match']).toBeUndefined();
  });

  it.each([
    ['gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
    ['br', zlib.brotliCompressSync],
  ] as const)('decompresses a %s body', async (encoding, compress) => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml', 'content-encoding': encoding });
      res.end(compress(Buffer.from(FEED)));
    });
    const result = await fetchFeed(`${server.origin}/feed`, open);
    expect(Buffer.from(result.body).toString('utf8')).toBe(FEED);
    expect(result.bytes).toBe(Buffer.byteLength(FEED));
  });

  it('sends the stored validators verbatim and reports a 304 as not modified', async () => {
    const etag = 'W/"deals-2026-11-25"';
    const lastModified = 'Wed, 25 Nov 2026 16:00:00 GMT';
    const server = await startServer((req, res) => {
      const fresh = req.headers['if-none-match'] === etag && req.headers['if-modified-since'] === lastModified;
      res.writeHead(fresh ? 304 : 200, { etag });
      res.end(fresh ? undefined : FEED);
    });
    const result = await fetchFeed(`${server.origin}/feed`, { ...open, etag, lastModified });
    expect(server.requests[0]!.headers['if-none-match']).toBe(etag);
    expect(server.requests[0]!.headers['if-modified-since']).toBe(lastModified);
    expect(result).toMatchObject({ status: 304, notModified: true, bytes: 0, etag, lastModified });
    expect(result.body.byteLength).toBe(0);
  });

  it('follows a chain of 3 redirects, relative and absolute', async () => {
    const server = await startServer((req, res) => {
      const next: Record<string, string> = { '/r1': '/r2', '/r2': `http://127.0.0.1:${server.port}/r3`, '/r3': 'final.xml' };
      const location = next[req.url ?? ''];
      if (location !== undefined) {
        res.writeHead(req.url === '/r1' ? 301 : 307, { location });
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(FEED);
    });
    const result = await fetchFeed(`${server.origin}/r1`, open);
    expect(result.finalUrl).toBe(`${server.origin}/final.xml`);
    expect(result.redirects).toBe(3);
    expect(server.requests.map((req) => req.url)).toEqual(['/r1', '/r2', '/r3', '/final.xml']);
  });
});

describe('fetchFeed: limits', () => {
  it('gives up on a redirect loop after maxRedirects', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(302, { location: '/loop' });
      res.end();
    });
    const error = await crawlErrorOf(fetchFeed(`${server.origin}/loop`, open));
    expect(error.code).toBe('too_many_redirects');
    expect(server.requests).toHaveLength(6); // the first request and 5 redirects followed
  });

  it('stops a server that drips bytes past the total deadline', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      const drip = setInterval(() => res.write('<'), 20);
      res.on('close', () => clearInterval(drip));
    });
    const started = Date.now();
    const error = await crawlErrorOf(fetchFeed(`${server.origin}/slow`, { ...open, timeoutMs: 300 }));
    expect(error.code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('times out a server that never answers', async () => {
    const server = await startServer(() => undefined);
    const error = await crawlErrorOf(fetchFeed(`${server.origin}/silent`, { ...open, timeoutMs: 200 }));
    expect(error.code).toBe('timeout');
  });

  it("maps undici's headers and idle-body timeouts to timeout", async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/stall-body') res.writeHead(200).write('<rss>'); // headers sent, then nothing
    });
    const quick = { ...open, timeoutMs: 3_000, headersTimeoutMs: 100, bodyTimeoutMs: 100 };
    const headersError = await crawlErrorOf(fetchFeed(`${server.origin}/stall-headers`, quick));
    expect(headersError.code).toBe('timeout');
    expect(headersError.message).toContain('UND_ERR_HEADERS_TIMEOUT');
    const bodyError = await crawlErrorOf(fetchFeed(`${server.origin}/stall-body`, quick));
    expect(bodyError.code).toBe('timeout');
    expect(bodyError.message).toContain('UND_ERR_BODY_TIMEOUT');
  });

  it('aborts a 200 MB body as soon as it passes the cap, without reading it all', async () => {
    const total = 200 * 1024 * 1024;
    let written = 0;
    let closed!: Promise<void>;
    const server = await startServer((_req, res) => {
      closed = new Promise((resolve) => res.on('close', resolve));
      res.writeHead(200, { 'content-type': 'application/xml' }); // chunked: no Content-Length to refuse early
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const pump = () => {
        while (written < total && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (written >= total) res.end();
      };
      pump();
    });
    const error = await crawlErrorOf(fetchFeed(`${server.origin}/huge`, { ...open, maxBytes: 3 * 1024 * 1024 }));
    expect(error.code).toBe('too_large');
    await closed;
    expect(written).toBeLessThan(40 * 1024 * 1024);
  });

  it('refuses a declared Content-Length over the cap before reading', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
      res.write('<rss>');
    });
    const error = await crawlErrorOf(fetchFeed(`${server.origin}/big`, { ...open, maxBytes: 1024 * 1024 }));
    expect(error.code).toBe('too_large');
  });

  describe('a gzip bomb', () => {
    let bomb: Buffer;
    beforeAll(async () => {
      // 64 MiB of zeros, compressed chunk by chunk (about 64 KB on the wire).
      const gzip = zlib.createGzip({ level: 9 });
      const parts: Buffer[] = [];
      gzip.on('data', (part: Buffer) => parts.push(part));
      const zeros = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < 64; i += 1) gzip.write(zeros);
      await new Promise((resolve) => gzip.end(resolve));
      bomb = Buffer.concat(parts);
    });

    it('is stopped by the cap on decompressed bytes', async () => {
      expect(bomb.length).toBeLessThan(1024 * 1024);
      const server = await startServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/xml', 'content-encoding': 'gzip' });
        res.end(bomb);
      });
      const error = await crawlErrorOf(fetchFeed(`${server.origin}/bomb`, { ...open, maxBytes: 4 * 1024 * 1024 }));
      expect(error.code).toBe('too_large');
    });
  });
});

describe('fetchFeed: error answers', () => {
  it('reports a 503 with its Retry-After in seconds', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(503, { 'retry-after': '120' });
      res.end('busy');
    });
    const error = await crawlErrorOf(fetchFeed(`${server.origin}/feed`, open));
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error).toMatchObject({ code: 'http_status', httpStatus: 503, retryAfterSeconds: 120 });
    expect(error.message).toBe('HTTP 503 Service Unavailable');
  });

  it('reads a Retry-After given as an HTTP date', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(429, { 'retry-after': new Date(Date.now() + 600_000).toUTCString() });
      res.end();
    });
    const error = (await crawlErrorOf(fetchFeed(`${server.origin}/feed`, open))) as HttpStatusError;
    expect(error.httpStatus).toBe(429);
    expect(error.retryAfterSeconds).toBeGreaterThan(590);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(600);
  });

  it('reports a 404 as http_status', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(404);
      res.end('not here');
    });
    const error = await crawlErrorOf(fetchFeed(`${server.origin}/gone`, open));
    expect(error).toMatchObject({ code: 'http_status', httpStatus: 404, retryAfterSeconds: null });
  });

  it('reports an empty 200 as empty_body', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end();
    });
    expect((await crawlErrorOf(fetchFeed(`${server.origin}/empty`, open))).code).toBe('empty_body');
  });

  it('reports a corrupt or unknown Content-Encoding as parse_error', async () => {
    const server = await startServer((req, res) => {
      res.writeHead(200, { 'content-encoding': req.url === '/zstd' ? 'zstd' : 'gzip' });
      res.end('this is not gzip at all');
    });
    expect((await crawlErrorOf(fetchFeed(`${server.origin}/corrupt`, open))).code).toBe('parse_error');
    expect((await crawlErrorOf(fetchFeed(`${server.origin}/zstd`, open))).code).toBe('parse_error');
  });

  it.each(['file:///etc/passwd', 'http://user:pw@127.0.0.1/', 'not a url'])('refuses %s as invalid_url', async (url) => {
    expect((await crawlErrorOf(fetchFeed(url, open))).code).toBe('invalid_url');
  });

  it('reports a refused connection as connect_failed', async () => {
    const server = await startServer(() => undefined);
    const port = server.port;
    for (const running of servers.splice(0)) await new Promise((resolve) => running.close(resolve));
    const error = await crawlErrorOf(fetchFeed(`http://127.0.0.1:${port}/feed`, open));
    expect(error.code).toBe('connect_failed');
  });

  it('reports a name that does not resolve as dns_failed', async () => {
    const lookup = loopbackResolver({});
    const error = await crawlErrorOf(fetchFeed('http://missing.partner.test/feed', { ...open, lookup }));
    expect(error.code).toBe('dns_failed');
  });
});

describe('fetchFeed: address guard (allowPrivateNetwork false)', () => {
  let server: TestServer;
  const spellings = (port: number) => [
    `http://127.0.0.1:${port}/feed`,
    `http://127.1:${port}/feed`,
    `http://2130706433:${port}/feed`,
    `http://0x7f000001:${port}/feed`,
    `http://[::1]:${port}/feed`,
    `http://[::ffff:127.0.0.1]:${port}/feed`,
  ];

  it.each([0, 1, 2, 3, 4, 5])('refuses literal loopback spelling #%i before connecting', async (index) => {
    server = await startServer((_req, res) => res.end(FEED));
    const url = spellings(server.port)[index]!;
    const error = await crawlErrorOf(fetchFeed(url, guarded));
    expect(error.code).toBe('blocked_address');
    expect(server.requests).toHaveLength(0);
    expect(server.connections).toBe(0);
  });

  it.each([
    ['feed.evil.test', '127.0.0.1'],
    ['v6.evil.test', '::1'],
  ])('refuses %s, which resolves to %s, before connecting', async (name, address) => {
    server = await startServer((_req, res) => res.end(FEED));
    const lookup = loopbackResolver({ [name]: address });
    const error = await crawlErrorOf(fetchFeed(`http://${name}:${server.port}/feed`, { ...guarded, lookup }));
    expect(error.code).toBe('blocked_address');
    expect(server.requests).toHaveLength(0);
    expect(server.connections).toBe(0);
  });

  it('re-checks the connected socket, which catches literal IPs the lookup never sees', async () => {
    server = await startServer((_req, res) => res.end(FEED));
    const agent = createFeedAgent({ allowPrivateNetwork: false, connectTimeoutMs: 1_000, headersTimeoutMs: 1_000, bodyTimeoutMs: 1_000 });
    try {
      const error = await crawlErrorOf(request(`${server.origin}/feed`, { dispatcher: agent }));
      expect(error.code).toBe('blocked_address');
      expect(server.requests).toHaveLength(0);
    } finally {
      await agent.destroy();
    }
  });

  // A partner on a public address cannot be simulated without public traffic, so the first hop
  // goes through an agent that lets `feed.partner.test` (→ 127.0.0.1) through; fetchFeed itself
  // still runs with the guard on, and the redirect target must be refused on its own merits.
  describe('on a redirect hop', () => {
    const partnerAgent = (evilName: string) => {
      const resolver = loopbackResolver({ 'feed.partner.test': '127.0.0.1', [evilName]: '127.0.0.1' });
      const guardedLookup = createGuardedLookup(resolver);
      const lookup: LookupFunction = (hostname, options, callback) =>
        (hostname === 'feed.partner.test' ? resolver : guardedLookup)(hostname, options, callback);
      return createFeedAgent({ allowPrivateNetwork: true, connectTimeoutMs: 1_000, headersTimeoutMs: 1_000, bodyTimeoutMs: 1_000, lookup });
    };

    it.each([
      ['a literal loopback address', (port: number) => `http://127.0.0.1:${port}/`],
      ['a name resolving to loopback', (port: number) => `http://internal.evil.test:${port}/`],
    ])('refuses %s', async (_label, target) => {
      const internal = await startServer((_req, res) => res.end('secret'));
      const partner = await startServer((_req, res) => {
        res.writeHead(302, { location: target(internal.port) });
        res.end();
      });
      const agent = partnerAgent('internal.evil.test');
      try {
        const error = await crawlErrorOf(fetchFeed(`http://feed.partner.test:${partner.port}/feed`, { ...guarded, agent }));
        expect(error.code).toBe('blocked_address');
        expect(partner.requests).toHaveLength(1);
        expect(internal.requests).toHaveLength(0);
        expect(internal.connections).toBe(0);
      } finally {
        await agent.destroy();
      }
    });
  });
});
