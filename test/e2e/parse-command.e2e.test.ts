// `dealnav parse` through the real CLI: one JSON document on stdout for a feed, one line on stderr
// (no stack trace) for anything that is not one, and the address guard on URLs.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDealnav, type CliResult } from '../helpers/cli';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/feeds/${name}`, import.meta.url));
// The guard must be on unless a test turns it off with the flag.
const env = { DEALNAV_ALLOW_PRIVATE: '' };
const parse = (...args: string[]) => runDealnav(['parse', ...args], env);

/** stdout must be exactly one JSON document (pretty-printed or not) and nothing else. */
function jsonDocument(result: CliResult): any {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const document = JSON.parse(result.stdout); // throws on a second document or any extra text
  expect(Object.keys(document).sort()).toEqual(['deals', 'format', 'skipped']);
  return document;
}

/** A failure a person can read: exit 1, nothing on stdout, exactly one line on stderr, no stack. */
function oneLineFailure(result: CliResult): string {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(lines[0]).toMatch(/^dealnav: /);
  return lines[0]!;
}

describe('dealnav parse FILE --json', () => {
  it('reads a hao123 urlset: prices in fen, 全国 as nationwide, epoch times as UTC instants', async () => {
    const document = jsonDocument(await parse(fixture('hao123-v1-basic.xml'), '--json'));
    expect(document.format).toBe('hao123');
    expect(document.skipped).toEqual([]);
    expect(document.deals).toHaveLength(2);
    const [hotpot, cup] = document.deals;
    // <loc>…id=3172</loc>, <price>68.00</price>, <value>158.00</value>, <city>成都</city>, <bought>413</bought>
    expect(hotpot).toMatchObject({
      url: 'http://www.letuan.example/team.php?id=3172',
      title: '仅售68元！价值158元的川味火锅双人套餐，含锅底+8道菜品',
      imageUrl: 'http://img.letuan.example/static/team/2011/0510/hotpot.jpg',
      priceMinor: 6800,
      valueMinor: 15800,
      currency: 'CNY',
      nationwide: false,
      sold: 413,
      soldOut: false,
      startsAt: '2011-05-09T16:00:00.000Z', // 1304956800
      endsAt: '2011-05-10T16:00:00.000Z', // 1305043200
    });
    expect(hotpot.city).not.toBeNull();
    expect(hotpot.branches).toEqual([]); // v1 has no shops list
    // 68 of 158 is 57 % off (the feed's own <rebate>4.30</rebate> is a 折 figure, not used)
    expect(hotpot.discountPercent).toBe(57);
    // <price>39</price>, <value>99</value> without decimals, <city>全国</city>, <bought>0</bought>
    expect(cup).toMatchObject({
      url: 'http://www.letuan.example/team.php?id=3173',
      priceMinor: 3900,
      valueMinor: 9900,
      currency: 'CNY',
      nationwide: true,
      city: null,
      sold: 0,
      startsAt: '2011-05-10T16:00:00.000Z', // 1305043200
    });
    expect(new Set(document.deals.map((deal: any) => deal.externalId)).size).toBe(2);
  });

  it('reads Groupon JSON: cheapest option, exponents honoured, sold -1 as unknown, option-less deal skipped', async () => {
    const document = jsonDocument(await parse(fixture('groupon-v2-two-options-sold-unknown.json'), '--json'));
    expect(document.format).toBe('groupon');
    const byUrl = new Map<string, any>(document.deals.map((deal: any) => [deal.url, deal]));
    expect(document.deals).toHaveLength(3);

    // Two options ($60 for two, $33 for one): the deal is listed at its cheapest, $33.00 of $60.00.
    const kayak = document.deals.find((deal: any) => deal.title === 'Two-Hour Kayak Tour for One or Two (Up to 45% Off)');
    expect(kayak).toMatchObject({ priceMinor: 3300, valueMinor: 6000, currency: 'USD', sold: null, soldOut: false });
    expect(kayak.url).toBe('http://tracking.groupon.example/r?tsToken=US_AFF_0_123456_212556_0&url=https%3A%2F%2Fwww.groupon.example%2Fdeals%2Fharbor-kayak-tours-3%3Futm_medium%3Dafl');
    expect(kayak.startsAt).toBe('2018-05-02T07:00:00.000Z');
    // Every option's redemptionLocations are the deal's branches, coordinates where given.
    expect(kayak.branches).toEqual([
      { name: 'South Dock', address: '900 Harbor Way, Seattle, WA 98104', phone: '206-555-0199', district: null, lat: null, lng: null },
      { name: 'Main Dock', address: '1200 Alaskan Way, Pier 57, Seattle, WA 98101', phone: '206-555-0142', district: 'Waterfront', lat: 47.6, lng: -122.3 },
    ]);

    // amount 20 with exponent 0 is $20 = 2000 cents; 40000 with exponent 3 is $40 = 4000 cents.
    const pizza = byUrl.get('https://www.groupon.example/deals/deep-dish-house-12?utm_source=dealnav');
    expect(pizza).toMatchObject({ priceMinor: 2000, valueMinor: 4000, currency: 'USD', sold: 1540, soldOut: true, discountPercent: 50 });

    const wine = byUrl.get('https://www.groupon.example/deals/wine-tasting-nyc');
    expect(wine).toMatchObject({ priceMinor: 2900, valueMinor: 6500, currency: 'USD', sold: 75 });
    expect(wine.merchant?.name).toBe('Cellar Door Wines');

    // The photo book has "options": [] — no price — so it is skipped, named by its uuid, with a reason.
    expect(document.skipped).toHaveLength(1);
    expect(document.skipped[0].item).toContain('c3a9e4f0-1111-4222-8333-444455556666');
    expect(document.skipped[0].reason).toMatch(/price/i);
  });

  it('keeps going past bad items and lists each with a reason', async () => {
    const document = jsonDocument(await parse(fixture('hao123-bad-items.xml'), '--json'));
    // Only deal/1 is whole; deal/2 (empty price), javascript: URL, deal/4 (end before start),
    // deal/5 (empty title), deal/6 (面议), the relative /deal/7 (no feed URL for a file) and the
    // duplicate of deal/1 are not.
    expect(document.deals.map((deal: any) => deal.url)).toEqual(['http://www.tuanba.example/deal/1']);
    expect(document.deals[0]).toMatchObject({ priceMinor: 2000, valueMinor: 5000, currency: 'CNY', sold: 10 });
    expect(document.skipped).toHaveLength(7);
    for (const skipped of document.skipped) expect(skipped.reason).toEqual(expect.any(String));
    expect(document.skipped.map((skipped: any) => skipped.item)).toContain('javascript:alert(document.cookie)');
  });

  it('without --json prints a summary, not JSON', async () => {
    const result = await parse(fixture('hao123-v1-basic.xml'));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^format: hao123; 2 deals, 0 skipped/);
    expect(result.stdout).toMatch(/6800 CNY/);
    expect(() => JSON.parse(result.stdout)).toThrow();
  });
});

