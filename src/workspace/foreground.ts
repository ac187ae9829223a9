// Foreground work (the model's greps and reads) comes before background work (the symbol index build).
// Both share one thread: a build slice between a grep's output chunks made the grep slower, and the garbage of both
// at once set the process's memory peak on a large tree (greps alone 267-283 MB, the build alone 352-355, both
// together 377-397 in the RSS bench). The build waits until the foreground has been quiet for a moment.

/** How long after the last foreground call the background resumes: back-to-back calls of one block keep it paused. */
export const QUIET_MS = 100;

export class ForegroundGate {
  private active = 0;
  private lastEnd = 0;

  /** Marks a foreground call as started; call the returned function once when it ends. */
  begin(): () => void {
    this.active++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.active--;
      this.lastEnd = Date.now();
    };
  }

  /** Runs `work` as a foreground call. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    const end = this.begin();
    try {
      return await work();
    } finally {
      end();
    }
  }

  /** Undefined when background work may go on now, else a promise that resolves once the foreground is quiet. */
  whenQuiet(): Promise<void> | undefined {
    if (this.quietFor() <= 0) return undefined;
    return (async () => {
      for (let wait = this.quietFor(); wait > 0; wait = this.quietFor()) {
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    })();
  }

  /** Milliseconds until the foreground counts as quiet (0 or less: quiet now). */
  private quietFor(): number {
    return this.active > 0 ? QUIET_MS : this.lastEnd + QUIET_MS - Date.now();
  }
}
