// The two mails an alert sends, each as HTML (autoescaped: deal titles come from feeds) and
// plain text, in the subscriber's language, with the unsubscribe link and RFC 8058 headers.
import nunjucks from 'nunjucks';
import { fileURLToPath } from 'node:url';
import type { AlertSubscription, StoredDeal } from '../storage';
import { dealCityLabel, dealTimeZone } from '../web/deal-card';
import { isLocale, translator, type Translator } from '../web/i18n';
import { filterDescription } from './filter-description';
import { parseFilter } from './alert-filter';
import type { AlertLinks } from './links';
import type { MailMessage } from './mailer';

const templates = fileURLToPath(new URL('./templates/', import.meta.url));
const html = new nunjucks.Environment(new nunjucks.FileSystemLoader(templates), { autoescape: true, throwOnUndefined: false });
const text = new nunjucks.Environment(new nunjucks.FileSystemLoader(templates), { autoescape: false, throwOnUndefined: false });

export const subscriberTranslator = (subscription: Pick<AlertSubscription, 'locale'>): Translator =>
  translator(isLocale(subscription.locale) ? subscription.locale : 'en');

function render(name: string, context: Record<string, unknown>): { html: string; text: string } {
  return { html: html.render(`${name}.html.njk`, context), text: text.render(`${name}.txt.njk`, context) };
}

function unsubscribeHeaders(url: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

export function confirmationMail(subscription: AlertSubscription, confirmToken: string, links: AlertLinks): MailMessage {
  const tr = subscriberTranslator(subscription);
  const filter = filterDescription(parseFilter(subscription.filter), subscription.priceCeilingMinor, tr);
  // The unsubscribe link works before and after confirming: whoever gets this mail can stop it for good.
  const unsubscribeUrl = links.unsubscribe(subscription);
  const body = render('confirm', {
    locale: tr.locale, t: tr.t, filter, confirmUrl: links.confirm(confirmToken), listingUrl: links.listing(subscription.filter), unsubscribeUrl,
  });
  return { to: subscription.email, subject: tr.t('mailConfirmSubject', { filter }), ...body, headers: unsubscribeHeaders(unsubscribeUrl) };
}

export interface DigestDeal {
  title: string;
  price: string;
  value: string | null;
  discountPercent: number | null;
  siteName: string;
  cityLabel: string;
  ends: string | null;
  goUrl: string;
  detailUrl: string;
}

function digestDeal(deal: StoredDeal, tr: Translator, links: AlertLinks): DigestDeal {
  return {
    title: deal.title,
    price: tr.money(deal.priceMinor, deal.currency),
    value: deal.valueMinor !== null && deal.valueMinor > deal.priceMinor ? tr.money(deal.valueMinor, deal.currency) : null,
    discountPercent: deal.discountPercent || null,
    siteName: deal.siteName,
    cityLabel: dealCityLabel(deal, tr),
    ends: deal.endsAt ? tr.dateTime(new Date(deal.endsAt), dealTimeZone(deal)) : null,
    goUrl: links.go(deal.id),
    detailUrl: links.deal(deal.id),
  };
}

/** The digest of `deals` (the newest of `total` new ones). */
export function digestMail(subscription: AlertSubscription, deals: StoredDeal[], total: number, links: AlertLinks): MailMessage {
  const tr = subscriberTranslator(subscription);
  const filter = filterDescription(parseFilter(subscription.filter), subscription.priceCeilingMinor, tr);
  const unsubscribeUrl = links.unsubscribe(subscription);
  const body = render('digest', {
    locale: tr.locale,
    t: tr.t,
    filter,
    deals: deals.map((deal) => digestDeal(deal, tr, links)),
    more: total - deals.length,
    listingUrl: links.listing(subscription.filter),
    unsubscribeUrl,
  });
  return {
    to: subscription.email,
    subject: tr.t('mailDigestSubject', { count: total, filter }),
    ...body,
    headers: unsubscribeHeaders(unsubscribeUrl),
  };
}
