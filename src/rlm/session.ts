// A session: one live sandbox (variables, functions, loaded data), the workspace's file index and the transcript of
// questions and answers. A follow-up runs in the same sandbox and its first message carries the earlier answers and
// the variables still defined; child runs keep their own sandboxes. A SessionStore bounds how many sessions keep a
// sandbox (count, idle time, memory); a dropped sandbox leaves the transcript, and the next question is told so.
import { runRlm } from './engine';
import type { TrajectoryEvent } from './events';
import type { ModelClient } from './models/types';
import type { PriceTable } from './prices';
import { RunAccountBuilder, sumAccounts, type RunAccount } from './runAccount';
import { BoundSandbox } from './sandbox/boundSandbox';
import type { SandboxVariableInfo } from './sandbox/protocol';
import type { Sandbox } from './sandbox/types';
import { sessionMemo, type SandboxState, type TranscriptEntry } from './sessionMemo';
import { DEFAULT_LIMITS, type FocusItem, type RlmLimits, type RunResult } from './types';
import type { WorkspaceSpec } from '../workspace/types';

export interface SessionOptions {
  workspace: WorkspaceSpec;
  model: ModelClient;
  subModel?: ModelClient;
  /** Limits of every question's run (and the sandbox's block time and memory). */
  limits?: Partial<RlmLimits>;
  prices?: PriceTable;
}

export interface AskOptions {
  signal?: AbortSignal;
  onEvent?: (event: TrajectoryEvent) => void;
  focus?: FocusItem[];
  /** This question's models, limits and prices when they differ from the session's (a chat's picked model). */
  model?: ModelClient;
  subModel?: ModelClient;
  limits?: Partial<RlmLimits>;
  prices?: PriceTable;
}

/** One question's outcome: the engine's result, its number in the session and its account. */
export interface SessionAnswer extends RunResult {
  /** 1-based number of the question in the session. */
  turn: number;
  account: RunAccount;
}

/** A question, its answer and its account, as the session keeps them. */
export interface SessionTurn extends TranscriptEntry {
  account: RunAccount;
}

let nextSessionId = 1;

export class Session {
  readonly id = `s${nextSessionId++}`;
  readonly turns: SessionTurn[] = [];
  private bound?: BoundSandbox;
  /** Why the last sandbox went away, until a question has been told. */
  private dropped?: string;
  private running = false;
  private spec: WorkspaceSpec;
  private disposed = false;
  lastUsed = Date.now();
  /** The store's hook: called when a question ends (to weigh and bound the live sandboxes). */
  onSettled?: (session: Session) => void;

  constructor(readonly options: SessionOptions) {
    this.spec = options.workspace;
  }

  /** True while a question runs. */
  get busy(): boolean {
    return this.running;
  }

  /** True while the session holds a sandbox. */
  get live(): boolean {
    return this.bound !== undefined;
  }

  /** The live sandbox's heap, bytes (0 without one). */
  heapBytes(): number {
    return this.bound?.sandbox.heapBytes() ?? 0;
  }

  /** The whole session's account: `/cost`. */
  total(): RunAccount {
    return sumAccounts(this.turns.map((t) => t.account));
  }

  /** Asks a question in this session (one at a time). Throws only when it cannot start (busy, no sandbox). */
  async ask(question: string, opts: AskOptions = {}): Promise<SessionAnswer> {
    if (this.disposed) throw new Error('this conversation has ended; start a new one');
    if (this.running) throw new Error('a question is still running in this conversation; wait for it or cancel it');
    this.running = true;
    this.lastUsed = Date.now();
    try {
      const state = await this.sandboxState();
      const bound = await this.sandbox();
      const prices = opts.prices ?? this.options.prices;
      const builder = new RunAccountBuilder(prices);
      const result = await runRlm({
        question,
        workspace: this.spec,
        model: opts.model ?? this.options.model,
        subModel: opts.model ? opts.subModel : (opts.subModel ?? this.options.subModel),
        limits: opts.limits ?? this.options.limits,
        prices,
        signal: opts.signal,
        focus: opts.focus,
        session: { sandbox: bound, memo: sessionMemo(this.turns, state) },
        onEvent: (e) => {
          builder.add(e);
          opts.onEvent?.(e);
        },
      });
      const account = builder.account();
      const turn = this.turns.length + 1;
      this.turns.push({ turn, question, answer: result.answer, stopReason: result.stopReason, detail: result.detail, citations: result.citations, account });
      return { ...result, turn, account };
    } finally {
      this.running = false;
      this.lastUsed = Date.now();
      this.onSettled?.(this);
    }
  }

  /** Lets go of the sandbox (idle, memory, too many sessions); the transcript stays. False while a question runs. */
  async dropSandbox(reason: string): Promise<boolean> {
    if (this.running || !this.bound) return false;
    const bound = this.bound;
    this.bound = undefined;
    this.dropped = reason;
    await bound.dispose().catch(() => undefined);
    return true;
  }

