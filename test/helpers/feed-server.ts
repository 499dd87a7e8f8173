// A loopback HTTP server whose answers the test sets per path, counting the requests it gets.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body: string | Uint8Array;
  /** Wait this long before answering. */
  delayMs?: number;
}

export interface FeedServer {
  url(path: string): string;
  answer(path: string, answer: Answer | ((headers: IncomingHttpHeaders) => Answer)): void;
  requests(path: string): number;
  close(): Promise<void>;
}

export const fixture = (name: string): Buffer =>
  readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)));

export async function startFeedServer(): Promise<FeedServer> {
  const answers = new Map<string, Answer | ((headers: IncomingHttpHeaders) => Answer)>();
  const counts = new Map<string, number>();
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const configured = answers.get(path);
    const answer = typeof configured === 'function' ? configured(request.headers) : configured;
    if (!answer) {
      response.writeHead(404).end('not found');
      return;
    }
    setTimeout(() => {
      response.writeHead(answer.status ?? 200, answer.headers ?? {});
      response.end(answer.body);
    }, answer.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    answer: (path, answer) => { answers.set(path, answer); },
    requests: (path) => counts.get(path) ?? 0,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
