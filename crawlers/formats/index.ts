// The parse stage's entry point: decoded text (or raw bytes) and a format, detected or given,
// to deals. Pure: no I/O, so ingest, the CLI's `dealnav parse` and tests all call the same code.
import { decodeFeedBytes } from '../decode';
import { looksLikeHtml, stripLeadingNoise, xmlRootName } from '../detect';
import { CrawlError } from '../errors';
import { isKnownTimeZone } from '../normalize/time';
import type { FormatName, ParseContext, ParseResult } from '../types';
import type { FeedDocument } from './format';
import { feedFormats } from './registry';

export { feedFormats } from './registry';
export type { FeedDocument, FeedFormat } from './format';

export const formatNames = (): FormatName[] => feedFormats.map((format) => format.name);

export function parseFeedText(text: string, format: FormatName | 'auto', ctx: ParseContext): ParseResult {
  if (ctx.timeZone !== undefined && !isKnownTimeZone(ctx.timeZone)) {
    throw new CrawlError('parse_error', `unknown time zone "${ctx.timeZone}" in the feed settings`);
  }
  const document = readDocument(text);
  if (format !== 'auto') {
    const chosen = feedFormats.find((candidate) => candidate.name === format);
    if (!chosen) throw new CrawlError('parse_error', `unknown format "${format}"`);
    if (chosen.syntax !== document.syntax) {
      if (document.syntax === 'html') throw unknownFormat(document);
      throw new CrawlError('parse_error', `expected ${chosen.label} but the feed is ${document.syntax.toUpperCase()}`);
    }
    // A feed another format recognises and the chosen one does not (RSS chosen for a hao123
    // urlset) would parse as no items at all, and an empty snapshot ends every listed deal.
    // Pages are left alone: an owner's selectors for a page that also has JSON-LD are a choice.
    if (document.syntax !== 'html' && !chosen.detect(document, ctx)) {
      const other = findFormat(document, ctx);
      if (other) throw new CrawlError('parse_error', `the feed is set to ${chosen.label} but reads as ${other.label}`);
    }
    return chosen.parse(document, ctx);
  }
  const detected = findFormat(document, ctx);
  if (detected) return detected.parse(document, ctx);
  throw unknownFormat(document);
}

/** The format `auto` would choose for this text, or null when none fits (or it is no feed at all). */
export function detectFormat(text: string, ctx: ParseContext = {}): FormatName | null {
  try {
    return findFormat(readDocument(text), ctx)?.name ?? null;
  } catch {
    return null;
  }
}

const findFormat = (document: FeedDocument, ctx: ParseContext) =>
  feedFormats.find((candidate) => candidate.syntax === document.syntax && candidate.detect(document, ctx));

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

/** Classifies the text as JSON, XML or an HTML page; anything else is not a feed. */
function readDocument(text: string): FeedDocument {
  const body = stripLeadingNoise(text);
  if (body === '') throw new CrawlError('not_a_feed', 'the response is empty');
  if (looksLikeHtml(body)) return { syntax: 'html', text: body };
  if (body.startsWith('{') || body.startsWith('[')) return { syntax: 'json', text: body, json: parseJson(body) };
  const root = body.startsWith('<') ? xmlRootName(body) : null;
  if (root === null) throw new CrawlError('not_a_feed', 'the response is neither XML nor JSON');
  return { syntax: 'xml', text: body, root };
}

function unknownFormat(document: FeedDocument): CrawlError {
  switch (document.syntax) {
    case 'html': return new CrawlError('not_a_feed', 'the response is an HTML page, not a feed');
    case 'json': return new CrawlError('format_unknown', 'JSON in no known deal format');
    case 'xml': return new CrawlError('format_unknown', `XML with root element <${document.root}> is in no known deal format`);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CrawlError('parse_error', `broken JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
