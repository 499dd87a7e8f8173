// GET /operator/sites/:siteId: everything an operator decides a site on (its fields, owner,
// verification, feeds, history, commission terms) and the forms that act on it, each a POST with
// CSRF, each audited:
//   POST /operator/sites/:siteId/approve|reject|suspend|reactivate   (src/sites/site-status.ts)
//   POST /operator/sites/:siteId/terms         a new effective-dated commission term
//   POST /operator/sites/:siteId/attribution   the attribution window in days
//   POST /operator/sites/:siteId/preview       fetches and parses a feed once (validation preview)
// A refused form is shown again with 4xx and the message next to its field; a done one redirects
// back here (303) with a note of what was done.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireOperator } from '../../accounts/guards';
import { parseTermText, type TermProblem } from '../../revenue/term-input';
import { CommissionTermService } from '../../revenue/term-service';
import { decisionsFrom, REASON_MAX_LENGTH, SiteStatusService, type SiteDecision } from '../../sites/site-status';
import { previewFeed } from '../../sites/validation-preview';
import type { CommissionTerm, Site } from '../../storage';
import { HttpError } from '../errors';
import { fieldErrors, hasErrors, type FieldErrors } from '../form-errors';
import type { MessageKey, Translator } from '../i18n';
import { pageContext } from '../page-context';
import { feedPreviewView, type FeedPreviewView } from './owner-preview-view';
import { formCsrf, nextCheckTime, operatorPage, seconds, shownTime, STATUS_MESSAGES } from './operator-view';

const HISTORY_ENTRIES = 50;
const RUNS_PER_FEED = 10;
export const ATTRIBUTION_MAX_DAYS = 365;
/** Each preview is a fetch of someone else's server: as many a minute as the owners get. */
export const PREVIEWS_PER_MINUTE = 10;

const DECISIONS: readonly SiteDecision[] = ['approve', 'reject', 'suspend', 'reactivate'];
const DONE = [...DECISIONS, 'term', 'attribution'] as const;
type Done = (typeof DONE)[number];

const csrf = { type: 'string', maxLength: 200 } as const;
const siteParams = { type: 'object', required: ['siteId'], properties: { siteId: { type: 'integer', minimum: 1 } } } as const;

interface DecisionBody { reason?: string; overrideUnverified?: string }
interface TermBody { model?: string; rate?: string; amount?: string; currency?: string; from?: string; category?: string }
interface AttributionBody { days: number }
interface PreviewBody { feedId: number }

const termSchema = {
  type: 'object',
  properties: {
    _csrf: csrf,
    model: { type: 'string', maxLength: 20 },
    rate: { type: 'string', maxLength: 20 },
    amount: { type: 'string', maxLength: 30 },
    currency: { type: 'string', maxLength: 3 },
    from: { type: 'string', maxLength: 10 },
    category: { type: 'string', maxLength: 40 },
  },
} as const;

const TERM_PROBLEMS: Record<TermProblem, { field: string; message: MessageKey }> = {
  modelUnknown: { field: 'termModel', message: 'operator.terms.modelUnknown' },
  rateInvalid: { field: 'termRate', message: 'operator.terms.rateInvalid' },
  amountInvalid: { field: 'termAmount', message: 'operator.terms.amountInvalid' },
  currencyInvalid: { field: 'termCurrency', message: 'operator.terms.currencyInvalid' },
  fromInvalid: { field: 'termFrom', message: 'operator.terms.fromInvalid' },
  categoryInvalid: { field: 'termCategory', message: 'operator.terms.categoryInvalid' },
};

const MODEL_MESSAGES: Record<CommissionTerm['model'], MessageKey> = {
  cps: 'operator.terms.model.cps', cpa_sale: 'operator.terms.model.cpaSale', cpa_lead: 'operator.terms.model.cpaLead', cpc: 'operator.terms.model.cpc',
};

interface Extras {
  errors?: FieldErrors;
  /** What the operator typed, shown again with the errors. */
  values?: Record<string, string>;
  preview?: FeedPreviewView;
  done?: Done;
}

/** "8.5" from the form means 8.5 %; "8.5%" and "850bp" are read as the CLI reads them. */
const rateText = (rate: string | undefined): string | undefined => {
  const trimmed = rate?.trim();
  return trimmed && /^\d+(\.\d+)?$/.test(trimmed) ? `${trimmed}%` : trimmed;
};

