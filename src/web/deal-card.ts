// What the listing shows of one deal, formatted for the shopper's locale.
import cityTable from '../../data/cities.json';
import type { ListedDeal, StoredDeal } from '../storage';
import { categoryLabel } from './category-label';
import { cityLabel } from './city-label';
import type { Translator } from './i18n';

export interface DealCard {
  id: number;
  detailUrl: string;
  title: string;
  imageUrl: string | null;
  siteName: string;
  /** For the site's credibility badge (credibilityOf in templates). */
  siteId: number;
  /** For the same offer's median elsewhere (credibilityDeal and, on flagged deals, credibilityCard in templates). */
  priceMinor: number;
  currency: string;
  cityLabel: string;
  categoryLabel: string | null;
  price: string;
  value: string | null;
  discountPercent: number | null;
  soldOut: boolean;
  soldText: string | null;
  timeLeft: string | null;
  ended: boolean;
  /** "Starts in 3 days" for a deal whose feed gives a start still to come: listed, but marked. */
  startsIn: string | null;
  isNew: boolean;
  /** "on 3 sites from ¥58.00" for an offer several sites sell. */
  groupText: string | null;
}

const DAY_MS = 86_400_000;
const chineseCities = new Set(cityTable.cities.filter((city) => city.country === 'CN').map((city) => city.code));

/** The zone a deal's times are shown in: China's for Chinese deals, else UTC (always named on screen). */
export function dealTimeZone(deal: Pick<StoredDeal, 'currency' | 'city' | 'nationwide'>): string {
  if (deal.currency === 'CNY' || (deal.city !== null && chineseCities.has(deal.city))) return 'Asia/Shanghai';
  return 'UTC';
}

export function dealCityLabel(deal: Pick<StoredDeal, 'city' | 'nationwide'>, tr: Translator): string {
  if (deal.nationwide) return tr.t('nationwide');
  return deal.city ? cityLabel(deal.city, tr.locale) : '';
}

export function toDealCard(deal: StoredDeal | ListedDeal, tr: Translator, now: Date): DealCard {
  const ends = deal.endsAt ? new Date(deal.endsAt) : null;
  const ended = ends !== null && ends.getTime() <= now.getTime();
  const starts = deal.startsAt ? new Date(deal.startsAt) : null;
  const group = 'group' in deal ? deal.group : null;
  return {
    id: deal.id,
    detailUrl: `/deals/${deal.id}`,
    title: deal.title,
    imageUrl: deal.imageUrl,
    siteName: deal.siteName,
    siteId: deal.siteId,
    priceMinor: deal.priceMinor,
    currency: deal.currency,
    cityLabel: dealCityLabel(deal, tr),
    categoryLabel: deal.category ? categoryLabel(deal.category, tr.locale) : null,
    price: tr.money(deal.priceMinor, deal.currency),
    value: deal.valueMinor !== null && deal.valueMinor > deal.priceMinor ? tr.money(deal.valueMinor, deal.currency) : null,
    discountPercent: deal.discountPercent || null,
    soldOut: deal.soldOut,
    soldText: deal.sold !== null ? tr.t('sold', { count: tr.number(deal.sold) }) : null,
    timeLeft: ends && !ended ? tr.t('endsIn', { relative: tr.relativeTime(ends, now) }) : null,
    ended,
    startsIn: starts && starts.getTime() > now.getTime() ? tr.t('startsIn', { relative: tr.relativeTime(starts, now) }) : null,
    isNew: now.getTime() - new Date(deal.firstSeenAt).getTime() < DAY_MS,
    groupText: group && group.siteCount > 1
      ? tr.t('onSitesFrom', { count: group.siteCount, price: tr.money(group.lowestPriceMinor, group.currency) })
      : null,
  };
}
