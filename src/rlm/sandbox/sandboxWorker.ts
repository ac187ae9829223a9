// The sandbox worker: one QuickJS runtime (quickjs-ng, sync build) plus the workspace, on a worker thread so
// the engine's event loop never waits on model code. It runs one code block at a time (exec messages) and
// forwards llm_query/llm_batch/rlm_query to the host. The host terminates and replaces this worker when it
// runs out of memory, crashes or stops answering: one QuickJS module per worker, never reused after a failure.
import { parentPort, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSDeferredPromise,
  type QuickJSHandle,
  type QuickJSRuntime,
} from 'quickjs-emscripten-core';
import variant from '@jitl/quickjs-ng-wasmfile-release-sync';
import { openWorkspace, type Workspace } from '../../workspace/workspace';
import { forwardChildPids } from '../../workspace/childProcesses';
import { ApiArgumentError, checkCall } from './apiSchema';
import { CONTEXT_HELPERS, contextCallSpec, helperSpec, isContextHelper } from './contextApi';
import { CHECKED_HOST_FUNCTIONS, globalCallSpec } from './globalsApi';
import type { EvidenceEvent } from './types';
import { BlockClock } from './blockClock';
import { engineWasmFile } from './engineWasm';
import { PRELUDE_FILENAME, PRELUDE_SOURCE, type PreludeConfig } from './prelude';
import { rewriteTopLevelDeclarations } from './topLevelDeclarations';
import {
  CONTROL_CANCEL,
  CONTROL_CHILDREN,
  CONTROL_CHILD_SLOTS,
  CONTROL_HEAP_MB,
  type BlockOutcome,
  type SandboxVariableInfo,
  type BridgeReply,
  type HostToWorker,
  type WorkerInit,
  type WorkerToHost,
} from './protocol';

/** quickjs-ng's JS_EVAL_FLAG_ASYNC: top-level await, the result is a promise of {value}. */
const JS_EVAL_FLAG_ASYNC = 1 << 7;
const BLOCK_FILENAME = 'block.js';
const WASM_PAGE = 65536;
/** Cap for one printed non-string value. */
const MAX_VALUE_CHARS = 20_000;

const init = workerData as WorkerInit;
const port = parentPort!;
const post = (msg: WorkerToHost) => port.postMessage(msg);
const control = new Int32Array(init.control);
const limits = init.limits;

// ---- QuickJS ---------------------------------------------------------------------------------------------


interface Engine {
  runtime: QuickJSRuntime;
  ctx: QuickJSContext;
  memory: WebAssembly.Memory;
}

async function createEngine(): Promise<Engine> {
  // runtime.setMemoryLimit alone does not cap the heap (strings grew to 2 GB). A wasm memory with a maximum
  // does: past it malloc fails and QuickJS throws "out of memory"; the host then replaces this worker.
  const maxPages = Math.max(256, Math.floor((limits.memoryLimitMb * 1024 * 1024) / WASM_PAGE));
  const memory = new WebAssembly.Memory({ initial: 256, maximum: maxPages });
  const wasmModule = init.wasmModule ?? (await WebAssembly.compile(readFileSync(engineWasmFile(__filename))));
  const module = await newQuickJSWASMModuleFromVariant(newVariant(variant, { wasmModule, wasmMemory: memory }));
  const runtime = module.newRuntime();
  runtime.setMemoryLimit(Math.floor(maxPages * WASM_PAGE * 0.9));
  runtime.setMaxStackSize(limits.maxStackBytes);
  const ctx = runtime.newContext();
  return { runtime, ctx, memory };
}

// ---- Blocks ----------------------------------------------------------------------------------------------

type StopReason = 'timeout' | 'cancelled' | 'memory';

interface PendingCall {
  block: Block;
  /** As the sandbox called it: 'context.read', 'llm_query'. */
  label: string;
  deferred: QuickJSDeferredPromise;
  untimed: boolean;
  /** Calls answered by the host thread (they can be abandoned there). */
  remote: boolean;
}

