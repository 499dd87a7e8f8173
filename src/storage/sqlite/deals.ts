// SQL for the `deals` and `deal_price_history` tables; a deal's branches go through deal-branches.ts.
import { createHash } from 'node:crypto';
import type { Branch, DealRecord } from '../../../crawlers/types';
import type { DealsRepository, RedirectTarget, SnapshotCounts } from '../types';
import { createChangeNotifier, type ChangeNotifier } from './change-notifier';
import type { SqliteDatabase } from './database';
import { createDealBranches } from './deal-branches';
import { toStoredDeal, type DealRow } from './deal-row';
import { isoToMillis } from './time';


/** The state of a known deal that decides what a new snapshot changes. */
interface KnownDeal {
  id: number;
  content_hash: string;
  price_minor: number;
  value_minor: number | null;
  currency: string;
  sold_out: number;
  removed_at: number | null;
}


/** Column values of a deal record, in the order the insert and update statements take them. */
function dealColumns(deal: DealRecord) {
  return {
    url: deal.url,
    title: deal.title,
    image_url: deal.imageUrl,
    city: deal.city,
    nationwide: deal.nationwide ? 1 : 0,
    district: deal.district,
    category: deal.category,
    price_minor: deal.priceMinor,
    value_minor: deal.valueMinor,
    currency: deal.currency,
    discount_percent: deal.discountPercent,
    sold: deal.sold,
    sold_out: deal.soldOut ? 1 : 0,
    starts_at: isoToMillis(deal.startsAt),
    ends_at: isoToMillis(deal.endsAt),
    merchant_name: deal.merchant?.name ?? null,
    merchant_phone: deal.merchant?.phone ?? null,
    merchant_address: deal.merchant?.address ?? null,
  };
}

/**
 * What decides whether a known deal changed. Branches count only when there are some, so a deal
 * without branches hashes as it did before branches were stored (upgrading does not turn every
 * deal into an update), while gaining, changing or losing branches is an update.
 */
const contentHash = (columns: ReturnType<typeof dealColumns>, branches: readonly Branch[]): string =>
  createHash('sha256').update(JSON.stringify(branches.length > 0 ? { ...columns, branches } : columns)).digest('base64url');

const liveWhere = `d.removed_at IS NULL AND (d.ends_at IS NULL OR d.ends_at > @now) AND s.status = 'active'`;
const selectDeal = `SELECT d.*, s.slug AS site_slug, s.name AS site_name FROM deals d JOIN sites s ON s.id = d.site_id`;

/** Where a deal shows in the listing: its city, or '*' everywhere (see migration 4). */
const geoExpression = `CASE WHEN @nationwide THEN '*' ELSE @city END`;
/** The same-offer key, by the SQL function database.ts registers (see search-text.ts). */
const offerKeyExpression = 'dn_offer_key(@city, @nationwide, @currency, @merchant_name, @title)';

