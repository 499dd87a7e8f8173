// SQL for the `sites` table.
import type { NewSite, Site, SitesRepository } from '../types';
import type { SqliteDatabase } from './database';
import { toDate } from './time';

interface SiteRow {
  id: number;
  slug: string;
  name: string;
  home_url: string;
  status: Site['status'];
  click_param: string | null;
  click_template: string | null;
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
  createdAt: toDate(row.created_at),
});

export function createSitesRepository(db: SqliteDatabase): SitesRepository {
  const upsert = db.prepare<{ slug: string; name: string; homeUrl: string; clickParam: string | null; clickTemplate: string | null; status: string; now: number }, SiteRow>(`
    INSERT INTO sites (slug, name, home_url, click_param, click_template, status, created_at, updated_at)
    VALUES (@slug, @name, @homeUrl, @clickParam, @clickTemplate, @status, @now, @now)
    ON CONFLICT (slug) DO UPDATE SET
      name = excluded.name, home_url = excluded.home_url, click_param = excluded.click_param,
      click_template = excluded.click_template, updated_at = excluded.updated_at
    RETURNING *`);
  const bySlug = db.prepare<[string], SiteRow>('SELECT * FROM sites WHERE slug = ?');
  const all = db.prepare<[], SiteRow>('SELECT * FROM sites ORDER BY name, id');

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
  };
}
