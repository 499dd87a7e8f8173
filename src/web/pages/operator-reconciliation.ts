// Reconciliation for operators: GET /operator/reconciliation (choose a site, upload its order report
// with the remembered column mapping), POST …/preview (multipart: read and compare, store the
// pending import), GET …/imports/:id (the preview: ticked corrections per category), POST
// …/imports/:id/apply, GET …/imports/:id/result. The first page also holds the site's order pull:
// its order-query URL (POST …/pull-source), a pull now (POST …/pull-now) and the recent runs.
import fastifyFormbody from '@fastify/formbody';
import fastifyMultipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireOperator } from '../../accounts/guards';
import { generateCsrf } from '../../accounts/plugin';
import { RevenueError } from '../../revenue/errors';
import { OrderPullService } from '../../revenue/order-pull/pull-orders';
import {
  MAX_PULL_INTERVAL_MINUTES, MAX_PULL_WINDOW_HOURS, pullUrlProblem, removePullSource, setPullSource, type PullUrlProblem,
} from '../../revenue/order-pull/pull-source';
import { importCsvStream } from '../../revenue/reconciliation/import-csv';
import { REPORT_LIMITS } from '../../revenue/reconciliation/parse-report';
import { CORRECTABLE, ReconciliationService, type ReportUpload } from '../../revenue/reconciliation/reconciliation-service';
import type { OrderPullRun, OrderPullSource, ReconciliationImport, Site } from '../../storage';
import { HttpError } from '../errors';
import { fieldErrors, hasErrors, type FieldMessages } from '../form-errors';
import type { MessageKey } from '../i18n';
import { pageContext } from '../page-context';
import {
  categoryViews, fieldsFromMapping, mappingFromFields, problemMessages, type UploadFields,
} from './operator-reconciliation-view';

