// A report as CSV: one row per period × group × currency (a group without money has one row with
// an empty currency), amounts as exact decimals in major units, a totals row last.
//
// Text that came from outside (sub ids, deal titles, site names) is neutralised against CSV
// injection: a cell starting with = + - @ tab or CR is prefixed with ' so a spreadsheet shows it
// as text instead of running it as a formula (OWASP's advice). Our own numbers are never touched.
import { stringify } from 'csv-stringify/sync';
import { currencyExponent, formatMinor } from './money';
import type { Report, ReportFigures } from './reports';

const COLUMNS = ['period', 'period_start', 'group', 'key', 'label', 'billable_clicks', 'bot_clicks', 'duplicate_clicks',
  'filtered_clicks', 'conversions', 'conversion_rate', 'currency', 'sales', 'commission_pending', 'commission_approved',
  'commission_reversed', 'commission', 'epc'];

export const neutraliseCell = (text: string): string => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

function figureRows(figures: ReportFigures, lead: string[]): string[][] {
  const clicks = [
    String(figures.billableClicks), String(figures.filteredClicks.bot), String(figures.filteredClicks.duplicate),
    String(figures.filteredClicks.total), String(figures.conversions),
    figures.conversionRate === null ? '' : figures.conversionRate.toFixed(6),
  ];
  if (figures.money.length === 0) return [[...lead, ...clicks, '', '', '', '', '', '', '']];
  return figures.money.map((m) => [
    ...lead, ...clicks, m.currency,
    ...[m.salesMinor, m.commissionPendingMinor, m.commissionApprovedMinor, m.commissionReversedMinor, m.commissionMinor]
      .map((minor) => formatMinor(minor, m.currency)),
    m.epcMinor === null ? '' : (m.epcMinor / 10 ** currencyExponent(m.currency)).toFixed(6),
  ]);
}

export function reportCsv(report: Report): string {
  const { grain, groupBy } = report.request;
  const rows = report.lines.flatMap((line) =>
    figureRows(line, [line.period, line.periodStart, groupBy, neutraliseCell(line.key), neutraliseCell(line.label)]));
  rows.push(...figureRows(report.totals, [`total (${grain})`, report.request.from, groupBy, '', '']));
  return stringify([COLUMNS, ...rows], { record_delimiter: 'windows' });
}
