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
import { REASON_MAX_LENGTH, SiteStatusService, type SiteDecision } from '../../sites/site-status';
import { previewFeed } from '../../sites/validation-preview';
import type { Site } from '../../storage';
import { HttpError } from '../errors';
import { fieldErrors, hasErrors, type FieldErrors } from '../form-errors';
import type { MessageKey } from '../i18n';
import { pageContext } from '../page-context';
import { feedPreviewView, type FeedPreviewView } from './owner-preview-view';
import { loadSitePage, sitePageView, todayUtc } from './operator-site-view';
import { formCsrf, operatorPage, STATUS_MESSAGES } from './operator-view';

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

export async function operatorSitePageRoutes(app: FastifyInstance): Promise<void> {
  const statuses = new SiteStatusService(app.storage, app.audit);
  const terms = new CommissionTermService(app.storage, app.audit);

  async function siteOr404(siteId: number): Promise<Site> {
    const site = await app.storage.sites.findById(siteId);
    if (!site) throw new HttpError(404, 'DN_ERR_SITE_NOT_FOUND', 'There is no such site.');
    return site;
  }

  async function show(request: FastifyRequest, reply: FastifyReply, site: Site, extras: Extras = {}) {
    const now = new Date();
    const data = await loadSitePage(app.storage, terms, site, now);
    return operatorPage(reply).view('operator-site.njk', {
      ...pageContext(request),
      ...sitePageView(data, request.translator, now),
      formCsrf: formCsrf(request, reply),
      errors: extras.errors ?? {},
      values: { from: todayUtc(now), model: 'cps', currency: 'CNY', reason: '', ...extras.values },
      done: extras.done ? request.translator.t(`operator.done.${extras.done}` as MessageKey) : null,
      preview: extras.preview ?? null,
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
      {
        feedUrl: feed.url, format: feed.format, timeZone: feed.timeZone, clockOffsetSeconds: feed.clockOffsetSeconds, selectors: feed.selectors,
        homeUrl: site.homeUrl,
      },
      app.crawlChecks,
    );
    return show(request, reply, site, { preview: feedPreviewView(preview, request.translator, site.name) });
  });
}

/** The form's fields are named as the CLI's options; their messages sit under `term…` keys. */
const prefixTermFields = (errors: FieldErrors): FieldErrors =>
  Object.fromEntries(Object.entries(errors).map(([field, message]) => [field === 'form' ? 'termForm' : `term${field[0]!.toUpperCase()}${field.slice(1)}`, message]));
