// Runs the benchmarks and prints one table per measurement, figures as ratios to a baseline
// measured in the same run. `npm run bench` runs all; `npm run bench -- ingest go listing` names them;
// `--quick` shrinks the sizes for a smoke run (its figures are not the documented ones).
import { cpus, loadavg } from 'node:os';
import { runGoBench } from './go';
import { runIngestBench, type BenchOptions, type Table } from './ingest';
import { runListingBench } from './listing';
import { runPostbackBench } from './postback';
import { runReportsBench } from './reports';

const BENCHES: Record<string, (options: BenchOptions) => Promise<Table[]>> = {
  ingest: runIngestBench,
  go: runGoBench,
  listing: runListingBench,
  reports: runReportsBench,
  postback: runPostbackBench,
};

function printTable(table: Table): void {
  const cells = [table.columns, ...table.rows.map((row) => row.map(String))];
  const widths = table.columns.map((_, column) => Math.max(...cells.map((row) => [...(row[column] ?? '')].length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(`\n### ${table.title}\n`);
  console.log(line(table.columns));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of cells.slice(1)) console.log(line(row));
  for (const note of table.notes ?? []) console.log(`\n- ${note}`);
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const names = args.filter((arg) => !arg.startsWith('--'));
const unknown = names.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')} (known: ${Object.keys(BENCHES).join(', ')})`);
  process.exit(2);
}
const chosen = names.length > 0 ? names : Object.keys(BENCHES);
const started = Date.now();
const log = (line: string) => console.error(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);

console.log(`# dealnav benchmarks${quick ? ' (--quick: reduced sizes, not comparable)' : ''}`);
console.log(`${new Date().toISOString()} · node ${process.version} · ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}) · load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
for (const name of chosen) {
  log(`running ${name}…`);
  const tables = await BENCHES[name]!({ quick, log });
  tables.forEach(printTable);
}
console.log(`\nTotal time ${((Date.now() - started) / 1000).toFixed(0)} s; load average at the end ${loadavg().map((n) => n.toFixed(2)).join(' ')}.`);
process.exit(0);
