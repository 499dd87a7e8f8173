// GET /owner/sites/:siteId/credibility: the site's owner (or an operator) sees the measurements
// behind the site's score, with the specific deals behind each problem so they can fix them.
import type { FastifyInstance } from 'fastify';
import { requireSiteOwner, siteIdParam } from '../../accounts/guards';
import type { MessageKey, Translator } from '../i18n';
import { pageContext } from '../page-context';
import { siteCredibilityView } from './credibility-view';

const DAY_MS = 86_400_000;
const SHOWN = 50;

/** What the credibility-site-detail.njk partial needs, as `credibility`. */
export async function siteCredibilityDetail(app: FastifyInstance, siteId: number, tr: Translator, now: Date = new Date()) {
  const store = app.storage.credibility;
  const since = new Date(now.getTime() - 30 * DAY_MS);
  const zone = tr.locale === 'zh-CN' ? 'Asia/Shanghai' : 'UTC';
  const [signals, checks, reports, expired, inflated, failedRuns, history] = await Promise.all([
    store.siteSignals(now, siteId).then(([signals]) => signals ?? null),
    store.problemLinkChecks(siteId, since, SHOWN * 2),
    store.listReports({ status: 'open', siteId }, SHOWN),
    store.latestExpired(siteId),
    store.inflatedDeals(siteId, now, SHOWN),
    store.failedRuns(siteId, since, 10),
    store.scoreHistory(siteId, 30),
  ]);
  const when = (at: Date | null) => (at ? tr.dateTime(at, zone) : tr.t('cred.owner.never'));
  return {
    ...siteCredibilityView(app.credibility.site(siteId), tr),
    lastSuccess: when(signals?.lastSuccessAt ?? null),
    lastChange: when(signals?.lastChangeAt ?? null),
    badLinks: checks.filter((check) => check.outcome !== 'ok').map((check) => ({
      dealId: check.dealId, title: check.dealTitle, url: check.url, at: when(check.checkedAt),
      outcome: tr.t(`cred.outcome.${check.outcome}` as MessageKey), httpStatus: check.httpStatus, finalUrl: check.finalUrl,
    })).slice(0, SHOWN),
    mismatches: checks.filter((check) => check.priceOutcome === 'mismatch').map((check) => ({
      dealId: check.dealId, title: check.dealTitle, at: when(check.checkedAt),
      text: tr.t('cred.feedPrice', { feed: tr.money(check.feedPriceMinor, check.currency), page: tr.money(check.pagePriceMinor ?? 0, check.currency) }),
    })).slice(0, SHOWN),
    reports: reports.map((report) => ({
      dealId: report.dealId, title: report.dealTitle, at: when(report.createdAt),
      reason: tr.t(`cred.report.${report.reason}` as MessageKey), details: report.details,
    })),
    expired: (expired?.sample ?? []).map((deal) => ({ externalId: deal.externalId, title: deal.title, endedAt: tr.t('cred.endedAt', { when: when(new Date(deal.endsAt)) }) })),
    expiredCount: expired?.expired ?? 0,
    inflated: inflated.map((deal) => ({
      dealId: deal.dealId, title: deal.title, reason: tr.t(`cred.inflated.${deal.reason}` as MessageKey),
      worth: deal.valueMinor !== null ? tr.money(deal.valueMinor, deal.currency) : null, price: tr.money(deal.priceMinor, deal.currency),
    })),
    failedRuns: failedRuns.map((run) => ({ at: when(run.at), code: run.code, message: run.message })),
    history: history.map((row) => ({ day: row.day, score: row.score })),
  };
}

export async function credibilityOwnerRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { siteId: number } }>('/owner/sites/:siteId/credibility', {
    preHandler: requireSiteOwner(siteIdParam()),
    schema: { params: { type: 'object', required: ['siteId'], properties: { siteId: { type: 'integer', minimum: 1 } } } },
  }, async (request, reply) => {
    const site = request.authorizedSite!;
    const tr = request.translator;
    return reply.view('credibility-owner.njk', {
      ...pageContext(request),
      site: { id: site.id, name: site.name },
      credibility: await siteCredibilityDetail(app, site.id, tr),
    });
  });
}
