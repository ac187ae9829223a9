// Runs every (item, method) pair, --parallel at a time, and appends one line to results.jsonl as each finishes, so
// an interrupted evaluation keeps everything done so far and --resume picks up where it stopped.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { JsonlTrajectoryWriter } from '../rlm/trajectoryFile';
import type { WorkspaceSpec } from '../workspace/types';
import { runMethod, type MethodContext } from './methods';
import { questionText, scoreAnswer } from './scoring';
import type { WorkspaceCache } from './workspaces';
import { METHODS, type EvalItem, type Method, type ResultLine } from './types';

export interface EvalRun {
  items: EvalItem[];
  methods: Method[];
  outDir: string;
  parallel: number;
  resume: boolean;
  ctx: MethodContext;
  cache: WorkspaceCache;
  /** The workspace spec for a folder (the user's exclude / secret / size options). */
  workspaceSpec: (root: { name: string; path: string }) => WorkspaceSpec;
  /** Called once with the pairs to run, then after each finished pair. */
  onStart?: (pending: number, previous: ResultLine[]) => void;
  onResult?: (line: ResultLine) => void;
}

export const RESULTS_FILE = 'results.jsonl';

const key = (id: string, method: string) => `${id}\u0000${method}`;

/** Results already on disk; a line that cannot be read is left out (its pair runs again). Errored pairs run again. */
export function readResults(file: string): ResultLine[] {
  if (!existsSync(file)) return [];
  const out = new Map<string, ResultLine>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as ResultLine;
      if (typeof r.id === 'string' && (METHODS as readonly string[]).includes(r.method) && typeof r.score === 'number') out.set(key(r.id, r.method), r);
    } catch {
      // a line cut short by a crash
    }
  }
  return [...out.values()];
}

/** Runs the pairs not yet done; returns every result (earlier ones too), in item then method order. */
export async function runEval(run: EvalRun): Promise<ResultLine[]> {
  mkdirSync(run.outDir, { recursive: true });
  const resultsFile = path.join(run.outDir, RESULTS_FILE);
  if (!run.resume && existsSync(resultsFile) && readFileSync(resultsFile, 'utf8').trim()) {
    throw new Error(`${resultsFile} already has results: add --resume to continue that evaluation, or choose another --out`);
  }
  const previous = run.resume ? readResults(resultsFile).filter((r) => !r.error) : [];
  const done = new Map(previous.map((r) => [key(r.id, r.method), r]));
  const pairs = run.items.flatMap((item) => run.methods.map((method) => ({ item, method }))).filter((p) => !done.has(key(p.item.id, p.method)));
  run.onStart?.(pairs.length, previous.filter((r) => run.items.some((i) => i.id === r.id) && run.methods.includes(r.method)));

  let next = 0;
  const worker = async () => {
    while (next < pairs.length && !run.ctx.signal.aborted) {
      const { item, method } = pairs[next++];
      const line = await runPair(run, item, method);
      if (run.ctx.signal.aborted && line.error) break; // cancelled: not a result, it runs again with --resume
      appendFileSync(resultsFile, JSON.stringify(line) + '\n');
      done.set(key(item.id, method), line);
      run.onResult?.(line);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(run.parallel, pairs.length)) }, worker));
  return run.items.flatMap((i) => run.methods.map((m) => done.get(key(i.id, m)))).filter((r): r is ResultLine => r !== undefined);
}

async function runPair(run: EvalRun, item: EvalItem, method: Method): Promise<ResultLine> {
  const started = Date.now();
  const tags = item.tags ?? [];
  const trajectory = new JsonlTrajectoryWriter(path.join(run.outDir, 'trajectories', `${safeName(item.id)}.${method}.jsonl`));
  try {
    const folder = await run.cache.resolve(item.workspace, item.baseDir);
    const spec = run.workspaceSpec({ name: workspaceName(item.workspace), path: folder });
    const r = await runMethod(method, questionText(item), spec, run.ctx, trajectory.write);
    const s = scoreAnswer(item.expected, r.answer, r.citations);
    const failed = !r.answer && (r.stopReason === 'model_error' || r.stopReason === 'cancelled');
    return {
      id: item.id,
      method,
      score: s.score,
      correct: s.correct,
      answer: r.answer,
      citations: r.citations,
      stopReason: r.stopReason,
      iterations: r.iterations,
      subCalls: r.subCalls,
      inputTokens: r.usage.inputTokens,
      outputTokens: r.usage.outputTokens,
      costUsd: r.costUsd,
      durationMs: r.durationMs,
      tags,
      scoreDetail: s.detail,
      ...(failed ? { error: `${r.stopReason}: ${r.detail ?? 'no answer'}` } : {}),
    };
  } catch (e) {
    const message = (e as Error).message?.split('\n')[0] ?? String(e);
    return { id: item.id, method, score: 0, correct: false, answer: '', citations: [], stopReason: 'error', iterations: 0, subCalls: 0, inputTokens: 0, outputTokens: 0, costUsd: null, durationMs: Date.now() - started, tags, error: message };
  } finally {
    trajectory.close();
  }
}

function workspaceName(spec: string): string {
  const s = spec.replace(/^(npm|dir):/, '');
  return spec.startsWith('npm:') ? s.replace(/@[^@]+$/, '').replace(/^@[^/]+\//, '') : path.basename(s) || 'workspace';
}

function safeName(id: string): string {
  return id.replace(/[^\w.-]+/g, '_').slice(0, 120);
}
