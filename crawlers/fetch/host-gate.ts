// Politeness per host: one request at a time, a minimum gap between them, and a pause when a
// host asked us to come back later (Retry-After). Every fetch of a partner's server goes
// through one gate, whichever feed or check it is for.

interface HostState {
  /** The last task queued for this host; the next one starts after it. */
  tail: Promise<unknown>;
  /** No request to the host before this time (ms since the epoch). */
  notBefore: number;
  /** Tasks queued or running. */
  pending: number;
}

export class HostGate {
  private readonly hosts = new Map<string, HostState>();

  constructor(private readonly minGapMs: number, private readonly now: () => number = Date.now) {}

  /** Runs `task` when the host of `url` is free and its gap has passed. */
  run<T>(url: string, task: () => Promise<T>): Promise<T> {
    const host = hostKey(url);
    const state = this.stateOf(host);
    state.pending++;
    const result = state.tail.then(async () => {
      const wait = state.notBefore - this.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      try {
        return await task();
      } finally {
        state.notBefore = Math.max(state.notBefore, this.now() + this.minGapMs);
      }
    });
    state.tail = result.catch(() => undefined).finally(() => {
      state.pending--;
      this.forgetWhenIdle(host, state);
    });
    return result;
  }

  /** Keeps every request to the host of `url` waiting `seconds` (a 429 or 503 with Retry-After). */
  deferHost(url: string, seconds: number): void {
    const host = hostKey(url);
    const state = this.stateOf(host);
    state.notBefore = Math.max(state.notBefore, this.now() + seconds * 1000);
    this.forgetWhenIdle(host, state);
  }

  /** When the next request to the host of `url` may start (ms since the epoch), 0 when free. */
  notBefore(url: string): number {
    return this.hosts.get(hostKey(url))?.notBefore ?? 0;
  }

  private stateOf(host: string): HostState {
    let state = this.hosts.get(host);
    if (!state) {
      state = { tail: Promise.resolve(), notBefore: 0, pending: 0 };
      this.hosts.set(host, state);
    }
    return state;
  }

  /** Drops a host once nothing is queued and its pause is over, so the map does not grow without bound. */
  private forgetWhenIdle(host: string, state: HostState): void {
    if (state.pending > 0) return;
    const timer = setTimeout(() => {
      if (state.pending === 0 && state.notBefore <= this.now() && this.hosts.get(host) === state) this.hosts.delete(host);
    }, Math.max(0, state.notBefore - this.now()));
    timer.unref();
  }
}

const hostKey = (url: string): string => {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url;
  }
};