const column = { type: 'string', minLength: 1, maxLength: 100 } as const;
const day = { type: 'string', pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' } as const;
const uploadBody = {
  type: 'object',
  required: ['site', 'encoding', 'delimiter', 'orderIdColumn', 'clickIdColumn', 'amountColumn', 'amountUnit', 'fixedCurrency',
    'statusColumn', 'statusWords', 'orderTimeColumn', 'timeZone'],
  properties: {
    _csrf: { type: 'string', maxLength: 200 },
    site: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
    report: { type: 'object' },
    encoding: { type: 'string', enum: ['auto', 'utf-8', 'gb18030'] },
    delimiter: { type: 'string', enum: ['comma', 'semicolon', 'tab'] },
    orderIdColumn: column, clickIdColumn: column, amountColumn: column, statusColumn: column, orderTimeColumn: column,
    amountUnit: { type: 'string', enum: ['major', 'minor'] },
    currencyColumn: { type: 'string', maxLength: 100 },
    kindColumn: { type: 'string', maxLength: 100 },
    fixedCurrency: { type: 'string', pattern: '^[A-Za-z]{3}$' },
    statusWords: { type: 'string', minLength: 1, maxLength: 8000 },
    timeZone: { type: 'string', minLength: 1, maxLength: 64 },
    periodFrom: day, periodTo: day,
  },
} as const;

const uploadMessages: FieldMessages<Exclude<keyof UploadFields, never>> = {
  site: { '*': 'recon.error.site' },
  encoding: { '*': 'recon.error.required' },
  delimiter: { '*': 'recon.error.required' },
  orderIdColumn: { '*': 'recon.error.required' },
  clickIdColumn: { '*': 'recon.error.required' },
  amountColumn: { '*': 'recon.error.required' },
  amountUnit: { '*': 'recon.error.required' },
  currencyColumn: { '*': 'recon.error.required' },
  fixedCurrency: { '*': 'recon.error.currencyCode' },
  statusColumn: { '*': 'recon.error.required' },
  statusWords: { '*': 'recon.error.required' },
  orderTimeColumn: { '*': 'recon.error.required' },
  timeZone: { '*': 'recon.error.required' },
  kindColumn: { '*': 'recon.error.required' },
  periodFrom: { '*': 'recon.error.badDateFormat' },
  periodTo: { '*': 'recon.error.badDateFormat' },
};

type UploadBody = Partial<UploadFields> & { report?: ReportUpload };

const importParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
const applyBody = {
  type: 'object',
  properties: {
    _csrf: { type: 'string', maxLength: 200 },
    apply: { type: 'array', items: { type: 'integer', minimum: 0 }, maxItems: REPORT_LIMITS.maxRows + 1 },
  },
} as const;

const siteField = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' } as const;
const pullSourceBody = {
  type: 'object',
  required: ['site'],
  properties: {
    _csrf: { type: 'string', maxLength: 200 },
    site: siteField,
    url: { type: 'string', maxLength: 2000 },
    intervalMinutes: { type: 'integer', minimum: 1, maximum: MAX_PULL_INTERVAL_MINUTES },
    windowHours: { type: 'integer', minimum: 1, maximum: MAX_PULL_WINDOW_HOURS },
    remove: { type: 'string', enum: ['1'] },
  },
} as const;
const pullNowBody = { type: 'object', required: ['site'], properties: { _csrf: { type: 'string', maxLength: 200 }, site: siteField } } as const;

interface PullSourceFields { site: string; url?: string; intervalMinutes?: number; windowHours?: number; remove?: '1' }

const pullSourceMessages: FieldMessages<'url' | 'intervalMinutes' | 'windowHours'> = {
  url: { '*': 'recon.pull.error.url' },
  intervalMinutes: { '*': 'recon.pull.error.interval' },
  windowHours: { '*': 'recon.pull.error.window' },
};

const URL_PROBLEMS: Record<PullUrlProblem, MessageKey> = {
  not_a_url: 'recon.pull.error.url', not_http: 'recon.pull.error.notHttp', credentials: 'recon.pull.error.credentials', too_long: 'recon.pull.error.url',
};

/** Reads the uploaded file into memory (the byte cap bounds it) and notes whether the cap cut it. */
async function readUpload(this: FastifyRequest, part: MultipartFile): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of part.file) chunks.push(chunk as Buffer);
  const upload: ReportUpload = { fileName: part.filename, bytes: Buffer.concat(chunks), truncated: part.file.truncated };
  (part as unknown as { value: ReportUpload }).value = upload;
}

const privatePage = (reply: FastifyReply): FastifyReply => reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'same-origin');

