// A site's credibility as the JSON API gives it: the score and each part with its weight and counts.
import type { SiteCredibility } from '../../credibility/service';

export const credibilitySchema = {
  type: 'object',
  description: 'The credibility score as the README\'s "Credibility score" section defines it.',
  required: ['score', 'computedAt', 'parts'],
  properties: {
    score: { type: ['integer', 'null'], minimum: 0, maximum: 100, description: '0–100; null when the site has too little data to be scored.' },
    computedAt: { type: ['string', 'null'], format: 'date-time' },
    parts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'weight', 'value', 'numerator', 'denominator'],
        properties: {
          name: { type: 'string', enum: ['feed', 'links', 'prices', 'reports', 'sales', 'expired', 'worth'] },
          weight: { type: 'integer' },
          value: { type: ['number', 'null'], description: '0–1 (1 is best); null with too little data.' },
          numerator: { type: 'integer', description: 'The count behind the part (succeeded crawls for feed; bad links, mismatches, reported deals, reversed sales, expired or inflated deals for the others).' },
          denominator: { type: 'integer' },
        },
      },
    },
  },
} as const;

export function credibilityJson(site: SiteCredibility | null) {
  return {
    score: site?.score ?? null,
    computedAt: site?.computedAt.toISOString() ?? null,
    parts: site?.parts.map(({ name, weight, value, numerator, denominator }) => ({ name, weight, value, numerator, denominator })) ?? [],
  };
}
