// `npm test`: the whole suite, browser tier included when Debian's Chromium is here.
// Without Chromium the browser tier is left out with one loud line, or, with
// DEALNAV_REQUIRE_BROWSER=1 (CI), that is a failure. Extra arguments go to vitest.
//
// Where Chromium is looked for (test/helpers/browser.ts applies the same rules; keep the two in step):
//   CHROMIUM_PATH=/some/path  use that file only; if it is not an executable file, there is no browser
//   CHROMIUM_PATH=none        pretend there is no browser
//   unset or empty            /usr/bin/chromium, else /usr/bin/chromium-browser, else none
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
const NON_BROWSER_PROJECTS = ['unit', 'db', 'api', 'e2e'];

function isExecutableFile(path) {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function chromiumPath(env = process.env) {
  const chosen = env.CHROMIUM_PATH;
  if (chosen !== undefined && chosen !== '') {
    if (chosen === 'none') return null;
    return isExecutableFile(chosen) ? chosen : null;
  }
  return CANDIDATES.find(isExecutableFile) ?? null;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const vitest = fileURLToPath(new URL('../node_modules/.bin/vitest', import.meta.url));
const extra = process.argv.slice(2);
const args = ['run'];

if (!chromiumPath()) {
  const required = process.env.DEALNAV_REQUIRE_BROWSER === '1';
  const why = process.env.CHROMIUM_PATH ? `Chromium not found at CHROMIUM_PATH=${process.env.CHROMIUM_PATH}` : 'Chromium not found';
  process.stderr.write(required
    ? `*** BROWSER TESTS REQUIRED BUT ${why} (install Debian's chromium, or set CHROMIUM_PATH; DEALNAV_REQUIRE_BROWSER=1) ***\n`
    : `*** BROWSER TESTS SKIPPED: ${why} (install Debian's chromium, or set CHROMIUM_PATH) ***\n`);
  if (required) process.exit(1);
  for (const project of NON_BROWSER_PROJECTS) args.push('--project', project);
}

const child = spawn(vitest, [...args, ...extra], { cwd: root, stdio: 'inherit' });
child.on('error', (error) => {
  process.stderr.write(`could not start vitest (${vitest}): ${error.message}; run npm ci first\n`);
  process.exit(1);
});
// Ctrl-C reaches vitest through the terminal's process group; don't die before it has finished.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (signal) {
    process.stderr.write(`vitest ended by ${signal}\n`);
    process.exit(1);
  }
  process.exit(code ?? 1);
});
