// Reads a password for the CLI: from standard input when asked (`--password-stdin`, for scripts),
// else from the terminal without echoing it. Never from an argument, where `ps` and shell history see it.
import { createInterface } from 'node:readline';
import { UsageError } from './command';

export async function readPasswordFromStdin(input: NodeJS.ReadableStream = process.stdin): Promise<string> {
  let text = '';
  for await (const chunk of input) text += chunk.toString();
  // One trailing newline is the end of the line `echo` or a file gave, not part of the password.
  return text.replace(/\r?\n$/, '');
}

export async function promptPassword(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError('no terminal to ask for the password: pipe it in with --password-stdin');
  const output = process.stderr;
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  // Echo nothing of what is typed after the question.
  const silenced = rl as unknown as { _writeToOutput: (text: string) => void };
  let asked = false;
  silenced._writeToOutput = (text: string) => {
    if (!asked) { output.write(text); asked = true; }
  };
  try {
    return await new Promise<string>((resolve, reject) => {
      rl.once('close', () => reject(new Error('no password given')));
      rl.question(question, resolve);
    });
  } finally {
    rl.close();
    output.write('\n');
  }
}

export async function readNewPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return readPasswordFromStdin();
  const first = await promptPassword('Password: ');
  const second = await promptPassword('Again: ');
  if (first !== second) throw new Error('the two passwords differ');
  return first;
}
