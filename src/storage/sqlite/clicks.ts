// SQL for the `clicks` table. Inserts come in batches from the click writer's group commit.
import type { SiteClick } from '../revenue-types';
import type { ClicksRepository, NewClick, StoredClick } from '../types';
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './database';
import type { ClickRollups } from './report-rollups';

/** 13 parameters a row: 32 rows stay far below SQLite's limit on bound parameters. */
const ROWS_PER_STATEMENT = 32;

interface ClickRow {
  id: number;
  token: string;
  deal_id: number;
  site_id: number;
  created_at: number;
  city: string | null;
  sub_id: string | null;
  referrer: string | null;
  user_agent: string | null;
  ip_hash: string;
  is_bot: number;
  is_duplicate: number;
  category: string | null;
}

const toClick = (row: ClickRow): StoredClick => ({
  id: row.id,
  token: row.token,
  dealId: row.deal_id,
  siteId: row.site_id,
  createdAt: new Date(row.created_at),
  city: row.city,
  subId: row.sub_id,
  referrer: row.referrer,
  userAgent: row.user_agent,
  ipHash: row.ip_hash,
  isBot: row.is_bot === 1,
  isDuplicate: row.is_duplicate === 1,
  category: row.category,
});

export function createClicksRepository(db: SqliteDatabase, rollups: Pick<ClickRollups, 'mark'>): ClicksRepository {
  // One multi-row INSERT per chunk of up to ROWS_PER_STATEMENT clicks, with positional parameters
  // bound straight from the clicks (no per-row object); one prepared statement per chunk size.
  const inserts = new Map<number, Statement<unknown[]>>();
  const insertFor = (rows: number): Statement<unknown[]> => {
    let statement = inserts.get(rows);
    if (!statement) {
      statement = db.prepare<unknown[]>(`
        INSERT INTO clicks (id, token, deal_id, site_id, created_at, city, category, sub_id, referrer, user_agent, ip_hash, is_bot, is_duplicate)
        VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`);
      inserts.set(rows, statement);
    }
    return statement;
  };
  // The reports count clicks above a mark (report-rollups.ts), so ids must only grow: a click at or
  // below it would never be counted. The click writer allocates them in order; this holds it to that.
  const insertAll = db.transaction((clicks: NewClick[]) => {
    const lowest = clicks.reduce((min, click) => Math.min(min, click.id), Infinity);
    if (lowest <= rollups.mark()) throw new Error(`storage: click id ${lowest} is not above the reports' mark; click ids only grow`);
    for (let start = 0; start < clicks.length; start += ROWS_PER_STATEMENT) {
      const end = Math.min(start + ROWS_PER_STATEMENT, clicks.length);
      const values: unknown[] = [];
      for (let i = start; i < end; i++) {
        const c = clicks[i]!;
        values.push(c.id, c.token, c.dealId, c.siteId, c.createdAt.getTime(), c.city, c.category ?? null, c.subId, c.referrer,
          c.userAgent, c.ipHash, c.isBot ? 1 : 0, c.isDuplicate ? 1 : 0);
      }
      insertFor(end - start).run(values);
    }
  });
  const maxId = db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM clicks');
  const byId = db.prepare<[number], ClickRow>('SELECT * FROM clicks WHERE id = ?');
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM clicks');

  return {
    async maxId() {
      return maxId.get()!.id ?? 0;
    },
    async insertBatch(clicks) {
      // IMMEDIATE: the batch reads the mark before it writes, and a deferred transaction that reads
      // first cannot wait for another connection's write lock (SQLITE_BUSY at once); this one waits.
      insertAll.immediate(clicks);
    },
    async findById(id) {
      const row = byId.get(id);
      return row ? toClick(row) : null;
    },
    async count() {
      return count.get()!.n;
    },
  };
}

// Reads of `clicks` for the money side (migration 6): attribution of a conversion to its click,
// and the counts a monthly statement shows.
export function createClickRevenueQueries(db: SqliteDatabase) {
  // The category the shopper saw when clicking (a click from before migration 20 has none stored: its deal's).
  const forAttribution = db.prepare<[number], { id: number; token: string; site_id: number; created_at: number; category: string | null }>(`
    SELECT c.id, c.token, c.site_id, c.created_at, coalesce(c.category, (SELECT d.category FROM deals d WHERE d.id = c.deal_id)) AS category
    FROM clicks c WHERE c.id = ?`);
  // clicks_site_time: one site's clicks in [start, end).
  const counts = db.prepare<[number, number, number], { total: number; bots: number; duplicates: number; billable: number }>(`
    SELECT count(*) AS total, coalesce(sum(is_bot), 0) AS bots,
      coalesce(sum(is_duplicate AND NOT is_bot), 0) AS duplicates,
      coalesce(sum(NOT is_bot AND NOT is_duplicate), 0) AS billable
    FROM clicks WHERE site_id = ? AND created_at >= ? AND created_at < ?`);
  // clicks_site_time, walked backwards: newest first without a sort (rowid breaks ties in the index).
  const page = db.prepare<[number, number, number, number, number], ClickRow>(`
    SELECT * FROM clicks WHERE site_id = ? AND created_at >= ? AND created_at < ?
    ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`);
  return {
    /** A page of the site's clicks for its owner: no visitor data leaves here. */
    page(siteId: number, start: Date, end: Date, limit: number, offset: number): SiteClick[] {
      return page.all(siteId, start.getTime(), end.getTime(), limit, offset).map((row) => ({
        token: row.token, dealId: row.deal_id, createdAt: new Date(row.created_at), city: row.city, subId: row.sub_id,
        isBot: row.is_bot === 1, isDuplicate: row.is_duplicate === 1,
      }));
    },
    forAttribution(id: number) {
      const row = forAttribution.get(id);
      return row ? { id: row.id, token: row.token, siteId: row.site_id, createdAt: new Date(row.created_at), dealCategory: row.category || null } : null;
    },
    counts(siteId: number, start: Date, end: Date) {
      return counts.get(siteId, start.getTime(), end.getTime())!;
    },
  };
}
