// The contract between the engine and the sandbox that runs model-written code.
import type { WorkspaceSpec, WorkspaceSummary } from '../../workspace/types';
import type { SandboxVariableInfo } from './protocol';
import type { EvidenceKind } from './evidenceKinds';

/**
 * Async functions that live on the engine's thread and are callable from sandbox code
 * (llm_query, llm_batch, rlm_query). Arguments and results are JSON-serializable.
 * They receive a signal that aborts when the code block times out, is cancelled, or the sandbox is disposed.
 */
export type HostFunction = (args: unknown[], signal: AbortSignal) => Promise<unknown>;

export interface SandboxLimits {
  /** Wall time per code block, not counting time waiting on model sub-calls (default 30 s). */
  blockTimeoutMs: number;
  /** Memory for the sandbox heap, MiB (default 256). Exceeding it restarts the sandbox. */
  memoryLimitMb: number;
  /** QuickJS stack size in bytes (default 256 KiB, so deep recursion is a catchable RangeError). */
  maxStackBytes: number;
  /** Hard cap on output captured from one block, characters (default 1 MiB); the engine truncates further for the model. */
  maxCapturedOutputChars: number;
}

/** Something a workspace helper touched, reported live for the trajectory (evidence). */
export interface EvidenceEvent {
  kind: EvidenceKind;
  path: string;
  line: number;
  endLine?: number;
  /** The grep pattern / symbol name, when there is one. */
  query?: string;
  /** A short excerpt (a grep hit's line). */
  text?: string;
}

export interface SandboxOptions {
  workspace: WorkspaceSpec;
  /** Main-thread functions by name: 'llm_query', 'llm_batch', 'rlm_query'. */
  hostFunctions: Record<string, HostFunction>;
  /** Names of host functions whose waiting time does not count against blockTimeoutMs. */
  untimedHostFunctions?: string[];
  limits?: Partial<SandboxLimits>;
  onEvidence?: (event: EvidenceEvent) => void;
}

export interface ExecResult {
  /** Everything print() wrote (and console.log), up to maxCapturedOutputChars. */
  stdout: string;
  /** Characters of output dropped beyond maxCapturedOutputChars. */
  droppedChars: number;
  /** An error message for the model (uncaught exception with stack line, timeout, memory, syntax error). */
  error?: string;
  /** Set when the code called FINAL(answer). */
  final?: string;
  /** The model's own variables after the block (absent when the sandbox was restarted). */
  variables?: SandboxVariableInfo[];
  /** The sandbox was restarted after this block (memory/crash): all variables are gone. */
  restarted: boolean;
  timedOut: boolean;
  durationMs: number;
}

export interface Sandbox {
  /** Facts for the root prompt (counts, languages, shallow tree). */
  summary(): Promise<WorkspaceSummary>;
  /** The workspace spec with its file index filled in once the sandbox is ready, so child runs need not rescan. */
  workspaceSpec(): WorkspaceSpec;
  /** The heap's size after the last block, bytes (0 before the first): sessions weigh live sandboxes by it. */
  heapBytes(): number;
  /** Runs one code block; variables persist across calls. Never throws for model errors. */
  exec(code: string, signal?: AbortSignal): Promise<ExecResult>;
  dispose(): Promise<void>;
}
