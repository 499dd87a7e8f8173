// CSV downloads of the money side (reports, reconciliation imports, a site's conversions): records
// streamed through csv-stringify, CRLF line ends and a byte order mark so spreadsheet programs
// read Chinese names as UTF-8.
//
// Text that came from outside (sub ids, deal titles, site names, order and click ids, a rule's
// refusal quoting them) is neutralised against CSV injection: a cell starting with = + - @ tab or
// CR is prefixed with ' so a spreadsheet shows it as text instead of running it as a formula
// (OWASP's advice). Our own numbers and codes are never touched.
import { stringify } from 'csv-stringify';
import { Readable, pipeline } from 'node:stream';

export const neutraliseCell = (text: string): string => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

/**
 * The CSV as a stream: the records are read only as fast as the stringifier drains, and a failure
 * half way destroys the stream (the response ends short) instead of hanging it.
 */
export function csvStream(records: Iterable<string[]> | AsyncIterable<string[]>): Readable {
  const csv = stringify({ bom: true, record_delimiter: 'windows' });
  pipeline(Readable.from(records), csv, () => { /* an error has destroyed `csv`, which ends the response */ });
  return csv;
}
