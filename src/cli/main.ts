// `dealnav`: the command-line entry. Each subcommand lives in ./commands.
import { alertsCommand } from './commands/alerts';
import { crawlCommand } from './commands/crawl';
import { credibilityCommand } from './commands/credibility';
import { demoCommand } from './commands/demo';
import { feedsCommand } from './commands/feeds';
import { migrateCommand } from './commands/migrate';
import { ordersCommand } from './commands/orders';
import { parseCommand } from './commands/parse';
import { serveCommand } from './commands/serve';
import { siteCommand } from './commands/site';
import { statementsCommand } from './commands/statements';
import { termsCommand } from './commands/terms';
import { tokenCommand } from './commands/token';
import { userCommand } from './commands/user';
import { runCommand, UsageError, type Command } from './command';

const commands: Command[] = [serveCommand, demoCommand, crawlCommand, parseCommand, siteCommand, feedsCommand, alertsCommand, credibilityCommand, migrateCommand, termsCommand, statementsCommand, ordersCommand, userCommand, tokenCommand];

const overview = () => `dealnav: a group-buy deal-navigation portal

Usage: dealnav <command> [options]

Commands:
${commands.map((command) => `  ${command.name.padEnd(10)} ${command.summary}`).join('\n')}

Run 'dealnav <command> --help' for a command's options.`;

export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(overview());
    return name ? 0 : 2;
  }
  const command = commands.find((candidate) => candidate.name === name);
  try {
    if (!command) throw new UsageError(`unknown command '${name}'`);
    return await runCommand(command, rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`dealnav: ${error.message}\nRun 'dealnav ${command ? `${command.name} ` : ''}--help' for usage.`);
      return 2;
    }
    console.error(`dealnav: ${(error as Error).message}`);
    return 1;
  }
}
