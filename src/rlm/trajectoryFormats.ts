// Trajectory files: our JSONL (one TrajectoryEvent per line) and the official `rlm` project's log format
// (a `metadata` line, then one line per root iteration with its code blocks and sub-calls), both ways.
// Pure: no file system, no vscode. The panel, the CLI and the history store all read and write through here.
import type { TrajectoryEvent, RunStartEvent, RunEndEvent, FinalEvent, StopReason } from './events';
import type { TokenUsage } from './models/types';

export type TrajectoryFormat = 'rlm-vscode' | 'rlm-official';

/** A line that could not be read, with a reason a user can act on. */
export interface LineProblem {
  /** 1-based line number in the file. */
  line: number;
  message: string;
}

export interface ParsedTrajectory {
  format: TrajectoryFormat;
  /** Every event that could be read; damaged lines are skipped, not fatal. */
  events: TrajectoryEvent[];
  problems: LineProblem[];
}

const EVENT_TYPES = new Set(['run_start', 'iteration', 'code', 'subcall', 'evidence', 'final', 'run_end']);

/** Marks official-format lines we wrote, so importing them back is lossless. */
const OWN_EVENTS_KEY = 'rlm_vscode_events';

export function serializeTrajectory(events: readonly TrajectoryEvent[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + (events.length ? '\n' : '');
}

/** Why a parsed value is not a TrajectoryEvent, or undefined when it is one. */
export function eventProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const v = value as Record<string, unknown>;
  if (typeof v.type !== 'string') return 'missing "type"';
  if (!EVENT_TYPES.has(v.type)) return `unknown event type "${v.type}"`;
  if (typeof v.id !== 'string' || !v.id) return `${v.type} event without an "id"`;
  if (typeof v.runId !== 'string') return `${v.type} event without a "runId"`;
  if (v.parentId !== undefined && typeof v.parentId !== 'string') return `${v.type} event with a non-string "parentId"`;
  if (typeof v.time !== 'number') return `${v.type} event without a numeric "time"`;
  return undefined;
}

function jsonLines(text: string): { line: number; value?: unknown; error?: string }[] {
  const out: { line: number; value?: unknown; error?: string }[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw) continue;
    try {
      out.push({ line: i + 1, value: JSON.parse(raw) });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      out.push({ line: i + 1, error: `not valid JSON (${reason})` });
    }
  }
  return out;
}

/** Which format a file is in, from its first readable line. */
export function detectFormat(text: string): TrajectoryFormat {
  for (const { value } of jsonLines(text.slice(0, 1_000_000))) {
    if (value === undefined) continue;
    const v = value as Record<string, unknown>;
    if (v && (v.type === 'metadata' || Array.isArray(v.code_blocks) || v.type === 'run_context')) return 'rlm-official';
    return 'rlm-vscode';
  }
  return 'rlm-vscode';
}

/** Our JSONL. Damaged or foreign lines become problems; every good line is kept. */
export function parseTrajectory(text: string): ParsedTrajectory {
  const events: TrajectoryEvent[] = [];
  const problems: LineProblem[] = [];
  for (const { line, value, error } of jsonLines(text)) {
    if (error) {
      problems.push({ line, message: error });
      continue;
    }
    const problem = eventProblem(value);
    if (problem) problems.push({ line, message: problem });
    else events.push(value as TrajectoryEvent);
  }
  return { format: 'rlm-vscode', events, problems };
}

/** Either format, detected from the content. */
export function parseAnyTrajectory(text: string): ParsedTrajectory {
  return detectFormat(text) === 'rlm-official' ? fromOfficialLog(text) : parseTrajectory(text);
}

/** One line summarizing problems, for an error message: "2 lines could not be read: line 3: not valid JSON (...); ...". */
export function describeProblems(problems: readonly LineProblem[], max = 3): string {
  if (!problems.length) return '';
  const shown = problems.slice(0, max).map((p) => `line ${p.line}: ${p.message}`).join('; ');
  const more = problems.length > max ? `; and ${problems.length - max} more` : '';
  return `${problems.length} line${problems.length === 1 ? '' : 's'} could not be read: ${shown}${more}`;
}

// ---------------------------------------------------------------------------------------------
// The official `rlm` log format (github.com/alexzhang13/rlm, rlm/logger/rlm_logger.py and its visualizer).

