// The shape of a `dealnav` subcommand, and the option parsing and help every one shares.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | undefined>;

export interface Command {
  name: string;
  summary: string;
  /** Usage lines and option descriptions, printed by `--help`. */
  help: string;
  options: Options;
  run(values: Values, positionals: string[]): Promise<number>;
}

/** A mistake in how the command was called: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {}

export const dbOption: Options = { db: { type: 'string' } };
export const allowPrivateOption: Options = { 'allow-private-network': { type: 'boolean' } };
export const serveOptions: Options = {
  ...dbOption,
  port: { type: 'string' },
  host: { type: 'string' },
};

export const commonHelp = {
  db: '  --db PATH                  SQLite file (env DEALNAV_DB; default data/dealnav.db)',
  allowPrivate: '  --allow-private-network    let feeds on loopback/private addresses be fetched (env DEALNAV_ALLOW_PRIVATE=1)',
  port: '  --port N                   port to listen on (env PORT; default 3000, 0 picks a free one)',
  host: '  --host ADDR                address to listen on (env HOST; default 127.0.0.1)',
};

export async function runCommand(command: Command, args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.values.help) {
    console.log(command.help.trim());
    return 0;
  }
  return command.run(parsed.values as Values, parsed.positionals);
}

export const stringValue = (values: Values, name: string): string | undefined => {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
};