const todayUtc = (now: Date): string => now.toISOString().slice(0, 10);

export async function operatorSitePageRoutes(app: FastifyInstance): Promise<void> {
  const statuses = new SiteStatusService(app.storage, app.audit);
  const terms = new CommissionTermService(app.storage, app.audit);

  async function siteOr404(siteId: number): Promise<Site> {
    const site = await app.storage.sites.findById(siteId);
    if (!site) throw new HttpError(404, 'DN_ERR_SITE_NOT_FOUND', 'There is no such site.');
    return site;
  }

  async function show(request: FastifyRequest, reply: FastifyReply, site: Site, extras: Extras = {}) {
    const tr = request.translator;
    const now = new Date();
    const [owner, feeds, history, termList, closed, currentDeals] = await Promise.all([
      site.ownerUserId ? app.storage.users.findById(site.ownerUserId) : null,
      app.storage.feeds.listForSite(site.id),
      app.storage.auditLog.forSubject(`site:${site.id}`, HISTORY_ENTRIES),
      app.storage.revenue.listTerms(site.id),
      terms.earliestStart(site.id),
      app.storage.sites.countCurrentDeals(site.id, now),
    ]);
    const runs = (await Promise.all(feeds.map((feed) => app.storage.crawlRuns.listForFeed(feed.id, RUNS_PER_FEED)))).flat()
      .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
    const errors = extras.errors ?? {};
    return operatorPage(reply).view('operator-site.njk', {
      ...pageContext(request),
      formCsrf: formCsrf(request, reply),
      errors,
      values: { from: todayUtc(now), model: 'cps', currency: 'CNY', reason: '', ...extras.values },
      done: extras.done ? tr.t(`operator.done.${extras.done}` as MessageKey) : null,
      preview: extras.preview ?? null,
      site: {
        id: site.id,
        name: site.name,
        slug: site.slug,
        homeUrl: site.homeUrl,
        status: site.status,
        statusText: tr.t(STATUS_MESSAGES[site.status]),
        statusReason: site.statusReason,
        clickParam: site.clickParam,
        clickTemplate: site.clickTemplate,
        created: shownTime(tr, site.createdAt),
        verified: shownTime(tr, site.verifiedAt),
        verificationToken: site.verificationToken,
        attributionWindowDays: site.attributionWindowDays,
        owner: owner?.email ?? null,
        currentDeals: tr.t(site.status === 'active' ? 'operator.site.dealsListed' : 'operator.site.dealsHidden', { count: tr.number(currentDeals) }),
        listingHref: `/?${new URLSearchParams({ site: site.slug })}`,
      },
      decisions: decisionsFrom(site.status),
      feeds: feeds.map((feed) => ({
        id: feed.id,
        url: feed.url,
        format: feed.detectedFormat && feed.format === 'auto' ? `auto (${feed.detectedFormat})` : feed.format,
        status: feed.status,
        pausedReason: feed.pausedReason,
        intervalMinutes: feed.intervalMinutes,
        consecutiveFailures: feed.consecutiveFailures,
        lastSuccess: shownTime(tr, feed.lastSuccessAt),
        lastError: feed.lastErrorCode ? `${feed.lastErrorCode}: ${feed.lastErrorMessage ?? ''}` : null,
        nextCheck: feed.status === 'active' && site.status === 'active' ? nextCheckTime(tr, feed.nextCheckAt, now) : null,
      })),
      runs: runs.slice(0, RUNS_PER_FEED * 2).map((run) => ({
        feedId: run.feedId,
        started: shownTime(tr, run.startedAt),
        outcome: run.outcome,
        duration: seconds(tr, run.durationMs),
        itemsSeen: run.itemsSeen,
        counts: run.counts,
        error: run.errorCode ? `${run.errorCode}${run.errorMessage ? `: ${run.errorMessage}` : ''}` : null,
      })),
      history: history.map((entry) => ({
        at: shownTime(tr, entry.at),
        actor: entry.actorEmail,
        action: entry.action,
        before: entry.before === null ? null : JSON.stringify(entry.before),
        after: entry.after === null ? null : JSON.stringify(entry.after),
      })),
      terms: termRows(termList, tr, now),
      closedPeriod: closed ? tr.t('operator.terms.closedHint', { period: closed.closedPeriod, date: todayUtc(closed.earliest) }) : null,
      earliestFrom: closed ? todayUtc(closed.earliest) : null,
      attributionMax: ATTRIBUTION_MAX_DAYS,
      reasonMax: REASON_MAX_LENGTH,
    });
  }

  app.get<{ Params: { siteId: number }; Querystring: { done?: Done } }>('/operator/sites/:siteId', {
    preHandler: requireOperator,
    schema: { params: siteParams, querystring: { type: 'object', properties: { done: { type: 'string', enum: [...DONE] } } } },
  }, async (request, reply) => show(request, reply, await siteOr404(request.params.siteId), { done: request.query.done }));

  app.post<{ Params: { siteId: number; decision: SiteDecision }; Body: DecisionBody }>('/operator/sites/:siteId/:decision', {
    preHandler: requireOperator,
    schema: {
      params: { type: 'object', required: ['siteId', 'decision'], properties: { siteId: { type: 'integer', minimum: 1 }, decision: { type: 'string', enum: [...DECISIONS] } } },
      body: { type: 'object', properties: { _csrf: csrf, reason: { type: 'string', maxLength: REASON_MAX_LENGTH * 4 }, overrideUnverified: { type: 'string', enum: ['on', '1'] } } },
    },
  }, async (request, reply) => {
    const tr = request.translator;
    const { siteId, decision } = request.params;
    const result = await statuses.decide({
      siteId, decision, reason: request.body?.reason ?? null, overrideUnverified: request.body?.overrideUnverified !== undefined,
      actorUserId: request.user!.id,
    });
    if (result.ok) return operatorPage(reply).redirect(`/operator/sites/${siteId}?done=${decision}`, 303);
    if (result.problem === 'notFound') throw new HttpError(404, 'DN_ERR_SITE_NOT_FOUND', 'There is no such site.');
    const site = await siteOr404(siteId);
    const values = { reason: request.body?.reason ?? '' };
    if (result.problem === 'wrongStatus') {
      return show(request, reply.code(409), site, { values, errors: { decision: tr.t('operator.decision.wrongStatus', { status: tr.t(STATUS_MESSAGES[result.status]) }) } });
    }
    if (result.problem === 'unverified') {
      return show(request, reply.code(409), site, { values, errors: { overrideUnverified: tr.t('operator.decision.unverified') } });
    }
    const message = result.problem === 'reasonRequired' ? 'operator.decision.reasonRequired' : 'operator.decision.reasonTooLong';
    return show(request, reply.code(400), site, { values, errors: { [`${decision}Reason`]: tr.t(message, { max: REASON_MAX_LENGTH }) } });
  });

  app.post<{ Params: { siteId: number }; Body: TermBody }>('/operator/sites/:siteId/terms', {
    preHandler: requireOperator, schema: { params: siteParams, body: termSchema }, attachValidation: true,
  }, async (request, reply) => {
    const tr = request.translator;
    const site = await siteOr404(request.params.siteId);
    const body = request.body ?? {};
    const values = Object.fromEntries(Object.entries(body).filter(([key, value]) => key !== '_csrf' && typeof value === 'string')) as Record<string, string>;
    const invalid = fieldErrors(request, {
      model: { '*': 'operator.terms.modelUnknown' }, rate: { '*': 'operator.terms.rateInvalid' }, amount: { '*': 'operator.terms.amountInvalid' },
      currency: { '*': 'operator.terms.currencyInvalid' }, from: { '*': 'operator.terms.fromInvalid' }, category: { '*': 'operator.terms.categoryInvalid' },
    }, tr);
    if (hasErrors(invalid)) return show(request, reply.code(400), site, { values, errors: prefixTermFields(invalid) });
    const parsed = parseTermText({
      model: body.model, rate: rateText(body.rate), amount: body.amount, currency: body.currency,
      // The form has no "now": an empty date is today, midnight UTC.
      from: body.from?.trim() || todayUtc(new Date()), category: body.category,
    }, new Date());
    if (!parsed.ok) {
      const { field, message } = TERM_PROBLEMS[parsed.problem];
      return show(request, reply.code(400), site, { values, errors: { [field]: tr.t(message) } });
    }
    const result = await terms.add(site.id, parsed.term, request.user!.id);
    if (!result.ok) {
      return show(request, reply.code(409), site, {
        values, errors: { termFrom: tr.t('operator.terms.beforeClosedMonth', { period: result.closedPeriod, date: todayUtc(result.earliest) }) },
      });
    }
    return operatorPage(reply).redirect(`/operator/sites/${site.id}?done=term`, 303);
  });

  app.post<{ Params: { siteId: number }; Body: AttributionBody }>('/operator/sites/:siteId/attribution', {
    preHandler: requireOperator,
    schema: {
      params: siteParams,
      body: { type: 'object', required: ['days'], properties: { _csrf: csrf, days: { type: 'integer', minimum: 1, maximum: ATTRIBUTION_MAX_DAYS } } },
    },
    attachValidation: true,
  }, async (request, reply) => {
    const tr = request.translator;
    const site = await siteOr404(request.params.siteId);
    if (request.validationError) {
      return show(request, reply.code(400), site, { errors: { days: tr.t('operator.attribution.invalid', { max: ATTRIBUTION_MAX_DAYS }) } });
    }
    const days = request.body.days;
    if (days !== site.attributionWindowDays) {
      await app.storage.sites.setAttributionWindow(site.id, days);
      await app.audit.record({
        actorUserId: request.user!.id, action: 'site.attribution_window', subject: `site:${site.id}`,
        before: { attributionWindowDays: site.attributionWindowDays }, after: { attributionWindowDays: days },
      });
    }
    return operatorPage(reply).redirect(`/operator/sites/${site.id}?done=attribution`, 303);
  });

  app.post<{ Params: { siteId: number }; Body: PreviewBody }>('/operator/sites/:siteId/preview', {
    preHandler: requireOperator,
    config: { rateLimit: { max: PREVIEWS_PER_MINUTE, timeWindow: 60_000 } },
    schema: { params: siteParams, body: { type: 'object', required: ['feedId'], properties: { _csrf: csrf, feedId: { type: 'integer', minimum: 1 } } } },
  }, async (request, reply) => {
    const site = await siteOr404(request.params.siteId);
    const feed = await app.storage.feeds.findById(request.body.feedId);
    if (!feed || feed.siteId !== site.id) throw new HttpError(404, 'DN_ERR_FEED_NOT_FOUND', 'This site has no such feed.');
    const preview = await previewFeed(
      { feedUrl: feed.url, format: feed.format, timeZone: feed.timeZone, clockOffsetSeconds: feed.clockOffsetSeconds, selectors: feed.selectors },
      app.crawlChecks,
    );
    return show(request, reply, site, { preview: feedPreviewView(preview, request.translator, site.name) });
  });
}