/** `changes` is shared with the sites repository (index.ts), whose status changes fire it too. */
export function createDealsRepository(
  db: SqliteDatabase, changes: ChangeNotifier = createChangeNotifier(),
): Omit<DealsRepository, 'search' | 'findDetail'> {
  const knownForFeed = db.prepare<[number], KnownDeal & { external_id: string }>(
    'SELECT id, external_id, content_hash, price_minor, value_minor, currency, sold_out, removed_at FROM deals WHERE feed_id = ?');
  const knownForSite = db.prepare<[number, string], KnownDeal>(
    'SELECT id, content_hash, price_minor, value_minor, currency, sold_out, removed_at FROM deals WHERE site_id = ? AND external_id = ?');
  // published_at, the "newest" order: the feed's start, but never later than the crawler's first
  // sighting, so a feed cannot lift its deals to the top by dating them in the future.
  const insert = db.prepare(`
    INSERT INTO deals (site_id, feed_id, external_id, url, title, image_url, city, nationwide, district, category,
      price_minor, value_minor, currency, discount_percent, sold, sold_out, starts_at, ends_at,
      merchant_name, merchant_phone, merchant_address, content_hash, published_at, first_seen_at, updated_at, geo, offer_key)
    VALUES (@site_id, @feed_id, @external_id, @url, @title, @image_url, @city, @nationwide, @district, @category,
      @price_minor, @value_minor, @currency, @discount_percent, @sold, @sold_out, @starts_at, @ends_at,
      @merchant_name, @merchant_phone, @merchant_address, @content_hash, min(COALESCE(@starts_at, @now), @now), @now, @now,
      ${geoExpression}, ${offerKeyExpression})`);
  const update = db.prepare(`
    UPDATE deals SET feed_id = @feed_id, url = @url, title = @title, image_url = @image_url, city = @city,
      nationwide = @nationwide, district = @district, category = @category, price_minor = @price_minor,
      value_minor = @value_minor, currency = @currency, discount_percent = @discount_percent, sold = @sold,
      sold_out = @sold_out, starts_at = @starts_at, ends_at = @ends_at, merchant_name = @merchant_name,
      merchant_phone = @merchant_phone, merchant_address = @merchant_address, content_hash = @content_hash,
      published_at = min(COALESCE(@starts_at, first_seen_at), first_seen_at), updated_at = @now, removed_at = NULL,
      geo = ${geoExpression}, offer_key = ${offerKeyExpression}
    WHERE id = @id`);
  const branches = createDealBranches(db);
  // The deal's full-text row (migration 11): written here rather than by a trigger, see there.
  const searchRowDelete = db.prepare<[number]>('DELETE FROM deal_search WHERE rowid = ?');
  const searchRowInsert = db.prepare(`
    INSERT INTO deal_search (rowid, words, bigrams) VALUES (@id,
      dn_search_words(@title, @merchant_name, @category), dn_search_bigrams(@title, @merchant_name, @category))`);
  const markRemoved = db.prepare<{ now: number; id: number }>('UPDATE deals SET removed_at = @now, updated_at = @now WHERE id = @id');
  const history = db.prepare(`
    INSERT INTO deal_price_history (deal_id, observed_at, price_minor, value_minor, currency, sold, sold_out)
    VALUES (@deal_id, @now, @price_minor, @value_minor, @currency, @sold, @sold_out)`);
  // Uses the deals_live_newest partial index.
  const listLive = db.prepare<{ now: number; limit: number; offset: number }, DealRow>(`
    ${selectDeal} WHERE ${liveWhere}
    ORDER BY d.published_at DESC, d.id DESC LIMIT @limit OFFSET @offset`);
  const countLive = db.prepare<{ now: number }, { total: number }>(
    `SELECT count(*) AS total FROM deals d JOIN sites s ON s.id = d.site_id WHERE ${liveWhere}`);
  const byId = db.prepare<[number], DealRow>(`${selectDeal} WHERE d.id = ?`);
  const redirectTarget = db.prepare<[number], { deal_id: number; site_id: number; url: string; city: string | null; category: string | null; click_param: string | null; click_template: string | null }>(`
    SELECT d.id AS deal_id, d.site_id, d.url, d.city, d.category, s.click_param, s.click_template
    FROM deals d JOIN sites s ON s.id = d.site_id
    WHERE d.id = ? AND d.removed_at IS NULL AND s.status = 'active'`);
  // --- Redirect-target change signals (for the in-process cache of /go, src/revenue/redirect-cache.ts).
  // In this process: listeners called after a snapshot commits (or a site's status changes, sites.ts). From other connections (the
  // `dealnav crawl` CLI, an operator's sqlite3): PRAGMA data_version, which changes whenever another
  // connection has committed since this one last looked, and never for this connection's own writes.
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  const notifyChanged = () => changes.notify();

  const applySnapshot = db.transaction((feed: { id: number; siteId: number }, deals: DealRecord[], now: number): SnapshotCounts => {
    const counts: SnapshotCounts = { added: 0, updated: 0, unchanged: 0, removed: 0 };
    const known = new Map(knownForFeed.all(feed.id).map((row) => [row.external_id, row]));
    const seen = new Set<string>();
    for (const deal of deals) {
      if (seen.has(deal.externalId)) continue; // a feed listing one deal twice: the first wins
      seen.add(deal.externalId);
      const columns = dealColumns(deal);
      const hash = contentHash(columns, deal.branches);
      const existing = known.get(deal.externalId) ?? knownForSite.get(feed.siteId, deal.externalId);
      const params = { ...columns, feed_id: feed.id, content_hash: hash, now };
      if (!existing) {
        const { lastInsertRowid } = insert.run({ ...params, site_id: feed.siteId, external_id: deal.externalId });
        searchRowInsert.run({ ...columns, id: lastInsertRowid });
        history.run({ ...columns, deal_id: Number(lastInsertRowid), now });
        branches.add(Number(lastInsertRowid), deal.branches);
        counts.added++;
        continue;
      }
      if (existing.content_hash === hash && existing.removed_at === null) {
        counts.unchanged++;
        continue;
      }
      update.run({ ...params, id: existing.id });
      searchRowDelete.run(existing.id);
      searchRowInsert.run({ ...columns, id: existing.id });
      branches.replace(existing.id, deal.branches);
      if (existing.removed_at !== null) counts.added++;
      else counts.updated++;
      if (existing.price_minor !== columns.price_minor || existing.value_minor !== columns.value_minor
        || existing.currency !== columns.currency || existing.sold_out !== columns.sold_out || existing.removed_at !== null) {
        history.run({ ...columns, deal_id: existing.id, now });
      }
    }
    for (const [externalId, row] of known) {
      if (!seen.has(externalId) && row.removed_at === null) {
        markRemoved.run({ now, id: row.id });
        counts.removed++;
      }
    }
    return counts;
  });

  return {
    async applyFeedSnapshot(feed, deals, now) {
      const counts = applySnapshot(feed, deals, now.getTime());
      notifyChanged(); // after the commit: a reader that reloads now sees the new state
      return counts;
    },
    async listLive({ now, page, pageSize }) {
      const at = now.getTime();
      const rows = listLive.all({ now: at, limit: pageSize, offset: (page - 1) * pageSize });
      return { deals: rows.map(toStoredDeal), total: countLive.get({ now: at })!.total };
    },
    async findById(id) {
      const row = byId.get(id);
      return row ? toStoredDeal(row) : null;
    },
    async findRedirectTarget(id): Promise<RedirectTarget | null> {
      const row = redirectTarget.get(id);
      return row
        ? { dealId: row.deal_id, siteId: row.site_id, url: row.url, city: row.city, category: row.category, clickParam: row.click_param, clickTemplate: row.click_template }
        : null;
    },
    onRedirectTargetsChanged(listener) {
      return changes.listen(listener);
    },
    externalChangeVersion() {
      return dataVersion.get()!;
    },
  };
}
