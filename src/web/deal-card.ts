// What the listing shows of one deal, formatted for the shopper's locale.
import type { StoredDeal } from '../storage';
import { cityLabel } from './city-label';
import type { Translator } from './i18n';

export interface DealCard {
  id: number;
  title: string;
  imageUrl: string | null;
  siteName: string;
  cityLabel: string;
  price: string;
  value: string | null;
  discountPercent: number | null;
  soldOut: boolean;
  soldText: string | null;
  timeLeft: string | null;
}

export function toDealCard(deal: StoredDeal, tr: Translator, now: Date): DealCard {
  return {
    id: deal.id,
    title: deal.title,
    imageUrl: deal.imageUrl,
    siteName: deal.siteName,
    cityLabel: deal.nationwide ? tr.t('nationwide') : deal.city ? cityLabel(deal.city, tr.locale) : '',
    price: tr.money(deal.priceMinor, deal.currency),
    value: deal.valueMinor !== null && deal.valueMinor > deal.priceMinor ? tr.money(deal.valueMinor, deal.currency) : null,
    discountPercent: deal.discountPercent || null,
    soldOut: deal.soldOut,
    soldText: deal.sold !== null ? tr.t('sold', { count: deal.sold }) : null,
    timeLeft: deal.endsAt ? tr.t('endsIn', { relative: tr.relativeTime(new Date(deal.endsAt), now) }) : null,
  };
}
