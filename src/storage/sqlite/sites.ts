// SQL for the `sites` table.
import type { NewOwnedSite, NewSite, Site, SiteSettingsChange, SiteSummary, SitesRepository } from '../types';
import type { ChangeNotifier } from './change-notifier';
import type { SqliteDatabase } from './database';
import { toDate, toIso, toOptionalDate } from './time';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

interface DirectoryRow {
  id: number;
  slug: string;
  name: string;
  home_url: string;
  live_deals: number;
  cities_json: string;
  last_success_at: number | null;
  success_rate: number | null;
}

interface SiteRow {
  id: number;
  slug: string;
  name: string;
  home_url: string;
  status: Site['status'];
  click_param: string | null;
  click_template: string | null;
  owner_user_id: number | null;
  status_reason: string | null;
  verification_token: string | null;
  verified_at: number | null;
  attribution_window_days: number;
  created_at: number;
}

const toSite = (row: SiteRow): Site => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  homeUrl: row.home_url,
  status: row.status,
  clickParam: row.click_param,
  clickTemplate: row.click_template,
  ownerUserId: row.owner_user_id,
  statusReason: row.status_reason,
  verificationToken: row.verification_token,
  verifiedAt: toOptionalDate(row.verified_at),
  attributionWindowDays: row.attribution_window_days,
  createdAt: toDate(row.created_at),
});

