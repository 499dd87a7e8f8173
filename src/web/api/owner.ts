// The site owners' API, for their own programs: read-only, authenticated by a site API token
// (`Authorization: Bearer dnt_…`, created on the site's page), and about the token's site alone:
//
//   GET /api/owner/site                  the site, its verification, feeds with health and last runs, totals
//   GET /api/owner/clicks                clicks in a date range, a page at a time
//   GET /api/owner/conversions           conversions in a date range, a page at a time
//   GET /api/owner/statements            the statement months
//   GET /api/owner/statements/:month     one month's statement, JSON or ?format=csv
//
// No route takes a site id: the site is the token's, so no id can be changed to reach another.
// A client may name the site it means (`?site=SLUG`) and gets 403 for another site's token rather
// than that site's data. A missing, malformed, unknown or revoked token is 401. Every route is
// rate-limited per address, before the token is even looked at.
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireSiteToken } from '../../accounts/guards';
import { dayText } from '../../revenue/reports';
import { statementCsv, statementFor } from '../../revenue/statements';
import { feedCondition } from '../../sites/feed-health';
import { siteOverview, statementMonths, type SiteOverview } from '../../sites/site-overview';
import type { CrawlRun, Feed, Site } from '../../storage';
import { HttpError } from '../errors';
import {
  clicksResponse, conversionsResponse, OWNER_API_MAX_DAYS, OWNER_API_MAX_OFFSET, rangeQuerystring, siteQuerystring, siteResponse,
  statementMonthSchema, statementParams, statementQuerystring, statementResponse, statementsResponse,
} from './owner-schemas';

/** Per address, every owner API route together. */
export const OWNER_API_PER_MINUTE = 120;

interface SiteCheck { site?: string }
interface RangeQuery extends SiteCheck { from?: string; to?: string; page: number; pageSize: number }

const DAY_MS = 86_400_000;
const errors = { '4xx': { $ref: 'error#' } } as const;
const security = [{ siteToken: [] }];

export async function ownerApiRoutes(app: FastifyInstance): Promise<void> {
  app.addSchema(statementMonthSchema);
  // Global within this plugin only: one budget per address over every route here, and no other route's.
  await app.register(fastifyRateLimit, {
    global: true, max: OWNER_API_PER_MINUTE, timeWindow: 60_000,
    errorResponseBuilder: (request, context) =>
      new HttpError(context.statusCode, 'DN_ERR_RATE_LIMITED', request.translator.t('owner.rateLimited')),
  });
  // The token before the schema: a request without one learns nothing from validation.
  const guarded = { preValidation: requireSiteToken };

  app.get<{ Querystring: SiteCheck }>('/api/owner/site', {
    ...guarded,
    schema: {
      summary: "Site owners: the token's site, its domain verification, feeds with health and last runs, and totals",
      tags: ['owner'], security, querystring: siteQuerystring, response: { 200: siteResponse, ...errors },
    },
  }, async (request, reply) => {
    const site = await tokenSite(request, reply);
    return siteAnswer(site, await siteOverview(app.storage, site, new Date()));
  });

  app.get<{ Querystring: RangeQuery }>('/api/owner/clicks', {
    ...guarded,
    schema: {
      summary: "Site owners: the token's site's clicks in a date range (UTC days), newest first, a page at a time",
      tags: ['owner'], security, querystring: rangeQuerystring, response: { 200: clicksResponse, ...errors },
    },
  }, async (request, reply) => {
    const site = await tokenSite(request, reply);
    const range = rangeOf(request.query, new Date());
    const [counts, clicks] = await Promise.all([
      app.storage.revenue.clickCounts(site.id, range.start, range.end),
      app.storage.revenue.listClicks(site.id, range.start, range.end, range.pageSize, range.offset),
    ]);
    return {
      ...range.echo, site: site.slug, total: counts.total,
      clicks: clicks.map((click) => ({
        clickId: click.token, dealId: click.dealId, at: click.createdAt.toISOString(), city: click.city, subId: click.subId,
        billable: !click.isBot && !click.isDuplicate, bot: click.isBot, duplicate: click.isDuplicate,
      })),
    };
  });

  app.get<{ Querystring: RangeQuery }>('/api/owner/conversions', {
    ...guarded,
    schema: {
      summary: "Site owners: the token's site's conversions that happened in a date range (UTC days), newest first, a page at a time",
      tags: ['owner'], security, querystring: rangeQuerystring, response: { 200: conversionsResponse, ...errors },
    },
  }, async (request, reply) => {
    const site = await tokenSite(request, reply);
    const range = rangeOf(request.query, new Date());
    const [total, conversions] = await Promise.all([
      app.storage.revenue.countConversionsIn(site.id, range.start, range.end),
      app.storage.revenue.listConversions(site.id, range.start, range.end, range.pageSize, range.offset),
    ]);
    return {
      ...range.echo, site: site.slug, total,
      conversions: conversions.map((conversion) => ({
        orderId: conversion.orderId, clickId: conversion.clickToken, kind: conversion.kind, status: conversion.status,
        amountMinor: conversion.amountMinor, currency: conversion.currency,
        occurredAt: conversion.occurredAt.toISOString(), updatedAt: conversion.updatedAt.toISOString(),
      })),
    };
  });

  app.get<{ Querystring: SiteCheck }>('/api/owner/statements', {
    ...guarded,
    schema: {
      summary: "Site owners: the token's site's monthly statements (UTC months), newest first",
      tags: ['owner'], security, querystring: siteQuerystring, response: { 200: statementsResponse, ...errors },
    },
  }, async (request, reply) => {
    const site = await tokenSite(request, reply);
    return { site: site.slug, statements: statementLinks(await statementMonths(app.storage, site, new Date())) };
  });

  app.get<{ Params: { month: string }; Querystring: SiteCheck & { format: 'json' | 'csv' } }>('/api/owner/statements/:month', {
    ...guarded,
    schema: {
      summary: "Site owners: one month's statement for the token's site, as JSON or CSV (?format=csv)",
      description: 'Per currency: conversions, sales, commission pending, approved, reversed and CPC, and what is payable, in integer minor units. A closed month answers its snapshot from the close.',
      tags: ['owner'], security, params: statementParams, querystring: statementQuerystring, response: { 200: statementResponse, ...errors },
    },
  }, async (request, reply) => {
    const site = await tokenSite(request, reply);
    const statement = await statementFor(app.storage, site, request.params.month);
    if (request.query.format !== 'csv') return statement;
    return reply
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${site.slug}-${request.params.month}.csv"`)
      .send(statementCsv(statement));
  });

  /** The token's site; 403 when the client named another one. Answers are never cached. */
  async function tokenSite(request: FastifyRequest<{ Querystring: SiteCheck }>, reply: FastifyReply): Promise<Site> {
    reply.header('Cache-Control', 'no-store');
    const site = await app.storage.sites.findById(request.siteToken!.siteId);
    if (!site) throw new HttpError(401, 'DN_ERR_API_TOKEN', 'This token\'s site no longer exists.');
    const named = request.query.site;
    if (named !== undefined && named !== site.slug) {
      throw new HttpError(403, 'DN_ERR_FORBIDDEN', 'This token reads its own site only, not the site named in `site`.');
    }
    return site;
  }
}

