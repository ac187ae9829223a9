// The live steps of one run as one-line texts, for the answer panel, the progress notification and the status
// bar item. The texts come from the one step formatter (src/rlm/progressSteps.ts, shared with the CLI and @rlm);
// this module only keeps the list a view shows (newest last, capped) on top of it.
import type { TrajectoryEvent } from '../rlm/events';
import { ProgressSteps } from '../rlm/progressSteps';

/** Steps kept for display; older ones are counted, not kept. */
export const MAX_STEPS = 200;

export class LiveSteps {
  private readonly list: string[] = [];
  private readonly formatter = new ProgressSteps();
  private total = 0;
  private lastKey: string | undefined;

  /** Takes one event; true when the steps changed. A step that counts up (grep hits, a batch) replaces its line. */
  update(event: TrajectoryEvent): boolean {
    const step = this.formatter.next(event);
    if (!step) return false;
    if (step.key !== undefined && step.key === this.lastKey && this.list.length) {
      this.list[this.list.length - 1] = step.text;
      return true;
    }
    this.list.push(step.text);
    this.total++;
    if (this.list.length > MAX_STEPS) this.list.shift();
    this.lastKey = step.key;
    return true;
  }

  get steps(): readonly string[] {
    return this.list;
  }

  /** Steps in all, also the ones no longer kept. */
  get count(): number {
    return this.total;
  }

  get current(): string | undefined {
    return this.list[this.list.length - 1];
  }
}
