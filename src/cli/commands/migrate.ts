import { resolveDbPath } from '../../config';
import { migrateStorage } from '../../storage';
import { commonHelp, dbOption, stringValue, type Command } from '../command';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'apply pending database migrations',
  help: `Usage: dealnav migrate [--db PATH]

Applies every migration the database has not had yet, each in its own transaction.
(serve, crawl and demo do this too when they start.)

${commonHelp.db}`,
  options: dbOption,
  async run(values) {
    const path = resolveDbPath(stringValue(values, 'db'));
    const { from, to } = migrateStorage(path);
    console.log(from === to ? `${path}: schema is current (version ${to})` : `${path}: migrated from version ${from} to ${to}`);
    return 0;
  },
};
