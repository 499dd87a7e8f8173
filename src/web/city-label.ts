// City names for display, from the same table the crawler normalises against.
import cityTable from '../../data/cities.json';
import type { Locale } from './i18n';

const byCode = new Map(cityTable.cities.map((city) => [city.code, city]));

/** The city's name in the shopper's language; an unknown code (a city not in the table) shows as stored. */
export function cityLabel(code: string, locale: Locale): string {
  const city = byCode.get(code);
  if (!city) return code;
  return locale === 'zh-CN' ? city.zh : city.en;
}
