// Debian's Chromium for the browser tier, driven by playwright-core (which never downloads a browser).
//
// Where Chromium is looked for (scripts/test.js applies the same rules; keep the two in step):
//   CHROMIUM_PATH=/some/path  use that file only; if it is not an executable file, there is no browser
//   CHROMIUM_PATH=none        pretend there is no browser (exercises the skip path without uninstalling)
//   unset or empty            /usr/bin/chromium, else /usr/bin/chromium-browser, else none
import { accessSync, constants, statSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export const CHROMIUM_MISSING = "Chromium not found; install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH";

/** Flags for every run: headless, no sandbox (containers, root), and no traffic beyond loopback. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium executable to use, or null when there is none. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string | null {
  const chosen = env.CHROMIUM_PATH;
  if (chosen !== undefined && chosen !== '') {
    if (chosen === 'none') return null;
    return isExecutableFile(chosen) ? chosen : null;
  }
  return CHROMIUM_CANDIDATES.find(isExecutableFile) ?? null;
}

/**
 * Launches Chromium headless with CHROMIUM_ARGS. playwright-core gives every launch a fresh
 * temporary profile (its own --user-data-dir) and removes it when the browser closes.
 */
export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(CHROMIUM_MISSING);
  return chromium.launch({
    ...options,
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}
