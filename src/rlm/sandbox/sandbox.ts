// The host side of the sandbox: starts the QuickJS worker (sandboxWorker.ts), runs code blocks in it one at a
// time, answers its host-function calls (llm_query, llm_batch, rlm_query) on this thread, and replaces the
// worker when it runs out of memory, crashes or stops answering (ExecResult.restarted).
import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type { WorkspaceSpec, WorkspaceSummary } from '../../workspace/types';
import type { ExecResult, HostFunction, Sandbox, SandboxLimits, SandboxOptions } from './types';
import { BlockClock } from './blockClock';
import { compiledEngine } from './engineWasm';
import { killChildren, watchChildren } from '../../workspace/childProcesses';
import { CONTROL_CANCEL, CONTROL_CHILDREN, CONTROL_CHILD_SLOTS, CONTROL_HEAP_MB, CONTROL_SLOTS, type BlockOutcome, type HostToWorker, type WorkerInit, type WorkerToHost } from './protocol';

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  blockTimeoutMs: 30_000,
  memoryLimitMb: 256,
  maxStackBytes: 256 * 1024,
  maxCapturedOutputChars: 1024 * 1024,
};

/** After a cancel, how long the worker gets to stop on its own before it is terminated. */
const CANCEL_GRACE_MS = 1000;
/** How long a disposed worker gets to write its caches before it is terminated. */
const CLOSE_GRACE_MS = 2000;
/** The smallest heap that leaves room for the engine itself (the wasm module starts at 16 MiB). */
const MIN_MEMORY_MB = 32;

/** Env var naming the worker file to run (a built dist/sandboxWorker.js, or a .ts file run through tsx). */
export const SANDBOX_WORKER_ENV = 'RLM_SANDBOX_WORKER';

/**
 * Where the worker code is: next to this file in the bundle (dist/sandboxWorker.js); in source mode (tsx) the
 * .ts file, loaded through an eval shim that registers tsx first.
 */
