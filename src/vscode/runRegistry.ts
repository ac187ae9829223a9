// Every ask (palette, chat, tool) gets a LiveRun kept here, so the trajectory panel can attach to a run
// by id while it is still going, or to the last one.
import { LiveRun } from '../rlm/liveRun';

export type RunOrigin = 'palette' | 'chat' | 'tool';

export interface RegisteredRun {
  run: LiveRun;
  origin: RunOrigin;
  /** The conversation (session) the run belongs to: the answer panel's, a chat's. */
  session?: string;
}

export class RunRegistry {
  private readonly runs = new Map<string, RegisteredRun>();
  private readonly listeners = new Set<(run: LiveRun) => void>();
  private counter = 0;

  /** Finished runs beyond this many are forgotten, oldest first (running ones are always kept). */
  constructor(private readonly keepFinished = 20) {}

  create(question: string, origin: RunOrigin, session?: string): LiveRun {
    const id = `run-${Date.now().toString(36)}-${(++this.counter).toString(36)}`;
    const run = new LiveRun(id, question);
    this.runs.set(id, { run, origin, ...(session ? { session } : {}) });
    this.prune();
    for (const listener of this.listeners) listener(run);
    return run;
  }

  get(id: string): LiveRun | undefined {
    return this.runs.get(id)?.run;
  }

  origin(id: string): RunOrigin | undefined {
    return this.runs.get(id)?.origin;
  }

  /** The session a run belongs to, if any. */
  session(id: string): string | undefined {
    return this.runs.get(id)?.session;
  }

  /** A session's runs still in the registry, oldest first. */
  sessionRuns(session: string): LiveRun[] {
    return [...this.runs.values()].filter((r) => r.session === session).map((r) => r.run);
  }

  /** Oldest first. */
  list(): LiveRun[] {
    return [...this.runs.values()].map((r) => r.run);
  }

  last(): LiveRun | undefined {
    const all = this.list();
    return all[all.length - 1];
  }

  /** Called for each new run (the panel can follow the latest one). */
  onDidCreate(listener: (run: LiveRun) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  cancelAll(): void {
    for (const { run } of this.runs.values()) if (!run.done) run.cancel();
  }

  private prune(): void {
    const finished = this.list().filter((r) => r.done);
    for (const run of finished.slice(0, Math.max(0, finished.length - this.keepFinished))) this.runs.delete(run.id);
  }
}
