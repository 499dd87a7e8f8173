// Report bytes to text. Partner back offices export UTF-8 (Excel adds a BOM), GBK/GB18030 (older
// Chinese systems) or UTF-16 with a BOM ("Unicode text"). Unlike a feed (crawlers/decode.ts,
// which always produces some text), a report is money: bytes that are not valid in the chosen or
// detected encoding are refused rather than read as mojibake.
import { TextDecoder } from 'node:util';
import type { ReportMapping } from '../../storage';
import { ReportError } from './report-error';

export interface DecodedReport {
  text: string;
  charset: string;
}

const BOMS: ReadonlyArray<readonly [number[], string]> = [
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xff, 0xfe], 'utf-16le'],
  [[0xfe, 0xff], 'utf-16be'],
];

function strict(charset: string, bytes: Uint8Array): string | null {
  try {
    // GBK labels decode with GB18030, a superset that reads the same bytes.
    return new TextDecoder(charset, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}

export function decodeReport(bytes: Uint8Array, encoding: ReportMapping['encoding']): DecodedReport {
  const bom = BOMS.find(([mark]) => mark.every((byte, index) => bytes[index] === byte));
  const candidates = encoding === 'auto' ? (bom ? [bom[1]] : ['utf-8', 'gb18030']) : [encoding];
  for (const charset of candidates) {
    const text = strict(charset, bytes);
    // NUL never appears in a text report: a spreadsheet file (xlsx, xls) sent as CSV.
    if (text !== null && !text.includes('\u0000')) return { text, charset };
  }
  throw new ReportError('report', 'bad_encoding', { encoding: encoding === 'auto' ? 'UTF-8 / GB18030' : encoding });
}