  /** Ends the session and its sandbox. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const bound = this.bound;
    this.bound = undefined;
    await bound?.dispose().catch(() => undefined);
  }

  /** What the next question starts with: the live sandbox's variables, or why they are gone. */
  private async sandboxState(): Promise<SandboxState> {
    if (!this.turns.length) return { kind: 'live', variables: [] };
    if (this.bound) {
      try {
        return { kind: 'live', variables: await liveVariables(this.bound.sandbox) };
      } catch (e) {
        // It stopped between questions (a crash, the memory backstop): start over from the transcript.
        await this.dropSandbox(`it stopped: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    const reason = this.dropped ?? 'it was closed';
    this.dropped = undefined;
    return { kind: 'dropped', reason };
  }

  private async sandbox(): Promise<BoundSandbox> {
    if (this.bound) return this.bound;
    const limits = { ...DEFAULT_LIMITS, ...this.options.limits };
    const bound = await BoundSandbox.open(this.spec, { blockTimeoutMs: limits.blockTimeoutMs, memoryLimitMb: limits.memoryLimitMb }).catch((e: Error) => {
      throw new Error(`Could not start the sandbox: ${e.message}`);
    });
    // The index the first sandbox built: a replacement opens without rescanning the folders.
    this.spec = bound.sandbox.workspaceSpec();
    this.bound = bound;
    return bound;
  }
}

export interface SessionBounds {
  /** Sessions that keep a live sandbox at once (default 4); beyond it the least recently used idle one drops it. */
  maxLiveSandboxes: number;
  /** A sandbox unused this long is dropped (default 15 min). */
  idleMs: number;
  /** Heap of all live sandboxes together, MiB (default 1024); beyond it the least recently used idle ones drop. */
  memoryCapMb: number;
  /** Conversations remembered at all (their transcripts, default 50); the oldest is forgotten beyond it. */
  maxSessions: number;
}

export const DEFAULT_SESSION_BOUNDS: SessionBounds = { maxLiveSandboxes: 4, idleMs: 15 * 60_000, memoryCapMb: 1024, maxSessions: 50 };

/** Sessions by key (a chat conversation, a panel), within bounds. */
export class SessionStore {
  readonly bounds: SessionBounds;
  private readonly sessions = new Map<string, Session>();
  private readonly idleTimers = new Map<Session, NodeJS.Timeout>();

  constructor(bounds: Partial<SessionBounds> = {}) {
    this.bounds = { ...DEFAULT_SESSION_BOUNDS, ...bounds };
  }

  get(key: string): Session | undefined {
    return this.sessions.get(key);
  }

  /** The session for `key`, made with `options()` when there is none. */
  open(key: string, options: () => SessionOptions): Session {
    const found = this.sessions.get(key);
    if (found) {
      this.clearIdle(found);
      return found;
    }
    const session = new Session(options());
    session.onSettled = (s) => this.settled(s);
    this.sessions.set(key, session);
    this.forgetOldest();
    return session;
  }

  /** Moves a session to another key (a conversation whose key is known only after its first answer). */
  rename(from: string, to: string): void {
    const s = this.sessions.get(from);
    if (!s || from === to) return;
    this.sessions.delete(from);
    const old = this.sessions.get(to);
    if (old && old !== s) this.end(old);
    this.sessions.set(to, s);
  }

  delete(key: string): void {
    const s = this.sessions.get(key);
    if (!s) return;
    this.sessions.delete(key);
    this.end(s);
  }

  async dispose(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const t of this.idleTimers.values()) clearTimeout(t);
    this.idleTimers.clear();
    await Promise.all(all.map((s) => s.dispose()));
  }

  /** After a question: start its idle clock, then drop sandboxes beyond the count and memory bounds. */
  private settled(session: Session): void {
    this.clearIdle(session);
    if (session.live) {
      const timer = setTimeout(() => {
        this.idleTimers.delete(session);
        void session.dropSandbox(`unused for ${Math.round(this.bounds.idleMs / 60_000) || '<1'} min`);
      }, this.bounds.idleMs);
      timer.unref?.();
      this.idleTimers.set(session, timer);
    }
    void this.enforce();
  }

  private async enforce(): Promise<void> {
    // Least recently used first; a session with a question running is never dropped.
    const idle = () => [...this.sessions.values()].filter((s) => s.live && !s.busy).sort((a, b) => a.lastUsed - b.lastUsed);
    const liveCount = () => [...this.sessions.values()].filter((s) => s.live).length;
    const heapMb = () => [...this.sessions.values()].reduce((n, s) => n + s.heapBytes(), 0) / (1024 * 1024);
    for (const s of idle()) {
      if (liveCount() <= this.bounds.maxLiveSandboxes) break;
      await s.dropSandbox(`more than ${this.bounds.maxLiveSandboxes} conversations were open`);
    }
    for (const s of idle()) {
      const used = heapMb();
      if (used <= this.bounds.memoryCapMb) break;
      await s.dropSandbox(`the conversations' sandboxes used ${Math.round(used)} MiB, over the ${this.bounds.memoryCapMb} MiB cap`);
    }
  }

  private forgetOldest(): void {
    while (this.sessions.size > this.bounds.maxSessions) {
      const [key, oldest] = [...this.sessions.entries()].filter(([, s]) => !s.busy).sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0] ?? [];
      if (!key || !oldest) return;
      this.sessions.delete(key);
      this.end(oldest);
    }
  }

  private end(s: Session): void {
    this.clearIdle(s);
    void s.dispose();
  }

  private clearIdle(s: Session): void {
    const t = this.idleTimers.get(s);
    if (t) clearTimeout(t);
    this.idleTimers.delete(s);
  }
}

/** The model's variables in a live sandbox: an empty block returns them, as every block does (one lister). */
async function liveVariables(sandbox: Sandbox): Promise<SandboxVariableInfo[]> {
  const result = await sandbox.exec('');
  if (result.error || result.restarted || !result.variables) throw new Error(result.error ?? 'the sandbox was restarted');
  return result.variables;
}