function workerEntry(): { filename: string; eval: boolean } {
  const override = process.env[SANDBOX_WORKER_ENV];
  const file = override
    ? path.resolve(override)
    : path.join(__dirname, __filename.endsWith('.ts') ? 'sandboxWorker.ts' : 'sandboxWorker.js');
  if (!file.endsWith('.ts')) return { filename: file, eval: false };
  const tsx = createRequire(__filename).resolve('tsx/cjs');
  return { filename: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(file)});`, eval: true };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** The block currently running in a worker, as the host tracks it. */
interface RunningBlock {
  id: number;
  clock: BlockClock;
  finish: (outcome: BlockOutcome | { failure: string; timedOut?: boolean; cancelled?: boolean }) => void;
}

/** One worker thread and the calls in flight to and from it. */
class WorkerHandle {
  readonly worker: Worker;
  readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * Int32Array.BYTES_PER_ELEMENT));
  readonly ready: Promise<WorkspaceSpec | undefined>;
  alive = true;
  /** Why the worker ended, when it did so on its own. */
  exitReason?: string;
  block?: RunningBlock;
  private readonly hostCalls = new Map<number, { controller: AbortController; untimed: boolean }>();
  private readonly summaries = new Map<number, { resolve: (s: WorkspaceSummary) => void; reject: (e: Error) => void }>();
  private nextRequestId = 1;
  /** Stops counting this worker's children in the process-wide registry. */
  private unwatchChildren: () => void = () => undefined;

  constructor(
    private readonly options: SandboxOptions,
    private readonly limits: SandboxLimits,
    spec: WorkspaceSpec,
    wasmModule: WebAssembly.Module | undefined,
  ) {
    const entry = workerEntry();
    const workerData: WorkerInit = {
      wasmModule,
      workspace: spec,
      limits,
      hostFunctionNames: Object.keys(options.hostFunctions),
      untimedHostFunctions: options.untimedHostFunctions ?? [],
      control: this.control.buffer as SharedArrayBuffer,
    };
    this.worker = new Worker(entry.filename, {
      eval: entry.eval,
      workerData,
      // The QuickJS heap is a wasm memory with its own maximum; this caps the worker's JS heap (the workspace
      // index, results on their way in) so a runaway there ends the worker, not the process. A young generation
      // of 16 MB (it was 64): the worker's garbage is small and short-lived, and every MB of it counts against
      // the process's 400 MB bar on a large tree.
      resourceLimits: { maxOldGenerationSizeMb: Math.max(512, limits.memoryLimitMb * 2), maxYoungGenerationSizeMb: 16 },
      stdout: false,
      stderr: false,
    });
    // Idle sandboxes must not keep the process alive; whoever awaits the worker holds it (hold/release).
    this.worker.unref();
    this.unwatchChildren = watchChildren(() => this.childPids());
    this.hold();
    this.ready = new Promise<WorkspaceSpec | undefined>((resolve, reject) => {
      this.worker.on('message', (msg: WorkerToHost) => {
        if (msg.type === 'ready') resolve(msg.restartSpec);
        else if (msg.type === 'initError') {
          reject(new Error(msg.error));
          void this.terminate('could not start');
        } else this.onMessage(msg);
      });
      this.worker.on('error', (e: Error & { code?: string }) => {
        this.exitReason ??= e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : errorText(e);
      });
      this.worker.on('exit', (code) => {
        this.alive = false;
        this.killChildren();
        this.unwatchChildren();
        this.exitReason ??= `worker exited with code ${code}`;
        reject(new Error(`the sandbox worker ended before it was ready: ${this.exitReason}`));
        this.failEverything();
      });
    });
    this.ready.then(
      () => this.release(),
      () => this.release(),
    );
  }

  private holds = 0;

  /** The worker's running child processes, from the pid table it keeps in shared memory. */
  private childPids(): number[] {
    const pids: number[] = [];
    for (let i = CONTROL_CHILDREN; i < CONTROL_CHILDREN + CONTROL_CHILD_SLOTS; i++) {
      const pid = Atomics.load(this.control, i);
      if (pid) pids.push(pid);
    }
    return pids;
  }

  private killChildren(): void {
    killChildren(this.childPids());
    for (let i = CONTROL_CHILDREN; i < CONTROL_CHILDREN + CONTROL_CHILD_SLOTS; i++) Atomics.store(this.control, i, 0);
  }

  /** Keeps the process alive while something awaits this worker. */
  hold(): void {
    if (this.holds++ === 0) this.worker.ref();
  }

  release(): void {
    if (this.holds > 0 && --this.holds === 0) this.worker.unref();
  }

  send(msg: HostToWorker): void {
    if (this.alive) this.worker.postMessage(msg);
  }

  summary(): Promise<WorkspaceSummary> {
    const answer = new Promise<WorkspaceSummary>((resolve, reject) => {
      if (!this.alive) return reject(new Error('the sandbox worker is not running'));
      const requestId = this.nextRequestId++;
      this.summaries.set(requestId, { resolve, reject });
      this.send({ type: 'summary', requestId });
    });
    this.hold();
    return answer.finally(() => this.release());
  }

  /** Asks the running block to stop: the interrupt handler reads the control word, a waiting block the message. */
  cancel(blockId: number): void {
    Atomics.store(this.control, CONTROL_CANCEL, blockId);
    this.send({ type: 'cancel', blockId });
    for (const call of this.hostCalls.values()) call.controller.abort(new Error('cancelled'));
  }

  private onClosed?: () => void;

  /** Lets an idle worker save its caches, then ends it (terminated anyway after CLOSE_GRACE_MS). */
  async close(reason: string): Promise<void> {
    if (this.alive && !this.block) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLOSE_GRACE_MS);
        this.onClosed = () => {
          clearTimeout(timer);
          resolve();
        };
        this.send({ type: 'close' });
      });
    }
    await this.terminate(reason);
  }

  async terminate(reason: string): Promise<void> {
    this.exitReason ??= reason;
    this.abortHostCalls(reason);
    // The thread cannot kill its own searches once terminated: they go now, and again once it has stopped (in
    // case it started one meanwhile).
    this.killChildren();
    if (this.alive) await this.worker.terminate().catch(() => undefined);
    this.killChildren();
  }

  private abortHostCalls(reason: string): void {
    for (const call of this.hostCalls.values()) {
      if (call.untimed) this.block?.clock.resume();
      call.controller.abort(new Error(reason));
    }
    this.hostCalls.clear();
  }

  private failEverything(): void {
    this.abortHostCalls(this.exitReason ?? 'worker ended');
    for (const s of this.summaries.values()) s.reject(new Error(`the sandbox worker ended: ${this.exitReason}`));
    this.summaries.clear();
    this.block?.finish({ failure: this.exitReason ?? 'worker ended' });
  }

  private onMessage(msg: WorkerToHost): void {
    switch (msg.type) {
      case 'hostCall':
        this.runHostCall(msg.callId, msg.blockId, msg.name, msg.args);
        return;
      case 'hostCallAbandoned': {
        const call = this.hostCalls.get(msg.callId);
        if (!call) return;
        this.hostCalls.delete(msg.callId);
        if (call.untimed) this.block?.clock.resume();
        call.controller.abort(new Error('the code block that made this call has ended'));
        return;
      }
      case 'evidence':
        for (const event of msg.events) {
          try {
            this.options.onEvidence?.(event);
          } catch {
            // A listener's failure is not the sandbox's.
          }
        }
        return;
      case 'blockDone':
        if (this.block?.id === msg.blockId) this.block.finish(msg.outcome);
        return;
      case 'summary': {
        const waiter = this.summaries.get(msg.requestId);
        this.summaries.delete(msg.requestId);
        if (msg.ok) waiter?.resolve(msg.summary);
        else waiter?.reject(new Error(msg.error));
        return;
      }
      case 'closed':
        this.onClosed?.();
        return;
    }
  }

  private runHostCall(callId: number, blockId: number, name: string, args: unknown[]): void {
    const fn: HostFunction | undefined = Object.hasOwn(this.options.hostFunctions, name) ? this.options.hostFunctions[name] : undefined;
    const untimed = (this.options.untimedHostFunctions ?? []).includes(name);
    const controller = new AbortController();
    const block = this.block?.id === blockId ? this.block : undefined;
    if (!fn || !block) {
      this.send({ type: 'hostResult', callId, ok: false, error: fn ? 'the code block has ended' : `${name} is not available` });
      return;
    }
    this.hostCalls.set(callId, { controller, untimed });
    if (untimed) block.clock.pause();
    const settle = (msg: HostToWorker) => {
      if (!this.hostCalls.delete(callId)) return; // abandoned, cancelled or the worker is gone
      if (untimed) block.clock.resume();
      try {
        this.send(msg);
      } catch (e) {
        this.send({ type: 'hostResult', callId, ok: false, error: `${name} returned a value that cannot be passed to the sandbox: ${errorText(e)}` });
      }
    };
    Promise.resolve()
      .then(() => fn(args, controller.signal))
      .then(
        (value) => settle({ type: 'hostResult', callId, ok: true, value }),
        (e) => settle({ type: 'hostResult', callId, ok: false, error: errorText(e) }),
      );
  }
}

class WorkerSandbox implements Sandbox {
  private readonly limits: SandboxLimits;
  private handle!: WorkerHandle;
  private wasmModule?: WebAssembly.Module;
  /** The workspace as a replacement worker opens it: with the first worker's file index (no rescan). */
  private spec: WorkspaceSpec;
  private queue: Promise<unknown> = Promise.resolve();
  private nextBlockId = 1;
  private disposed = false;
  /** Set when the worker died between blocks: the next result says the variables are gone. */
  private lostBetweenBlocks?: string;
  private lastHeapBytes = 0;

  constructor(private readonly options: SandboxOptions) {
    const given = options.limits ?? {};
    this.limits = {
      blockTimeoutMs: given.blockTimeoutMs ?? DEFAULT_SANDBOX_LIMITS.blockTimeoutMs,
      memoryLimitMb: Math.max(MIN_MEMORY_MB, given.memoryLimitMb ?? DEFAULT_SANDBOX_LIMITS.memoryLimitMb),
      maxStackBytes: given.maxStackBytes ?? DEFAULT_SANDBOX_LIMITS.maxStackBytes,
      maxCapturedOutputChars: given.maxCapturedOutputChars ?? DEFAULT_SANDBOX_LIMITS.maxCapturedOutputChars,
    };
    this.spec = options.workspace;
  }

  async start(): Promise<void> {
    this.wasmModule = await compiledEngine(__filename);
    this.handle = new WorkerHandle(this.options, this.limits, this.spec, this.wasmModule);
    this.spec = (await this.handle.ready) ?? this.spec;
  }

  async summary(): Promise<WorkspaceSummary> {
    return (await this.liveHandle()).summary();
  }

  workspaceSpec(): WorkspaceSpec {
    return this.spec;
  }

  heapBytes(): number {
    return this.lastHeapBytes;
  }

  exec(code: string, signal?: AbortSignal): Promise<ExecResult> {
    const run = this.queue.then(() => this.execNow(code, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.handle?.close('the sandbox was disposed');
  }

  /** The current worker, replaced first if it has died. */
  private async liveHandle(): Promise<WorkerHandle> {
    if (this.disposed) throw new Error('the sandbox has been disposed');
    if (!this.handle.alive) {
      this.lostBetweenBlocks ??= this.handle.exitReason ?? 'the worker ended';
      this.handle = new WorkerHandle(this.options, this.limits, this.spec, this.wasmModule);
    }
    await this.handle.ready;
    return this.handle;
  }

  private restart(reason: string): void {
    void this.handle.terminate(reason);
    if (!this.disposed) {
      this.handle = new WorkerHandle(this.options, this.limits, this.spec, this.wasmModule);
      this.handle.ready.catch(() => undefined);
    }
  }

  private async execNow(code: string, signal?: AbortSignal): Promise<ExecResult> {
    const startedAt = performance.now();
    const result = (fields: Partial<ExecResult>): ExecResult => ({
      stdout: '',
      droppedChars: 0,
      restarted: false,
      timedOut: false,
      ...fields,
      durationMs: Math.round(performance.now() - startedAt),
    });
    if (signal?.aborted) return result({ error: 'cancelled' });
    let handle: WorkerHandle;
    try {
      handle = await this.liveHandle();
    } catch (e) {
      if (this.disposed) throw e;
      return result({ error: `Error: the sandbox could not start: ${errorText(e)}`, restarted: true });
    }
    if (signal?.aborted) return result({ error: 'cancelled' });
    let lostNote: string | undefined;
    if (this.lostBetweenBlocks) {
      lostNote = `Note: the sandbox had stopped (${this.lostBetweenBlocks}) and was restarted before this block: variables from earlier blocks are gone.`;
      this.lostBetweenBlocks = undefined;
    }

    const blockId = this.nextBlockId++;
    const clock = new BlockClock();
    const outcome = await new Promise<BlockOutcome | { failure: string; timedOut?: boolean; cancelled?: boolean }>((resolve) => {
      let settled = false;
      let watchdog: NodeJS.Timeout | undefined;
      let cancelTimer: NodeJS.Timeout | undefined;
      const finish: RunningBlock['finish'] = (o) => {
        if (settled) return;
        settled = true;
        handle.release();
        clearTimeout(watchdog);
        clearTimeout(cancelTimer);
        signal?.removeEventListener('abort', onAbort);
        handle.block = undefined;
        resolve(o);
      };
      // Backstop: the worker's interrupt handler stops runaway code at the deadline; if the worker does not
      // answer well after it (stuck in one long engine operation), it is terminated.
      const grace = Math.max(2000, this.limits.blockTimeoutMs / 4);
      const check = () => {
        const left = this.limits.blockTimeoutMs + grace - clock.elapsed();
        if (left <= 0) finish({ failure: 'stuck', timedOut: true });
        else watchdog = setTimeout(check, Math.min(left, 1000));
      };
      const onAbort = () => {
        handle.cancel(blockId);
        cancelTimer = setTimeout(() => finish({ failure: 'cancelled', cancelled: true }), CANCEL_GRACE_MS);
      };
      handle.hold();
      handle.block = { id: blockId, clock, finish };
      signal?.addEventListener('abort', onAbort, { once: true });
      check();
      handle.send({ type: 'exec', blockId, code });
    });

    const withNote = (error: string | undefined) => (lostNote ? [lostNote, error].filter(Boolean).join('\n') : error);
    if ('failure' in outcome) {
      // The worker is gone or unresponsive: replace it. Variables are lost.
      const mb = this.limits.memoryLimitMb;
      // A worker stuck while its heap was near the limit was growing memory (a big array), not looping.
      const heapMb = Atomics.load(handle.control, CONTROL_HEAP_MB);
      const failure = outcome.timedOut && heapMb >= mb * 0.75 ? 'memory' : outcome.failure;
      const why = outcome.cancelled
        ? 'cancelled (the sandbox did not stop in time and was restarted: all variables were lost)'
        : outcome.timedOut && failure !== 'memory'
          ? `Timed out: the code block ran longer than ${seconds(this.limits.blockTimeoutMs)} and the sandbox stopped responding. The sandbox restarted and all variables were lost.`
          : failure === 'memory'
            ? `Out of memory: the code block used more than the sandbox's ${mb} MiB. The sandbox restarted and all variables were lost; re-create what you need in smaller pieces.`
            : `Error: the sandbox crashed (${outcome.failure}). The sandbox restarted and all variables were lost.`;
      this.restart(failure);
      this.lastHeapBytes = 0;
      return result({ error: withNote(why), restarted: true, timedOut: !!outcome.timedOut && failure !== 'memory' });
    }

    let error = outcome.error;
    if (outcome.cancelled) error = 'cancelled';
    else if (outcome.timedOut) {
      error = `Timed out: the code block ran longer than ${seconds(this.limits.blockTimeoutMs)} (time waiting on llm_query/llm_batch/rlm_query not counted) and was stopped. Variables from earlier blocks are kept; work in smaller steps.`;
    }
    let restarted = false;
    this.lastHeapBytes = outcome.heapBytes ?? this.lastHeapBytes;
    if (outcome.fatal) {
      const why =
        outcome.fatal === 'memory'
          ? `Out of memory: the code block used more than the sandbox's ${this.limits.memoryLimitMb} MiB. The sandbox restarted and all variables were lost; re-create what you need in smaller pieces.`
          : 'The sandbox engine failed; the sandbox restarted and all variables were lost.';
      error = error ? `${error}\n${why}` : why;
      restarted = true;
      this.lastHeapBytes = 0;
      this.restart(outcome.fatal);
    }
    return result({
      stdout: outcome.stdout,
      droppedChars: outcome.droppedChars,
      error: withNote(error),
      final: outcome.final,
      restarted,
      timedOut: outcome.timedOut,
      ...(outcome.variables && !restarted ? { variables: outcome.variables } : {}),
    });
  }
}

/** Starts a sandbox: a worker thread with QuickJS and the workspace open. Resolves when it is ready. */
export async function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  const sandbox = new WorkerSandbox(options);
  try {
    await sandbox.start();
  } catch (e) {
    await sandbox.dispose();
    throw e;
  }
  return sandbox;
}
