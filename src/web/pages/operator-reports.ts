// GET /operator/reports: the operators' report page (form, charts, one page of the table with
// totals over every line, previous/next links) and GET /operator/reports.csv: every line as CSV,
// streamed, with the same parameters.
import type { FastifyInstance } from 'fastify';
import { requireOperator } from '../../accounts/guards';
import { reportCsvStream } from '../../revenue/report-csv';
import { reportQuerystringSchema, reportRequest, type ReportQuerystring } from '../../revenue/report-query';
import { DEFAULT_PAGE_SIZE, REPORT_GRAINS, REPORT_GROUPS, buildReport, exportReport, type Report, type ReportFigures, type ReportRequest } from '../../revenue/reports';
import { categoryLabel } from '../category-label';
import { cityLabel } from '../city-label';
import { minorDigits, type MessageKey, type Translator } from '../i18n';
import { pageContext } from '../page-context';
import { CHART_WIDTH, PLOT, revenueCharts, topSitesCharts } from './operator-reports-charts';

const GRAIN_KEYS: Record<ReportRequest['grain'], MessageKey> = {
  day: 'reports.grain.day', week: 'reports.grain.week', month: 'reports.grain.month',
};
const GROUP_KEYS: Record<ReportRequest['groupBy'], MessageKey> = {
  site: 'reports.group.site', deal: 'reports.group.deal', category: 'reports.group.category', city: 'reports.group.city', sub: 'reports.group.sub',
};

/** Commission per click has fractions of the minor unit: two more digits than the currency has. */
function epcText(tr: Translator, epcMinor: number | null, currency: string): string {
  if (epcMinor === null) return '—';
  const digits = minorDigits(currency);
  return new Intl.NumberFormat(tr.locale, { style: 'currency', currency, maximumFractionDigits: digits + 2, minimumFractionDigits: digits })
    .format(epcMinor / 10 ** digits);
}

function figuresView(figures: ReportFigures, tr: Translator) {
  const rate = new Intl.NumberFormat(tr.locale, { style: 'percent', maximumFractionDigits: 2 });
  return {
    billable: tr.number(figures.billableClicks),
    filtered: tr.number(figures.filteredClicks.total),
    filteredWhy: tr.t('reports.filteredWhy', { bots: tr.number(figures.filteredClicks.bot), duplicates: tr.number(figures.filteredClicks.duplicate) }),
    conversions: tr.number(figures.conversions),
    conversionRate: figures.conversionRate === null ? '—' : rate.format(figures.conversionRate),
    money: figures.money.map((m) => ({
      currency: m.currency,
      sales: tr.money(m.salesMinor, m.currency),
      commission: tr.money(m.commissionMinor, m.currency),
      commissionWhy: tr.t('reports.commissionWhy', {
        pending: tr.money(m.commissionPendingMinor, m.currency),
        approved: tr.money(m.commissionApprovedMinor, m.currency),
        reversed: tr.money(m.commissionReversedMinor, m.currency),
      }),
      epc: epcText(tr, m.epcMinor, m.currency),
    })),
  };
}

function groupLabel(report: Report, key: string, label: string, tr: Translator): string {
  const { groupBy } = report.request;
  if (groupBy === 'deal' && key === '0') return tr.t('reports.noDeal');
  if (key === '') return tr.t('reports.none');
  if (groupBy === 'category') return categoryLabel(key, tr.locale);
  if (groupBy === 'city') return cityLabel(key, tr.locale);
  if (groupBy === 'deal') return label || `#${key}`;
  return label;
}

/** The report's filters as a query string; with a page, that page (and the page size if not the default). */
const queryString = (request: ReportRequest, page?: number): string => new URLSearchParams({
  grain: request.grain, groupBy: request.groupBy, from: request.from, to: request.to, ...(request.site ? { site: request.site } : {}),
  ...(page === undefined ? {} : { page: String(page) }),
  ...(page === undefined || request.pageSize === DEFAULT_PAGE_SIZE ? {} : { pageSize: String(request.pageSize) }),
}).toString();

function pagerView(report: Report, tr: Translator) {
  const { page, pageSize } = report.request;
  const pages = Math.max(1, Math.ceil(report.totalLines / pageSize));
  const first = (page - 1) * pageSize + 1;
  const href = (target: number) => `/operator/reports?${queryString(report.request, target)}`;
  return {
    info: report.lines.length === 0
      ? tr.t('reports.pastLastPage')
      : tr.t('reports.pageInfo', {
        first: tr.number(first), last: tr.number(first + report.lines.length - 1), total: tr.number(report.totalLines),
        page: tr.number(page), pages: tr.number(pages),
      }),
    order: report.orderCurrency === null ? tr.t('reports.orderClicks') : tr.t('reports.orderCommission', { currency: report.orderCurrency }),
    previousHref: page > 1 ? href(Math.min(page - 1, pages)) : null,
    nextHref: page < pages ? href(page + 1) : null,
  };
}

export async function operatorReportsPageRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: ReportQuerystring }>('/operator/reports', {
    preHandler: requireOperator,
    schema: { querystring: reportQuerystringSchema },
  }, async (request, reply) => {
    const tr = request.translator;
    const report = await buildReport(app.storage, reportRequest(request.query, new Date()));
    const sites = await app.storage.sites.list();
    const query = queryString(report.request);
    reply.header('Cache-Control', 'no-store');
    return reply.view('operator-reports.njk', {
      ...pageContext(request),
      request: report.request,
      grains: REPORT_GRAINS.map((value) => ({ value, label: tr.t(GRAIN_KEYS[value]) })),
      groups: REPORT_GROUPS.map((value) => ({ value, label: tr.t(GROUP_KEYS[value]) })),
      groupHeading: tr.t(GROUP_KEYS[report.request.groupBy]),
      sites: sites.map((site) => ({ slug: site.slug, name: site.name })).sort((a, b) => a.name.localeCompare(b.name)),
      csvHref: `/operator/reports.csv?${query}`,
      jsonHref: `/api/reports?${query}`,
      lines: report.lines.map((line) => ({
        period: line.period, group: groupLabel(report, line.key, line.label, tr), key: line.key, ...figuresView(line, tr),
      })),
      lineCount: report.totalLines,
      pager: pagerView(report, tr),
      totals: figuresView(report.totals, tr),
      chartWidth: CHART_WIDTH,
      plotLeft: PLOT.left,
      revenueCharts: revenueCharts(report, tr),
      topSitesCharts: topSitesCharts(report, tr),
    });
  });

  app.get<{ Querystring: ReportQuerystring }>('/operator/reports.csv', {
    preHandler: requireOperator,
    schema: { querystring: reportQuerystringSchema },
  }, async (request, reply) => {
    const report = await exportReport(app.storage, reportRequest(request.query, new Date()));
    const { grain, groupBy, from, to, site } = report.request;
    const name = `dealnav-report-${grain}-${groupBy}-${from}-${to}${site ? `-${site.replace(/[^A-Za-z0-9_-]/g, '')}` : ''}.csv`;
    return reply
      .header('Cache-Control', 'no-store')
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${name}"`)
      .send(reportCsvStream(report));
  });
}
