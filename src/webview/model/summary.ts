// The header's facts: question, models, stop reason and totals. Taken from the root run's run_end when it has
// arrived, counted from the events so far while the run is live.
import type { RunStartEvent, StopReason } from '../../rlm/events';
import type { TokenUsage } from '../../rlm/models/types';
import type { TrajectoryTree } from './tree';

/** USD per million tokens, for models whose list price is public. Others show no cost rather than a guess. */
const PRICES: Record<string, { input: number; output: number }> = {
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  o3: { input: 2, output: 8 },
  'o4-mini': { input: 1.1, output: 4.4 },
};

/** Price per million tokens, matching a dated snapshot ("gpt-4o-2024-08-06") to its model. */
export function priceOf(model: string, provider?: string): { input: number; output: number } | undefined {
  if (provider === 'ollama') return { input: 0, output: 0 }; // runs locally
  const name = model.toLowerCase().replace(/^openai\//, '');
  if (PRICES[name]) return PRICES[name];
  const dated = name.replace(/-\d{4}-\d{2}-\d{2}$/, '');
  return PRICES[dated];
}

export interface Summary {
  question: string;
  provider: string;
  model: string;
  subModel: string;
  stopReason?: StopReason;
  detail?: string;
  live: boolean;
  iterations: number;
  subCalls: number;
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
  const topIds = new Set(tops.map((n) => n.event.runId));
  const provider = start?.provider ?? '';
  const modelOfRun = new Map<string, string>();
  for (const e of tree.events) if (e.type === 'run_start') modelOfRun.set(e.runId, e.model);

  let iterations = 0;
  let subCalls = 0;
  let childRuns = 0;
  let evidence = 0;
  let costKnown = true;
  let cost = 0;
  const usage = { inputTokens: 0, outputTokens: 0 };
  const charge = (model: string, u: TokenUsage) => {
    usage.inputTokens += u.inputTokens;
    usage.outputTokens += u.outputTokens;
    const price = priceOf(model, provider);
    if (!price) costKnown = false;
    else cost += (u.inputTokens * price.input + u.outputTokens * price.output) / 1_000_000;
  };
  let lastTime = start?.time ?? 0;
  for (const e of tree.events) {
    lastTime = Math.max(lastTime, e.time);
    if (e.type === 'iteration') {
      if (e.runId === start?.runId || topIds.has(e.runId)) iterations++;
      charge(modelOfRun.get(e.runId) ?? start?.model ?? '', e.usage);
    } else if (e.type === 'subcall') {
      subCalls++;
      // An rlm_query's tokens are its child run's iterations, already counted above.
      if (e.kind === 'llm_query') charge(e.model, e.usage);
    } else if (e.type === 'run_start' && e.depth > 0) childRuns++;
    else if (e.type === 'evidence') evidence++;
  }

  const end = root?.end;
  if (tops.length > 1) {
    const ends = tops.map((n) => n.end);
    const all = ends.every(Boolean);
    const sum = (f: (e: NonNullable<(typeof ends)[number]>) => number) => ends.reduce((n, e) => n + (e ? f(e) : 0), 0);
    return {
      question: start?.question ?? '',
      provider,
      model: start?.model ?? '',
      subModel: start?.subModel ?? '',
      stopReason: end?.stopReason,
      detail: end?.detail,
      live: !all,
      iterations: all ? sum((e) => e.iterations) : iterations,
      subCalls: all ? sum((e) => e.subCalls) : subCalls,
      childRuns,
      evidence,
      usage: all ? { inputTokens: sum((e) => e.usage.inputTokens), outputTokens: sum((e) => e.usage.outputTokens) } : usage,
      cost: costKnown && tree.events.length ? cost : undefined,
      durationMs: sum((e) => e.durationMs),
      answer: root?.final?.answer ?? (end?.answer || undefined),
      questions: tops.length,
    };
  }
  return {
    question: start?.question ?? '',
    provider,
    model: start?.model ?? '',
    subModel: start?.subModel ?? '',
    stopReason: end?.stopReason,
    detail: end?.detail,
    live: !end,
    iterations: end?.iterations ?? iterations,
    subCalls: end?.subCalls ?? subCalls,
    childRuns,
    evidence,
    // run_end's usage is the engine's own total; prefer it, keep the cost from the per-model split.
    usage: end?.usage ?? usage,
    cost: costKnown && tree.events.length ? cost : undefined,
    durationMs: end?.durationMs ?? Math.max(0, (end ? lastTime : Math.max(lastTime, now)) - (start?.time ?? lastTime)),
    answer: root?.final?.answer ?? (end?.answer || undefined),
    questions: Math.max(1, tops.length),
  };
}
