// Feed bytes to text. Chinese emitters often declare one charset and send another (ECShop says
// utf-8 in the prolog over GBK bytes; ZuituGo says gbk over UTF-8), so a byte sequence that is
// valid UTF-8 is read as UTF-8 whatever the labels claim, as Miniflux does. Labels decide only
// for bytes that are not UTF-8, and GB18030 (a superset of GB2312 and GBK) is the last resort.
import { TextDecoder } from 'node:util';

export interface DecodedFeed {
  text: string;
  /** The WHATWG name of the decoder used: `utf-8`, `gb18030`, `big5`, `utf-16le` … */
  charset: string;
}

const BYTE_ORDER_MARKS: ReadonlyArray<readonly [number[], string]> = [
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xff, 0xfe], 'utf-16le'],
  [[0xfe, 0xff], 'utf-16be'],
];

/** Where a document may name its charset: the XML prolog or an HTML meta tag. */
const DECLARED_CHARSET = [
  /<\?xml[^>]*\bencoding\s*=\s*["']?\s*([\w.:-]+)/i,
  /<meta[^>]*\bcharset\s*=\s*["']?\s*([\w.:-]+)/i,
];

const FALLBACK_CHARSET = 'gb18030';

export function decodeFeedBytes(bytes: Uint8Array, contentType?: string | null): DecodedFeed {
  for (const [mark, charset] of BYTE_ORDER_MARKS) {
    if (mark.every((byte, index) => bytes[index] === byte)) {
      return { text: new TextDecoder(charset).decode(bytes.subarray(mark.length)), charset };
    }
  }

  const utf8 = decodeStrictUtf8(bytes);
  if (utf8 !== null) return { text: utf8, charset: 'utf-8' };

  const labels = [charsetFromContentType(contentType), declaredCharset(bytes)];
  for (const label of labels) {
    const decoder = label ? decoderFor(label) : null;
    // A utf-8 label is already disproved by the strict check above.
    if (decoder && decoder.encoding !== 'utf-8') {
      return { text: decoder.decode(bytes), charset: decoder.encoding };
    }
  }
  return { text: new TextDecoder(FALLBACK_CHARSET).decode(bytes), charset: FALLBACK_CHARSET };
}

/** The `charset` parameter of a Content-Type header, unquoted; null when absent. */
export function charsetFromContentType(contentType: string | null | undefined): string | null {
  const match = /;\s*charset\s*=\s*["']?([^"';,\s]+)/i.exec(contentType ?? '');
  return match?.[1] ?? null;
}

function declaredCharset(bytes: Uint8Array): string | null {
  // Declarations are ASCII, so latin1 reads them from any ASCII-compatible encoding.
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  for (const pattern of DECLARED_CHARSET) {
    const label = pattern.exec(head)?.[1];
    if (label) return label;
  }
  return null;
}

/** Null for labels Node does not know (a typo'd header must not fail the feed). */
function decoderFor(label: string): TextDecoder | null {
  try {
    const decoder = new TextDecoder(label.trim());
    // gb2312 and gbk labels map to the GBK decoder; GB18030 decodes the same bytes and more.
    return decoder.encoding === 'gbk' ? new TextDecoder(FALLBACK_CHARSET) : decoder;
  } catch {
    return null;
  }
}

function decodeStrictUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}
