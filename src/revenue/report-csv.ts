// A report as CSV: one row per period × group × currency (a group without money has one row with
// an empty currency), amounts as exact decimals in major units, a totals row last. Every line, by
// period then group, streamed through csv-stringify one period at a time (a week of every deal is
// 100,000+ lines: never one string), starting with a byte order mark so spreadsheet programs read
// the Chinese names as UTF-8.
//
// Text that came from outside (sub ids, deal titles, site names) is neutralised against CSV
// injection: a cell starting with = + - @ tab or CR is prefixed with ' so a spreadsheet shows it
// as text instead of running it as a formula (OWASP's advice). Our own numbers are never touched.
import { stringify } from 'csv-stringify';
import { Readable, pipeline } from 'node:stream';
import { currencyExponent, formatMinor } from './money';
import type { ReportExport, ReportFigures } from './reports';

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

/**
 * The CSV as a stream: the records are read only as fast as the stringifier drains, and a failure
 * half way destroys the stream (the response ends short) instead of hanging it.
 */
export function reportCsvStream(report: ReportExport): Readable {
  const csv = stringify({ bom: true, record_delimiter: 'windows' });
  pipeline(Readable.from(records(report)), csv, () => { /* an error has destroyed `csv`, which ends the response */ });
  return csv;
}
