// The recompute as `dealnav serve` runs it: in a child process (`dealnav credibility recompute`)
// with its own connection. Redoing deal flags reads every member of the crawled sites' offers
// (tens of seconds at a million deals) through synchronous SQLite, which in the server's own
// process would stop every request, /go included, for that long. The child's writes reach the
// server through the database: the listing and /go caches see them by data_version, and the
// credibility service reloads its scores when the child is done.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dealnavBin = fileURLToPath(new URL('../../bin/dealnav.js', import.meta.url));

export function recomputeInChild(dbPath: string, flagSites: number[] | undefined, log: (line: string) => void = console.log): Promise<void> {
  const args = [dealnavBin, 'credibility', 'recompute', '--db', dbPath];
  if (flagSites) args.push('--flag-sites', flagSites.join(','));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => { output = (output + chunk.toString('utf8')).slice(-4000); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => {
      for (const line of output.trim().split('\n').filter(Boolean)) log(line);
      if (code === 0) resolve();
      else reject(new Error(`credibility recompute exited with ${code}`));
    });
  });
}
