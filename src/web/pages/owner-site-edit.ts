// Editing a registered site (/owner/sites/:siteId/edit): the registration form filled in with the
// site's settings, checked by the same schema and rules, each problem next to its field. Saving
// goes through src/sites/edit-site.ts (verification reset on a new host, a rejected site back in
// the approval queue, audited as site.edit). The :siteId guard lets in the site's owner (and
// operators) only, before the form is even read; the POST carries a CSRF token like every form.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { generateCsrf } from '../../accounts/plugin';
import { editOwnedSite } from '../../sites/edit-site';
import type { Site } from '../../storage';
import { fieldErrors, hasErrors, type FieldErrors } from '../form-errors';
import { pageContext } from '../page-context';
import { privatePage } from './owner-common';
import { siteParams } from './owner-site';
import {
  FORM_FORMATS, formValues, problemErrors, SELECTOR_FORM_FIELDS, siteFormMessages, siteFormSchema, storedValues, toRegistration, type SiteFormBody,
} from './owner-site-form';

export async function ownerSiteEditRoutes(app: FastifyInstance): Promise<void> {
  const editForm = (request: FastifyRequest, reply: FastifyReply, site: Site, values: Record<string, string>, errors: FieldErrors = {}) =>
    privatePage(reply).view('owner-site-edit.njk', {
      ...pageContext(request),
      site: { id: site.id, name: site.name, status: site.status, statusReason: site.statusReason },
      values, errors, formats: FORM_FORMATS, selectorFields: SELECTOR_FORM_FIELDS, formCsrf: generateCsrf(request, reply),
    });

  app.get<{ Params: { siteId: number } }>('/owner/sites/:siteId/edit', { schema: { params: siteParams } }, async (request, reply) => {
    const site = request.authorizedSite!;
    const [feed] = await app.storage.feeds.listForSite(site.id);
    return editForm(request, reply, site, storedValues(site, feed ?? null));
  });

  app.post<{ Params: { siteId: number }; Body: SiteFormBody }>('/owner/sites/:siteId/edit', {
    schema: { params: siteParams, body: siteFormSchema },
    attachValidation: true,
  }, async (request, reply) => {
    const tr = request.translator;
    const site = request.authorizedSite!;
    const values = formValues(request.body);
    const errors = fieldErrors(request, siteFormMessages, tr);
    if (hasErrors(errors)) return editForm(request, reply.code(400), site, values, errors);
    const result = await editOwnedSite(app.storage, app.audit, { site, registration: toRegistration(values), actorUserId: request.user!.id, now: new Date() });
    if (!result.ok) {
      if (result.problem === 'invalid') return editForm(request, reply.code(400), site, values, problemErrors(result.problems, tr));
      if (result.problem === 'feedUrlTaken') return editForm(request, reply.code(409), site, values, { feedUrl: tr.t('owner.edit.feedUrlTaken') });
      // Shown with the site as it is now, and what was typed kept.
      const current = (await app.storage.sites.findById(site.id)) ?? site;
      return editForm(request, reply.code(409), current, values, { form: tr.t('owner.edit.statusChanged') });
    }
    const done = result.resubmitted ? 'resubmitted' : result.hostChanged ? 'rehosted' : result.changed ? 'saved' : 'unchanged';
    return privatePage(reply).redirect(`/owner/sites/${site.id}?done=${done}`, 303);
  });
}
