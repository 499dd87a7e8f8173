// The site registration form: its JSON schema (types and sizes), the messages for each field, and
// the step from the posted fields to a SiteRegistration. The rules that need more than a schema
// (URLs, click template, time zone, selectors) are src/sites/register-site.ts's, shared with the CLI.
import { feedFormats, formatNames } from '../../../crawlers/formats';
import type { HtmlSelectors } from '../../../crawlers/types';
import { SELECTOR_FIELDS, type RegistrationProblem, type RegistrationProblemCode, type SiteRegistration } from '../../sites/register-site';
import type { Feed, Site } from '../../storage';
import type { FieldErrors, FieldMessages } from '../form-errors';
import type { MessageKey, Translator } from '../i18n';

type SelectorField = (typeof SELECTOR_FIELDS)[number];
export type SelectorFormField = `sel_${SelectorField}`;

export type SiteFormBody = {
  name: string;
  homeUrl: string;
  feedUrl: string;
  format?: string;
  timeZone?: string;
  clickParam?: string;
  clickTemplate?: string;
} & { [selector in SelectorFormField]?: string };

const text = (maxLength: number) => ({ type: 'string', maxLength } as const);
const url = { type: 'string', minLength: 1, maxLength: 2048 } as const;

/** The format list of the form's select. */
export const FORM_FORMATS = feedFormats.map((format) => ({ name: format.name, label: format.label }));

export const SELECTOR_FORM_FIELDS = SELECTOR_FIELDS.map((field): SelectorFormField => `sel_${field}`);

export const siteFormSchema = {
  type: 'object',
  required: ['name', 'homeUrl', 'feedUrl'],
  properties: {
    _csrf: text(200),
    name: { type: 'string', minLength: 1, maxLength: 100 },
    homeUrl: url,
    feedUrl: url,
    format: { type: 'string', enum: ['auto', ...formatNames()] },
    timeZone: text(64),
    clickParam: text(40),
    clickTemplate: text(500),
    ...Object.fromEntries(SELECTOR_FORM_FIELDS.map((field) => [field, text(300)])),
  },
} as const;

export const siteFormMessages: FieldMessages<'name' | 'homeUrl' | 'feedUrl' | 'format' | 'timeZone' | 'clickParam' | 'clickTemplate' | SelectorFormField> = {
  name: { '*': 'owner.form.nameMissing' },
  homeUrl: { '*': 'owner.form.urlInvalid' },
  feedUrl: { '*': 'owner.form.urlInvalid' },
  format: { '*': 'owner.form.formatUnknown' },
  timeZone: { '*': 'owner.form.timeZoneUnknown' },
  clickParam: { '*': 'owner.form.clickParamInvalid' },
  clickTemplate: { '*': 'owner.form.clickTemplateInvalid' },
  ...Object.fromEntries(SELECTOR_FORM_FIELDS.map((field) => [field, { '*': 'owner.form.selectorInvalid' }])) as
    unknown as Record<SelectorFormField, { '*': MessageKey }>,
};

const PROBLEM_MESSAGES: Record<RegistrationProblemCode, MessageKey> = {
  name_missing: 'owner.form.nameMissing',
  url_invalid: 'owner.form.urlInvalid',
  url_not_http: 'owner.form.urlNotHttp',
  format_unknown: 'owner.form.formatUnknown',
  interval_invalid: 'owner.form.formInvalid',
  click_param_invalid: 'owner.form.clickParamInvalid',
  click_template_invalid: 'owner.form.clickTemplateInvalid',
  time_zone_unknown: 'owner.form.timeZoneUnknown',
  clock_offset_invalid: 'owner.form.formInvalid',
  selectors_incomplete: 'owner.form.selectorsIncomplete',
  selector_invalid: 'owner.form.selectorInvalid',
  selectors_required: 'owner.form.selectorsRequired',
};

/** The posted fields, trimmed, for showing the form again. */
export function formValues(body: Partial<SiteFormBody> | undefined): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of ['name', 'homeUrl', 'feedUrl', 'format', 'timeZone', 'clickParam', 'clickTemplate', ...SELECTOR_FORM_FIELDS]) {
    const value = body?.[field as keyof SiteFormBody];
    values[field] = typeof value === 'string' ? value.trim() : '';
  }
  if (!values.format) values.format = 'auto';
  return values;
}

/** A registered site's settings as the form's values, for editing them. */
export function storedValues(site: Site, feed: Feed | null): Record<string, string> {
  const values: Record<string, string> = {
    name: site.name, homeUrl: site.homeUrl, feedUrl: feed?.url ?? '', format: feed?.format ?? 'auto', timeZone: feed?.timeZone ?? '',
    clickParam: site.clickParam ?? '', clickTemplate: site.clickTemplate ?? '',
  };
  for (const field of SELECTOR_FIELDS) values[`sel_${field}`] = feed?.selectors?.[field] ?? '';
  return values;
}

export function toRegistration(values: Record<string, string>): SiteRegistration {
  return {
    name: values.name ?? '',
    homeUrl: values.homeUrl ?? '',
    feedUrl: values.feedUrl ?? '',
    format: values.format || 'auto',
    timeZone: values.timeZone || null,
    clickParam: values.clickParam || null,
    clickTemplate: values.clickTemplate || null,
    selectors: toSelectors(values),
  };
}

/** Null when no selector was filled in: the feed is not read through selectors. */
function toSelectors(values: Record<string, string>): HtmlSelectors | null {
  const given = SELECTOR_FIELDS.filter((field) => values[`sel_${field}`]);
  if (given.length === 0) return null;
  const selectors: Partial<HtmlSelectors> = {};
  for (const field of given) selectors[field] = values[`sel_${field}`];
  return { item: '', title: '', price: '', url: '', ...selectors };
}

/** register-site's problems as messages next to their fields (selector problems next to the selector). */
export function problemErrors(problems: RegistrationProblem[], tr: Translator): FieldErrors {
  const errors: FieldErrors = {};
  for (const problem of problems) {
    const field = problem.field === 'selectors' ? (problem.detail ? `sel_${problem.detail}` : 'sel_item') : problem.field;
    if (field === 'intervalMinutes' || field === 'clockOffsetSeconds') {
      errors.form ??= tr.t('owner.form.formInvalid');
      continue;
    }
    errors[field] ??= tr.t(PROBLEM_MESSAGES[problem.code], { field: problem.detail ?? '' });
  }
  return errors;
}
