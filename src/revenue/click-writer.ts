// Group commit for clicks: every /go request waits until its click is committed, but the clicks
// of all requests arriving in the same turn of the event loop share one transaction. This keeps
// the promise "no redirect without a stored click" at a fraction of a transaction per click
// (see ../shared/docs/click-path-calibration.md).
//
// The reports count clicks from a rollup filled after the clicks commit (report-rollups.ts). Every
// report read folds in what is missing first, so the writer's share is only to keep that small: it
// asks for a roll-up at most every `rollUpEveryMs`, in a turn of its own after the batch's answers.
import type { ClicksRepository, NewClick } from '../storage';

export interface ClickWriterOptions {
  /** Folds committed clicks into the report rollups, at most `limit` (storage.reports.rollUpClicks); returns how many. */
  rollUp?: (limit?: number) => Promise<number>;
  rollUpEveryMs?: number;
}

/** A few times a second, each pass at most ROLL_UP_CLICKS clicks (about 10 ms of work at worst). */
const ROLL_UP_EVERY_MS = 250;
/** A full pass means a backlog: the next batch asks for another at once. */
const ROLL_UP_CLICKS = 2_000;

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
  private lastRollUp = 0;
  private rollingUp: Promise<unknown> | null = null;

  private constructor(private readonly clicks: ClicksRepository, lastId: number, private readonly options: ClickWriterOptions) {
    this.nextId = lastId + 1;
  }

  static async open(clicks: ClicksRepository, options: ClickWriterOptions = {}): Promise<ClickWriter> {
    return new ClickWriter(clicks, await clicks.maxId(), options);
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
    await this.rollingUp;
    await this.options.rollUp?.();
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
        () => {
          batch.forEach((pending) => pending.resolve());
          this.rollUpIfDue();
        },
        (error: unknown) => batch.forEach((pending) => pending.reject(error)),
      )
      .finally(() => {
        this.flushing = null;
        if (this.queue.length > 0) this.schedule();
      });
    return this.flushing;
  }

  private rollUpIfDue(): void {
    const rollUp = this.options.rollUp;
    const now = Date.now();
    if (!rollUp || this.rollingUp || now - this.lastRollUp < (this.options.rollUpEveryMs ?? ROLL_UP_EVERY_MS)) return;
    this.lastRollUp = now;
    // After the batch's answers are on their way; a failure is retried by the next one (or the next report read).
    this.rollingUp = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => rollUp(ROLL_UP_CLICKS))
      .then((covered) => { if (covered >= ROLL_UP_CLICKS) this.lastRollUp = 0; })
      .catch((error: unknown) => console.error('dealnav: rolling clicks up into the reports failed; the next batch tries again:', error))
      .finally(() => { this.rollingUp = null; });
  }
}
