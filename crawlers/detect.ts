// Facts about a document that format detection judges by: its root element, whether it is an
// HTML page, the shape of a JSON answer. Site owners register URLs like `/api/baidu.php` whose
// name says nothing reliable, and servers send text/html for XML, so only content counts.
import type { FormatName } from './types';

/** Elements that only an HTML page (or a PHP error printed before the feed) starts with. */
const HTML_ROOTS = new Set(['html', 'head', 'body', 'br', 'b', 'div', 'p', 'title', 'meta', 'script', 'table', 'h1', 'pre']);

/** Whitespace and byte-order marks an emitter may print before the document. */
const LEADING_NOISE = /^[\s\uFEFF\u200B]+/;

/** The text from its first character of markup or JSON on. */
export function stripLeadingNoise(text: string): string {
  return text.replace(LEADING_NOISE, '');
}

/** The format of an already-parsed JSON document: Groupon v2 is `{deals: [{options: […]}]}`. */
export function detectJsonFormat(document: unknown): FormatName | null {
  if (!isRecord(document) || !Array.isArray(document.deals)) return null;
  const deals: unknown[] = document.deals;
  // An empty deal list is still a Groupon answer (a quiet day), not an unknown format.
  if (deals.length === 0 || deals.some((deal) => isRecord(deal) && Array.isArray(deal.options))) return 'groupon';
  return null;
}

/**
 * The root element's local name, lower-cased, after any prolog, comments, processing
 * instructions and DOCTYPE; null when the text does not start with markup.
 */
export function xmlRootName(text: string): string | null {
  let rest = text.replace(LEADING_NOISE, '');
  for (;;) {
    const skipped = skipMarkupPreamble(rest);
    if (skipped === rest) break;
    rest = skipped.replace(LEADING_NOISE, '');
  }
  const match = /^<([A-Za-z_][\w.-]*(?::[\w.-]+)?)/.exec(rest);
  if (!match?.[1]) return null;
  return match[1].slice(match[1].indexOf(':') + 1).toLowerCase();
}

/** An HTML page (an error page, a login wall, a parked domain) rather than a feed. */
export function looksLikeHtml(text: string): boolean {
  const start = text.replace(LEADING_NOISE, '');
  if (/^<!doctype\s+html/i.test(start)) return true;
  const root = xmlRootName(start);
  return root !== null && HTML_ROOTS.has(root);
}

function skipMarkupPreamble(text: string): string {
  if (text.startsWith('<?')) return afterMarker(text, '?>');
  if (text.startsWith('<!--')) return afterMarker(text, '-->');
  if (/^<!doctype/i.test(text)) {
    const close = text.indexOf('>');
    const subsetOpen = text.indexOf('[');
    // An internal subset ("[ … ]>") may hold '>' characters of its own.
    if (subsetOpen !== -1 && subsetOpen < close) return afterMarker(text, ']>');
    return close === -1 ? '' : text.slice(close + 1);
  }
  return text;
}

function afterMarker(text: string, marker: string): string {
  const end = text.indexOf(marker);
  return end === -1 ? '' : text.slice(end + marker.length);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
