// The shared budget of a run tree: sub-calls, tokens and wall time. Crossing the token, cost or time limit ends the
// run cleanly; a spent sub-call budget only refuses further sub-calls (the model can still read, grep and answer).
import type { StopReason } from './events';
import type { TokenUsage } from './models/types';
import { CostTotal } from './prices';
import type { RlmLimits } from './types';

export class BudgetExceeded extends Error {
  constructor(
    readonly reason: StopReason,
    message: string,
  ) {
    super(message);
    this.name = 'BudgetExceeded';
  }
}

export class Budget {
  subCalls = 0;
  cachedSubCalls = 0;
  readonly usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  /** USD over the run tree; null once a response had no known price. */
  readonly cost = new CostTotal();
  readonly startedAt = Date.now();
  /** The first limit crossed, if any; once set, no new sub-call starts. */
  exceeded?: BudgetExceeded;

  constructor(readonly limits: RlmLimits) {}

  /** Reserves one sub-call, or throws when the sub-call budget (or another limit) is spent. */
  takeSubCall(): void {
    this.throwIfExceeded();
    if (this.subCalls >= this.limits.maxSubCalls) {
      throw new BudgetExceeded(
        'max_sub_calls',
        `the sub-call budget of ${this.limits.maxSubCalls} is spent: llm_query, llm_batch, rlm_query and rlm_batch no longer run. Everything else still works: continue with context.* and answer with FINAL`,
      );
    }
    this.subCalls++;
  }

  subCallsLeft(): number {
    return Math.max(0, this.limits.maxSubCalls - this.subCalls);
  }

  /** Refuses a batch that does not fit before any of it starts. */
  checkBatch(what: string, needs: number): void {
    this.throwIfExceeded();
    const left = this.subCallsLeft();
    if (needs <= left) return;
    throw new BudgetExceeded(
      'max_sub_calls',
      `${what} needs ${needs} sub-calls, ${left} left (of ${this.limits.maxSubCalls}): nothing was started. ` +
        (left > 0 ? `Send at most ${left} (merge small prompts into one), or continue without sub-calls: context.* still works.` : 'Continue without sub-calls: context.* still works.'),
    );
  }

  /** Counts a response's tokens and its cost (null: no price known for its model). */
  addUsage(u: TokenUsage, costUsd: number | null = null): void {
    this.usage.inputTokens += u.inputTokens;
    this.usage.outputTokens += u.outputTokens;
    if (u.cachedInputTokens) this.usage.cachedInputTokens = (this.usage.cachedInputTokens ?? 0) + u.cachedInputTokens;
    this.cost.add(costUsd);
    const maxCost = this.limits.maxCostUsd;
    // Unpriced responses count 0 here: the CLI refuses --max-cost for a model with no price, so this is a floor.
    if (!this.exceeded && maxCost !== undefined && this.cost.known > maxCost) {
      this.exceeded = new BudgetExceeded('max_cost', `the cost budget of $${maxCost} is spent ($${this.cost.known.toFixed(4)} so far)`);
    }
    if (!this.exceeded && this.usage.inputTokens > this.limits.maxInputTokens) {
      this.exceeded = new BudgetExceeded('max_tokens', `the input-token budget of ${this.limits.maxInputTokens.toLocaleString('en-US')} is spent`);
    } else if (!this.exceeded && this.usage.outputTokens > this.limits.maxOutputTokens) {
      this.exceeded = new BudgetExceeded('max_tokens', `the output-token budget of ${this.limits.maxOutputTokens.toLocaleString('en-US')} is spent`);
    }
  }

  elapsedMs(): number {
    return Date.now() - this.startedAt;
  }

  throwIfExceeded(): void {
    if (this.exceeded) throw this.exceeded;
  }
}
