// The parse stage's entry point: decoded text (or raw bytes) and a format, detected or given,
// to deals. Pure: no I/O, so ingest, the CLI's `dealnav parse` and tests all call the same code.
import { decodeFeedBytes } from '../decode';
import { detectJsonFormat, looksLikeHtml, stripLeadingNoise, xmlRootName } from '../detect';
import { CrawlError } from '../errors';
import { isKnownTimeZone } from '../normalize/time';
import type { FormatName, ParseContext, ParseResult } from '../types';
import { parseGrouponDocument } from './groupon';
import { parseUrlsetText } from './urlset';

export interface FeedFormat {
  name: FormatName;
  /** What site owners would call it, for messages and the registration form. */
  label: string;
  /** Whether the feed is JSON (parsed once, before detection) rather than XML text. */
  syntax: 'json' | 'xml';
}

export const feedFormats: readonly FeedFormat[] = [
  { name: 'hao123', label: 'hao123 / Baidu urlset (incl. 团800, tuanp variants)', syntax: 'xml' },
  { name: 'groupon', label: 'Groupon API v2 / partner deal JSON', syntax: 'json' },
];

export function parseFeedText(text: string, format: FormatName | 'auto', ctx: ParseContext): ParseResult {
  if (ctx.timeZone !== undefined && !isKnownTimeZone(ctx.timeZone)) {
    throw new CrawlError('parse_error', `unknown time zone "${ctx.timeZone}" in the feed settings`);
  }
  const body = stripLeadingNoise(text);
  if (body === '') throw new CrawlError('not_a_feed', 'the response is empty');
  if (looksLikeHtml(body)) throw new CrawlError('not_a_feed', 'the response is an HTML page, not a feed');

  const syntax = body.startsWith('{') || body.startsWith('[') ? 'json' : body.startsWith('<') ? 'xml' : null;
  if (syntax === null) throw new CrawlError('not_a_feed', 'the response is neither XML nor JSON');

  if (syntax === 'json') {
    const document = parseJson(body);
    const name = format === 'auto' ? detectJsonFormat(document) : format;
    if (name === 'groupon') return parseGrouponDocument(document, ctx);
    if (name === null) throw new CrawlError('format_unknown', 'JSON in no known deal format (expected a "deals" list with "options")');
    throw new CrawlError('parse_error', `expected ${describe(name)} but the feed is JSON`);
  }

  const root = xmlRootName(body);
  const name = format === 'auto' ? (root === 'urlset' ? 'hao123' : null) : format;
  if (name === 'hao123') return parseUrlsetText(body, ctx);
  if (name === null) throw new CrawlError('format_unknown', `XML with root element <${root ?? '?'}> is in no known deal format`);
  throw new CrawlError('parse_error', `expected ${describe(name)} but the feed is XML`);
}

/** Decode (see decode.ts for the charset rules) and parse. */
export function parseFeedBytes(
  bytes: Uint8Array,
  contentType: string | null | undefined,
  format: FormatName | 'auto',
  ctx: ParseContext,
): ParseResult {
  if (bytes.length === 0) throw new CrawlError('not_a_feed', 'the response is empty');
  return parseFeedText(decodeFeedBytes(bytes, contentType).text, format, ctx);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CrawlError('parse_error', `broken JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function describe(name: FormatName): string {
  return feedFormats.find((format) => format.name === name)?.label ?? name;
}
