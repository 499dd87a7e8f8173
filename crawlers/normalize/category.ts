// Source categories (hao123 v2 codes, Chinese subcategory and tag words, Groupon tag names) to
// the one portal taxonomy in data/categories.json.
import categoryTable from '../../data/categories.json';

export interface Category {
  slug: string;
  zh: string;
  en: string;
}

/** Tag lists come comma-, slash- or 、-separated ("邮购,美容"). */
const LIST_SEPARATOR = /[,，、/|;；]/;

const slugBySource = buildIndex();
const slugByHao123Code: Readonly<Record<string, string>> = categoryTable.hao123Codes;

export const categories: readonly Category[] = categoryTable.categories.map(({ slug, zh, en }) => ({ slug, zh, en }));

/**
 * The slug of the first source value that maps to the taxonomy, trying values in the order
 * given (so callers pass the most specific first), or null when none does.
 */
export function mapCategory(...sourceValues: Array<string | number | null | undefined>): string | null {
  for (const value of sourceValues) {
    if (value === null || value === undefined) continue;
    const slug = mapOne(String(value));
    if (slug) return slug;
  }
  return null;
}

function mapOne(value: string): string | null {
  const key = matchKey(value);
  if (key === '') return null;
  if (/^\d+$/.test(key)) return slugByHao123Code[String(Number(key))] ?? null;
  const whole = slugBySource.get(key);
  if (whole) return whole;
  for (const part of value.split(LIST_SEPARATOR)) {
    const slug = slugBySource.get(matchKey(part));
    if (slug) return slug;
  }
  return null;
}

function matchKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

function buildIndex(): Map<string, string> {
  const index = new Map<string, string>();
  for (const category of categoryTable.categories) {
    for (const source of [category.slug, category.zh, category.en, ...category.sources]) {
      index.set(matchKey(source), category.slug);
    }
  }
  return index;
}
