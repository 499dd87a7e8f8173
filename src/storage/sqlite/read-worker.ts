// Runs read statements on a worker thread with its own connection, so that a slow read (the
// listing's counts and facets: ~0.7 s for a big city at 1M deals) does not stop the event loop
// that answers every other request meanwhile. WAL lets the worker read while the main
// connection writes. The thread starts on first use and does not keep the process alive.
import { Worker } from 'node:worker_threads';

export interface ReadStatement {
  sql: string;
  params: Record<string, unknown>;
}

type Answer = { id: number; results: unknown[][] } | { id: number; error: string };

export class ReadWorker {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (rows: unknown[][]) => void; reject: (error: Error) => void }>();

  constructor(private readonly path: string) {}

  /** Every statement's rows, read in one transaction on the worker's connection. */
  run(statements: ReadStatement[]): Promise<unknown[][]> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, statements });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    const worker = new Worker(new URL('./read-worker-thread.js', import.meta.url), { workerData: { path: this.path } });
    worker.unref();
    worker.on('message', (answer: Answer) => {
      const waiter = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      if ('error' in answer) waiter?.reject(new Error(`storage: read worker: ${answer.error}`));
      else waiter?.resolve(answer.results);
    });
    // A dead thread fails what it was asked and is started again on the next read.
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`storage: read worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
