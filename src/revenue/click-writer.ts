// Group commit for clicks: every /go request waits until its click is committed, but the clicks
// of all requests arriving in the same turn of the event loop share one transaction. This keeps
// the promise "no redirect without a stored click" at a fraction of a transaction per click
// (see ../shared/docs/click-path-calibration.md).
import type { ClicksRepository, NewClick } from '../storage';

interface Pending {
  click: NewClick;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class ClickWriter {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private scheduled = false;
  private nextId: number;

  private constructor(private readonly clicks: ClicksRepository, lastId: number) {
    this.nextId = lastId + 1;
  }

  static async open(clicks: ClicksRepository): Promise<ClickWriter> {
    return new ClickWriter(clicks, await clicks.maxId());
  }

  /** Hands out the key of the next click; keys are only ever used once, even if a batch fails. */
  allocateId(): number {
    return this.nextId++;
  }

  /** Resolves once the click is committed; rejects if its batch could not be written. */
  record(click: NewClick): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ click, resolve, reject });
      this.schedule();
    });
  }

  /** Waits until every click handed to `record` so far is committed (used on shutdown). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing) {
      await (this.flushing ?? this.flush());
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private flush(): Promise<void> {
    if (this.flushing) return this.flushing.then(() => this.flush());
    const batch = this.queue;
    if (batch.length === 0) return Promise.resolve();
    this.queue = [];
    this.flushing = this.clicks
      .insertBatch(batch.map((pending) => pending.click))
      .then(
        () => batch.forEach((pending) => pending.resolve()),
        (error: unknown) => batch.forEach((pending) => pending.reject(error)),
      )
      .finally(() => {
        this.flushing = null;
        if (this.queue.length > 0) this.schedule();
      });
    return this.flushing;
  }
}
