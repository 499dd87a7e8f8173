// Runs the real `dealnav` command in a child process, as a user would.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const dealnavBin = fileURLToPath(new URL('../../bin/dealnav.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runDealnav(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [dealnavBin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a long-running dealnav command and resolves once its output matches `ready`. */
export function startDealnav(args: string[], ready: RegExp, env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [dealnavBin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`dealnav ${args.join(' ')} not ready in time:\n${output}`)); }, timeoutMs);
    let matched = false;
    const onData = (chunk: Buffer) => {
      // Keep the tail only: a server under load logs every request.
      output = (output + chunk).slice(-64 * 1024);
      if (matched) return;
      const match = output.match(ready);
      if (match) {
        matched = true;
        clearTimeout(timer);
        resolve({ child, match, output: () => output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`dealnav ${args.join(' ')} exited with ${code}:\n${output}`)); });
  });
}
