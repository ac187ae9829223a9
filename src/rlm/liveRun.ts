// A run in progress or finished, as the UI sees it: its events so far, a live feed, and a way to cancel.
// The extension creates one per ask (palette, chat, tool); the trajectory panel attaches to it.
import type { TrajectoryEvent } from './events';
import type { RunResult } from './types';

export type Unsubscribe = () => void;

export class LiveRun {
  readonly events: TrajectoryEvent[] = [];
  result?: RunResult;
  error?: string;
  private readonly listeners = new Set<(event: TrajectoryEvent) => void>();
  private readonly endListeners = new Set<() => void>();
  private readonly controller = new AbortController();

  constructor(
    readonly id: string,
    readonly question: string,
    readonly startedAt = Date.now(),
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get done(): boolean {
    return this.result !== undefined || this.error !== undefined;
  }

  /** Pass this as RunOptions.onEvent. */
  readonly push = (event: TrajectoryEvent): void => {
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
  };

  finish(result: RunResult | undefined, error?: string): void {
    this.result = result;
    this.error = error ?? (result ? undefined : 'run failed');
    for (const listener of this.endListeners) listener();
  }

  onEvent(listener: (event: TrajectoryEvent) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onEnd(listener: () => void): Unsubscribe {
    if (this.done) queueMicrotask(listener);
    else this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  cancel(): void {
    this.controller.abort();
  }
}
