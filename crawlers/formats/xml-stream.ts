// Streaming item reader for the XML formats (feed-formats.md D4): htmlparser2's callback Parser
// in xml mode — the same tokenizer and options cheerio's `load(text, { xml: true })` uses, so
// whitespace before the prolog, a raw `&`, CDATA and unclosed tags read exactly as they do
// through xml.ts — but only one item's element tree exists at a time. Each item is built with
// its own DomHandler, handed to the caller, and dropped; everything outside the items is never
// built at all. Items are found by key (see keyOf in xml.ts: local name, lower case, no `_`/`-`).
import { DomHandler, DomUtils, Parser, type Handler } from 'htmlparser2';
import type { Element } from 'domhandler';

export interface XmlItemStreamOptions {
  /**
   * Keys from the document's root element down to the item element: `['urlset', 'url']`,
   * `['rss', 'channel', 'item']`. At every level above the item the first matching element is
   * followed (as `childNamed` does); every matching child of that element is an item.
   */
  path: readonly string[];
  /** Called with each item's element tree, in document order; `position` counts from 1. */
  onItem: (item: Element, position: number) => void;
  /** Items after this many are only counted: their elements are neither built nor handed over. */
  maxItems?: number;
}

export interface XmlItemStreamResult {
  /** Every item element found, including those over `maxItems`. */
  items: number;
  /** Items handed to `onItem`. */
  read: number;
}

// What cheerio's xml mode passes to htmlparser2 (Parser and DomHandler alike).
const PARSER_OPTIONS = { xmlMode: true } as const;

/** Reads `text` item by item; see XmlItemStreamOptions. Synchronous: returns after the last item. */
export function streamXmlItems(text: string, options: XmlItemStreamOptions): XmlItemStreamResult {
  const reader = new XmlItemReader(options);
  // Leading whitespace is trimmed as xml.ts's loadXml does; it would only be ignored text anyway.
  new Parser(reader, PARSER_OPTIONS).end(text.trimStart());
  return reader.result();
}

/**
 * The parser callbacks behind streamXmlItems, usable with a chunked `Parser` or htmlparser2's
 * `WritableStream` (`new WritableStream(reader, { xmlMode: true })`) when the text arrives in parts.
 */
export class XmlItemReader implements Partial<Handler> {
  private readonly path: readonly string[];
  private readonly onItem: XmlItemStreamOptions['onItem'];
  private readonly maxItems: number;
  /** Elements open right now. */
  private depth = 0;
  /** Path levels open right now: the elements at depths 1…pathOpen are the followed ones. */
  private pathOpen = 0;
  /** Levels whose first matching element has been followed already. */
  private readonly followed: boolean[];
  /** The item being built and the depth of its element; null between items. */
  private item: DomHandler | null = null;
  private itemDepth = 0;
  private items = 0;
  private read = 0;

  constructor(options: XmlItemStreamOptions) {
    if (options.path.length === 0) throw new Error('streamXmlItems: the path needs at least the item element');
    this.path = options.path;
    this.onItem = options.onItem;
    this.maxItems = options.maxItems ?? Number.POSITIVE_INFINITY;
    this.followed = options.path.map(() => false);
  }

  result(): XmlItemStreamResult {
    return { items: this.items, read: this.read };
  }

  onopentag(name: string, attribs: Record<string, string>): void {
    this.depth++;
    if (this.item) {
      this.item.onopentag(name, attribs);
      return;
    }
    // Only a direct child of the innermost followed element can be the next step of the path.
    if (this.depth !== this.pathOpen + 1) return;
    const level = this.pathOpen;
    if (keyOfName(name) !== this.path[level]) return;
    if (level === this.path.length - 1) {
      // Same test as collectDeals: the item at 0-based index i is over the limit when i >= maxItems.
      if (this.items++ >= this.maxItems) return; // counted, not built
      this.item = new DomHandler(undefined, PARSER_OPTIONS);
      this.item.onopentag(name, attribs);
      this.itemDepth = this.depth;
    } else if (!this.followed[level]) {
      this.followed[level] = true;
      this.pathOpen++;
    }
  }

  onclosetag(): void {
    const item = this.item;
    if (item) {
      item.onclosetag();
      if (this.depth === this.itemDepth) {
        this.item = null;
        const element = item.root.children[0] as Element;
        element.parent = null;
        this.read++;
        this.onItem(element, this.items);
      }
    } else if (this.depth === this.pathOpen && this.pathOpen > 0) {
      this.pathOpen--;
    }
    this.depth--;
  }

  ontext(data: string): void {
    this.item?.ontext(data);
  }

  oncdatastart(): void {
    this.item?.oncdatastart();
  }

  oncdataend(): void {
    this.item?.oncdataend();
  }

  oncomment(data: string): void {
    this.item?.oncomment(data);
  }

  oncommentend(): void {
    this.item?.oncommentend();
  }

  onprocessinginstruction(name: string, data: string): void {
    this.item?.onprocessinginstruction(name, data);
  }
}

/** An element's text, CDATA included, trimmed; null when empty — what `$(element).text()` gives, without the wrapper. */
export function nodeText(element: Element): string | null {
  return DomUtils.textContent(element).trim() || null;
}

/** keyOf (xml.ts) for a tag name: `ns:Start_Time` → `starttime`. */
function keyOfName(name: string): string {
  return name.slice(name.indexOf(':') + 1).toLowerCase().replace(/[_-]/g, '');
}
