// One concurrency limit for every model sub-call of a run tree (llm_query, llm_batch, child runs' turns).
// Waiting tasks leave the queue at once when the run is cancelled.

export class Scheduler {
  private active = 0;
  private readonly queue: { start: () => void; fail: (e: unknown) => void }[] = [];
  /** Most tasks seen in flight at once (for tests and the trajectory). */
  peak = 0;

  constructor(
    readonly concurrency: number,
    private readonly signal: AbortSignal,
  ) {
    if (!(concurrency >= 1)) throw new Error(`concurrency must be at least 1 (got ${concurrency})`);
    signal.addEventListener('abort', () => {
      for (const waiter of this.queue.splice(0)) waiter.fail(signal.reason ?? new Error('cancelled'));
    }, { once: true });
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.signal.aborted) return Promise.reject(this.signal.reason ?? new Error('cancelled'));
    if (this.active < this.concurrency) {
      this.active++;
      this.peak = Math.max(this.peak, this.active);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      this.queue.push({
        start: () => {
          this.active++;
          this.peak = Math.max(this.peak, this.active);
          resolve();
        },
        fail: reject,
      });
    });
  }

  private release(): void {
    this.active--;
    const next = this.queue.shift();
    if (next) next.start();
  }
}