class Block {
  readonly clock = new BlockClock();
  readonly calls = new Map<number, PendingCall>();
  readonly evidenceSeen = new Set<string>();
  stdout = '';
  droppedChars = 0;
  final?: string;
  stop?: StopReason;
  cancelRequested = false;
  private waker?: () => void;
  private woken = false;

  constructor(readonly id: number) {}

  capture(text: string, droppedAlready: number): void {
    const room = limits.maxCapturedOutputChars - this.stdout.length;
    if (text.length <= room) this.stdout += text;
    else {
      this.stdout += text.slice(0, Math.max(0, room));
      this.droppedChars += text.length - Math.max(0, room);
    }
    this.droppedChars += droppedAlready;
  }

  wake(): void {
    if (this.waker) this.waker();
    else this.woken = true;
  }

  /** Resolves on the next call completion or cancel, or after `ms` (when given). */
  waitForEvent(ms: number | undefined): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => done(), Math.max(1, ms));
      const done = () => {
        if (timer) clearTimeout(timer);
        this.waker = undefined;
        resolve();
      };
      this.waker = done;
    });
  }

  hasUntimedCalls(): boolean {
    for (const c of this.calls.values()) if (c.untimed) return true;
    return false;
  }
}

let engine: Engine;
let workspace: Workspace;
let active: Block | undefined;
let nextCallId = 1;
const calls = new Map<number, PendingCall>();
const untimed = new Set(init.untimedHostFunctions);
const hostNames = new Set(init.hostFunctionNames);
/** Above this the heap is nearly spent: stop the block and have the host start a fresh worker. */
const memoryThreshold = () => engine.memory.buffer.byteLength >= Math.max(32, limits.memoryLimitMb - 16) * 1024 * 1024;

function shouldInterrupt(): boolean {
  const b = active;
  if (!b) return false;
  if (CONTROL_HEAP_MB < control.length) Atomics.store(control, CONTROL_HEAP_MB, Math.round(engine.memory.buffer.byteLength / (1024 * 1024)));
  if (Atomics.load(control, CONTROL_CANCEL) === b.id || b.cancelRequested) b.stop ??= 'cancelled';
  else if (memoryThreshold()) b.stop ??= 'memory';
  else if (b.clock.elapsed() >= limits.blockTimeoutMs) b.stop ??= 'timeout';
  return b.stop !== undefined;
}

function reply(value: unknown): string {
  return JSON.stringify({ ok: true, value } satisfies BridgeReply);
}