describe('dealnav parse: failures are one line', () => {
  it('--format groupon on an XML file fails cleanly', async () => {
    const line = oneLineFailure(await parse(fixture('hao123-v1-basic.xml'), '--format', 'groupon', '--json'));
    expect(line).toMatch(/XML/);
  });

  it('--format hao123 on a JSON file fails cleanly', async () => {
    const line = oneLineFailure(await parse(fixture('groupon-v2-two-options-sold-unknown.json'), '--format', 'hao123', '--json'));
    expect(line).toMatch(/JSON/);
  });

  it('an HTML error page exits 1 with one line and no stack trace', async () => {
    const line = oneLineFailure(await parse(fixture('html-error-page.html'), '--json'));
    expect(line).toMatch(/HTML/);
  });

  it('a missing file exits 1 with one line', async () => {
    const missing = fixture('no-such-feed.xml');
    const line = oneLineFailure(await parse(missing, '--json'));
    expect(line).toContain('no-such-feed.xml');
    expect(line).toMatch(/ENOENT/);
  });

  it('an unknown --format is a usage error (exit 2)', async () => {
    const result = await parse(fixture('hao123-v1-basic.xml'), '--format', 'nope');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^dealnav: unknown format 'nope'/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('dealnav parse URL on loopback', () => {
  let server: Server;
  let feedUrl: string;
  let feedRequests = 0;
  const feedBytes = readFileSync(fixture('hao123-v1-basic.xml'));

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/feed.xml') {
        feedRequests++;
        response.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
        response.end(feedBytes);
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('is refused by the address guard without --allow-private-network, before any request is made', async () => {
    const before = feedRequests;
    const line = oneLineFailure(await parse(feedUrl, '--json'));
    expect(line).toMatch(/127\.0\.0\.1 .*not a public address/);
    expect(feedRequests).toBe(before);
  });

  it('is fetched and parsed with --allow-private-network', async () => {
    const before = feedRequests;
    const document = jsonDocument(await parse(feedUrl, '--json', '--allow-private-network'));
    expect(feedRequests).toBe(before + 1);
    expect(document.format).toBe('hao123');
    expect(document.deals.map((deal: any) => [deal.url, deal.priceMinor, deal.currency])).toEqual([
      ['http://www.letuan.example/team.php?id=3172', 6800, 'CNY'],
      ['http://www.letuan.example/team.php?id=3173', 3900, 'CNY'],
    ]);
  });
});
