// The currency a listing's price bounds are in. An amount means nothing across currencies (a $99
// deal is not "under ¥100"), so a price filter keeps the deals of its own currency only: the one
// the shopper chose, else the chosen city's, else the language's (CNY for zh-CN).
import cityTable from '../../data/cities.json';
import type { Locale } from './i18n';

const countryCurrencies: Record<string, string> = {
  CN: 'CNY', HK: 'HKD', MO: 'MOP', TW: 'TWD', JP: 'JPY', SG: 'SGD', US: 'USD', CA: 'CAD', GB: 'GBP', FR: 'EUR', DE: 'EUR', AU: 'AUD',
};

/** The currencies a price filter may be in: those of the countries the city table knows. */
export const priceCurrencies: readonly string[] = [...new Set(Object.values(countryCurrencies))].sort();

const localeCurrencies: Record<Locale, string> = { 'zh-CN': 'CNY', en: 'USD' };

const cityCurrencies = new Map(cityTable.cities.map((city) => [city.code, countryCurrencies[city.country]]));

/** The chosen city's currency, or null for no city or one outside the table. */
export const cityCurrency = (city: string | undefined): string | null => (city && cityCurrencies.get(city)) || null;

/** The currency of a price filter that names none: the city's, else the shopper's language's. */
export const defaultPriceCurrency = (city: string | undefined, locale: Locale): string => cityCurrency(city) ?? localeCurrencies[locale];
