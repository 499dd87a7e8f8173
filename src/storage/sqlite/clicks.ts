// SQL for the `clicks` table. Inserts come in batches from the click writer's group commit.
import type { ClicksRepository, NewClick, StoredClick } from '../types';
import type { SqliteDatabase } from './database';

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
});

export function createClicksRepository(db: SqliteDatabase): ClicksRepository {
  // Positional parameters, bound straight from the click: no per-row object to build.
  const insert = db.prepare<[number, string, number, number, number, string | null, string | null, string | null, string | null, string, number, number]>(`
    INSERT INTO clicks (id, token, deal_id, site_id, created_at, city, sub_id, referrer, user_agent, ip_hash, is_bot, is_duplicate)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertAll = db.transaction((clicks: NewClick[]) => {
    for (const c of clicks) {
      insert.run(c.id, c.token, c.dealId, c.siteId, c.createdAt.getTime(), c.city, c.subId, c.referrer, c.userAgent, c.ipHash,
        c.isBot ? 1 : 0, c.isDuplicate ? 1 : 0);
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
      insertAll(clicks);
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
