// A report as CSV: one row per period × group × currency (a group without money has one row with
// an empty currency), amounts as exact decimals in major units, a totals row last. Every line, by
// period then group, streamed one period at a time (a week of every deal is 100,000+ lines: never
// one string). Text from outside (sub ids, deal titles, site names) is neutralised (csv-export.ts).
import type { Readable } from 'node:stream';
import { csvStream, neutraliseCell } from './csv-export';
import { currencyExponent, formatMinor } from './money';
import type { ReportExport, ReportFigures } from './reports';

export { neutraliseCell };

const COLUMNS = ['period', 'period_start', 'group', 'key', 'label', 'billable_clicks', 'bot_clicks', 'duplicate_clicks',
  'filtered_clicks', 'conversions', 'conversion_rate', 'currency', 'sales', 'commission_pending', 'commission_approved',
  'commission_reversed', 'commission', 'epc'];

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

async function* records(report: ReportExport): AsyncGenerator<string[]> {
  const { grain, groupBy } = report.request;
  yield COLUMNS;
  for await (const lines of report.lines) {
    for (const line of lines) {
      yield* figureRows(line, [line.period, line.periodStart, groupBy, neutraliseCell(line.key), neutraliseCell(line.label)]);
    }
  }
  yield* figureRows(report.totals, [`total (${grain})`, report.request.from, groupBy, '', '']);
}

/** The report's CSV as a stream (see csvStream). */
export const reportCsvStream = (report: ReportExport): Readable => csvStream(records(report));
