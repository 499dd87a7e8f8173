// `dealnav orders` through the real CLI: register a partner's order-query URL, pull it (a loopback
// partner answering JSON), list the runs; a pull the partner refuses exits 1; the address guard
// refuses loopback unless --allow-private-network; usage errors exit 2.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDealnav } from '../helpers/cli';
import { makeTempDir } from '../helpers/temp-dir';

const env = { DEALNAV_ALLOW_PRIVATE: '', DEALNAV_DB: '' };

describe('dealnav orders', () => {
  const dir = makeTempDir('dealnav-orders-');
  const db = dir.file('orders.db');
  const dealnav = (...args: string[]) => runDealnav([...args, '--db', db], env);
  let server: Server;
  let base: string;
  const seen: URLSearchParams[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      seen.push(url.searchParams);
      if (url.pathname === '/orders') response.writeHead(200, { 'content-type': 'application/json' }).end('{"orders": []}');
      else response.writeHead(403).end('no');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const added = await dealnav('site', 'add', '乐团网', '--home', 'http://www.letuan.example/', '--feed', 'http://www.letuan.example/api.xml', '--slug', 'letuan');
    expect(added.code, added.stderr).toBe(0);
    expect((await dealnav('site', 'secret', 'letuan')).code).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
    dir.remove();
  });

  it('registers the URL, pulls it signed, and lists the run', async () => {
    const set = await dealnav('orders', 'pull-url', 'letuan', `${base}/orders`, '--interval', '30', '--window', '24');
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain(`letuan: orders pulled from ${base}/orders every 30 min, window at least 24 h`);

    const guarded = await dealnav('orders', 'pull', 'letuan');
    expect(guarded.code).toBe(1);
    expect(guarded.stdout).toMatch(/letuan: pull failed .*blocked_address: 127\.0\.0\.1 is not a public address/);
    expect(seen).toHaveLength(0);

    const pulled = await dealnav('orders', 'pull', 'letuan', '--allow-private-network');
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stdout).toMatch(/letuan: pulled \[.*\] json: 0 orders, 0 new, 0 changed, 0 unchanged, 0 refused/);
    expect([...seen[0]!.keys()].sort()).toEqual(['end', 'nonce', 'sign', 'site', 'start', 'ts']);
    expect(Number(seen[0]!.get('end')) - Number(seen[0]!.get('start'))).toBe(24 * 3600);

    const window = await dealnav('orders', 'pull', 'letuan', '--from', '2026-11-01', '--to', '2026-11-02', '--allow-private-network');
    expect(window.code).toBe(0);
    expect(seen[1]!.get('start')).toBe(String(Date.UTC(2026, 10, 1) / 1000));

    const runs = await dealnav('orders', 'runs', 'letuan');
    expect(runs.code).toBe(0);
    expect(runs.stdout.split('\n').filter((line) => line.startsWith('#'))).toHaveLength(3);
    expect(runs.stdout).toContain('blocked_address');
  }, 60_000);

  it('exits 1 when the partner refuses, and 2 on usage errors', async () => {
    expect((await dealnav('orders', 'pull-url', 'letuan', `${base}/refuses`)).code).toBe(0);
    const refused = await dealnav('orders', 'pull', 'letuan', '--allow-private-network');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('http_status: HTTP 403 Forbidden');

    for (const args of [['orders', 'pull-url', 'letuan', 'ftp://x.example/'], ['orders', 'pull', '--from', '2026-11-01', '--to', '2026-11-02'], ['orders', 'frobnicate']]) {
      const result = await dealnav(...args);
      expect(result.code, args.join(' ')).toBe(2);
    }
    expect((await dealnav('orders', 'pull-url', 'letuan', '--remove')).stdout).toContain('letuan: order pull removed');
  }, 60_000);
});
