// A `deals` row joined with its site, as the listing queries select it, and its StoredDeal form.
import type { StoredDeal } from '../types';
import { toIso } from './time';

export interface DealRow {
  id: number;
  site_id: number;
  site_slug: string;
  site_name: string;
  external_id: string;
  url: string;
  title: string;
  image_url: string | null;
  city: string | null;
  nationwide: number;
  district: string | null;
  category: string | null;
  price_minor: number;
  value_minor: number | null;
  currency: string;
  discount_percent: number | null;
  sold: number | null;
  sold_out: number;
  starts_at: number | null;
  ends_at: number | null;
  merchant_name: string | null;
  merchant_phone: string | null;
  merchant_address: string | null;
  first_seen_at: number;
  updated_at: number;
  removed_at: number | null;
  offer_key: string | null;
}

/** The columns of DealRow, for `SELECT ${dealColumns} FROM deals d JOIN sites s ON s.id = d.site_id`. */
export const dealColumns = `d.id, d.site_id, s.slug AS site_slug, s.name AS site_name, d.external_id, d.url, d.title,
  d.image_url, d.city, d.nationwide, d.district, d.category, d.price_minor, d.value_minor, d.currency, d.discount_percent,
  d.sold, d.sold_out, d.starts_at, d.ends_at, d.merchant_name, d.merchant_phone, d.merchant_address, d.first_seen_at,
  d.updated_at, d.removed_at, d.offer_key`;

/** A deal is live when it is listed: not removed, not ended, and its site active. Binds @now. */
export const liveDeal = (d: string, s: string) =>
  `${d}.removed_at IS NULL AND (${d}.ends_at IS NULL OR ${d}.ends_at > @now) AND ${s}.status = 'active'`;

export const toStoredDeal = (row: DealRow): StoredDeal => ({
  id: row.id,
  siteId: row.site_id,
  site: row.site_slug,
  siteName: row.site_name,
  externalId: row.external_id,
  url: row.url,
  title: row.title,
  imageUrl: row.image_url,
  city: row.city,
  nationwide: row.nationwide === 1,
  district: row.district,
  category: row.category,
  priceMinor: row.price_minor,
  valueMinor: row.value_minor,
  currency: row.currency,
  discountPercent: row.discount_percent,
  sold: row.sold,
  soldOut: row.sold_out === 1,
  startsAt: toIso(row.starts_at),
  endsAt: toIso(row.ends_at),
  merchant: row.merchant_name || row.merchant_phone || row.merchant_address
    ? { name: row.merchant_name, phone: row.merchant_phone, address: row.merchant_address }
    : null,
  firstSeenAt: new Date(row.first_seen_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
});
