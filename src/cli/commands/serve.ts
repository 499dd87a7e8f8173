import { resolveAllowPrivate, resolveDbPath, resolveHost, resolvePort, resolveTrustProxy } from '../../config';
import { closeOnSignals, startServer } from '../../server';
import { allowPrivateOption, commonHelp, serveOptions, stringValue, type Command } from '../command';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the portal: web server plus the crawl scheduler',
  help: `Usage: dealnav serve [--port N] [--host ADDR] [--db PATH] [--allow-private-network]

Serves the deal listing, the JSON API and the /go click redirect, and crawls each active feed
on its own interval.

${commonHelp.port}
${commonHelp.host}
${commonHelp.db}
${commonHelp.allowPrivate}`,
  options: { ...serveOptions, ...allowPrivateOption },
  async run(values) {
    const server = await startServer({
      dbPath: resolveDbPath(stringValue(values, 'db')),
      host: resolveHost(stringValue(values, 'host')),
      port: resolvePort(stringValue(values, 'port')),
      allowPrivateNetwork: resolveAllowPrivate(values['allow-private-network'] === true),
      trustProxy: resolveTrustProxy(),
    }, { logger: true });
    console.log(`dealnav is serving on ${server.address}`);
    closeOnSignals(() => server.close());
    return new Promise<number>(() => {}); // runs until a signal closes it
  },
};
