// What a run is doing, as one-line steps a person can follow, from its trajectory events:
//   indexed 1,234 files (5.6 MB) · asking gpt-4.1-mini
//   turn 2/20 · 1.2k in / 300 out tokens
//   grep "createServer" → 12 hits        read lib/app.js:40-90        llm_batch 12/32
// The one formatter for the CLI's stderr progress, the palette notification, @rlm progress and the answer panel's
// live steps. Pure: no vscode, no I/O. Steps with the same `key` as the previous one update it in place (a grep's
// hits counting up, a batch completing).
import type { RunStartEvent, TrajectoryEvent } from './events';
import { RunAccountBuilder, formatTokens } from './runAccount';
import { formatBytes } from './units';
import { EVIDENCE_KINDS } from './sandbox/evidenceKinds';

export interface ProgressStep {
  text: string;
  /** 0 for the root run, 1+ for child runs (for indenting). */
  depth: number;
  /** When equal to the previous step's key, this step replaces that one. */
  key?: string;
  /** An error worth showing even when only errors are shown. */
  error?: boolean;
}

const MAX_QUOTE = 60;
const count = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, word: string) => `${count(n)} ${word}${n === 1 ? '' : 's'}`;
const oneLine = (text: string, max = MAX_QUOTE) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};
const quote = (text: string | undefined) => JSON.stringify(oneLine(text ?? ''));

/** The line shown before the first event: the index is being built. */
export function indexingStep(folders: string[]): ProgressStep {
  return { text: `indexing ${folders.join(', ')}…`, depth: 0 };
}

/** The turn counter: "turn 3/20"; the forced answer after the turn limit is "last turn (limit of 20 reached)". */
export function turnLabel(iteration: number, maxIterations: number | undefined): string {
  if (maxIterations === undefined) return `turn ${iteration}`;
  return iteration > maxIterations ? `last turn (limit of ${plural(maxIterations, 'turn')} reached: answering now)` : `turn ${iteration}/${maxIterations}`;
}

/** Turns trajectory events into steps; keeps what it needs across events (run depths, hit and batch counts). */
export class ProgressSteps {
  private readonly runs = new Map<string, { depth: number; maxIterations?: number }>();
  private readonly batches = new Map<string, number>();
  private readonly hits = new Map<string, number>();
  /** The tokens shown are the run account's (every model request so far: turns and sub-calls, all depths). */
  private readonly account = new RunAccountBuilder();

  /** The step for this event, or undefined when it is not one a person needs to see. */
  next(event: TrajectoryEvent): ProgressStep | undefined {
    this.account.add(event);
    const depth = this.runs.get(event.runId)?.depth ?? 0;
    switch (event.type) {
      case 'run_start':
        return this.runStart(event);
      case 'iteration': {
        const { usage } = this.account.account(event.time);
        const turn = turnLabel(event.iteration, this.runs.get(event.runId)?.maxIterations);
        const who = depth > 0 ? `child ${event.runId} ${turn}` : turn;
        return { text: `${who} · ${formatTokens(usage.inputTokens)} in / ${formatTokens(usage.outputTokens)} out tokens`, depth };
      }
      case 'code':
        return event.error ? { text: `code error: ${oneLine(event.error.split('\n')[0], 160)}`, depth, error: true } : undefined;
      case 'evidence':
        return this.evidence(event, depth);
      case 'subcall':
        return this.subcall(event, depth);
      case 'final':
        if (depth > 0) return event.answer ? { text: `child ${event.runId} answered`, depth } : undefined;
        return { text: `final answer · ${plural(event.citations.length, 'citation')}`, depth };
      case 'run_end':
        // The root run's end is the caller's to report (with the answer or the reason there is none); a child's
        // answer was its `final` step.
        if (depth === 0 || event.stopReason === 'final') return undefined;
        return { text: `child ${event.runId} stopped: ${event.stopReason}${event.detail ? ` (${oneLine(event.detail, 100)})` : ''}`, depth, error: true };
    }
  }

  private runStart(e: RunStartEvent): ProgressStep {
    this.runs.set(e.runId, { depth: e.depth, maxIterations: e.limits.maxIterations });
    if (e.depth === 0) {
      return { text: `indexed ${plural(e.workspace.fileCount, 'file')} (${formatBytes(e.workspace.totalBytes)}) · asking ${e.model}`, depth: 0 };
    }
    const scope = e.scope?.paths ? ` over ${plural(e.scope.paths.length, 'path')}` : e.scope?.textChars !== undefined ? ` over ${count(e.scope.textChars)} characters` : '';
    return { text: `child run ${e.runId}${scope}: ${quote(e.question)}`, depth: e.depth };
  }

  private evidence(e: Extract<TrajectoryEvent, { type: 'evidence' }>, depth: number): ProgressStep {
    const range = e.endLine !== undefined && e.endLine !== e.line ? `${e.line}-${e.endLine}` : String(e.line);
    switch (e.kind) {
      case 'read':
        return { text: `read ${e.path}:${range}`, depth };
      case 'outline':
        return { text: `outline ${e.path}`, depth };
      default: {
        // grep / definitions / symbols / references: one event per hit; one step per search, counting up.
        const name = EVIDENCE_KINDS[e.kind].helper;
        const key = `${e.kind}:${e.parentId ?? ''}:${e.query ?? ''}`;
        const n = (this.hits.get(key) ?? 0) + 1;
        this.hits.set(key, n);
        return { text: `${name} ${quote(e.query)} → ${plural(n, 'hit')}`, depth, key };
      }
    }
  }

  private subcall(e: Extract<TrajectoryEvent, { type: 'subcall' }>, depth: number): ProgressStep | undefined {
    if (e.kind === 'rlm_query') return e.error ? { text: `rlm_query failed: ${oneLine(e.error, 160)}`, depth, error: true } : undefined;
    if (e.batch) {
      const done = (this.batches.get(e.batch.id) ?? 0) + 1;
      this.batches.set(e.batch.id, done);
      const failed = e.error ? ` (one failed: ${oneLine(e.error, 100)})` : '';
      return { text: `llm_batch ${done}/${e.batch.size}${failed}`, depth, key: `batch:${e.batch.id}`, error: Boolean(e.error) };
    }
    if (e.error) return { text: `llm_query failed: ${oneLine(e.error, 160)}`, depth, error: true };
    return { text: `llm_query ${quote(e.prompt)}${e.cached ? ' (cached)' : ''}`, depth };
  }
}

/**
 * Steps for an append-only output (a log, a pipe, chat progress): a step that counts up is emitted when the next
 * different step comes (or at flush) with its final count, and, with `announceFirst`, also when it begins.
 */
export class SettledSteps {
  private readonly steps = new ProgressSteps();
  private open: ProgressStep | undefined;

  constructor(private readonly options: { announceFirst?: boolean } = {}) {}

  push(event: TrajectoryEvent): ProgressStep[] {
    const step = this.steps.next(event);
    if (!step) return [];
    if (step.key !== undefined && step.key === this.open?.key) {
      this.open = step;
      return [];
    }
    const out = this.flush();
    if (step.key === undefined) return [...out, step];
    this.open = step;
    return this.options.announceFirst ? [...out, step] : out;
  }

  /** The step still counting up, if any (call at the end of a run). */
  flush(): ProgressStep[] {
    const open = this.open;
    this.open = undefined;
    return open ? [open] : [];
  }
}
