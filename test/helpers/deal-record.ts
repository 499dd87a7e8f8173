// A deal record with plausible defaults, for tests that store deals without parsing a feed.
import type { DealRecord } from '../../crawlers/types';

// Fixed once per test run, so two records built for the same deal are identical.
const startsAt = new Date(Date.now() - 3_600_000).toISOString();
const endsAt = new Date(Date.now() + 86_400_000).toISOString();

export function dealRecord(overrides: Partial<DealRecord> & { externalId: string }): DealRecord {
  return {
    site: 'test-site',
    url: `http://shop.example/deal/${overrides.externalId}`,
    title: `Deal ${overrides.externalId}`,
    imageUrl: null,
    city: 'chengdu',
    nationwide: false,
    district: null,
    category: 'food',
    priceMinor: 6800,
    valueMinor: 15800,
    currency: 'CNY',
    discountPercent: 57,
    sold: 10,
    soldOut: false,
    startsAt,
    endsAt,
    merchant: null,
    branches: [],
    ...overrides,
  };
}
