// Time a code block has spent, minus the time it spent waiting on untimed calls (sub-model queries).
// Both sides keep one: the worker enforces blockTimeoutMs with it, the host's watchdog uses it to decide
// that a worker which stopped answering is stuck.

export class BlockClock {
  private readonly startedAt = performance.now();
  private pausedTotal = 0;
  private pausedSince: number | undefined;
  /** Untimed calls in flight; the clock runs only when there are none. */
  private holds = 0;

  pause(): void {
    if (this.holds++ === 0) this.pausedSince = performance.now();
  }

  resume(): void {
    if (this.holds === 0) return;
    if (--this.holds === 0 && this.pausedSince !== undefined) {
      this.pausedTotal += performance.now() - this.pausedSince;
      this.pausedSince = undefined;
    }
  }

  get paused(): boolean {
    return this.holds > 0;
  }

  /** Counted milliseconds so far. */
  elapsed(): number {
    const now = performance.now();
    const pausedNow = this.pausedSince === undefined ? 0 : now - this.pausedSince;
    return now - this.startedAt - this.pausedTotal - pausedNow;
  }

  /** Wall milliseconds since the block started. */
  wall(): number {
    return performance.now() - this.startedAt;
  }
}