function replyError(e: unknown): string {
  const name = e instanceof TypeError ? 'TypeError' : undefined;
  return JSON.stringify({ ok: false, error: errorText(e), ...(name ? { name } : {}) } satisfies BridgeReply);
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Synchronous bridge: output, FINAL and the index facts the worker holds in memory. */
function syncCall(block: Block | undefined, name: string, args: unknown[]): string {
  try {
    switch (name) {
      case 'print':
        block?.capture(String(args[0]), Number(args[1]) || 0);
        return reply(undefined);
      case 'final':
        if (block) block.final = String(args[0]);
        return reply(undefined);
      case 'files':
        return reply(workspace.files().map((f) => ({ path: f.path, size: f.size, language: f.language })));
      default:
        if (name.startsWith('context.')) {
          const helper = name.slice('context.'.length);
          if (isContextHelper(helper) && helperSpec(helper).sync) return reply(prepareHelper(block, helper, args)());
        }
        return replyError(new Error(`unknown sandbox bridge "${name}"`));
    }
  } catch (e) {
    return replyError(e);
  }
}

/** Posts a helper's evidence, once per block: a loop that reads the same slice 1000 times is one piece of evidence. */
function postEvidence(block: Block | undefined, events: EvidenceEvent[]): void {
  const fresh = events.filter((e) => {
    if (!block) return true;
    const key = `${e.kind}\0${e.path}\0${e.line}\0${e.endLine}\0${e.query}`;
    if (block.evidenceSeen.has(key)) return false;
    block.evidenceSeen.add(key);
    return true;
  });
  if (fresh.length) post({ type: 'evidence', events: fresh });
}

/**
 * context.<name>(...args) as CONTEXT_API declares it: the arguments are checked now (errors are thrown at the
 * call site, a cap applied is noted in the block's output); the returned function calls the workspace method,
 * posts the evidence and presents the result as the sandbox sees it.
 */
function prepareHelper(block: Block | undefined, name: string, rawArgs: unknown[]): () => unknown {
  if (!isContextHelper(name)) {
    throw new ApiArgumentError(`context.${name} is not a function. The helpers are ${CONTEXT_HELPERS.map((h) => `context.${h}()`).join(', ')}; properties: context.root, context.files, context.length.`);
  }
  const spec = helperSpec(name);
  const { args, notes } = checkCall(contextCallSpec(name), rawArgs);
  for (const note of notes) block?.capture(note + '\n', 0);
  const at = spec.params.length;
  const options = (spec.options ? (args[at] as Record<string, unknown> | undefined) : undefined) ?? {};
  const callArgs = [...args];
  if (spec.options && callArgs.length > at) {
    callArgs[at] = Object.fromEntries(Object.entries(options).filter(([k]) => !spec.options?.[k]?.sandboxOnly));
  }
  const method = workspace[name] as (...a: unknown[]) => unknown;
  const finish = (result: unknown): unknown => {
    postEvidence(block, spec.evidence?.(callArgs as never, result as never) ?? []);
    return onTheWire(spec.present ? spec.present(result as never, options) : result);
  };
  if (spec.sync) return () => finish(method.apply(workspace, callArgs));
  return () => Promise.resolve(method.apply(workspace, callArgs)).then(finish);
}

/** A list marked partial (DefinitionList) loses its marks in JSON: it crosses as {items, partial, note, index}. */
function onTheWire(result: unknown): unknown {
  if (!Array.isArray(result) || (result as { partial?: unknown }).partial !== true) return result;
  const r = result as unknown[] & { note?: string; index?: unknown };
  return { items: [...r], partial: true, note: r.note, index: r.index };
}

/** Settles a pending call: the sandbox's promise resolves with the reply JSON (the prelude unwraps it). */
function completeCall(callId: number, replyJson: string): void {
  const call = calls.get(callId);
  if (!call) return;
  calls.delete(callId);
  call.block.calls.delete(callId);
  if (call.block !== active || !call.deferred.alive) {
    call.deferred.dispose();
    return;
  }
  const { ctx } = engine;
  const value = ctx.newString(replyJson);
  call.deferred.resolve(value);
  value.dispose();
  call.deferred.dispose();
  call.block.wake();
}

/** Asynchronous bridge: workspace methods (answered here) and host functions (a round trip). */
function asyncCall(name: string, args: unknown[]): QuickJSHandle {
  const block = active;
  const { ctx } = engine;
  const dot = name.indexOf('.');
  const kind = name.slice(0, dot);
  const fn = name.slice(dot + 1);
  if (!block) throw new Error('no code block is running');
  if (kind === 'host' && !hostNames.has(fn)) throw new Error(`${fn} is not available in this sandbox`);
  if (kind !== 'context' && kind !== 'host') throw new Error(`unknown bridge call "${name}"`);
  // Checked against the declarations before anything starts: the error is thrown where the call was made.
  let hostArgs = args;
  if (kind === 'host' && (CHECKED_HOST_FUNCTIONS as readonly string[]).includes(fn)) {
    hostArgs = checkCall(globalCallSpec(fn as (typeof CHECKED_HOST_FUNCTIONS)[number]), args).args;
  }
  const runLocal = kind === 'context' ? prepareHelper(block, fn, args) : undefined;

  const callId = nextCallId++;
  const deferred = ctx.newPromise();
  const call: PendingCall = {
    block,
    label: kind === 'host' ? fn : name,
    deferred,
    untimed: kind === 'host' && untimed.has(fn),
    remote: kind === 'host',
  };
  calls.set(callId, call);
  block.calls.set(callId, call);
  if (kind === 'host') {
    post({ type: 'hostCall', callId, blockId: block.id, name: fn, args: hostArgs });
  } else {
    Promise.resolve()
      .then(runLocal)
      .then(
      (value) => completeCall(callId, reply(value)),
      (e) => completeCall(callId, replyError(e)),
    );
  }
  return deferred.handle;
}

function installBridges(ctx: QuickJSContext): void {
  const argsOf = (handle: QuickJSHandle): unknown[] => {
    if (ctx.typeof(handle) !== 'string') throw new TypeError('bridge arguments must be a JSON string');
    const parsed = JSON.parse(ctx.getString(handle)) as unknown;
    return Array.isArray(parsed) ? parsed : [];
  };
  const nameOf = (handle: QuickJSHandle): string => {
    if (ctx.typeof(handle) !== 'string') throw new TypeError('bridge name must be a string');
    return ctx.getString(handle);
  };
  ctx.newFunction('__rlm_sync', (name, args) => ctx.newString(syncCall(active, nameOf(name), argsOf(args)))).consume((fn) =>
    ctx.setProp(ctx.global, '__rlm_sync', fn),
  );
  ctx.newFunction('__rlm_async', (name, args) => asyncCall(nameOf(name), argsOf(args))).consume((fn) =>
    ctx.setProp(ctx.global, '__rlm_async', fn),
  );
}

function evalPrelude(ctx: QuickJSContext): void {
  const config: PreludeConfig = {
    root: workspace.name,
    length: workspace.totalBytes,
    hostFunctions: init.hostFunctionNames,
    contextHelpers: CONTEXT_HELPERS.map((name) => ({ name, sync: helperSpec(name).sync === true })),
    maxValueChars: MAX_VALUE_CHARS,
    maxPrintChars: limits.maxCapturedOutputChars,
  };
  ctx.newString(JSON.stringify(config)).consume((s) => ctx.setProp(ctx.global, '__rlm_config', s));
  const result = ctx.evalCode(PRELUDE_SOURCE, PRELUDE_FILENAME);
  if (result.error) {
    const err = ctx.dump(result.error);
    result.error.dispose();
    throw new Error(`sandbox prelude failed: ${formatError(err)}`);
  }
  result.value.dispose();
}

/** An uncaught value as the model should see it: "Name: message", the block's own stack lines, the code at fault. */
function formatError(value: unknown, code?: string): string {
  if (value && typeof value === 'object' && 'message' in value) {
    const e = value as { name?: unknown; message?: unknown; stack?: unknown };
    const head = `${typeof e.name === 'string' ? e.name : 'Error'}: ${String(e.message)}`;
    const frames = String(e.stack ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.includes(BLOCK_FILENAME))
      .slice(0, 5);
    const pointer = code !== undefined && frames.length ? codePointer(code, frames[0], String(e.message)) : '';
    return (frames.length ? `${head}\n    ${frames.join('\n    ')}` : head) + pointer;
  }
  if (value === null) return 'Uncaught null (out of memory?)';
  return `Uncaught ${typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? value)}`;
}

/** The source line a frame points at, a caret under the column, and a hint where the mistake is a common one. */
function codePointer(code: string, frame: string, message: string): string {
  const at = new RegExp(`${BLOCK_FILENAME.replace('.', '\\.')}:(\\d+):(\\d+)`).exec(frame);
  if (!at) return '';
  const line = code.split('\n')[Number(at[1]) - 1];
  if (line === undefined) return '';
  const col = Math.max(1, Number(at[2]));
  const shown = line.length > 160 ? line.slice(Math.max(0, col - 80), col + 80) : line;
  const caretAt = line.length > 160 ? Math.min(col - 1, 79) : col - 1;
  const hint = errorHint(line, col, message);
  return `\n  ${at[1]} | ${shown}\n  ${' '.repeat(at[1].length)} | ${' '.repeat(caretAt)}^${hint ? `\n  hint: ${hint}` : ''}`;
}

function errorHint(line: string, col: number, message: string): string | undefined {
  if (!/not a function|is not a function/.test(message)) return undefined;
  const called = /^[\w$]+/.exec(line.slice(col - 1))?.[0];
  const helper = /context\.([\w$]+)\s*\(/.exec(line)?.[1];
  if (helper && !isContextHelper(helper) && !['tree'].includes(helper)) {
    return `context.${helper} does not exist; the helpers are ${CONTEXT_HELPERS.map((h) => `context.${h}()`).join(', ')}.`;
  }
  if (/context\.files/.test(line)) return 'context.files holds objects {path, size, language}, not strings: use f.path (e.g. context.files.filter(f => f.path.endsWith(".ts"))).';
  if (called) return `${called} is not a function on that value: print(typeof x, x) to see what it holds.`;
  return undefined;
}

function isOutOfMemory(message: string | undefined): boolean {
  return !!message && /out of memory|Uncaught null/.test(message);
}

/** Runs every queued job; returns an error message when a job failed for a reason other than a stop. */
function runJobs(block: Block, code: string): string | undefined {
  const result = engine.runtime.executePendingJobs();
  if (result.error) {
    const err = engine.ctx.dump(result.error);
    result.error.dispose();
    // An interrupted job leaves the block's promise pending forever: the stop reason is the outcome.
    if (block.stop) return undefined;
    return formatError(err, code);
  }
  return undefined;
}

async function runBlock(block: Block, code: string): Promise<BlockOutcome> {
  const { ctx } = engine;
  active = block;
  let error: string | undefined;
  let fatal: BlockOutcome['fatal'];
  try {
    const evaluated = ctx.evalCode(rewriteTopLevelDeclarations(code), BLOCK_FILENAME, JS_EVAL_FLAG_ASYNC as never);
    if (evaluated.error) {
      if (!block.stop) error = formatError(ctx.dump(evaluated.error), code);
      evaluated.error.dispose();
    } else {
      const promise = evaluated.value;
      try {
        for (;;) {
          const jobError = block.stop ? undefined : runJobs(block, code);
          if (jobError) {
            error = jobError;
            break;
          }
          if (block.stop) break;
          const state = ctx.getPromiseState(promise);
          if (state.type === 'fulfilled') {
            state.value.dispose();
            break;
          }
          if (state.type === 'rejected') {
            error = formatError(ctx.dump(state.error), code);
            state.error.dispose();
            break;
          }
          if (block.calls.size === 0 && !engine.runtime.hasPendingJob()) {
            error = 'Error: the code block is waiting on a promise that never settles (nothing it awaits is still running).';
            break;
          }
          // Waiting: sub-model calls do not count against the block's time; everything else does.
          const untimedWait = block.hasUntimedCalls();
          if (untimedWait) block.clock.pause();
          await block.waitForEvent(untimedWait ? undefined : limits.blockTimeoutMs - block.clock.elapsed());
          if (untimedWait) block.clock.resume();
          shouldInterrupt();
          if (block.stop) break;
        }
      } finally {
        promise.dispose();
      }
    }
  } catch (e) {
    // The engine itself failed (wasm abort, out of memory in the bridge): this module cannot be trusted.
    error = `Error: the sandbox engine failed: ${errorText(e)}`;
    fatal = 'crash';
  } finally {
    active = undefined;
    // No search outlives its block (finished, timed out or cancelled): its ripgrep processes are killed now.
    if (block.calls.size > 0) workspace.cancelSearches?.();
    if (block.calls.size > 0 && !block.stop && !fatal) {
      // Calls do not outlive their block; say so, or the model wonders where its results went.
      const names = [...new Set([...block.calls.values()].map((c) => c.label))].join(', ');
      block.capture(
        `[sandbox] ${block.calls.size} call(s) (${names}) were still running when the block ended and were cancelled: await them (e.g. await Promise.all([...])).\n`,
        0,
      );
    }
    for (const [callId, call] of block.calls) {
      calls.delete(callId);
      call.deferred.dispose();
      if (call.remote) post({ type: 'hostCallAbandoned', callId });
    }
    block.calls.clear();
  }
  if (block.stop === 'memory' || isOutOfMemory(error) || memoryThreshold()) fatal ??= 'memory';
  const variables = fatal ? undefined : listVariables();
  // An engine too short of memory to build an Error throws null: the host's out-of-memory message says it all.
  if (fatal === 'memory' && error?.startsWith('Uncaught null')) error = undefined;
  return {
    stdout: block.stdout,
    droppedChars: block.droppedChars,
    error: block.stop === 'timeout' || block.stop === 'cancelled' ? undefined : error,
    final: block.final,
    timedOut: block.stop === 'timeout',
    cancelled: block.stop === 'cancelled',
    fatal,
    variables,
  };
}

/** The model's globals, from the prelude's list (it knows the sandbox's own names). Never fails a block. */
function listVariables(): SandboxVariableInfo[] | undefined {
  const { ctx } = engine;
  try {
    const r = ctx.evalCode('__rlm_variables()', 'variables.js');
    if (r.error) {
      r.error.dispose();
      return undefined;
    }
    const json = ctx.typeof(r.value) === 'string' ? ctx.getString(r.value) : '[]';
    r.value.dispose();
    return JSON.parse(json) as SandboxVariableInfo[];
  } catch {
    return undefined;
  }
}

// ---- Messages --------------------------------------------------------------------------------------------

let queue: Promise<void> = Promise.resolve();

function onMessage(msg: HostToWorker): void {
  switch (msg.type) {
    case 'exec': {
      const block = new Block(msg.blockId);
      pendingBlocks.set(msg.blockId, block);
      queue = queue.then(async () => {
        let outcome: BlockOutcome;
        try {
          outcome = await runBlock(block, msg.code);
        } catch (e) {
          outcome = { stdout: block.stdout, droppedChars: block.droppedChars, error: `Error: the sandbox failed: ${errorText(e)}`, timedOut: false, cancelled: false, fatal: 'crash' };
        } finally {
          pendingBlocks.delete(msg.blockId);
        }
        post({ type: 'blockDone', blockId: msg.blockId, outcome: { ...outcome, heapBytes: engine?.memory.buffer.byteLength } });
      });
      return;
    }
    case 'hostResult':
      completeCall(msg.callId, msg.ok ? reply(msg.value) : replyError(new Error(msg.error)));
      return;
    case 'cancel': {
      const block = pendingBlocks.get(msg.blockId);
      if (block) {
        block.cancelRequested = true;
        block.stop ??= 'cancelled';
        block.wake();
      }
      return;
    }
    case 'summary':
      try {
        post({ type: 'summary', requestId: msg.requestId, ok: true, summary: workspace.summary() });
      } catch (e) {
        post({ type: 'summary', requestId: msg.requestId, ok: false, error: errorText(e) });
      }
      return;
    case 'close':
      try {
        workspace.flushCaches?.();
      } finally {
        post({ type: 'closed' });
      }
      return;
  }
}

const pendingBlocks = new Map<number, Block>();

/** Keeps the shared pid table (protocol.ts CONTROL_CHILDREN) in step with this thread's child processes. */
function recordChildPid(pid: number, alive: boolean): void {
  for (let i = CONTROL_CHILDREN; i < CONTROL_CHILDREN + CONTROL_CHILD_SLOTS; i++) {
    if (alive ? Atomics.compareExchange(control, i, 0, pid) === 0 : Atomics.compareExchange(control, i, pid, 0) === pid) return;
  }
}

async function main(): Promise<void> {
  // The host kills this thread's child processes if the thread is terminated before it could.
  forwardChildPids(recordChildPid);
  try {
    workspace = await openWorkspace(init.workspace);
    engine = await createEngine();
    engine.runtime.setInterruptHandler(shouldInterrupt);
    installBridges(engine.ctx);
    evalPrelude(engine.ctx);
  } catch (e) {
    post({ type: 'initError', error: errorText(e) });
    return;
  }
  port.on('message', onMessage);
  // The index for a restart, so a replacement worker skips the scan.
  const restartSpec = !init.workspace.files && typeof workspace.childSpec === 'function' ? workspace.childSpec() : undefined;
  post({ type: 'ready', restartSpec });
  // From the first turn on: symbols/definitions/references answer from memory once it is built.
  workspace.startIndexing?.();
}

void main();
