// One account of a run, reduced from its trajectory events: what every reader (CLI progress and summary, the
// palette notification, @rlm's footer, the answer panel, the trajectory panel) shows, so they never disagree.
import type { TrajectoryEvent } from './events';
import type { TokenUsage } from './models/types';
import { CostTotal, PriceTable } from './prices';

export interface RunAccount {
  /** Root-run turns (child runs' turns are not the user's turns). */
  turns: number;
  /** Sub-calls that went to a model (llm_query and rlm_query, every depth): what the sub-call budget counts. */
  subCalls: number;
  /** Sub-calls answered from the run's cache (an identical prompt already asked): counted apart, no tokens. */
  cachedSubCalls: number;
  /** Child runs started by rlm_query, every depth. */
  childRuns: number;
  /** Every model request of the run tree: root and child turns, llm_query sub-calls. */
  usage: TokenUsage;
  /** USD; null when some model's price is unknown. */
  costUsd: number | null;
  durationMs: number;
}

/** Adds events one by one (live progress) and reports the account so far. */
export class RunAccountBuilder {
  /** Root runs (depth 0): one for a run, several for a session's runs in one list. Start time, and duration once ended. */
  private readonly roots = new Map<string, { start: number; durationMs?: number }>();
  private lastTime?: number;
  private turns = 0;
  private subCalls = 0;
  private cachedSubCalls = 0;
  private childRuns = 0;
  private readonly usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  private readonly cost = new CostTotal();
  private readonly modelOfRun = new Map<string, string>();

  /** `prices` prices events written before costs were recorded (older or imported logs). */
  constructor(private readonly prices = new PriceTable()) {}

  add(e: TrajectoryEvent): void {
    this.lastTime = Math.max(this.lastTime ?? e.time, e.time);
    switch (e.type) {
      case 'run_start':
        this.modelOfRun.set(e.runId, e.model);
        if (e.depth === 0 && !e.parentId) this.roots.set(e.runId, { start: e.time });
        else this.childRuns++;
        return;
      case 'iteration':
        if (this.roots.has(e.runId)) this.turns++;
        this.charge(this.modelOfRun.get(e.runId) ?? '', e.usage, e.costUsd);
        return;
      case 'subcall':
        if (e.cached) this.cachedSubCalls++;
        else this.subCalls++;
        // An rlm_query's tokens are its child run's turns and sub-calls, already counted as they happened.
        if (e.kind === 'llm_query') this.charge(e.model, e.usage, e.cached ? 0 : e.costUsd);
        return;
      case 'run_end': {
        const root = this.roots.get(e.runId);
        if (root) root.durationMs = e.durationMs;
        return;
      }
      default:
        return;
    }
  }

  /** The account so far; `now` ends a live run's time. */
  account(now = Date.now()): RunAccount {
    const until = this.lastTime === undefined ? now : Math.max(this.lastTime, now);
    let durationMs = 0;
    for (const r of this.roots.values()) durationMs += r.durationMs ?? Math.max(0, until - r.start);
    return {
      turns: this.turns,
      subCalls: this.subCalls,
      cachedSubCalls: this.cachedSubCalls,
      childRuns: this.childRuns,
      usage: { ...this.usage },
      costUsd: this.cost.value,
      durationMs,
    };
  }

  /** Counts a response; its cost is the engine's (on the event), or the price table's for a log without one. */
  private charge(model: string, u: TokenUsage, costUsd: number | null | undefined): void {
    this.usage.inputTokens += u.inputTokens;
    this.usage.outputTokens += u.outputTokens;
    this.cost.add(costUsd !== undefined ? costUsd : this.prices.cost({ model, usage: u }));
  }
}

/** The account of a finished (or imported) run. For a live run pass `now`: its time runs until then. */
export function accountOf(events: Iterable<TrajectoryEvent>, now?: number, prices?: PriceTable): RunAccount {
  const b = new RunAccountBuilder(prices);
  let last: number | undefined;
  for (const e of events) {
    b.add(e);
    last = Math.max(last ?? e.time, e.time);
  }
  return b.account(now ?? last);
}

/** Several runs (a session) summed; the cost is null as soon as one run's is unknown. */
export function sumAccounts(accounts: RunAccount[]): RunAccount {
  const total: RunAccount = { turns: 0, subCalls: 0, cachedSubCalls: 0, childRuns: 0, usage: { inputTokens: 0, outputTokens: 0 }, costUsd: 0, durationMs: 0 };
  for (const a of accounts) {
    total.turns += a.turns;
    total.subCalls += a.subCalls;
    total.cachedSubCalls += a.cachedSubCalls;
    total.childRuns += a.childRuns;
    total.usage.inputTokens += a.usage.inputTokens;
    total.usage.outputTokens += a.usage.outputTokens;
    total.costUsd = total.costUsd === null || a.costUsd === null ? null : total.costUsd + a.costUsd;
    total.durationMs += a.durationMs;
  }
  return total;
}

/** 950 -> "950", 1234 -> "1.2k", 41_234 -> "41k", 2_500_000 -> "2.5M". */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 10_000) return `${(n / 1000).toFixed(1)}k`;
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** "$0.031": three significant decimals for small sums, cents for large ones. */
export function formatCost(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  if (usd < 10) return `$${usd.toFixed(3)}`;
  return `$${usd.toFixed(2)}`;
}

/** "340 ms", "3.2 s", "38 s", "2 min 5 s" (empty for no time): the footer, progress lines and the panel's rows. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Parts of the footer, in order; a UI may lay them out itself. */
export function footerParts(a: RunAccount): string[] {
  const calls = a.subCalls + a.cachedSubCalls;
  const parts = [plural(a.turns, 'turn'), `${plural(calls, 'sub-call')}${a.cachedSubCalls ? ` (${a.cachedSubCalls} cached)` : ''}`];
  if (a.childRuns) parts.push(plural(a.childRuns, 'child run'));
  parts.push(`${formatTokens(a.usage.inputTokens)} in / ${formatTokens(a.usage.outputTokens)} out tokens`);
  if (a.costUsd !== null) parts.push(formatCost(a.costUsd));
  parts.push(formatDuration(a.durationMs));
  return parts;
}

/** `4 turns · 12 sub-calls (3 cached) · 41k in / 3k out tokens · $0.031 · 38 s` */
export function formatFooter(a: RunAccount): string {
  return footerParts(a).join(' · ');
}
