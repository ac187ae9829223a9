// The shapes of `rlm eval`: dataset items, the expected answers they are scored against, one result line per item
// and method, and the summary. These field names are a contract (issue 10): results.jsonl and summary.json are read
// by users' own scripts.
import type { Citation } from '../rlm/events';

export const METHODS = ['rlm', 'direct', 'rlm-no-sub'] as const;
export type Method = (typeof METHODS)[number];

export type Expected =
  | { choice: string }
  | { locations: string[]; tolerance?: number }
  | { number: number }
  | { contains: string[] }
  | { set: string[] };

export interface EvalItem {
  id: string;
  /** "npm:<name>@<version>" or "dir:<path>" (relative to the dataset file, or absolute). */
  workspace: string;
  question: string;
  expected: Expected;
  /** For choice questions: letter → text. */
  choices?: Record<string, string>;
  tags?: string[];
  /** Ground-truth checks, for scripts/verify-eval-dataset.ts only (src/eval/verify.ts); the runner ignores them. */
  check?: unknown;
  /** The dataset file's folder, for dir: workspaces (not serialised). */
  baseDir: string;
}

export interface ResultLine {
  id: string;
  method: Method;
  score: number;
  correct: boolean;
  answer: string;
  citations: Citation[];
  stopReason: string;
  iterations: number;
  subCalls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  durationMs: number;
  tags: string[];
  /** How the score was reached (e.g. "recall 2/3, precision 2/4"). */
  scoreDetail?: string;
  error?: string;
}

export interface MethodSummary {
  n: number;
  /** Mean score. */
  score: number;
  /** Share of items with score ≥ 0.5. */
  accuracy: number;
  inputTokens: number;
  outputTokens: number;
  /** Null when some item's model had no known price. */
  costUsd: number | null;
  durationMs: number;
  errors: number;
  tags: Record<string, { n: number; score: number; accuracy: number }>;
}

export interface Summary {
  items: number;
  methods: Partial<Record<Method, MethodSummary>>;
}

/** A score of at least this counts as correct. */
export const CORRECT_AT = 0.5;
