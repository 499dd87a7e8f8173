// A sample group-buy site for the demo and the tests: it serves its deal feed, a home page, deal
// pages that show the click id they received, and placeholder pictures, on a loopback port.
import iconv from 'iconv-lite';
import nunjucks from 'nunjucks';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { SampleDeal } from './sample-deals';

export type SampleFeedKind = 'hao123-utf8' | 'hao123-gbk' | 'groupon';

export interface SampleSiteSpec {
  slug: string;
  name: string;
  kind: SampleFeedKind;
  /** Query parameter names the portal may use to pass its click id. */
  clickParams: string[];
  colour: string;
  deals: SampleDeal[];
}

export interface RunningSampleSite {
  spec: SampleSiteSpec;
  homeUrl: string;
  feedUrl: string;
  /** Requests for the feed so far. */
  feedRequests(): number;
  close(): Promise<void>;
}

const templates = new nunjucks.Environment(
  new nunjucks.FileSystemLoader(fileURLToPath(new URL('./templates/', import.meta.url))),
  { autoescape: true },
);

const feedPath = (kind: SampleFeedKind) => (kind === 'groupon' ? '/v2/deals.json' : '/api/hao123.xml');
const dealPath = (spec: SampleSiteSpec, deal: SampleDeal) =>
  spec.kind === 'groupon' ? `/deals/${deal.id}` : `/team.php?id=${encodeURIComponent(deal.id)}`;

export async function startSampleSite(spec: SampleSiteSpec, host = '127.0.0.1', port = 0): Promise<RunningSampleSite> {
  let feedRequests = 0;
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? host}`);
    const base = `http://${request.headers.host ?? host}`;
    if (url.pathname === feedPath(spec.kind)) {
      feedRequests++;
      const { body, contentType } = renderFeed(spec, base, new Date());
      response.writeHead(200, { 'content-type': contentType });
      response.end(body);
      return;
    }
    const picture = /^\/img\/(.+)\.svg$/.exec(url.pathname);
    if (picture) {
      const deal = spec.deals.find((candidate) => candidate.id === decodeURIComponent(picture[1]!));
      response.writeHead(deal ? 200 : 404, { 'content-type': 'image/svg+xml' });
      response.end(templates.render('picture.njk', { colour: deal?.colour ?? '#999', label: spec.name }));
      return;
    }
    const deal = spec.deals.find((candidate) => dealPath(spec, candidate) === `${url.pathname}${url.search}`.split('&')[0]
      || (spec.kind === 'groupon' && url.pathname === dealPath(spec, candidate)));
    if (url.pathname !== '/' && !deal) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('not found');
      return;
    }
    const clickId = spec.clickParams.map((name) => url.searchParams.get(name)).find(Boolean) ?? null;
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(templates.render('page.njk', {
      lang: spec.kind === 'groupon' ? 'en' : 'zh-CN',
      site: { name: spec.name, colour: spec.colour, feedPath: feedPath(spec.kind) },
      title: deal?.title ?? spec.name,
      deal: deal ? view(spec, deal, base, new Date()) : null,
      deals: spec.deals.map((each) => view(spec, each, base, new Date())),
      clickId,
      query: url.search,
    }));
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const { port: actualPort } = server.address() as AddressInfo;
  const homeUrl = `http://${host}:${actualPort}/`;
  return {
    spec,
    homeUrl,
    feedUrl: new URL(feedPath(spec.kind), homeUrl).toString(),
    feedRequests: () => feedRequests,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function view(spec: SampleSiteSpec, deal: SampleDeal, base: string, now: Date) {
  const hours = (h: number) => new Date(now.getTime() + h * 3_600_000);
  return {
    ...deal,
    url: `${base}${dealPath(spec, deal)}`,
    imageUrl: `${base}/img/${encodeURIComponent(deal.id)}.svg`,
    starts: hours(deal.startsInHours),
    ends: hours(deal.endsInHours),
    // The Chinese sites' pages state their price in schema.org JSON-LD, as many real ones do.
    jsonLd: spec.kind === 'groupon' ? null : JSON.stringify({
      '@context': 'https://schema.org', '@type': 'Product', name: deal.title,
      offers: { '@type': 'Offer', price: (deal.pagePrice ?? deal.price).replace(/,/g, ''), priceCurrency: 'CNY', url: `${base}${dealPath(spec, deal)}` },
    }).replace(/</g, '\\u003c'),
  };
}

function renderFeed(spec: SampleSiteSpec, base: string, now: Date): { body: Buffer | string; contentType: string } {
  const deals = spec.deals.map((deal) => view(spec, deal, base, now));
  if (spec.kind === 'groupon') {
    return { body: JSON.stringify(grouponDocument(spec, deals)), contentType: 'application/json; charset=utf-8' };
  }
  const epoch = (date: Date) => Math.floor(date.getTime() / 1000);
  const xml = templates.render('urlset.njk', {
    encoding: spec.kind === 'hao123-gbk' ? 'gbk' : 'utf-8',
    cdata: spec.kind === 'hao123-utf8',
    site: { name: spec.name, homeUrl: `${base}/` },
    deals: deals.map((deal) => ({
      ...deal,
      startTime: epoch(deal.starts),
      endTime: epoch(deal.ends),
      // Emitters' own 折 figure; the portal recomputes the discount and ignores it.
      rebate: (Number(deal.price.replace(/,/g, '')) / Number(deal.value) * 10).toFixed(2),
    })),
  });
  return spec.kind === 'hao123-gbk'
    ? { body: iconv.encode(xml, 'gbk'), contentType: 'text/xml; charset=gbk' }
    : { body: xml, contentType: 'text/xml; charset=utf-8' };
}

function grouponDocument(spec: SampleSiteSpec, deals: ReturnType<typeof view>[]) {
  const money = (amount: string) => ({ amount: Number(amount), currencyCode: 'USD', currencyExponent: 2, formattedAmount: `$${(Number(amount) / 100).toFixed(2)}` });
  return {
    deals: deals.map((deal) => ({
      id: deal.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 40),
      uuid: deal.id,
      dealUrl: deal.url,
      title: deal.title,
      soldQuantity: deal.bought,
      largeImageUrl: deal.imageUrl,
      status: 'open',
      startAt: deal.starts.toISOString(),
      endAt: deal.ends.toISOString(),
      division: { id: deal.city.toLowerCase(), name: deal.city },
      isSoldOut: false,
      tags: [{ name: deal.category }],
      merchant: { name: deal.merchant },
      options: [{
        id: 1, title: deal.title, price: money(deal.price), value: money(deal.value), isSoldOut: false,
        redemptionLocations: [{ streetAddress1: deal.address, city: deal.city }],
      }],
    })),
    pagination: { offset: 0, count: deals.length },
  };
}
