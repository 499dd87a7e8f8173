// How credibility reads on pages: a site's score as a badge and its parts as lines, a deal's
// "same offer elsewhere" median and inflation flag. Templates reach them through reply.locals
// (registerCredibilityLocals), so every deal card takes its site's score from the service's
// in-memory map instead of a query per card.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { generateCsrf } from '../../accounts/plugin';
import type { SiteCredibility } from '../../credibility/service';
import { discountAgainstMedian, median } from '../../credibility/inflation';
import type { ScorePart } from '../../credibility/score';
import { REPORT_REASONS, type CardFlag, type DealFlag } from '../../storage';
import type { Environment } from 'nunjucks';
import { isLocale, translator, type MessageKey, type Translator } from '../i18n';

declare module 'fastify' {
  interface FastifyReply {
    /** @fastify/view merges these into every template's data (it sets `{}` on each request). */
    locals: Record<string, unknown> | null;
  }
}

export type ScoreLevel = 'good' | 'fair' | 'poor' | 'new';

export const scoreLevel = (score: number | null): ScoreLevel =>
  score === null ? 'new' : score >= 80 ? 'good' : score >= 50 ? 'fair' : 'poor';

export interface BadgeView {
  score: number | null;
  level: ScoreLevel;
  text: string;
  title: string;
}

export function badgeView(site: Pick<SiteCredibility, 'score'> | null, tr: Translator): BadgeView {
  const score = site?.score ?? null;
  return {
    score,
    level: scoreLevel(score),
    text: score === null ? tr.t('cred.noScoreBadge') : tr.t('cred.badge', { score }),
    title: score === null ? tr.t('cred.noScore') : tr.t('cred.badgeTitle', { score }),
  };
}

export interface PartView {
  name: string;
  label: string;
  weight: string;
  value: number | null;
  text: string;
}

export function partsView(parts: ScorePart[], tr: Translator): PartView[] {
  return parts.map((part) => ({
    name: part.name,
    label: tr.t(`cred.part.${part.name}` as MessageKey),
    weight: tr.t('cred.weight', { weight: part.weight }),
    value: part.value === null ? null : Math.round(part.value * 100),
    text: part.value === null
      ? tr.t('cred.partNoData')
      : tr.t(`cred.detail.${part.name}` as MessageKey, { value: tr.percent(part.value), numerator: tr.number(part.numerator), denominator: tr.number(part.denominator) }),
  }));
}

export interface SiteCredibilityView {
  badge: BadgeView;
  parts: PartView[];
}

export function siteCredibilityView(site: SiteCredibility | null, tr: Translator): SiteCredibilityView {
  return { badge: badgeView(site, tr), parts: site ? partsView(site.parts, tr) : [] };
}

export interface DealCredibilityView {
  inflatedText: string | null;
  medianText: string | null;
}

/** What the deal page's view gives: the deal and its same offer on other sites, as cards. */
interface DealWithTwins {
  priceMinor: number;
  currency: string;
  sameOffer?: { priceMinor: number; currency: string; siteId: number; ended: boolean }[];
}

function dealCredibility(tr: Translator, deal: DealWithTwins, flag: Pick<DealFlag, 'reason'> | null): DealCredibilityView {
  // The same offer still sold on other sites, in this deal's currency.
  const twins = (deal.sameOffer ?? []).filter((twin) => !twin.ended && twin.currency === deal.currency);
  const offerMedian = median(twins.map((twin) => twin.priceMinor));
  const percent = discountAgainstMedian(deal.priceMinor, offerMedian);
  return {
    inflatedText: flag?.reason ? tr.t(`cred.inflated.${flag.reason}` as MessageKey) : null,
    medianText: offerMedian === null || percent === null ? null
      : tr.t(percent >= 0 ? 'cred.medianPrice' : 'cred.medianPriceAbove', {
        price: tr.money(offerMedian, deal.currency), count: new Set(twins.map((twin) => twin.siteId)).size, percent: Math.abs(percent),
      }),
  };
}

