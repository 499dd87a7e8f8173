// Category names for display, from the portal taxonomy the crawler normalises against.
import taxonomy from '../../data/categories.json';
import type { Locale } from './i18n';

const bySlug = new Map(taxonomy.categories.map((category) => [category.slug, category]));

/** The category's name in the shopper's language; an unknown slug shows as stored. */
export function categoryLabel(slug: string, locale: Locale): string {
  const category = bySlug.get(slug);
  if (!category) return slug;
  return locale === 'zh-CN' ? category.zh : category.en;
}