interface OfficialCall {
  root_model: string;
  prompt: unknown;
  response: unknown;
  usage_summary: { model_usage_summaries: Record<string, { total_calls: number; total_input_tokens: number; total_output_tokens: number }> };
  /** The visualizer reads these two. */
  prompt_tokens: number;
  completion_tokens: number;
  /** Seconds. */
  execution_time: number;
  error?: string;
  /** A child RLM's whole trajectory (the official library's RLMChatCompletion.metadata). */
  metadata?: { run_metadata: Record<string, unknown>; iterations: OfficialIteration[] };
}

interface OfficialIteration {
  type: 'iteration';
  iteration: number;
  timestamp: string;
  prompt: { role: string; content: string }[];
  response: string;
  code_blocks: { code: string; result: { stdout: string; stderr: string; locals: Record<string, unknown>; execution_time: number; rlm_calls: OfficialCall[] } }[];
  final_answer: string | [string, string] | null;
  iteration_time: number | null;
  [OWN_EVENTS_KEY]?: TrajectoryEvent[];
}

const iso = (ms: number) => new Date(Number.isFinite(ms) ? ms : 0).toISOString();

function childrenIndex(events: readonly TrajectoryEvent[]): Map<string, TrajectoryEvent[]> {
  const byParent = new Map<string, TrajectoryEvent[]>();
  for (const e of events) {
    if (e.parentId === undefined) continue;
    let list = byParent.get(e.parentId);
    if (!list) byParent.set(e.parentId, (list = []));
    list.push(e);
  }
  return byParent;
}

function subtree(root: TrajectoryEvent, byParent: Map<string, TrajectoryEvent[]>, out: TrajectoryEvent[], seen: Set<string>): void {
  if (seen.has(root.id)) return; // a cycle in a damaged file must not loop forever
  seen.add(root.id);
  out.push(root);
  for (const child of byParent.get(root.id) ?? []) subtree(child, byParent, out, seen);
}

/** A run's configuration as the official RLMMetadata.to_dict() writes it. */
function runMetadata(start: RunStartEvent | undefined): Record<string, unknown> {
  return {
    root_model: start?.model ?? null,
    max_depth: start?.limits.maxDepth ?? null,
    max_iterations: start?.limits.maxIterations ?? null,
    backend: start?.provider ?? null,
    backend_kwargs: start ? { model_name: start.model } : {},
    environment_type: 'quickjs',
    environment_kwargs: start ? { workspace: start.workspace.name, files: start.workspace.fileCount, bytes: start.workspace.totalBytes } : {},
    other_backends: start && start.subModel && start.subModel !== start.model ? [start.subModel] : null,
  };
}

/** Everything about the events that export needs: children by parent id, and child run starts by their sub-call. */
interface ExportIndex {
  byParent: Map<string, TrajectoryEvent[]>;
  childRunOf: Map<string, RunStartEvent>;
  finalOf: Map<string, FinalEvent>;
}

function exportIndex(events: readonly TrajectoryEvent[]): ExportIndex {
  const childRunOf = new Map<string, RunStartEvent>();
  const finalOf = new Map<string, FinalEvent>();
  for (const e of events) {
    if (e.type === 'run_start' && e.parentId !== undefined) childRunOf.set(e.parentId, e);
    if (e.type === 'final' && !finalOf.has(e.runId)) finalOf.set(e.runId, e);
  }
  return { byParent: childrenIndex(events), childRunOf, finalOf };
}

