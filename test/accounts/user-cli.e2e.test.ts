// `dealnav user` and `dealnav token` as an operator runs them.
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { dealnavBin, runDealnav } from '../helpers/cli';
import { makeTempDir } from '../helpers/temp-dir';

const withStdin = (args: string[], input: string) => new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
  const child = spawn(process.execPath, [dealnavBin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => { stdout += chunk; });
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  child.on('error', reject);
  child.on('close', (code) => resolve({ code, stdout, stderr }));
  child.stdin.end(input);
});

describe('dealnav user and token', () => {
  const dir = makeTempDir();
  const db = dir.file('cli.db');
  afterAll(() => dir.remove());

  it('adds the first operator from standard input, refuses a common password, and lists users', { timeout: 60_000 }, async () => {
    const added = await withStdin(['user', 'add', '--operator', 'ops@example.com', '--password-stdin', '--db', db], 'plum orchard at dawn 42\n');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('operator ops@example.com added');
    const common = await withStdin(['user', 'add', '--owner', 'o@example.com', '--password-stdin', '--db', db], 'password1234\n');
    expect(common.code).toBe(1);
    expect(common.stderr).toContain('most common');
    const list = await runDealnav(['user', 'list', '--db', db]);
    expect(list.stdout).toMatch(/#1 ops@example\.com\s+operator/);
    expect(list.stdout).not.toContain('o@example.com');
  });

  // Five CLI processes, each starting TypeScript: give them room on a busy machine.
  it('creates a token once, lists it by prefix, and revokes it', { timeout: 60_000 }, async () => {
    await runDealnav(['site', 'add', 'Test', '--home', 'http://t.example/', '--feed', 'http://t.example/f.xml', '--slug', 'test', '--db', db]);
    const created = await runDealnav(['token', 'create', 'test', '--db', db]);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^dnt_[\w-]{43}$/);
    const listed = await runDealnav(['token', 'list', 'test', '--db', db]);
    expect(listed.stdout).toContain(`#1 ${token.slice(0, 10)}…`);
    expect(listed.stdout).not.toContain(token);
    expect((await runDealnav(['token', 'revoke', '1', '--db', db])).code).toBe(0);
    expect((await runDealnav(['token', 'list', 'test', '--db', db])).stdout).toContain('revoked');
  });
});
