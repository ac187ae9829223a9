// Typed messages between the host (sandbox.ts, engine thread) and the sandbox worker (sandboxWorker.ts).
import type { WorkspaceSpec, WorkspaceSummary } from '../../workspace/types';
import type { EvidenceEvent, SandboxLimits } from './types';

/** workerData of a sandbox worker. */
export interface WorkerInit {
  workspace: WorkspaceSpec;
  limits: SandboxLimits;
  /** Host functions the sandbox may call (their names become globals). */
  hostFunctionNames: string[];
  /** Their waiting time does not count against blockTimeoutMs. */
  untimedHostFunctions: string[];
  /**
   * Shared control word, read by the QuickJS interrupt handler while model code runs (the worker cannot
   * receive messages then). Slot CONTROL_CANCEL holds the id of a block the host wants stopped.
   */
  control: SharedArrayBuffer;
  /** The QuickJS engine compiled once by the host and shared by its workers; absent: the worker compiles it. */
  wasmModule?: WebAssembly.Module;
}

export const CONTROL_CANCEL = 0;
/**
 * Slots CONTROL_CHILDREN.. hold the pids of the child processes (ripgrep) the worker has running, 0 when free. Shared
 * memory, not messages: a message still in flight when the host terminates the worker would be lost, and with it
 * the only record of a process that must be killed.
 */
export const CONTROL_CHILDREN = 1;
export const CONTROL_CHILD_SLOTS = 32;
/** The worker's QuickJS heap in MiB, as last seen by its interrupt handler: tells a stuck worker's host it ran out of memory. */
export const CONTROL_HEAP_MB = CONTROL_CHILDREN + CONTROL_CHILD_SLOTS;
export const CONTROL_SLOTS = CONTROL_HEAP_MB + 1;

/** What a block produced, as the worker sees it (the host adds restarted/durationMs). */
export interface BlockOutcome {
  stdout: string;
  droppedChars: number;
  error?: string;
  final?: string;
  timedOut: boolean;
  cancelled: boolean;
  /** The QuickJS heap is spent or unsafe (memory limit, engine abort): the worker must be replaced. */
  fatal?: 'memory' | 'crash';
  /** The QuickJS heap's size after the block (wasm memory only grows): what a session's memory cap weighs. */
  heapBytes?: number;
  /** The model's own globals after the block. */
  variables?: SandboxVariableInfo[];
}

/** One of the model's variables: its name, type and size ("12 items", "4210 chars"). */
export interface SandboxVariableInfo {
  name: string;
  type: string;
  size: string;
}

export type HostToWorker =
  | { type: 'exec'; blockId: number; code: string }
  | { type: 'hostResult'; callId: number; ok: true; value: unknown }
  | { type: 'hostResult'; callId: number; ok: false; error: string }
  /** Stop a block that is waiting on calls (the control word stops one that is running code). */
  | { type: 'cancel'; blockId: number }
  | { type: 'summary'; requestId: number }
  /** The sandbox is being disposed: save caches (the symbol index) and answer 'closed'. */
  | { type: 'close' };

export type WorkerToHost =
  /** The workspace is open and the sandbox is ready; `restartSpec` reopens it without a scan. */
  | { type: 'ready'; restartSpec?: WorkspaceSpec }
  | { type: 'initError'; error: string }
  | { type: 'hostCall'; callId: number; blockId: number; name: string; args: unknown[] }
  /** The block that made this call is over: abort it. */
  | { type: 'hostCallAbandoned'; callId: number }
  | { type: 'evidence'; events: EvidenceEvent[] }
  | { type: 'blockDone'; blockId: number; outcome: BlockOutcome }
  | { type: 'summary'; requestId: number; ok: true; summary: WorkspaceSummary }
  | { type: 'summary'; requestId: number; ok: false; error: string }
  | { type: 'closed' };

/** Result of a bridge call as the prelude receives it (JSON inside the sandbox). */
export type BridgeReply = { ok: true; value: unknown } | { ok: false; error: string; name?: 'TypeError' };
