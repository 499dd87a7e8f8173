// GET /api/reports: the operators' report as JSON, for a signed-in operator (session cookie), with
// the same parameters as /operator/reports: one page of lines (`page`, `pageSize`; `totalLines`
// counts them all), totals over every line. The schema below is published at /docs.
import type { FastifyInstance } from 'fastify';
import { requireOperator } from '../../accounts/guards';
import { reportQuerystringSchema, reportRequest, type ReportQuerystring } from '../../revenue/report-query';
import { buildReport } from '../../revenue/reports';

const count = { type: 'integer', minimum: 0 } as const;
const minor = { type: 'integer', description: 'integer minor units of `currency`' } as const;

const moneySchema = {
  type: 'object',
  required: ['currency', 'salesMinor', 'commissionPendingMinor', 'commissionApprovedMinor', 'commissionReversedMinor', 'commissionMinor', 'epcMinor'],
  properties: {
    currency: { type: 'string', description: 'ISO 4217; amounts in different currencies are never added together' },
    salesMinor: { ...minor, description: 'sale amounts of pending and approved conversions that happened in the period' },
    commissionPendingMinor: { ...minor, description: 'net movement of pending commission in the period' },
    commissionApprovedMinor: minor,
    commissionReversedMinor: { ...minor, description: 'commission taken back by reversals (≤ 0)' },
    commissionMinor: { ...minor, description: 'pending + approved + reversed' },
    epcMinor: { type: ['number', 'null'], description: 'commission per billable click, minor units (fractional); null without billable clicks' },
  },
} as const;

const figureProperties = {
  billableClicks: count,
  filteredClicks: {
    type: 'object', required: ['bot', 'duplicate', 'total'],
    properties: { bot: count, duplicate: count, total: count },
    description: 'clicks redirected but not billed: bots (isbot, no user agent, HEAD) and repeats within the duplicate window',
  },
  conversions: { ...count, description: 'conversions that happened in the period, rejected ones left out' },
  conversionRate: { type: ['number', 'null'], description: 'conversions ÷ billable clicks' },
  money: { type: 'array', items: moneySchema },
} as const;
const figureRequired = ['billableClicks', 'filteredClicks', 'conversions', 'conversionRate', 'money'];

export const reportResponseSchema = {
  $id: 'report',
  type: 'object',
  required: ['request', 'lines', 'totalLines', 'orderCurrency', 'totals', 'revenue', 'topSites'],
  properties: {
    request: {
      type: 'object', required: ['grain', 'groupBy', 'from', 'to', 'site', 'page', 'pageSize'],
      properties: {
        grain: { type: 'string' }, groupBy: { type: 'string' }, from: { type: 'string', format: 'date' },
        to: { type: 'string', format: 'date' }, site: { type: ['string', 'null'] },
        page: { type: 'integer', minimum: 1 }, pageSize: { type: 'integer', minimum: 1 },
      },
    },
    totalLines: { ...count, description: 'lines of the whole report, every page' },
    orderCurrency: {
      type: ['string', 'null'],
      description: 'lines rank by commission in this currency (the one with the most commission), largest first, then billable clicks, period and group; null without commission',
    },
    lines: {
      type: 'array',
      description: "this page's lines, in rank order",
      items: {
        type: 'object',
        required: ['period', 'periodStart', 'key', 'label', ...figureRequired],
        properties: {
          period: { type: 'string', description: '2026-11-02 (day), 2026-W45 (ISO week), 2026-11 (month)' },
          periodStart: { type: 'string', format: 'date', description: "the period's first day inside the range" },
          key: { type: 'string', description: "site slug, deal id, category slug, city code or sub id; '' for none" },
          label: { type: 'string', description: 'site name or deal title; otherwise the key' },
          ...figureProperties,
        },
      },
    },
    totals: { type: 'object', required: figureRequired, properties: figureProperties, description: 'over every line, not just this page' },
    revenue: {
      type: 'array',
      items: {
        type: 'object', required: ['period', 'periodStart', 'money'],
        properties: {
          period: { type: 'string' }, periodStart: { type: 'string', format: 'date' },
          money: { type: 'array', items: { type: 'object', required: ['currency', 'commissionMinor'], properties: { currency: { type: 'string' }, commissionMinor: minor } } },
        },
      },
    },
    topSites: {
      type: 'array',
      items: {
        type: 'object', required: ['currency', 'sites'],
        properties: {
          currency: { type: 'string' },
          sites: {
            type: 'array',
            items: { type: 'object', required: ['key', 'label', 'commissionMinor'], properties: { key: { type: 'string' }, label: { type: 'string' }, commissionMinor: minor } },
          },
        },
      },
    },
  },
} as const;

export async function reportsApiRoutes(app: FastifyInstance): Promise<void> {
  app.addSchema(reportResponseSchema);
  app.get<{ Querystring: ReportQuerystring }>('/api/reports', {
    preHandler: requireOperator,
    schema: {
      summary: 'Operators: clicks, conversions, sales and commission per period and group (session of an operator)',
      description: 'Rollups per UTC day, ISO week or month, grouped by site, deal, category, city or sub id; money per currency, never converted.',
      tags: ['reports'],
      querystring: reportQuerystringSchema,
      response: { 200: { $ref: 'report#' }, '4xx': { $ref: 'error#' } },
    },
  }, async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    // RevenueError carries its status and code; the app's error handler answers it as coded JSON.
    return buildReport(app.storage, reportRequest(request.query, new Date()));
  });
}
