// Geometry for the reports page's two charts, drawn as inline SVG by the template (no script, no
// style attributes: colours come from classes in public/reports.css). One chart per currency:
// amounts in different currencies are never put on one axis.
import type { Report } from '../../revenue/reports';
import type { Translator } from '../i18n';

export const CHART_WIDTH = 640;
const REVENUE_HEIGHT = 220;
/** Plot margins in SVG units; the left one holds the amount ticks (15px text, see reports.css). */
export const PLOT = { left: 124, right: 10, top: 14, bottom: 32 };

export interface ChartBar {
  x: number;
  y: number;
  width: number;
  height: number;
  negative: boolean;
  /** Read by screen readers and shown on hover (an SVG <title>). */
  title: string;
}

export interface RevenueChart {
  currency: string;
  height: number;
  zeroY: number;
  bars: ChartBar[];
  /** Tick labels on the left: the largest amount, zero and (when there are any) the lowest. */
  ticks: { y: number; text: string }[];
  /** Period labels under some bars (every one when they fit). */
  labels: { x: number; text: string }[];
  summary: string;
}

export interface TopSitesChart {
  currency: string;
  height: number;
  rows: { y: number; labelY: number; label: string; bar: ChartBar; amountX: number; amount: string }[];
  summary: string;
}

export function revenueCharts(report: Report, tr: Translator): RevenueChart[] {
  const currencies = [...new Set(report.revenue.flatMap((period) => period.money.map((m) => m.currency)))].sort();
  return currencies.map((currency) => {
    const points = report.revenue.map((period) => ({
      period: period.period,
      minor: period.money.find((m) => m.currency === currency)?.commissionMinor ?? 0,
    }));
    const max = Math.max(0, ...points.map((p) => p.minor));
    const min = Math.min(0, ...points.map((p) => p.minor));
    const plotHeight = REVENUE_HEIGHT - PLOT.top - PLOT.bottom;
    const scale = max === min ? 0 : plotHeight / (max - min);
    const zeroY = PLOT.top + max * scale;
    const step = (CHART_WIDTH - PLOT.left - PLOT.right) / Math.max(1, points.length);
    const everyNth = Math.max(1, Math.ceil(points.length / 6));
    const bars = points.map((point, index) => {
      const height = Math.abs(point.minor) * scale;
      return {
        x: round(PLOT.left + index * step + step * 0.1),
        y: round(point.minor >= 0 ? zeroY - height : zeroY),
        width: round(step * 0.8),
        height: round(Math.max(height, point.minor === 0 ? 0 : 1)),
        negative: point.minor < 0,
        title: `${point.period}: ${tr.money(point.minor, currency)}`,
      };
    });
    const ticks = [{ y: PLOT.top, text: tr.money(max, currency) }, { y: zeroY, text: tr.money(0, currency) }];
    if (min < 0) ticks.push({ y: REVENUE_HEIGHT - PLOT.bottom, text: tr.money(min, currency) });
    const total = points.reduce((sum, p) => sum + p.minor, 0);
    return {
      currency,
      height: REVENUE_HEIGHT,
      zeroY: round(zeroY),
      bars,
      ticks: ticks.map((tick) => ({ y: round(tick.y), text: tick.text })),
      labels: points.flatMap((point, index) => (index % everyNth === 0 ? [{ x: round(PLOT.left + (index + 0.5) * step), text: point.period }] : [])),
      summary: tr.t('reports.chart.revenueSummary', { currency, periods: points.length, total: tr.money(total, currency) }),
    };
  });
}

const ROW = 30;
const LABEL_WIDTH = 170;
const AMOUNT_WIDTH = 120;

export function topSitesCharts(report: Report, tr: Translator): TopSitesChart[] {
  return report.topSites.map(({ currency, sites }) => {
    const max = Math.max(1, ...sites.map((site) => Math.abs(site.commissionMinor)));
    const plotWidth = CHART_WIDTH - LABEL_WIDTH - AMOUNT_WIDTH;
    return {
      currency,
      height: Math.max(1, sites.length) * ROW + 4,
      rows: sites.map((site, index) => {
        const width = (Math.abs(site.commissionMinor) / max) * plotWidth;
        const amount = tr.money(site.commissionMinor, currency);
        return {
          y: index * ROW + 4,
          labelY: index * ROW + 4 + ROW / 2 + 5,
          label: site.label.length > 12 ? `${site.label.slice(0, 11)}…` : site.label,
          bar: {
            x: LABEL_WIDTH, y: index * ROW + 7, width: round(Math.max(width, site.commissionMinor === 0 ? 0 : 1)), height: ROW - 8,
            negative: site.commissionMinor < 0, title: `${site.label}: ${amount}`,
          },
          amountX: round(LABEL_WIDTH + width + 6),
          amount,
        };
      }),
      summary: tr.t('reports.chart.topSitesSummary', { currency, count: sites.length }),
    };
  });
}

const round = (value: number): number => Math.round(value * 10) / 10;
