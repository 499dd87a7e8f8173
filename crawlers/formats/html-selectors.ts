// Plain HTML deal pages without structured data, read through the CSS selectors the site owner
// registered (ParseContext.selectors): `item` finds each deal, the other selectors are relative
// to it. Only used when selectors are set, and after jsonld in the registry, so a page that
// has JSON-LD is read from that.
import { load, type Cheerio, type CheerioAPI } from 'cheerio';
// cheerio's node type (type-only, erased at runtime).
import type { Element } from 'domhandler';
import { CrawlError } from '../errors';
import { collectDeals, type DealDraft } from '../normalize/deal';
import { parseMoney } from '../normalize/money';
import type { HtmlSelectors, ParseContext, ParseResult } from '../types';
import { feedLocale, parseEndTime, type FeedLocale } from './feed-locale';
import type { FeedFormat } from './format';

const REQUIRED_SELECTORS = ['item', 'title', 'price', 'url'] as const;
const OPTIONAL_SELECTORS = ['value', 'image', 'endsAt', 'city'] as const;

/** A price somewhere in text like "Now only $30.00!" or "团购价：¥68": amount with its marks. */
const MONEY_IN_TEXT = /(?:US\$|[A-Z]{3}\s*|[¥￥$€£]\s*)?\d[\d,]*(?:\.\d+)?(?:\s*(?:元|[A-Z]{3}\b))?/;

export function parseHtmlWithSelectors(html: string, ctx: ParseContext): ParseResult {
  const selectors = ctx.selectors;
  if (!selectors) throw new CrawlError('parse_error', 'a plain HTML page can only be read with the CSS selectors registered for the site');
  const $ = load(html);
  checkSelectors($, selectors);
  const locale = feedLocale($('html').attr('lang'), ctx);
  const items = $.root().find(selectors.item).toArray();
  return collectDeals('html', items, (item) => readItem($(item), selectors, locale), ctx);
}

function readItem(item: Cheerio<Element>, selectors: HtmlSelectors, locale: FeedLocale): DealDraft {
  const find = (selector: string | undefined) => (selector ? item.find(selector).first() : null);
  const textOf = (selector: string | undefined) => find(selector)?.text().trim() || null;
  const endsAt = find(selectors.endsAt);
  return {
    externalId: null,
    url: linkIn(find(selectors.url), 'a', ['href']),
    title: textOf(selectors.title),
    imageUrl: linkIn(find(selectors.image), 'img', ['src', 'data-src', 'data-original']),
    siteUrl: null,
    city: textOf(selectors.city),
    district: null,
    category: null,
    price: moneyText(textOf(selectors.price)),
    value: moneyText(textOf(selectors.value)),
    currency: locale.currency,
    sold: null,
    soldOut: false,
    startsAt: null,
    // A <time datetime="…"> says it exactly; otherwise the text is read.
    endsAt: endsAt ? parseEndTime(endsAt.attr('datetime') ?? (endsAt.text().trim() || null), locale) : null,
    merchant: null,
    branches: [],
  };
}

/**
 * The link or image address of the matched element, or of its first `a`/`img` when the
 * selector hit a container. The first attribute that is not an inline `data:` placeholder
 * (lazy-loading pages put the real image in `data-src`) is used.
 */
function linkIn(matched: Cheerio<Element> | null, tag: 'a' | 'img', attributes: readonly string[]): string | null {
  if (!matched || matched.length === 0) return null;
  const element = attributes.some((attribute) => matched.attr(attribute) !== undefined) ? matched : matched.find(tag).first();
  for (const attribute of attributes) {
    const value = element.attr(attribute)?.trim();
    if (value && !/^data:/i.test(value)) return value;
  }
  // Only placeholders: hand one on, so finishDeal refuses it (deal URL) or drops it (image).
  return attributes.map((attribute) => element.attr(attribute)?.trim()).find(Boolean) ?? null;
}

/** The price text itself when parseMoney reads it, else the first amount in it, else the text (to be refused with it). */
function moneyText(text: string | null): string | null {
  if (text === null || parseMoney(text) !== null) return text;
  return MONEY_IN_TEXT.exec(text)?.[0] ?? text;
}

/** Every selector is tried once up front, so a typo is reported even on a page with no items. */
function checkSelectors($: CheerioAPI, selectors: HtmlSelectors): void {
  for (const field of [...REQUIRED_SELECTORS, ...OPTIONAL_SELECTORS]) {
    const selector = selectors[field];
    if (selector === undefined && !(REQUIRED_SELECTORS as readonly string[]).includes(field)) continue;
    if (typeof selector !== 'string' || selector.trim() === '') {
      throw new CrawlError('parse_error', `the CSS selector for "${field}" is empty`);
    }
    try {
      $.root().find(selector);
    } catch (error) {
      const detail = error instanceof Error ? `: ${error.message}` : '';
      throw new CrawlError('parse_error', `the CSS selector for "${field}" ("${selector}") is not valid${detail}`);
    }
  }
}

export const htmlSelectorsFormat: FeedFormat = {
  name: 'html',
  label: 'Plain HTML page read with CSS selectors',
  syntax: 'html',
  detect: (document, ctx) => document.syntax === 'html' && ctx.selectors !== undefined,
  parse: (document, ctx) => parseHtmlWithSelectors(document.text, ctx),
};