/** `changes` is the deals repository's notifier (index.ts): a status change moves what lists and redirects. */
export function createSitesRepository(db: SqliteDatabase, changes?: ChangeNotifier): SitesRepository {
  const upsert = db.prepare<{ slug: string; name: string; homeUrl: string; clickParam: string | null; clickTemplate: string | null; status: string; now: number }, SiteRow>(`
    INSERT INTO sites (slug, name, home_url, click_param, click_template, status, created_at, updated_at)
    VALUES (@slug, @name, @homeUrl, @clickParam, @clickTemplate, @status, @now, @now)
    ON CONFLICT (slug) DO UPDATE SET
      name = excluded.name, home_url = excluded.home_url, click_param = excluded.click_param,
      click_template = excluded.click_template, updated_at = excluded.updated_at
    RETURNING *`);
  const bySlug = db.prepare<[string], SiteRow>('SELECT * FROM sites WHERE slug = ?');
  const all = db.prepare<[], SiteRow>('SELECT * FROM sites ORDER BY name, id');
  // Uses the UNIQUE index on slug, one lookup per slug.
  const namesBySlug = db.prepare<[string], { slug: string; name: string }>(
    'SELECT slug, name FROM sites WHERE slug IN (SELECT value FROM json_each(?))');
  const byId = db.prepare<[number], SiteRow>('SELECT * FROM sites WHERE id = ?');
  const setOwner = db.prepare<[number | null, number, number]>('UPDATE sites SET owner_user_id = ?, updated_at = ? WHERE id = ?');
  const setStatus = db.prepare<{ id: number; status: string; reason: string | null; now: number }, SiteRow>(
    'UPDATE sites SET status = @status, status_reason = @reason, updated_at = @now WHERE id = @id RETURNING *');
  const setCredibilityScore = db.prepare<[number | null, number]>('UPDATE sites SET credibility_score = ? WHERE id = ?');
  const setCredibilityScores = db.transaction((scores: ReadonlyMap<number, number | null>) => {
    for (const [siteId, score] of scores) setCredibilityScore.run(score, siteId);
  });
  // deals_live_site (site_id, …, ends_at, …) answers this from the index.
  const currentDeals = db.prepare<[number, number], { n: number }>(
    'SELECT count(*) AS n FROM deals WHERE site_id = ? AND removed_at IS NULL AND (ends_at IS NULL OR ends_at > ?)');
  const setAttributionWindow = db.prepare<[number, number, number]>(
    'UPDATE sites SET attribution_window_days = ?, updated_at = ? WHERE id = ?');
  const insertOwned = db.prepare<{ slug: string; name: string; homeUrl: string; clickParam: string | null; clickTemplate: string | null; owner: number; token: string; now: number }, SiteRow>(`
    INSERT INTO sites (slug, name, home_url, click_param, click_template, status, owner_user_id, verification_token, created_at, updated_at)
    VALUES (@slug, @name, @homeUrl, @clickParam, @clickTemplate, 'pending', @owner, @token, @now, @now)
    ON CONFLICT (slug) DO NOTHING
    RETURNING *`);
  // Uses the sites_owner index.
  const forOwner = db.prepare<[number], SiteRow>('SELECT * FROM sites WHERE owner_user_id = ? ORDER BY created_at DESC, id DESC');
  const markVerified = db.prepare<[number, number, number], SiteRow>(
    'UPDATE sites SET verified_at = COALESCE(verified_at, ?), updated_at = ? WHERE id = ? RETURNING *');
  const updateSettings = db.prepare<{ id: number; expected: string; name: string; homeUrl: string; clickParam: string | null; clickTemplate: string | null; status: string; reason: string | null; verifiedAt: number | null; now: number }, SiteRow>(`
    UPDATE sites SET name = @name, home_url = @homeUrl, click_param = @clickParam, click_template = @clickTemplate,
      status = @status, status_reason = @reason, verified_at = @verifiedAt, updated_at = @now
    WHERE id = @id AND status = @expected RETURNING *`);
  // The site's own feed row, in the same transaction as the site: an edit lands whole or not at all.
  const updateFeedSettings = db.prepare<{ id: number; siteId: number; url: string; format: string; timeZone: string | null; selectors: string | null; now: number }>(`
    UPDATE feeds SET url = @url, format = @format, time_zone = @timeZone, selectors_json = @selectors,
      etag = NULL, last_modified = NULL, body_fingerprint = NULL, next_check_at = 0, updated_at = @now
    WHERE id = @id AND site_id = @siteId`);
  const applySettings = db.transaction((siteId: number, expected: string, change: SiteSettingsChange): SiteRow | undefined => {
    const row = updateSettings.get({
      id: siteId, expected, name: change.name, homeUrl: change.homeUrl, clickParam: change.clickParam, clickTemplate: change.clickTemplate,
      status: change.status, reason: change.statusReason, verifiedAt: change.verifiedAt?.getTime() ?? null, now: change.now.getTime(),
    });
    if (row && change.feed) {
      const { feed } = change;
      updateFeedSettings.run({
        id: feed.id, siteId, url: feed.url, format: feed.format, timeZone: feed.timeZone,
        selectors: feed.selectors ? JSON.stringify(feed.selectors) : null, now: change.now.getTime(),
      });
    }
    return row;
  });
  // Per active site: live deals and their cities from deals_live_site (site_id, geo, …, ends_at),
  // the index alone; feeds by their (site_id, url) key; runs by crawl_runs_feed. A run still
  // 'running' an hour after it started was cut short by a crash and counts as failed.
  const directory = db.prepare<{ now: number; since: number; stale: number }, DirectoryRow>(`
    SELECT s.id, s.slug, s.name, s.home_url,
      (SELECT count(*) FROM deals d
        WHERE d.site_id = s.id AND d.removed_at IS NULL AND (d.ends_at IS NULL OR d.ends_at > @now)) AS live_deals,
      (SELECT json_group_array(geo) FROM (SELECT DISTINCT d.geo FROM deals d
        WHERE d.site_id = s.id AND d.removed_at IS NULL AND (d.ends_at IS NULL OR d.ends_at > @now)
          AND d.geo IS NOT NULL AND d.geo <> '*' ORDER BY d.geo)) AS cities_json,
      (SELECT max(f.last_success_at) FROM feeds f WHERE f.site_id = s.id) AS last_success_at,
      (SELECT avg(r.outcome IN ('ok', 'not_modified')) FROM feeds f JOIN crawl_runs r ON r.feed_id = f.id
        WHERE f.site_id = s.id AND r.started_at >= @since AND (r.outcome <> 'running' OR r.started_at < @stale)) AS success_rate
    FROM sites s WHERE s.status = 'active' ORDER BY s.name, s.id`);

  return {
    async upsert(site: NewSite) {
      const row = upsert.get({
        slug: site.slug, name: site.name, homeUrl: site.homeUrl, clickParam: site.clickParam ?? null,
        clickTemplate: site.clickTemplate ?? null, status: site.status ?? 'active', now: Date.now(),
      });
      return toSite(row!);
    },
    async findBySlug(slug) {
      const row = bySlug.get(slug);
      return row ? toSite(row) : null;
    },
    async list() {
      return all.all().map(toSite);
    },
    async namesBySlug(slugs) {
      if (slugs.length === 0) return new Map();
      return new Map(namesBySlug.all(JSON.stringify(slugs)).map((row) => [row.slug, row.name]));
    },
    async findById(id) {
      const row = byId.get(id);
      return row ? toSite(row) : null;
    },
    async setOwner(siteId, ownerUserId) {
      setOwner.run(ownerUserId, Date.now(), siteId);
    },
    async setStatus(siteId, status, reason) {
      const row = setStatus.get({ id: siteId, status, reason, now: Date.now() });
      changes?.notify(); // after the commit (autocommit statement): caches reload the new state
      return row ? toSite(row) : null;
    },
    async setCredibilityScores(scores) {
      setCredibilityScores(scores);
      changes?.notify(); // listings filter and rank by the score
    },
    async countCurrentDeals(siteId, now) {
      return currentDeals.get(siteId, now.getTime())!.n;
    },
    async setAttributionWindow(siteId, days) {
      setAttributionWindow.run(days, Date.now(), siteId);
    },
    async insertOwned(site: NewOwnedSite) {
      const row = insertOwned.get({
        slug: site.slug, name: site.name, homeUrl: site.homeUrl, clickParam: site.clickParam, clickTemplate: site.clickTemplate,
        owner: site.ownerUserId, token: site.verificationToken, now: site.now.getTime(),
      });
      return row ? toSite(row) : null;
    },
    async listForOwner(ownerUserId) {
      return forOwner.all(ownerUserId).map(toSite);
    },
    async markVerified(siteId, at) {
      const row = markVerified.get(at.getTime(), at.getTime(), siteId);
      return row ? toSite(row) : null;
    },
    async updateSettings(siteId, expectedStatus, change) {
      const row = applySettings(siteId, expectedStatus, change);
      if (row) changes?.notify(); // after the commit: /go and the listings reload the site's rule and status
      return row ? toSite(row) : null;
    },
    async directory(now) {
      const at = now.getTime();
      return directory.all({ now: at, since: at - 30 * DAY_MS, stale: at - HOUR_MS }).map((row): SiteSummary => ({
        id: row.id,
        slug: row.slug,
        name: row.name,
        homeUrl: row.home_url,
        liveDeals: row.live_deals,
        cities: JSON.parse(row.cities_json) as string[],
        lastSuccessfulCrawlAt: toIso(row.last_success_at),
        crawlSuccessRate: row.success_rate,
      }));
    },
  };
}

/** How many days after a click a conversion may still be attributed to it (migration 1's column). */
export function createSiteAttributionQuery(db: SqliteDatabase) {
  const windowDays = db.prepare<[number], { days: number }>('SELECT attribution_window_days AS days FROM sites WHERE id = ?');
  return (siteId: number): number => windowDays.get(siteId)?.days ?? 0;
}
