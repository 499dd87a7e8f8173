// SQL for `audit_log`: who changed what, when, with the record before and after (as JSON).
import type { AuditEntry, AuditLogRepository, NewAuditEntry } from '../account-types';
import type { SqliteDatabase } from './database';
import { toDate } from './time';

interface AuditRow {
  id: number;
  at: number;
  actor_user_id: number | null;
  actor_email: string | null;
  action: string;
  subject: string;
  before_json: string | null;
  after_json: string | null;
}

const parse = (json: string | null): unknown => (json === null ? null : JSON.parse(json));
const serialize = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));

const toEntry = (row: AuditRow): AuditEntry => ({
  id: row.id,
  at: toDate(row.at),
  actorUserId: row.actor_user_id,
  actorEmail: row.actor_email,
  action: row.action,
  subject: row.subject,
  before: parse(row.before_json),
  after: parse(row.after_json),
});

export function createAuditLogRepository(db: SqliteDatabase): AuditLogRepository {
  const insert = db.prepare<{ at: number; actor: number | null; action: string; subject: string; before: string | null; after: string | null }>(`
    INSERT INTO audit_log (at, actor_user_id, action, subject, before_json, after_json)
    VALUES (@at, @actor, @action, @subject, @before, @after)`);
  // Newest first by the primary key: entries are only ever appended, so id order is time order.
  const page = db.prepare<[number, number], AuditRow>(`
    SELECT a.*, u.email AS actor_email FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id
    ORDER BY a.id DESC LIMIT ? OFFSET ?`);
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM audit_log');
  // Walks the log newest first until `limit` rows of the subject are found (no index on subject:
  // the log is read per record only from the operator's site page).
  const forSubject = db.prepare<[string, number], AuditRow>(`
    SELECT a.*, u.email AS actor_email FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id
    WHERE a.subject = ? ORDER BY a.id DESC LIMIT ?`);
  return {
    async insert(entry: NewAuditEntry) {
      const result = insert.run({
        at: entry.at.getTime(), actor: entry.actorUserId, action: entry.action, subject: entry.subject,
        before: serialize(entry.before), after: serialize(entry.after),
      });
      return Number(result.lastInsertRowid);
    },
    async page(pageNumber, pageSize) {
      const entries = page.all(pageSize, (pageNumber - 1) * pageSize).map(toEntry);
      return { entries, total: count.get()!.n };
    },
    async forSubject(subject, limit) {
      return forSubject.all(subject, limit).map(toEntry);
    },
  };
}
