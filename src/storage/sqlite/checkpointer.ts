// Runs WAL checkpoints on a worker thread (checkpoint-thread.js) instead of inside the commits of
// the main connection: the /go click path commits every few milliseconds under load, and an
// automatic checkpoint in one of those commits stalled every request waiting on it.
import { Worker } from 'node:worker_threads';
import type { SqliteDatabase } from './database';

export const CHECKPOINT_EVERY_MS = 500;

export class Checkpointer {
  private readonly worker: Worker;
  private exited = false;

  constructor(private readonly db: SqliteDatabase, everyMs = CHECKPOINT_EVERY_MS) {
    // This connection no longer checkpoints by itself; the thread does, every everyMs.
    db.pragma('wal_autocheckpoint = 0');
    this.worker = new Worker(new URL('./checkpoint-thread.js', import.meta.url), { workerData: { path: db.name, everyMs } });
    this.worker.unref();
    this.worker.on('message', (message: { error?: string }) => {
      if (message.error) console.error(`storage: background checkpoint failed: ${message.error}`);
    });
    // Should the thread die, the connection goes back to checkpointing in its own commits.
    this.worker.on('error', () => this.fallBack());
    this.worker.on('exit', () => { this.exited = true; });
  }

  private stopping: Promise<void> | null = null;

  /** A last checkpoint on the thread, then stops it. Calling it again waits for the same stop. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.exited) return;
      const stopped = new Promise<void>((resolve) => {
        this.worker.on('message', (message: { stopped?: boolean }) => { if (message.stopped) resolve(); });
        this.worker.on('exit', () => resolve());
      });
      this.worker.postMessage('stop');
      await stopped;
      await this.worker.terminate();
    })();
    return this.stopping;
  }

  private fallBack(): void {
    if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
  }
}
