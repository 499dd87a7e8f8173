// The site owners' pages: their sites (/owner), registering a site with a validation preview
// (/owner/sites/new), and each site's own page with its actions (owner-site.ts). Every page needs
// a signed-in user; every route with a :siteId passes requireSiteOwner first, and a route with a
// second id (feed, token) checks that it belongs to that site. Every change is a POST with CSRF,
// audited; the routes that fetch from the owner's site are rate-limited per address.
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireUser } from '../../accounts/guards';
import { generateCsrf } from '../../accounts/plugin';
import { checkRegistration, registerOwnedSite } from '../../sites/register-site';
import { previewFeed } from '../../sites/validation-preview';
import { HttpError } from '../errors';
import { fieldErrors, hasErrors, type FieldErrors } from '../form-errors';
import { pageContext } from '../page-context';
import { PREVIEWS_PER_MINUTE, privatePage, REGISTRATIONS_PER_HOUR } from './owner-common';
import { ownerSiteRoutes } from './owner-site';
import { ownerSiteEditRoutes } from './owner-site-edit';
import { feedPreviewView, type FeedPreviewView } from './owner-preview-view';
import {
  FORM_FORMATS, formValues, problemErrors, SELECTOR_FORM_FIELDS, siteFormMessages, siteFormSchema, toRegistration, type SiteFormBody,
} from './owner-site-form';

const STATUS_ORDER = ['pending', 'active', 'rejected', 'suspended'] as const;

export async function ownerPageRoutes(app: FastifyInstance): Promise<void> {
  await app.register(fastifyFormbody, { bodyLimit: 16_384 });
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (request, context) =>
      new HttpError(context.statusCode, 'DN_ERR_RATE_LIMITED', request.translator.t('owner.rateLimited')),
  });

  const siteForm = (request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors: FieldErrors = {}, preview: FeedPreviewView | null = null) =>
    privatePage(reply).view('owner-site-new.njk', {
      ...pageContext(request), values, errors, preview, formats: FORM_FORMATS, selectorFields: SELECTOR_FORM_FIELDS, formCsrf: generateCsrf(request, reply),
    });

  app.get('/owner', { preHandler: requireUser }, async (request, reply) => {
    const tr = request.translator;
    const sites = await app.storage.sites.listForOwner(request.user!.id);
    return privatePage(reply).view('owner.njk', {
      ...pageContext(request),
      statuses: STATUS_ORDER,
      sites: sites.map((site) => ({
        id: site.id, name: site.name, slug: site.slug, homeUrl: site.homeUrl, status: site.status, statusReason: site.statusReason,
        verified: site.verifiedAt !== null, createdText: tr.date(site.createdAt, 'UTC'),
      })),
    });
  });

  app.get('/owner/sites/new', { preHandler: requireUser }, async (request, reply) => siteForm(request, reply, formValues(undefined)));

  app.post<{ Body: SiteFormBody }>('/owner/sites/new', {
    preHandler: requireUser,
    config: { rateLimit: { max: REGISTRATIONS_PER_HOUR, timeWindow: 3_600_000 } },
    schema: { body: siteFormSchema },
    attachValidation: true,
  }, async (request, reply) => {
    const tr = request.translator;
    const values = formValues(request.body);
    const errors = fieldErrors(request, siteFormMessages, tr);
    if (hasErrors(errors)) return siteForm(request, reply.code(400), values, errors);
    const user = request.user!;
    const result = await registerOwnedSite(app.storage, toRegistration(values), user.id, new Date());
    if (!result.ok) return siteForm(request, reply.code(400), values, problemErrors(result.problems, tr));
    const { site, feed } = result;
    await app.audit.record({
      actorUserId: user.id, action: 'site.register', subject: `site:${site.id}`,
      after: {
        site: { id: site.id, slug: site.slug, name: site.name, homeUrl: site.homeUrl, status: site.status, clickParam: site.clickParam, clickTemplate: site.clickTemplate },
        feed: { id: feed.id, url: feed.url, format: feed.format, timeZone: feed.timeZone, selectors: feed.selectors },
      },
    });
    return privatePage(reply).redirect(`/owner/sites/${site.id}?registered=1`, 303);
  });

  // The same form, read once and shown with the preview under it; nothing is stored.
  app.post<{ Body: SiteFormBody }>('/owner/sites/preview', {
    preHandler: requireUser,
    config: { rateLimit: { max: PREVIEWS_PER_MINUTE, timeWindow: 60_000 } },
    schema: { body: siteFormSchema },
    attachValidation: true,
  }, async (request, reply) => {
    const tr = request.translator;
    const values = formValues(request.body);
    const errors = fieldErrors(request, siteFormMessages, tr);
    if (hasErrors(errors)) return siteForm(request, reply.code(400), values, errors);
    const registration = toRegistration(values);
    // Only the feed's own settings have to be right to read it; the rest is checked on submit.
    const problems = checkRegistration(registration);
    const feedProblems = problemErrors(problems.filter((problem) => ['feedUrl', 'format', 'timeZone', 'selectors'].includes(problem.field)), tr);
    if (hasErrors(feedProblems)) return siteForm(request, reply.code(400), values, feedProblems);
    // With a valid home URL, deals off its domain are counted out as the crawl will count them.
    const homeUrl = problems.some((problem) => problem.field === 'homeUrl') ? null : registration.homeUrl;
    const preview = await previewFeed(
      { feedUrl: registration.feedUrl, format: registration.format ?? 'auto', timeZone: registration.timeZone, selectors: registration.selectors, homeUrl },
      app.crawlChecks,
    );
    return siteForm(request, reply, values, {}, feedPreviewView(preview, tr, registration.name || new URL(registration.feedUrl).host));
  });

  await app.register(ownerSiteRoutes);
  await app.register(ownerSiteEditRoutes);
}
