// SQL for the `settings` table: small values the app creates once (secrets, salts).
import type { SettingsRepository } from '../types';
import type { SqliteDatabase } from './database';

export function createSettingsRepository(db: SqliteDatabase): SettingsRepository {
  const insert = db.prepare<[string, string]>('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING');
  const select = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  return {
    async getOrCreate(key, create) {
      const existing = select.get(key);
      if (existing) return existing.value;
      insert.run(key, create());
      return select.get(key)!.value;
    },
  };
}