/** One run's iterations in the official shape; an rlm_query's child run goes whole into its call's `metadata`. */
function officialIterations(iterations: readonly TrajectoryEvent[], start: RunStartEvent | undefined, ix: ExportIndex, seen: Set<string>): OfficialIteration[] {
  const lines = iterations.map((it): OfficialIteration => {
    if (it.type !== 'iteration') throw new Error('unreachable');
    const codes = (ix.byParent.get(it.id) ?? []).filter((e) => e.type === 'code').sort((a, b) => (a as { index: number }).index - (b as { index: number }).index);
    return {
      type: 'iteration',
      iteration: it.iteration,
      timestamp: iso(it.time),
      prompt: start ? [{ role: 'user', content: start.question }] : [],
      response: it.response,
      code_blocks: codes.map((c) => {
        if (c.type !== 'code') throw new Error('unreachable');
        const calls = (ix.byParent.get(c.id) ?? []).filter((e) => e.type === 'subcall');
        return {
          code: c.code,
          result: {
            stdout: c.output,
            stderr: c.error ?? '',
            locals: {},
            execution_time: c.durationMs / 1000,
            rlm_calls: calls.map((s) => {
              if (s.type !== 'subcall') throw new Error('unreachable');
              const call: OfficialCall = {
                root_model: s.model,
                prompt: s.prompt,
                response: s.response ?? '',
                usage_summary: { model_usage_summaries: { [s.model]: { total_calls: 1, total_input_tokens: s.usage.inputTokens, total_output_tokens: s.usage.outputTokens } } },
                prompt_tokens: s.usage.inputTokens,
                completion_tokens: s.usage.outputTokens,
                execution_time: s.durationMs / 1000,
              };
              if (s.error) call.error = s.error;
              const child = ix.childRunOf.get(s.id);
              // Like the official library: the child's whole trajectory (run_metadata + iterations) on its call.
              if (child && !seen.has(child.id)) {
                seen.add(child.id);
                const childIterations = (ix.byParent.get(child.id) ?? []).filter((e) => e.type === 'iteration').sort((a, b) => (a as { iteration: number }).iteration - (b as { iteration: number }).iteration);
                call.metadata = { run_metadata: runMetadata(child), iterations: officialIterations(childIterations, child, ix, seen) };
              }
              return call;
            }),
          },
        };
      }),
      final_answer: null,
      iteration_time: it.durationMs / 1000,
    };
  });
  // The official logger puts the answer on the iteration that produced it: the last one.
  const final = start ? ix.finalOf.get(start.runId) : undefined;
  if (final && lines.length) lines[lines.length - 1].final_answer = final.answer;
  return lines;
}

/**
 * Our events as the official log: the root run's iterations, each with its code blocks and the sub-calls made from
 * them; a child run sits whole in its rlm_query call's `metadata` ({run_metadata, iterations}), as the official
 * library logs it. The official format has no evidence or citation records, so every line also carries our own
 * events under an extra key (the official visualizer ignores unknown keys) and importing our export is lossless.
 */
export function toOfficialLog(events: readonly TrajectoryEvent[]): string {
  const root = events.find((e): e is RunStartEvent => e.type === 'run_start' && e.parentId === undefined) ?? events.find((e): e is RunStartEvent => e.type === 'run_start');
  const ix = exportIndex(events);
  const rootId = root?.id;
  const rootRunId = root?.runId ?? events[0]?.runId;
  const iterations = events
    .filter((e) => e.type === 'iteration' && (rootId ? e.parentId === rootId : e.runId === rootRunId))
    .sort((a, b) => (a as { iteration: number }).iteration - (b as { iteration: number }).iteration);
  const end = events.find((e): e is RunEndEvent => e.type === 'run_end' && e.runId === rootRunId);

  const claimed = new Set<string>();
  const lines = officialIterations(iterations, root, ix, new Set());
  const iterationLines = lines.map((line, i) => {
    const own: TrajectoryEvent[] = [];
    subtree(iterations[i], ix.byParent, own, claimed);
    return { ...line, [OWN_EVENTS_KEY]: own };
  });

  const rest = events.filter((e) => !claimed.has(e.id));
  const metadata = {
    type: 'metadata',
    timestamp: iso(root?.time ?? events[0]?.time ?? Date.now()),
    ...runMetadata(root),
    question: root?.question ?? null,
    stop_reason: end?.stopReason ?? null,
    [OWN_EVENTS_KEY]: rest,
  };
  return [metadata, ...iterationLines].map((l) => JSON.stringify(l)).join('\n') + '\n';
}

const num = (v: unknown, fallback = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const text = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v, null, 2));
const timeOf = (v: unknown, fallback: number) => {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? t : fallback;
};

function callUsage(call: Record<string, unknown>): TokenUsage {
  if (typeof call.prompt_tokens === 'number' || typeof call.completion_tokens === 'number') {
    return { inputTokens: num(call.prompt_tokens), outputTokens: num(call.completion_tokens) };
  }
  const usage = { inputTokens: 0, outputTokens: 0 };
  const summaries = (call.usage_summary as { model_usage_summaries?: Record<string, Record<string, unknown>> } | undefined)?.model_usage_summaries;
  for (const s of Object.values(summaries ?? {})) {
    usage.inputTokens += num(s?.total_input_tokens);
    usage.outputTokens += num(s?.total_output_tokens);
  }
  return usage;
}

