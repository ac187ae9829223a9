// The engine's public API: what the CLI, the VS Code extension and the tests call.
import type { TrajectoryEvent, StopReason, Citation } from './events';
import type { ModelClient, TokenUsage } from './models/types';
import type { PriceTable } from './prices';
import type { Scheduler } from './scheduler';
import type { WorkspaceSpec } from '../workspace/types';
import type { BoundSandbox } from './sandbox/boundSandbox';

export interface RlmLimits {
  /** Root-model turns per run (default 20). */
  maxIterations: number;
  /** rlm_query nesting; at the limit rlm_query degrades to llm_query (default 2). */
  maxDepth: number;
  /** Sub-calls (llm_query + rlm_query, all depths) per run (default 200). */
  maxSubCalls: number;
  /** Input tokens over the whole run, all models (default 4,000,000). */
  maxInputTokens: number;
  /** Output tokens over the whole run (default 400,000). */
  maxOutputTokens: number;
  /** Wall time for the whole run (default 15 min). */
  timeoutMs: number;
  /** Consecutive turns whose code failed, or model errors in a row, before giving up (default 5). */
  maxConsecutiveErrors: number;
  /** Sub-calls in flight at once, shared by the whole run tree (default 16, as the official library's batch; halved on a rate limit). */
  concurrency: number;
  /** Wall time per code block, excluding waits on sub-calls (default 30 s). */
  blockTimeoutMs: number;
  /** Sandbox heap (default 256 MiB). */
  memoryLimitMb: number;
  /** Printed output the model sees per turn, characters; head and tail are kept (default 12,000). */
  maxOutputChars: number;
  /**
   * Output cap of every model request, tokens (default 8,192): sent as max_tokens / num_predict, and a reply longer
   * than that (a server that ignores it) is cut before it enters the history.
   */
  maxReplyTokens: number;
  /** USD over the whole run tree, all models (default: none); priced by src/rlm/prices.ts. */
  maxCostUsd?: number;
}

export const DEFAULT_LIMITS: RlmLimits = {
  maxIterations: 20,
  maxDepth: 2,
  maxSubCalls: 200,
  maxInputTokens: 4_000_000,
  maxOutputTokens: 400_000,
  timeoutMs: 15 * 60_000,
  maxConsecutiveErrors: 5,
  concurrency: 16,
  blockTimeoutMs: 30_000,
  memoryLimitMb: 256,
  maxOutputChars: 12_000,
  maxReplyTokens: 8_192,
};

/** The final answer is cut beyond this many characters (with a note saying so). */
export const MAX_ANSWER_CHARS = 200_000;

/** Something the user pointed at: a selection, a #file reference. */
export interface FocusItem {
  path: string;
  startLine?: number;
  endLine?: number;
  /** Selected text, when small. */
  text?: string;
}

export interface RunOptions {
  question: string;
  workspace: WorkspaceSpec;
  /** The root model. */
  model: ModelClient;
  /** The model for llm_query sub-calls and child runs (default: the root model). */
  subModel?: ModelClient;
  limits?: Partial<RlmLimits>;
  signal?: AbortSignal;
  /** Live trajectory events. */
  onEvent?: (event: TrajectoryEvent) => void;
  focus?: FocusItem[];
  /** Prices for costUsd and maxCostUsd (default: the built-in table). */
  prices?: PriceTable;
  /** A follow-up in a session (src/rlm/session.ts builds this; call Session.ask rather than setting it). */
  session?: SessionLink;
  /**
   * False: no sub-model calls at all (llm_query, llm_batch, rlm_query fail with a clear error and the prompt does not
   * teach them) — the paper's "RLM without sub-calls" ablation, used by `rlm eval --methods rlm-no-sub`. Default true.
   */
  subCalls?: boolean;
  /** One sub-call scheduler shared by several runs (rlm eval's parallel items); default: one per run tree. */
  scheduler?: Scheduler;
}

/** How a session's follow-up run differs from a fresh one. */
export interface SessionLink {
  /** The session's live sandbox: the root run drives it (variables survive); child runs still get their own. */
  sandbox: BoundSandbox;
  /** For the first message: earlier questions and answers, the variables still defined, or that they were lost. */
  memo: string;
}

export interface RunResult {
  answer: string;
  stopReason: StopReason;
  /** Why the run stopped, in words (which limit, which error). */
  detail?: string;
  iterations: number;
  subCalls: number;
  /** Deepest child run reached (0 = root only). */
  depth: number;
  usage: TokenUsage;
  /** USD of the whole run tree; null when a model's price is unknown (see src/rlm/prices.ts). */
  costUsd: number | null;
  citations: Citation[];
  durationMs: number;
  /** Secret values cut out of text sent to a model (0 when secrets were allowed). */
  secretsRedacted: number;
}