/** The range's bounds as instants ([start, end) over whole UTC days) and the page's offset; 400 when they make no sense. */
function rangeOf(query: RangeQuery, now: Date) {
  const to = query.to ?? dayText(Math.floor(now.getTime() / DAY_MS));
  const from = query.from ?? dayText(Math.floor(Date.parse(`${to}T00:00:00Z`) / DAY_MS) - 29);
  const start = dayStart(from, 'from');
  const end = new Date(dayStart(to, 'to').getTime() + DAY_MS);
  if (start >= end) throw new HttpError(400, 'DN_ERR_INVALID_RANGE', '`from` must not be after `to`.');
  if ((end.getTime() - start.getTime()) / DAY_MS > OWNER_API_MAX_DAYS) {
    throw new HttpError(400, 'DN_ERR_INVALID_RANGE', `A range spans at most ${OWNER_API_MAX_DAYS} days.`);
  }
  const offset = (query.page - 1) * query.pageSize;
  if (offset >= OWNER_API_MAX_OFFSET) throw new HttpError(400, 'DN_ERR_INVALID_RANGE', 'That page is too deep: narrow the date range instead.');
  return { start, end, offset, pageSize: query.pageSize, echo: { from, to, page: query.page, pageSize: query.pageSize } };
}

function dayStart(text: string, name: string): Date {
  const at = new Date(`${text}T00:00:00Z`);
  if (Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== text) {
    throw new HttpError(400, 'DN_ERR_INVALID_RANGE', `\`${name}\` is not a calendar day (YYYY-MM-DD).`);
  }
  return at;
}

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

const statementLinks = (months: SiteOverview['statements']) => months.map(({ month, closed }) => ({
  month, closed, url: `/api/owner/statements/${month}`, csvUrl: `/api/owner/statements/${month}?format=csv`,
}));

function siteAnswer(site: Site, overview: SiteOverview) {
  return {
    site: {
      id: site.id, slug: site.slug, name: site.name, homeUrl: site.homeUrl, status: site.status, statusReason: site.statusReason,
      verified: site.verifiedAt !== null, verifiedAt: iso(site.verifiedAt), createdAt: site.createdAt.toISOString(),
    },
    feeds: overview.feeds.map(({ feed, runs }) => feedAnswer(feed, runs)),
    liveDeals: overview.liveDeals,
    clicks: overview.clicks,
    conversions: overview.conversions,
    commission: overview.commission,
    statements: statementLinks(overview.statements),
  };
}

function feedAnswer(feed: Feed, runs: CrawlRun[]) {
  const condition = feedCondition(feed, runs[0] ?? null);
  return {
    id: feed.id, url: feed.url, format: feed.format, detectedFormat: feed.detectedFormat, timeZone: feed.timeZone,
    health: condition.paused ? 'paused' : condition.failing ? 'failing' : condition.slow ? 'slow' : 'ok',
    status: feed.status, pausedReason: feed.pausedReason, consecutiveFailures: feed.consecutiveFailures,
    lastCheckedAt: iso(feed.lastCheckedAt), lastSuccessAt: iso(feed.lastSuccessAt), nextCheckAt: feed.nextCheckAt.toISOString(),
    lastError: feed.lastErrorCode ? { code: feed.lastErrorCode, message: feed.lastErrorMessage } : null,
    runs: runs.map((run) => ({
      startedAt: run.startedAt.toISOString(), finishedAt: iso(run.finishedAt), durationMs: run.durationMs, outcome: run.outcome,
      httpStatus: run.httpStatus, itemsSeen: run.itemsSeen, counts: run.counts, skipped: run.skipped.length,
      errorCode: run.errorCode, errorMessage: run.errorMessage,
    })),
  };
}