function firstUserMessage(prompt: unknown): string | undefined {
  if (typeof prompt === 'string') return prompt;
  if (!Array.isArray(prompt)) return undefined;
  const msg = prompt.find((m) => m && typeof m === 'object' && (m as { role?: unknown }).role === 'user');
  return msg ? text((msg as { content?: unknown }).content) : undefined;
}

/**
 * The official log as our events. A file we exported ourselves carries our events and comes back exactly;
 * a log from the official project becomes one run: iterations, code blocks, sub-calls and the final answer.
 */
export function fromOfficialLog(input: string): ParsedTrajectory {
  const problems: LineProblem[] = [];
  let metadata: Record<string, unknown> | undefined;
  const iterations: { line: number; value: Record<string, unknown> }[] = [];
  const own: TrajectoryEvent[] = [];
  let sawOwn = false;

  const takeOwn = (line: number, value: Record<string, unknown>) => {
    const list = value[OWN_EVENTS_KEY];
    if (!Array.isArray(list)) return;
    sawOwn = true;
    for (const e of list) {
      const problem = eventProblem(e);
      if (problem) problems.push({ line, message: problem });
      else own.push(e as TrajectoryEvent);
    }
  };

  for (const { line, value, error } of jsonLines(input)) {
    if (error) {
      problems.push({ line, message: error });
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ line, message: 'not a JSON object' });
      continue;
    }
    const v = value as Record<string, unknown>;
    if (v.type === 'metadata') {
      metadata = v;
      takeOwn(line, v);
    } else if (v.type === 'run_context') {
      continue; // the official logger's prompt payload; nothing to show beyond the iterations
    } else if (Array.isArray(v.code_blocks) || v.type === 'iteration') {
      iterations.push({ line, value: v });
      takeOwn(line, v);
    } else {
      problems.push({ line, message: `not an rlm log entry (type ${JSON.stringify(v.type ?? null)})` });
    }
  }
  if (sawOwn) return { format: 'rlm-official', events: own, problems };

  // A log written by the official project: rebuild its run, and its child runs from their calls' metadata.
  const events: TrajectoryEvent[] = [];
  const startTime = timeOf(metadata?.timestamp, timeOf(iterations[0]?.value.timestamp, 0));
  const question = typeof metadata?.question === 'string' ? metadata.question : (firstUserMessage(iterations[0]?.value.prompt) ?? '(question not recorded)');
  importRun(events, iterations.map((i) => i.value), metadata, { runId: 'imported', idPrefix: '', depth: 0, question, startTime });
  return { format: 'rlm-official', events, problems };
}

interface ImportedRun {
  runId: string;
  /** Prefix of the run's event ids: '' for the root, the sub-call's id + '/' for a child run. */
  idPrefix: string;
  depth: number;
  question: string;
  startTime: number;
  /** The rlm_query sub-call that started this child run. */
  parentId?: string;
}

/** What an imported run spent (llm_query calls at every depth; official iterations record no tokens). */
interface ImportedTotals {
  answer?: string;
  usage: TokenUsage;
  subCalls: number;
  durationMs: number;
}

