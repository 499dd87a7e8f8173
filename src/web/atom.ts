// Atom 1.0 (RFC 4287) written by hand: a handful of elements, every text XML-escaped, and
// characters XML 1.0 forbids (control characters a hostile feed may carry) dropped.

// Everything outside XML 1.0's Char production, lone surrogates included.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(value: string): string {
  return value
    .replace(NOT_XML_CHAR, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export interface AtomEntry {
  id: string;
  title: string;
  link: string;
  updated: Date;
  published: Date | null;
  summary: string;
  category: string | null;
  author: string;
  image: string | null;
}

export interface AtomFeed {
  id: string;
  title: string;
  selfLink: string;
  alternateLink: string;
  updated: Date;
  author: string;
  locale: string;
  entries: AtomEntry[];
}

const element = (name: string, text: string) => `<${name}>${xmlText(text)}</${name}>`;

function entryXml(entry: AtomEntry): string {
  return [
    '<entry>',
    element('id', entry.id),
    element('title', entry.title),
    `<link rel="alternate" type="text/html" href="${xmlText(entry.link)}"/>`,
    ...(entry.image ? [`<link rel="enclosure" href="${xmlText(entry.image)}"/>`] : []),
    element('updated', entry.updated.toISOString()),
    ...(entry.published ? [element('published', entry.published.toISOString())] : []),
    `<author>${element('name', entry.author)}</author>`,
    ...(entry.category ? [`<category term="${xmlText(entry.category)}"/>`] : []),
    `<summary type="text">${xmlText(entry.summary)}</summary>`,
    '</entry>',
  ].join('');
}

export function atomXml(feed: AtomFeed): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>\n',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xmlText(feed.locale)}">`,
    element('id', feed.id),
    element('title', feed.title),
    `<link rel="self" type="application/atom+xml" href="${xmlText(feed.selfLink)}"/>`,
    `<link rel="alternate" type="text/html" href="${xmlText(feed.alternateLink)}"/>`,
    element('updated', feed.updated.toISOString()),
    `<author>${element('name', feed.author)}</author>`,
    ...feed.entries.map(entryXml),
    '</feed>\n',
  ].join('');
}