export interface CardCredibilityView {
  /** "Original price doubtful", with the reason as its title: the card does not show the site's worth and discount as fact. */
  doubtful: string;
  reason: string;
  /** "13% below the same offer's median elsewhere (¥78.00)", or null where no other site sells it. */
  medianText: string | null;
}

/** What a deal card shows of the deal's inflation flag; null when it is not flagged. */
export function cardCredibility(tr: Translator, card: { siteId: number; priceMinor: number; currency: string }, flag: CardFlag | null): CardCredibilityView | null {
  // The owner's feed preview numbers its cards from 1 under site 0: a flag must be this site's deal's.
  if (!flag?.reason || flag.siteId !== card.siteId) return null;
  const offerMedian = flag.currency === card.currency ? flag.offerMedianMinor : null;
  const percent = discountAgainstMedian(card.priceMinor, offerMedian);
  return {
    doubtful: tr.t('cred.inflatedBadge'),
    reason: tr.t(`cred.inflated.${flag.reason}` as MessageKey),
    medianText: offerMedian === null || percent === null ? null
      : tr.t(percent >= 0 ? 'cred.cardMedian' : 'cred.cardMedianAbove', { percent: Math.abs(percent), price: tr.money(offerMedian, card.currency) }),
  };
}

/** The template's locale as a translator (translator() makes one per locale, once). */
const translatorFor = (locale: unknown): Translator => translator(isLocale(locale) ? locale : 'en');

/**
 * Template globals, so pages rendered outside a request (the listing's shared cache) have them
 * too: `credibilityOf(siteId, locale)` (the badge, from the service's in-memory scores: no query
 * per card), `credibilityCard(card, locale)` (a flagged deal's price against its offer's median,
 * from the flags the service keeps in memory) and `credibilityDeal(deal, flag, locale)` (the same
 * offer's median price elsewhere, from the deal page's same-offer list, and the inflation flag).
 */
export function addCredibilityGlobals(env: Environment, app: FastifyInstance): void {
  env.addGlobal('credibilityOf', (siteId: number, locale: unknown) => badgeView(app.credibility.site(siteId), translatorFor(locale)));
  env.addGlobal('credibilityCard', (card: { id: number; siteId: number; priceMinor: number; currency: string }, locale: unknown) =>
    cardCredibility(translatorFor(locale), card, app.credibility.dealFlag(card.id)));
  env.addGlobal('credibilityDeal', (deal: DealWithTwins, flag: DealFlag | null, locale: unknown) =>
    dealCredibility(translatorFor(locale), deal, flag ?? null));
}

/**
 * For the deal page only (GET /deals/:id; no other route pays for it): `credibilityFlag` (the
 * deal's inflation flag, one indexed read), and for its report form `reportReasons` and
 * `reportCsrf()` (sets the CSRF cookie only where the form shows). Call before the routes exist.
 */
export function registerCredibilityLocals(app: FastifyInstance): void {
  const dealPageLocals = async (request: FastifyRequest, reply: FastifyReply) => {
    // Only this page has locals (app.ts keeps @fastify/view from giving every request, /go's too, an empty object).
    const locals = (reply.locals ??= {}) as Record<string, unknown>;
    const tr = request.translator;
    const dealId = Number((request.params as { id?: string }).id);
    locals.credibilityFlag = Number.isSafeInteger(dealId) ? await app.storage.credibility.findDealFlag(dealId) : null;
    locals.reportReasons = REPORT_REASONS.map((reason) => ({ value: reason, label: tr.t(`cred.report.${reason}` as MessageKey) }));
    locals.reportCsrf = () => request.csrfToken ?? generateCsrf(request, reply);
  };
  app.addHook('onRoute', (route) => {
    if (route.url !== '/deals/:id' || ![route.method].flat().includes('GET')) return;
    route.preHandler = [...[route.preHandler ?? []].flat(), dealPageLocals];
  });
}
