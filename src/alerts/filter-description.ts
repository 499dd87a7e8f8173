// What an alert is about, in words: "Food · in Chengdu · matching “火锅” · up to ¥100.00".
import { majorToMinor } from '../web/deal-listing-query';
import { minorDigits, type Translator } from '../web/i18n';
import { defaultPriceCurrency } from '../web/price-currency';
import { categoryLabel } from '../web/category-label';
import { cityLabel } from '../web/city-label';
import type { ListingParams } from '../web/listing-query';

/** Amounts in the filter's price currency (alert-filter.ts digestQuery), which the words name. */
export function filterDescription(params: ListingParams, ceilingMinor: number | null, tr: Translator): string {
  const currency = params.currency ?? defaultPriceCurrency(params.city, tr.locale);
  const digits = minorDigits(currency);
  const parts = [params.category ? categoryLabel(params.category, tr.locale) : tr.t('alertAllDeals')];
  if (params.city) parts.push(tr.t('inCity', { city: cityLabel(params.city, tr.locale) }));
  if (params.district) parts.push(params.district);
  if (params.q) parts.push(tr.t('matching', { q: params.q }));
  if (params.site?.length) parts.push(params.site.join(tr.t('listSeparator')));
  if (params.priceMin) parts.push(tr.t('alertPriceFrom', { amount: tr.money(majorToMinor(params.priceMin, digits), currency) }));
  const ceilings = [params.priceMax ? majorToMinor(params.priceMax, digits) : null, ceilingMinor]
    .filter((value): value is number => value !== null);
  if (ceilings.length > 0) parts.push(tr.t('alertPriceUpTo', { amount: tr.money(Math.min(...ceilings), currency) }));
  if (params.minDiscount) parts.push(tr.t('atLeastOff', { percent: params.minDiscount }));
  if (params.minScore) parts.push(tr.t('atLeastScore', { score: params.minScore }));
  if (params.new) parts.push(tr.t('newToday'));
  return parts.join(tr.t('headingSeparator'));
}

