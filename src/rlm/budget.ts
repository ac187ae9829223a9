// The shared budget of a run tree: sub-calls, tokens and wall time. Crossing a limit ends the run cleanly.
import type { StopReason } from './events';
import type { TokenUsage } from './models/types';
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
  readonly startedAt = Date.now();
  /** The first limit crossed, if any; once set, no new sub-call starts. */
  exceeded?: BudgetExceeded;

  constructor(readonly limits: RlmLimits) {}

  /** Reserves one sub-call, or throws when the sub-call budget (or another limit) is spent. */
  takeSubCall(): void {
    this.throwIfExceeded();
    if (this.subCalls >= this.limits.maxSubCalls) {
      this.exceeded = new BudgetExceeded('max_sub_calls', `the sub-call budget of ${this.limits.maxSubCalls} is spent`);
      throw this.exceeded;
    }
    this.subCalls++;
  }

  addUsage(u: TokenUsage): void {
    this.usage.inputTokens += u.inputTokens;
    this.usage.outputTokens += u.outputTokens;
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
