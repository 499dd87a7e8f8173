// `dealnav statements`: a site's monthly statement, and closing a month.
import { resolveDbPath } from '../../config';
import { RevenueError } from '../../revenue/errors';
import { formatMinor } from '../../revenue/money';
import { isPeriod } from '../../revenue/periods';
import { closeStatement, statementCsv, statementFor, type Statement } from '../../revenue/statements';
import { openStorage } from '../../storage';
import { commonHelp, dbOption, stringValue, UsageError, type Command } from '../command';

export const statementsCommand: Command = {
  name: 'statements',
  summary: "show a site's monthly statement, or close a month",
  help: `Usage:
  dealnav statements show SLUG YYYY-MM [--csv] [--db PATH]
  dealnav statements close SLUG YYYY-MM [--db PATH]

Months are UTC. Per currency: billable clicks, conversions, sales, commission pending (outstanding at
the month's end), approved and reversed (by events in the month), CPC, and payable
(= approved − reversals + CPC). Amounts keep their currency: nothing is converted.
show    prints the statement (--csv: one row per currency, amounts as decimals in major units).
close   freezes a month that is over: its statement no longer changes, and events for it that
        arrive later land in the next open month as adjustments.

${commonHelp.db}`,
  options: { ...dbOption, csv: { type: 'boolean' } },
  async run(values, positionals) {
    const [action, slug, period] = positionals;
    if (action !== 'show' && action !== 'close') throw new UsageError(action ? `unknown statements action '${action}'` : 'say show or close');
    if (!slug || !period || !isPeriod(period)) throw new UsageError(`statements ${action} needs SLUG and a month YYYY-MM`);
    const storage = openStorage(resolveDbPath(stringValue(values, 'db')));
    try {
      const site = await storage.sites.findBySlug(slug);
      if (!site) throw new Error(`no site '${slug}' (dealnav site list)`);
      const statement = action === 'close' ? await closeStatement(storage, site, period, new Date()) : await statementFor(storage, site, period);
      if (values.csv === true) process.stdout.write(statementCsv(statement));
      else console.log(describeStatement(statement));
      if (action === 'close') console.error(`${period} of ${slug} closed: later events land in the next open month.`);
      return 0;
    } catch (error) {
      if (error instanceof RevenueError) throw new Error(error.message);
      throw error;
    } finally {
      await storage.close();
    }
  },
};

function describeStatement(statement: Statement): string {
  const { clicks } = statement;
  const lines = [
    `${statement.site} ${statement.period} (${statement.start} – ${statement.end}) ${statement.closedAt ? `closed ${statement.closedAt}` : 'open'}`,
    `clicks: ${clicks.billable} billable of ${clicks.total} (${clicks.bots} bots, ${clicks.duplicates} duplicates filtered)`,
  ];
  if (statement.lines.length === 0) lines.push('no conversions or commission this month');
  for (const line of statement.lines) {
    const money = (minor: number) => `${formatMinor(minor, line.currency)} ${line.currency}`;
    lines.push(`${line.currency}: ${line.conversions} conversions (${line.sales} sales, ${line.leads} leads), sales ${money(line.salesMinor)}`,
      `  commission pending ${money(line.pendingMinor)}, approved ${money(line.approvedMinor)}, reversed ${money(line.reversedMinor)}, cpc ${money(line.cpcMinor)}`,
      `  payable ${money(line.payableMinor)}${line.adjustmentMinor ? ` (incl. ${money(line.adjustmentMinor)} adjustments from closed months)` : ''}`);
  }
  lines.push(`rounding: ${statement.rounding}`);
  return lines.join('\n');
}
