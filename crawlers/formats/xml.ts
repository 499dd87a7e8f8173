// Lenient XML reading shared by the XML formats (feed-formats.md D4): cheerio's xml mode, which
// tolerates whitespace before the prolog and a raw `&`; elements matched by local name without
// regard to case, `_` or `-`; text trimmed, and an empty element counted as absent.
import { load } from 'cheerio';
// cheerio's node types (type-only, erased at runtime).
import type { AnyNode, Element } from 'domhandler';

export type { Element } from 'domhandler';

export type Fields<Names extends Record<string, readonly string[]>> = Record<keyof Names, string | null>;

export interface XmlDocument {
  /** The document's top-level elements (normally just the root). */
  elements: Element[];
  /** An element's text, CDATA included, trimmed; null when empty. */
  textOf(element: Element): string | null;
}

export function loadXml(text: string): XmlDocument {
  const $ = load(text.trimStart(), { xml: true });
  return {
    elements: elementChildren($.root()[0]?.children ?? []),
    textOf: (element) => $(element).text().trim() || null,
  };
}

/** For each field, the first non-empty element among its names, searched level by level. */
export function readFields<Names extends Record<string, readonly string[]>>(
  levels: readonly Element[],
  names: Names,
  textOf: (element: Element) => string | null,
): Fields<Names> {
  const byKey = new Map<string, string>();
  for (const level of levels) {
    for (const child of elementChildren(level.children)) {
      const key = keyOf(child);
      if (byKey.has(key)) continue;
      // An empty element (<dpshopid></dpshopid>) counts as absent.
      const value = textOf(child);
      if (value !== null) byKey.set(key, value);
    }
  }
  const fields = {} as Fields<Names>;
  for (const field of Object.keys(names) as Array<keyof Names>) {
    const found = names[field]?.find((name) => byKey.has(name));
    fields[field] = found === undefined ? null : (byKey.get(found) ?? null);
  }
  return fields;
}

/** The first child element whose key (see keyOf) is `key`. */
export function childNamed(parent: Element, key: string): Element | null {
  return elementChildren(parent.children).find((child) => keyOf(child) === key) ?? null;
}

/** Every child element whose key (see keyOf) is `key`. */
export function childrenNamed(parent: Element, key: string): Element[] {
  return elementChildren(parent.children).filter((child) => keyOf(child) === key);
}

export function elementChildren(nodes: readonly AnyNode[]): Element[] {
  return nodes.filter((node): node is Element => node.type === 'tag');
}

/** `ns:Start_Time` → `starttime`. */
export function keyOf(element: Element): string {
  return element.name.slice(element.name.indexOf(':') + 1).toLowerCase().replace(/[_-]/g, '');
}
