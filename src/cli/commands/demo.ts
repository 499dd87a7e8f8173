import { resolveDbPath, resolveHost, resolvePort } from '../../config';
import { startDemo } from '../../demo/run-demo';
import { closeOnSignals } from '../../server';
import { commonHelp, serveOptions, stringValue, type Command } from '../command';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run the whole portal with three sample group-buy sites on loopback',
  help: `Usage: dealnav demo [--port N] [--host ADDR] [--db PATH]

Starts three sample group-buy sites on 127.0.0.1 (a Chinese hao123 feed in UTF-8, one in GBK,
and an English Groupon-style JSON feed), registers them, crawls them, serves the portal and
prints its address. Clicking a deal lands on the sample site's deal page, which shows the click
id it received. Ctrl-C stops everything.

${commonHelp.port}
${commonHelp.host}
  --db PATH                  SQLite file (env DEALNAV_DB; default data/demo.db, apart from serve's)`,
  options: serveOptions,
  async run(values) {
    const demo = await startDemo({
      dbPath: resolveDbPath(stringValue(values, 'db'), process.env, 'data/demo.db'),
      host: resolveHost(stringValue(values, 'host')),
      port: resolvePort(stringValue(values, 'port')),
    }, console.log);
    for (const site of demo.sites) console.log(`sample site ${site.spec.name}: ${site.homeUrl} (feed ${site.feedUrl})`);
    console.log(`\ndealnav demo is running. Open ${demo.server.address}/ in your browser (Ctrl-C to stop).`);
    closeOnSignals(() => demo.close());
    return new Promise<number>(() => {});
  },
};
