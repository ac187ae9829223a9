// One concurrency limit for every model sub-call of a run tree (llm_query, llm_batch, child runs' turns).
// Waiting tasks leave the queue at once when the run is cancelled.
//
// The limit adapts to rate limits (AIMD, as TCP does): a 429 halves it, and it grows back by one only after a
// full window of calls at the current limit has succeeded with no rate limit in between, and at most once per
// second. A 429 halves the limit only when its call started after the last halving: the other calls of the same
// burst were sent under the old limit and say nothing new. So the default can be as wide as the official library's batch (16) without hammering an endpoint that says it is overloaded.

/** The shape of a rate-limit error (ModelError kind 'rate_limit') without importing the models layer. */
export function isRateLimitError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { kind?: unknown }).kind === 'rate_limit';
}

/** A running task's place in the scheduler. */
export interface SchedulerSlot {
  /** The endpoint answered 429: halve the limit, give the place back and wait for room again before retrying. */
  rateLimited(): Promise<void>;
}

export class Scheduler {
  private active = 0;
  private readonly queue: { start: () => void; fail: (e: unknown) => void }[] = [];
  /** The limit now: `concurrency` until a rate limit, then halved and slowly regrown. */
  private current: number;
  /** Successes since the limit last changed (regrowth needs `current` of them). */
  private successes = 0;
  /** Counts halvings: a call that started before the last one does not halve again. */
  private epoch = 0;
  /** When the limit last changed: it grows at most once per window. */
  private lastChange = -Infinity;
  /** Most tasks seen in flight at once (for tests and the trajectory). */
  peak = 0;
  /** Rate limits reported (for tests and the trajectory). */
  rateLimits = 0;

  constructor(
    /** The most tasks in flight at once (the configured limit). */
    readonly concurrency: number,
    private readonly signal: AbortSignal,
    /** The limit grows at most this often (ms). */
    private readonly growEveryMs = 1000,
    private readonly clock: () => number = Date.now,
  ) {
    if (!(concurrency >= 1)) throw new Error(`concurrency must be at least 1 (got ${concurrency})`);
    this.current = Math.floor(concurrency);
    signal.addEventListener('abort', () => {
      for (const waiter of this.queue.splice(0)) waiter.fail(signal.reason ?? new Error('cancelled'));
    }, { once: true });
  }

  /** The limit in force now (lower than `concurrency` after rate limits). */
  get limit(): number {
    return this.current;
  }

  /**
   * Runs `task` when there is room. The task may give its place back after a rate limit (`slot.rateLimited()`)
   * and wait its turn again, so a narrowed limit also holds the retries of calls already in flight.
   */
  async run<T>(task: (slot: SchedulerSlot) => Promise<T>): Promise<T> {
    await this.acquire(false);
    let held = true;
    let epoch = this.epoch;
    const slot: SchedulerSlot = {
      rateLimited: async () => {
        this.rateLimited(epoch);
        held = false;
        this.release();
        await this.acquire(true);
        held = true;
        epoch = this.epoch;
      },
    };
    try {
      const value = await task(slot);
      this.succeeded();
      return value;
    } catch (err) {
      if (isRateLimitError(err)) this.rateLimited(epoch);
      throw err;
    } finally {
      if (held) this.release();
    }
  }

  /**
   * The endpoint said "too many requests" (a 429, also one that will be retried): halve the limit, unless the call
   * started before the last halving (`epoch`, default: now).
   */
  rateLimited(epoch = this.epoch): void {
    this.rateLimits++;
    if (epoch !== this.epoch) return;
    this.epoch++;
    this.lastChange = this.clock();
    this.current = Math.max(1, Math.floor(this.current / 2));
    this.successes = 0;
  }

  private succeeded(): void {
    if (this.current >= this.concurrency) return;
    if (++this.successes < this.current) return;
    const now = this.clock();
    if (now - this.lastChange < this.growEveryMs) return;
    this.lastChange = now;
    this.successes = 0;
    this.current++;
    this.drain();
  }

  /** Waits for room; `first`: ahead of tasks that have not started yet (a retry keeps its turn). */
  private acquire(first: boolean): Promise<void> {
    if (this.signal.aborted) return Promise.reject(this.signal.reason ?? new Error('cancelled'));
    if (this.active < this.current && this.queue.length === 0) {
      this.started();
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        start: () => {
          this.started();
          resolve();
        },
        fail: reject,
      };
      if (first) this.queue.unshift(waiter);
      else this.queue.push(waiter);
    });
  }

  private started(): void {
    this.active++;
    if (this.active > this.peak) this.peak = this.active;
  }

  private release(): void {
    this.active--;
    this.drain();
  }

  /** Starts queued tasks while there is room under the current limit. */
  private drain(): void {
    while (this.active < this.current && this.queue.length) this.queue.shift()!.start();
  }
}
