// The header's facts: question, models, stop reason and totals. The totals are the run account's
// (src/rlm/runAccount.ts), live or finished, priced by the one price source (src/rlm/prices.ts); a conversation's
// header sums its questions' runs.
import type { RunStartEvent, StopReason } from '../../rlm/events';
import type { TokenUsage } from '../../rlm/models/types';
import type { TrajectoryTree } from './tree';
import { accountOf } from '../../rlm/runAccount';

export interface Summary {
  question: string;
  provider: string;
  model: string;
  subModel: string;
  stopReason?: StopReason;
  detail?: string;
  live: boolean;
  /** Root turns (of every question in a conversation). */
  iterations: number;
  /** Every sub-call the code made, cached ones included. */
  subCalls: number;
  /** Of those, answered from the run's cache. */
  cachedSubCalls: number;
  childRuns: number;
  evidence: number;
  usage: TokenUsage;
  /** USD; undefined when some model's price is unknown. */
  cost?: number;
  durationMs: number;
  answer?: string;
  /** Top-level runs: more than one in a conversation (one per question). */
  questions: number;
}

export function summarize(tree: TrajectoryTree, now = Date.now()): Summary {
  // A conversation has one top-level run per question: the header speaks for all of them, the last one's status.
  const tops = tree.root.children.filter((n) => n.kind === 'run' && (n.event as RunStartEvent).depth === 0);
  const root = tops.length > 1 ? tops[tops.length - 1] : tree.rootRun;
  const start = (tops[0] ?? root)?.event as RunStartEvent | undefined;
  const live = tops.length > 1 ? !tops.every((n) => n.end) : !root?.end;
  const end = root?.end;
  // The numbers are the run account's, the same every other view shows (summed over a conversation's runs).
  const account = accountOf(tree.events, live ? now : undefined);
  return {
    question: start?.question ?? '',
    provider: start?.provider ?? '',
    model: start?.model ?? '',
    subModel: start?.subModel ?? '',
    stopReason: end?.stopReason,
    detail: end?.detail,
    live,
    iterations: account.turns,
    subCalls: account.subCalls + account.cachedSubCalls,
    cachedSubCalls: account.cachedSubCalls,
    childRuns: account.childRuns,
    evidence: tree.events.filter((e) => e.type === 'evidence').length,
    usage: account.usage,
    cost: tree.events.length && account.costUsd !== null ? account.costUsd : undefined,
    durationMs: account.durationMs,
    answer: root?.final?.answer ?? (end?.answer || undefined),
    questions: Math.max(1, tops.length),
  };
}
