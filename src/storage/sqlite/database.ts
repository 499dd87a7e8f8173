// Opens the SQLite file with the settings every part of dealnav relies on.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { cjkBigrams, nonCjkWords, offerKey, searchableText } from './search-text';

export type SqliteDatabase = Database.Database;

export function openSqlite(path: string): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // WAL lets the web server read while a crawl writes; NORMAL keeps every commit safe from a
  // process crash (kill -9), which is the durability the click path promises.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  registerDealFunctions(db);
  return db;
}

type Text = string | null;

// The triggers on `deals` (migration 4) derive its search text and same-offer key with these, so
// every connection that writes deals must have them: SQLite cannot cut Chinese into bigrams or
// strip filler words from a title by itself. A connection without them (the sqlite3 shell) can
// read everything but fails on writing a deal.
function registerDealFunctions(db: SqliteDatabase): void {
  const deterministic = { deterministic: true };
  db.function('dn_search_words', deterministic, (title: Text, merchant: Text, category: Text) =>
    nonCjkWords(searchableText(title, merchant, category)));
  db.function('dn_search_bigrams', deterministic, (title: Text, merchant: Text, category: Text) =>
    cjkBigrams(searchableText(title, merchant, category)).join(' '));
  // Called before the row's NOT NULL checks run: let a missing title reach them instead of failing here.
  db.function('dn_offer_key', deterministic, (city: Text, nationwide: number, currency: string, merchant: Text, title: Text) =>
    offerKey(city, nationwide, currency, merchant, title ?? ''));
}
