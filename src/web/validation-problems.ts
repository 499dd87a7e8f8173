// A failed request validation in the shopper's words: which parameter was wrong and what it must
// be, from Ajv's error objects (keyword and params), never the validator's English message.
import type { FastifySchemaValidationError } from 'fastify';
import type { MessageKey, Translator } from './i18n';

/** The form label of a parameter the listing and the alert form take, where one names it well. */
const labels: Partial<Record<string, MessageKey>> = {
  q: 'searchLabel', city: 'cityLabel', district: 'districtLabel', category: 'categoryLabel', site: 'sitesLabel',
  sort: 'sortLabel', minDiscount: 'minDiscountLabel', minScore: 'minScoreLabel', currency: 'priceCurrencyLabel', email: 'alertEmailLabel',
};

/** Amount parameters: their pattern is "decimal with at most two places". */
const amounts = new Set(['priceMin', 'priceMax', 'priceCeiling']);

const nameOf = (error: FastifySchemaValidationError): string => {
  const params = error.params as Record<string, unknown>;
  if (typeof params.missingProperty === 'string') return params.missingProperty;
  if (typeof params.additionalProperty === 'string') return params.additionalProperty;
  return (error.instancePath ?? '').split('/').filter(Boolean)[0] ?? '';
};

function problemOf(error: FastifySchemaValidationError, name: string, tr: Translator): string {
  const params = error.params as Record<string, unknown>;
  const limit = Number(params.limit);
  switch (error.keyword) {
    case 'required': return tr.t('errorMissingParameter');
    case 'additionalProperties': return tr.t('errorUnknownParameter');
    case 'pattern': return tr.t(amounts.has(name) ? 'errorExpectAmount' : 'errorExpectValid');
    case 'enum': return tr.t('errorExpectOneOf', { values: (params.allowedValues as unknown[]).join(tr.t('listSeparator')) });
    case 'minimum': return tr.t('errorExpectAtLeast', { limit: tr.number(limit) });
    case 'maximum': return tr.t('errorExpectAtMost', { limit: tr.number(limit) });
    case 'minLength': return tr.t('errorExpectLonger', { count: limit });
    case 'maxLength': return tr.t('errorExpectShorter', { count: limit });
    case 'maxItems': return tr.t('errorExpectFewer', { count: limit });
    case 'format': return tr.t(params.format === 'email' ? 'errorExpectEmail' : 'errorExpectValid');
    case 'type': return tr.t(params.type === 'integer' ? 'errorExpectWholeNumber' : params.type === 'number' ? 'errorExpectNumber' : 'errorExpectValid');
    default: return tr.t('errorExpectValid');
  }
}

/** One line per failed check: "Minimum discount (minDiscount): must be at most 100". */
export function validationProblems(errors: FastifySchemaValidationError[], tr: Translator): string[] {
  return errors.map((error) => {
    const name = nameOf(error);
    const problem = problemOf(error, name, tr);
    const label = labels[name];
    return label ? tr.t('errorParameterLabelled', { label: tr.t(label), name, problem }) : tr.t('errorParameter', { name, problem });
  });
}