export async function operatorReconciliationPageRoutes(app: FastifyInstance): Promise<void> {
  await app.register(fastifyFormbody, { bodyLimit: 2 * 1024 * 1024 });
  await app.register(fastifyMultipart, {
    attachFieldsToBody: 'keyValues',
    onFile: readUpload,
    throwFileSizeLimit: false,
    limits: { fileSize: REPORT_LIMITS.maxBytes, files: 1, fields: 20, parts: 21, fieldSize: 16 * 1024 },
  });
  const service = new ReconciliationService(app.storage, app.postbackService, app.audit);
  // Pulls run from this page reach the addresses crawls may reach.
  const pulls = new OrderPullService(app.storage, app.postbackService, { allowPrivateNetwork: app.crawlChecks.fetch.allowPrivateNetwork });

  interface PageState {
    values?: UploadFields | null;
    errors?: object;
    headers?: string[];
    pullValues?: { url: string; intervalMinutes: string | number; windowHours: string | number } | null;
    pullErrors?: object;
  }

  async function uploadPage(request: FastifyRequest, reply: FastifyReply, site: Site | null, state: PageState = {}) {
    const { values = null, errors = {}, headers = [], pullErrors = {} } = state;
    const sites = (await app.storage.sites.list()).map((entry) => ({ slug: entry.slug, name: entry.name }));
    let known = { lastHeaders: [] as string[], remembered: false };
    let formValues = values;
    let imports: ReconciliationImport[] = [];
    if (site) {
      const mapping = await service.mappingFor(site);
      known = mapping;
      formValues ??= fieldsFromMapping(site.slug, mapping.mapping);
      imports = await app.storage.reconciliation.listImports(site.id, 10);
    }
    const tr = request.translator;
    const source = site ? await app.storage.orderPulls.findSource(site.id) : null;
    const runs = site ? await app.storage.orderPulls.listRuns(site.id, 10) : [];
    return privatePage(reply).view('operator-reconciliation.njk', {
      ...pageContext(request),
      sites,
      site: site ? { slug: site.slug, name: site.name } : null,
      values: formValues,
      errors,
      headers: headers.length > 0 ? headers : known.lastHeaders,
      remembered: known.remembered,
      maxMiB: REPORT_LIMITS.maxBytes / 1024 / 1024,
      maxRows: REPORT_LIMITS.maxRows,
      formCsrf: generateCsrf(request, reply),
      imports: imports.map((batch) => ({
        id: batch.id, fileName: batch.fileName, orders: batch.orders, status: batch.status,
        at: tr.dateTime(batch.createdAt, 'UTC'),
      })),
      pull: source ? { url: source.url, intervalMinutes: source.intervalMinutes, windowHours: source.windowHours, next: tr.dateTime(source.nextPullAt, 'UTC') } : null,
      pullValues: state.pullValues ?? { url: source?.url ?? '', intervalMinutes: source?.intervalMinutes ?? '', windowHours: source?.windowHours ?? '' },
      pullErrors,
      runs: runs.map((run) => ({
        ...run,
        at: tr.dateTime(run.startedAt, 'UTC'),
        window: `${tr.dateTime(run.windowStart, 'UTC')} – ${tr.dateTime(run.windowEnd, 'UTC')}`,
      })),
    });
  }

  app.get<{ Querystring: { site?: string } }>('/operator/reconciliation', {
    preHandler: requireOperator,
    schema: { querystring: { type: 'object', properties: { site: { type: 'string', maxLength: 64 } } } },
  }, async (request, reply) => {
    const slug = request.query.site;
    const site = slug ? await app.storage.sites.findBySlug(slug) : null;
    if (slug && !site) throw new HttpError(404, 'DN_ERR_SITE_NOT_FOUND', `No site '${slug}'`);
    return uploadPage(request, reply, site);
  });

  app.post<{ Body: UploadBody }>('/operator/reconciliation/preview', {
    // Before the upload is read: nobody else's bytes are buffered.
    onRequest: requireOperator,
    schema: { consumes: ['multipart/form-data'], body: uploadBody },
    attachValidation: true,
  }, async (request, reply) => {
    const tr = request.translator;
    const body = (request.body ?? {}) as UploadBody;
    const site = typeof body.site === 'string' ? await app.storage.sites.findBySlug(body.site) : null;
    const values = { ...(site ? fieldsFromMapping(site.slug, (await service.mappingFor(site)).mapping) : {}), ...stringFields(body) } as UploadFields;
    const invalid = fieldErrors(request, uploadMessages, tr);
    if (!site && !invalid.site) invalid.site = tr.t('recon.error.site');
    if (hasErrors(invalid)) {
      const errors = Object.fromEntries(Object.entries(invalid).map(([field, message]) => [field, [message]]));
      return uploadPage(request, reply.code(400), site, { values, errors });
    }
    const mapping = mappingFromFields(values);
    if (!mapping.ok) return uploadPage(request, reply.code(400), site, { values, errors: problemMessages(mapping.problems, tr) });
    const outcome = await service.preview({
      site: site!, upload: body.report && Buffer.isBuffer(body.report.bytes) ? body.report : null, mapping: mapping.mapping,
      periodFrom: values.periodFrom || null, periodTo: values.periodTo || null, actorUserId: request.user!.id,
    });
    if (!outcome.ok) return uploadPage(request, reply.code(400), site, { values, errors: problemMessages(outcome.problems, tr), headers: outcome.headers });
    return reply.redirect(`/operator/reconciliation/imports/${outcome.batch.id}`, 303);
  });

  app.post<{ Body: PullSourceFields }>('/operator/reconciliation/pull-source', {
    preHandler: requireOperator,
    // An empty number field means "keep the current one".
    preValidation: async (request) => {
      const body = request.body as unknown as Record<string, unknown> | null;
      for (const key of ['intervalMinutes', 'windowHours']) if (body?.[key] === '') delete body[key];
    },
    schema: { body: pullSourceBody },
    attachValidation: true,
  }, async (request, reply) => {
    const tr = request.translator;
    const body = (request.body ?? {}) as Partial<PullSourceFields>;
    const site = await siteNamed(body.site);
    const back = `/operator/reconciliation?site=${site.slug}`;
    if (body.remove === '1' && !request.validationError) {
      await removePullSource(app.storage, app.audit, site, request.user!.id);
      return reply.redirect(back, 303);
    }
    const errors: Record<string, string[]> = Object.fromEntries(
      Object.entries(fieldErrors(request, pullSourceMessages, tr, { interval: MAX_PULL_INTERVAL_MINUTES, window: MAX_PULL_WINDOW_HOURS }))
        .map(([field, message]) => [field, [message]]));
    const url = typeof body.url === 'string' ? body.url.trim() : '';
    const problem = errors.url ? null : url === '' ? 'not_a_url' : pullUrlProblem(url);
    if (problem) errors.url = [tr.t(URL_PROBLEMS[problem])];
    if (Object.keys(errors).length > 0) {
      const pullValues = { url, intervalMinutes: String(body.intervalMinutes ?? ''), windowHours: String(body.windowHours ?? '') };
      return uploadPage(request, reply.code(400), site, { pullValues, pullErrors: errors });
    }
    await setPullSource(app.storage, app.audit, site, request.user!.id, { url, intervalMinutes: body.intervalMinutes, windowHours: body.windowHours });
    return reply.redirect(back, 303);
  });

  app.post<{ Body: { site: string } }>('/operator/reconciliation/pull-now', {
    preHandler: requireOperator,
    schema: { body: pullNowBody },
  }, async (request, reply) => {
    const site = await siteNamed(request.body.site);
    const before = await app.storage.orderPulls.findSource(site.id);
    let run: OrderPullRun;
    try {
      // The run, ok or failed, is recorded and shown on the page it returns to.
      run = await pulls.pullSite(site, 'manual');
    } catch (error) {
      if (error instanceof RevenueError) throw new HttpError(error.statusCode, error.code, error.message);
      throw error;
    }
    // Audited like every operator action: the pull may create and change conversions.
    await app.audit.record({
      actorUserId: request.user!.id, action: 'order_pull.run', subject: `site:${site.id}`,
      before: pullSchedule(before), after: { ...pullSchedule(await app.storage.orderPulls.findSource(site.id)), run: pullSummary(run) },
    });
    return reply.redirect(`/operator/reconciliation?site=${site.slug}#order-pull`, 303);
  });

  const pullSchedule = (source: OrderPullSource | null) => source
    ? { nextPullAt: source.nextPullAt.toISOString(), lastOkWindowEnd: source.lastOkWindowEnd?.toISOString() ?? null }
    : null;
  const pullSummary = (run: OrderPullRun) => ({
    id: run.id, outcome: run.outcome, windowStart: run.windowStart.toISOString(), windowEnd: run.windowEnd.toISOString(),
    httpStatus: run.httpStatus, orders: run.orders, created: run.created, updated: run.updated, unchanged: run.unchanged,
    refused: run.refused, errorCode: run.errorCode,
  });

  async function siteNamed(slug: string | undefined): Promise<Site> {
    const site = typeof slug === 'string' ? await app.storage.sites.findBySlug(slug) : null;
    if (!site) throw new HttpError(404, 'DN_ERR_SITE_NOT_FOUND', `No site '${slug ?? ''}'`);
    return site;
  }

  app.get<{ Params: { id: number } }>('/operator/reconciliation/imports/:id', {
    preHandler: requireOperator,
    schema: { params: importParams },
  }, async (request, reply) => {
    const { batch, site } = await findImport(request.params.id);
    if (batch.status !== 'previewed') return reply.redirect(`/operator/reconciliation/imports/${batch.id}/result`, 303);
    return importPage(request, reply, batch, site, 'operator-reconciliation-preview.njk');
  });

  app.post<{ Params: { id: number }; Body: { apply?: number[] } }>('/operator/reconciliation/imports/:id/apply', {
    preHandler: requireOperator,
    schema: { params: importParams, body: applyBody },
  }, async (request, reply) => {
    const { batch } = await findImport(request.params.id);
    try {
      await service.apply(batch.id, request.body?.apply ?? [], request.user!.id);
    } catch (error) {
      if (error instanceof RevenueError) throw new HttpError(error.statusCode, error.code, error.message);
      throw error;
    }
    return reply.redirect(`/operator/reconciliation/imports/${batch.id}/result`, 303);
  });

  app.get<{ Params: { id: number } }>('/operator/reconciliation/imports/:id/result', {
    preHandler: requireOperator,
    schema: { params: importParams },
  }, async (request, reply) => {
    const { batch, site } = await findImport(request.params.id);
    if (batch.status === 'previewed') return reply.redirect(`/operator/reconciliation/imports/${batch.id}`, 303);
    return importPage(request, reply, batch, site, 'operator-reconciliation-result.njk');
  });

  app.get<{ Params: { id: number } }>('/operator/reconciliation/imports/:id/rows.csv', {
    preHandler: requireOperator,
    schema: { params: importParams },
  }, async (request, reply) => {
    const { batch, site } = await findImport(request.params.id);
    const rows = await app.storage.reconciliation.listRows(batch.id);
    return privatePage(reply)
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="reconciliation-${site.slug}-${batch.id}.csv"`)
      .send(importCsvStream(batch, rows));
  });

  async function findImport(id: number): Promise<{ batch: ReconciliationImport; site: Site }> {
    const batch = await app.storage.reconciliation.findImport(id);
    const site = batch ? await app.storage.sites.findById(batch.siteId) : null;
    if (!batch || !site) throw new HttpError(404, 'DN_ERR_RECON_IMPORT_NOT_FOUND', `No reconciliation import #${id}`);
    return { batch, site };
  }

  async function importPage(request: FastifyRequest, reply: FastifyReply, batch: ReconciliationImport, site: Site, template: string) {
    const tr = request.translator;
    const rows = await app.storage.reconciliation.listRows(batch.id);
    const zone = batch.mapping.timeZone;
    const outcomes = { applied: 0, unchanged: 0, refused: 0, skipped: 0 };
    for (const row of rows) if (row.outcome) outcomes[row.outcome] += 1;
    return privatePage(reply).view(template, {
      ...pageContext(request),
      batch: {
        id: batch.id, fileName: batch.fileName, charset: batch.charset, orders: batch.orders, status: batch.status,
        period: `${tr.date(batch.periodStart, zone)} – ${tr.date(new Date(batch.periodEnd.getTime() - 1), zone)}`,
        zone, at: tr.dateTime(batch.createdAt, 'UTC'), appliedAt: batch.appliedAt ? tr.dateTime(batch.appliedAt, 'UTC') : null,
      },
      site: { slug: site.slug, name: site.name },
      categories: categoryViews(rows, tr, zone).map((view) => ({ ...view, correctable: CORRECTABLE.has(view.category) })),
      outcomes,
      formCsrf: generateCsrf(request, reply),
    });
  }
}

/** The posted text fields (a file part is never among them). */
function stringFields(body: UploadBody): Partial<UploadFields> {
  return Object.fromEntries(Object.entries(body).filter(([key, value]) => key !== '_csrf' && key !== 'report' && typeof value === 'string')) as Partial<UploadFields>;
}