/** The form's fields are named as the CLI's options; their messages sit under `term…` keys. */
const prefixTermFields = (errors: FieldErrors): FieldErrors =>
  Object.fromEntries(Object.entries(errors).map(([field, message]) => [field === 'form' ? 'termForm' : `term${field[0]!.toUpperCase()}${field.slice(1)}`, message]));

/** Which terms compete: of the sale models (cps, cpa_sale) the latest in force wins, per category. */
const termKind = (term: CommissionTerm): string => `${term.model === 'cpa_sale' ? 'cps' : term.model}|${term.category ?? ''}`;

/** Terms oldest first, each marked in force now, scheduled, or replaced by a later one of its kind. */
function termRows(list: CommissionTerm[], tr: Translator, now: Date) {
  const inForce = new Map<string, number>();
  for (const term of list) {
    const kind = termKind(term);
    if (term.effectiveFrom <= now) inForce.set(kind, term.id); // list is oldest first: the last wins
  }
  return list.map((term) => {
    const kind = termKind(term);
    const state = term.effectiveFrom > now ? 'scheduled' : inForce.get(kind) === term.id ? 'inForce' : 'replaced';
    return {
      id: term.id,
      from: shownTime(tr, term.effectiveFrom),
      model: tr.t(MODEL_MESSAGES[term.model]),
      price: term.model === 'cps'
        ? tr.t('operator.terms.percent', { rate: (term.rateBp! / 100).toFixed(2).replace(/\.?0+$/, '') })
        : tr.money(term.flatMinor!, term.currency!),
      category: term.category,
      state,
      stateText: tr.t(`operator.terms.state.${state}` as MessageKey),
    };
  });
}
