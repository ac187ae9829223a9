// Trajectory events: every run is a tree of these, emitted live and saved as JSONL.
// `id` is unique within a trajectory; `parentId` links an event to the node it belongs to:
//   run_start (parent: the sub-call that started a child run, or none for the root)
//   iteration -> run, code -> iteration, subcall -> code, evidence -> code, final/run_end -> run.
import type { TokenUsage } from './models/types';
import type { EvidenceEvent } from './sandbox/types';

export type StopReason =
  | 'final' // the model called FINAL
  | 'max_iterations'
  | 'max_sub_calls'
  | 'max_tokens'
  | 'max_cost'
  | 'timeout'
  | 'max_errors'
  | 'cancelled'
  | 'model_error';

export interface Citation {
  path: string;
  line: number;
  endLine?: number;
  /** False when the file or line does not exist in the workspace. */
  valid: boolean;
  /** Why it is invalid, when it is. */
  problem?: string;
}

interface Base {
  id: string;
  parentId?: string;
  runId: string;
  /** ms since the epoch. */
  time: number;
}

export interface RunStartEvent extends Base {
  type: 'run_start';
  depth: number;
  question: string;
  provider: string;
  model: string;
  subModel: string;
  workspace: { name: string; fileCount: number; totalBytes: number };
  /** A child run's scope (paths, or a text length). */
  scope?: { paths?: string[]; textChars?: number };
  limits: Record<string, number>;
}

export interface IterationEvent extends Base {
  type: 'iteration';
  iteration: number;
  /** The model's whole reply. */
  response: string;
  usage: TokenUsage;
  /** USD for this turn (src/rlm/prices.ts); null when the model has no known price; absent in older logs. */
  costUsd?: number | null;
  durationMs: number;
}

export interface CodeEvent extends Base {
  type: 'code';
  iteration: number;
  index: number;
  code: string;
  /** Output as the model was shown it (truncated). */
  output: string;
  error?: string;
  durationMs: number;
  restarted?: boolean;
}

export interface SubCallEvent extends Base {
  type: 'subcall';
  kind: 'llm_query' | 'rlm_query';
  prompt: string;
  response?: string;
  error?: string;
  model: string;
  /** For rlm_query: the child run's total, shown here and already counted in the child's own events. */
  usage: TokenUsage;
  /** USD for this request (0 when cached; rlm_query: the child run's, shown not added); null when the model has no known price; absent in older logs. */
  costUsd?: number | null;
  durationMs: number;
  cached: boolean;
  /** Set when the call is one of an llm_batch: the batch's id and its number of prompts. */
  batch?: { id: string; size: number };
}

export interface EvidenceTrajectoryEvent extends Base, EvidenceEvent {
  type: 'evidence';
}

export interface FinalEvent extends Base {
  type: 'final';
  answer: string;
  citations: Citation[];
}

export interface RunEndEvent extends Base {
  type: 'run_end';
  stopReason: StopReason;
  /** Human-readable detail (which limit, which error). */
  detail?: string;
  /** Only when no `final` event of this run carries the answer (imported logs): an answer is stored once. */
  answer?: string;
  iterations: number;
  subCalls: number;
  usage: TokenUsage;
  /** USD of the whole run tree (root run_end only); null when some model had no known price. */
  costUsd?: number | null;
  durationMs: number;
}

export type TrajectoryEvent =
  | RunStartEvent
  | IterationEvent
  | CodeEvent
  | SubCallEvent
  | EvidenceTrajectoryEvent
  | FinalEvent
  | RunEndEvent;

/** Distributes `Omit` over the union, so callers can build events without the bookkeeping fields. */
export type NewEvent = TrajectoryEvent extends infer E ? (E extends TrajectoryEvent ? Omit<E, 'id' | 'time'> : never) : never;
