// Atom 1.0 (RFC 4287, feed-formats.md C2) with Google Merchant `g:` fields (C5): `feed/entry`.
// Atom has no price of its own, so an entry without `g:price`/`g:sale_price` is skipped.
import { collectDeals, type DealDraft } from '../normalize/deal';
import type { ParseContext, ParseResult } from '../types';
import { feedLocale, parseStartTime, type FeedLocale } from './feed-locale';
import type { FeedFormat } from './format';
import { GOOGLE_MERCHANT_NAMESPACE, merchantDealDraft, readItemFields, type ItemFields } from './merchant-fields';
import { childrenNamed, loadXml, type Element } from './xml';

export const ATOM_NAMESPACE = 'http://www.w3.org/2005/Atom';

export function parseAtomDocument(text: string, ctx: ParseContext): ParseResult {
  const { elements, textOf } = loadXml(text);
  const feed = elements[0] ?? null;
  const entries = feed ? childrenNamed(feed, 'entry') : [];
  const locale = feedLocale(feed?.attribs['xml:lang'], ctx);
  const siteUrl = feed ? alternateLink(readItemFields(feed, textOf, ATOM_NAMESPACE)) : null;
  return collectDeals('atom', entries, (entry) => readEntry(entry, textOf, siteUrl, locale), ctx);
}

function readEntry(entry: Element, textOf: (element: Element) => string | null, siteUrl: string | null, locale: FeedLocale): DealDraft {
  const fields = readItemFields(entry, textOf, ATOM_NAMESPACE);
  return merchantDealDraft(
    fields,
    {
      id: fields.own('id'),
      title: fields.own('title') ?? fields.own('summary'),
      url: alternateLink(fields),
      imageUrl: imageLink(fields),
      published: parseStartTime(fields.own('published'), locale),
      // Atom categories carry their name in `term`, not in text.
      categories: fields.ownElements('category').map((category) => category.attribs.term ?? null).filter((term) => term !== null),
      siteUrl,
    },
    locale,
  );
}

/** `link rel="alternate"` (a link without `rel` is one), else the first link with an href. */
function alternateLink(fields: ItemFields): string | null {
  const links = fields.ownElements('link').filter((link) => link.attribs.href?.trim());
  const alternate = links.find((link) => (link.attribs.rel?.trim().toLowerCase() ?? 'alternate') === 'alternate');
  return (alternate ?? links[0])?.attribs.href?.trim() ?? null;
}

/** An image `link rel="enclosure"`, for entries without `g:image_link`. */
function imageLink(fields: ItemFields): string | null {
  const image = fields.ownElements('link').find((link) =>
    link.attribs.rel?.trim().toLowerCase() === 'enclosure' && (link.attribs.type ?? '').trim().toLowerCase().startsWith('image/'));
  return image?.attribs.href?.trim() || null;
}

/** A `feed` root that is Atom: it declares the Atom or Merchant namespace, or has entries. */
function looksLikeAtom(text: string): boolean {
  return text.includes(ATOM_NAMESPACE) || text.includes(GOOGLE_MERCHANT_NAMESPACE) || /<(?:\w+:)?entry[\s>/]/i.test(text);
}

export const atomFormat: FeedFormat = {
  name: 'atom',
  label: 'Atom 1.0 (with Google Merchant g: prices)',
  syntax: 'xml',
  detect: (document) => document.syntax === 'xml' && document.root === 'feed' && looksLikeAtom(document.text),
  parse: (document, ctx) => parseAtomDocument(document.text, ctx),
};
