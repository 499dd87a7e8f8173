// Turns a route's JSON-schema validation failures into a message per form field, so a form can be
// shown again with each message next to its field. Routes declare `attachValidation: true` and
// pass `request.validationError` here; the schema stays the single source of the rules.
import type { FastifyRequest } from 'fastify';
import type { MessageKey, Translator } from './i18n';

/** Which message a failed rule on a field shows: by JSON-schema keyword, `*` for any other. */
export type FieldMessages<Field extends string> = Record<Field, Partial<Record<string, MessageKey>> & { '*': MessageKey }>;

export type FieldErrors = Record<string, string>;

export function fieldErrors<Field extends string>(
  request: FastifyRequest, messages: FieldMessages<Field>, tr: Translator, values: Record<string, string | number> = {},
): FieldErrors {
  const errors: FieldErrors = {};
  for (const failure of request.validationError?.validation ?? []) {
    const field = failure.keyword === 'required'
      ? String((failure.params as { missingProperty?: string }).missingProperty ?? '')
      : failure.instancePath.replace(/^\//, '').split('/')[0] ?? '';
    const rules = messages[field as Field];
    if (!rules || errors[field]) continue;
    errors[field] = tr.t(rules[failure.keyword] ?? rules['*'], values);
  }
  // A failure on a field the form does not show still refuses the request.
  if (request.validationError && Object.keys(errors).length === 0) errors.form = tr.t('formInvalid');
  return errors;
}

export const hasErrors = (errors: FieldErrors): boolean => Object.keys(errors).length > 0;