/** One official run (the root's lines, or a call's metadata) as our events; child runs recurse. */
function importRun(events: TrajectoryEvent[], iterations: Record<string, unknown>[], metadata: Record<string, unknown> | undefined, r: ImportedRun): ImportedTotals {
  const { runId, idPrefix: p } = r;
  const model = typeof metadata?.root_model === 'string' ? metadata.root_model : 'unknown';
  const runStartId = `${p}run`;
  events.push({
    type: 'run_start',
    id: runStartId,
    runId,
    ...(r.parentId !== undefined ? { parentId: r.parentId } : {}),
    time: r.startTime,
    depth: r.depth,
    question: r.question,
    provider: typeof metadata?.backend === 'string' ? metadata.backend : 'unknown',
    model,
    subModel: Array.isArray(metadata?.other_backends) && typeof metadata.other_backends[0] === 'string' ? metadata.other_backends[0] : model,
    workspace: { name: 'imported', fileCount: 0, totalBytes: 0 },
    limits: {
      ...(typeof metadata?.max_iterations === 'number' ? { maxIterations: metadata.max_iterations } : {}),
      ...(typeof metadata?.max_depth === 'number' ? { maxDepth: metadata.max_depth } : {}),
    },
  });

  const totals: ImportedTotals = { usage: { inputTokens: 0, outputTokens: 0 }, subCalls: 0, durationMs: 0 };
  let lastTime = r.startTime;
  let childRuns = 0;
  iterations.forEach((it, i) => {
    const n = num(it.iteration, i + 1);
    const itId = `${p}it${i + 1}`;
    const time = timeOf(it.timestamp, lastTime);
    lastTime = time;
    const itMs = num(it.iteration_time) * 1000;
    totals.durationMs += itMs;
    events.push({ type: 'iteration', id: itId, parentId: runStartId, runId, time, iteration: n, response: text(it.response), usage: { inputTokens: 0, outputTokens: 0 }, durationMs: itMs });
    const blocks = Array.isArray(it.code_blocks) ? it.code_blocks : [];
    blocks.forEach((block: unknown, index: number) => {
      const b = (block ?? {}) as { code?: unknown; result?: Record<string, unknown> };
      const result = b.result ?? {};
      const codeId = `${itId}.c${index}`;
      const stderr = text(result.stderr);
      events.push({
        type: 'code',
        id: codeId,
        parentId: itId,
        runId,
        time,
        iteration: n,
        index,
        code: text(b.code),
        output: text(result.stdout),
        ...(stderr ? { error: stderr } : {}),
        durationMs: num(result.execution_time) * 1000,
      });
      const calls = Array.isArray(result.rlm_calls) ? result.rlm_calls : [];
      calls.forEach((call: unknown, k: number) => {
        const c = (call ?? {}) as Record<string, unknown>;
        const u = callUsage(c);
        const subId = `${codeId}.s${k}`;
        const child = c.metadata as { run_metadata?: unknown; iterations?: unknown } | undefined;
        const isChild = !!child && typeof child === 'object' && Array.isArray(child.iterations);
        totals.subCalls++;
        events.push({
          type: 'subcall',
          id: subId,
          parentId: codeId,
          runId,
          time,
          kind: isChild ? 'rlm_query' : 'llm_query',
          prompt: text(c.prompt),
          response: text(c.response),
          ...(typeof c.error === 'string' ? { error: c.error } : {}),
          model: typeof c.root_model === 'string' ? c.root_model : model,
          usage: u,
          durationMs: num(c.execution_time) * 1000,
          cached: false,
        });
        if (!isChild) {
          totals.usage.inputTokens += u.inputTokens;
          totals.usage.outputTokens += u.outputTokens;
          return;
        }
        // A child RLM (the official library logs its whole trajectory on the call): a child run at the next depth.
        const childIterations = (child.iterations as unknown[]).filter((x): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x));
        const childMeta = child.run_metadata && typeof child.run_metadata === 'object' ? (child.run_metadata as Record<string, unknown>) : undefined;
        const sub = importRun(events, childIterations, childMeta, {
          runId: `${runId}.${++childRuns}`,
          idPrefix: `${subId}/`,
          depth: r.depth + 1,
          question: text(c.prompt),
          startTime: timeOf(childIterations[0]?.timestamp, time),
          parentId: subId,
        });
        totals.usage.inputTokens += sub.usage.inputTokens;
        totals.usage.outputTokens += sub.usage.outputTokens;
        totals.subCalls += sub.subCalls;
      });
    });
    const fa = it.final_answer;
    if (typeof fa === 'string' && fa) totals.answer = fa;
    else if (Array.isArray(fa) && typeof fa[1] === 'string') totals.answer = fa[1];
  });

  const endTime = r.startTime + totals.durationMs;
  // A child's answer hangs under the call that asked for it, as the engine emits it.
  if (totals.answer !== undefined) events.push({ type: 'final', id: `${p}final`, parentId: r.parentId ?? runStartId, runId, time: endTime, answer: totals.answer, citations: [] });
  const stopReason: StopReason = totals.answer !== undefined ? 'final' : 'max_iterations';
  events.push({
    type: 'run_end',
    id: `${p}end`,
    parentId: runStartId,
    runId,
    time: endTime,
    stopReason,
    ...(totals.answer === undefined ? { detail: 'imported from an rlm log without a final answer' } : {}),
    answer: totals.answer ?? '',
    iterations: iterations.length,
    subCalls: totals.subCalls,
    usage: { ...totals.usage },
    durationMs: totals.durationMs,
  });
  return totals;
}
