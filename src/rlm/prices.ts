// The one price source of the product: USD per million tokens per model, a built-in table users extend or override
// (`--prices FILE`, the `rlm.prices` setting), and the cost of a response. A cost the provider reports itself (e.g.
// OpenRouter's `usage.cost`) wins over the table. A model with no price has no cost: null, never a guess.
import type { ChatResponse, TokenUsage } from './models/types';

/** USD per 1,000,000 tokens. `cachedInput` applies to the part of the input the provider served from its cache. */
export interface ModelPrice {
  input: number;
  output: number;
  cachedInput?: number;
}

interface SourcedPrice extends ModelPrice {
  /** Where the numbers come from, and when they were read. */
  source: string;
}

const OPENAI = 'OpenAI API pricing, https://openai.com/api/pricing (standard tier), as published Aug 2025';

/** Built-in prices: only numbers from a named official source. Add others with --prices FILE. */
export const BUILT_IN_PRICES: Readonly<Record<string, SourcedPrice>> = {
  'gpt-5': { input: 1.25, cachedInput: 0.125, output: 10, source: OPENAI },
  'gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2, source: OPENAI },
  'gpt-5-nano': { input: 0.05, cachedInput: 0.005, output: 0.4, source: OPENAI },
  'gpt-4.1': { input: 2, cachedInput: 0.5, output: 8, source: OPENAI },
  'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6, source: OPENAI },
  'gpt-4.1-nano': { input: 0.1, cachedInput: 0.025, output: 0.4, source: OPENAI },
  'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10, source: OPENAI },
  'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6, source: OPENAI },
  o3: { input: 2, cachedInput: 0.5, output: 8, source: OPENAI },
  'o4-mini': { input: 1.1, cachedInput: 0.275, output: 4.4, source: OPENAI },
  'o3-mini': { input: 1.1, cachedInput: 0.55, output: 4.4, source: OPENAI },
};

export type PriceOverrides = Record<string, ModelPrice>;

export class PriceTable {
  private readonly prices: Map<string, ModelPrice>;

  constructor(overrides: PriceOverrides = {}, builtIn: Readonly<Record<string, ModelPrice>> = BUILT_IN_PRICES) {
    this.prices = new Map(Object.entries({ ...builtIn, ...overrides }).map(([k, v]) => [k.toLowerCase(), v]));
  }

  /**
   * The price of a model: its exact name, else without a provider prefix ("openai/gpt-4o") or a date or ":tag"
   * suffix ("gpt-4o-2024-08-06", "gpt-4o:latest"), so served names find their family's price.
   */
  lookup(model: string): ModelPrice | undefined {
    for (const name of candidateNames(model.trim().toLowerCase())) {
      const price = this.prices.get(name);
      if (price) return price;
    }
    return undefined;
  }

  /** USD for one response: the provider's own figure when it sent one, else the table's; null when unpriced. */
  cost(response: Pick<ChatResponse, 'model' | 'usage' | 'costUsd'>, requestedModel?: string): number | null {
    if (typeof response.costUsd === 'number' && Number.isFinite(response.costUsd)) return response.costUsd;
    const price = this.lookup(response.model) ?? (requestedModel ? this.lookup(requestedModel) : undefined);
    return price ? usageCost(response.usage, price) : null;
  }
}

export function usageCost(usage: TokenUsage, price: ModelPrice): number {
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const cachedRate = price.cachedInput ?? price.input;
  return ((usage.inputTokens - cached) * price.input + cached * cachedRate + usage.outputTokens * price.output) / 1_000_000;
}

function candidateNames(name: string): string[] {
  const out = [name];
  const unprefixed = name.includes('/') ? name.slice(name.lastIndexOf('/') + 1) : name;
  const untagged = unprefixed.replace(/:[^:]*$/, '');
  const undated = untagged.replace(/-(\d{4}-\d{2}-\d{2}|\d{4})$/, '');
  for (const n of [unprefixed, untagged, undated]) if (!out.includes(n)) out.push(n);
  return out;
}

/**
 * Checks a prices object (from a --prices file or the rlm.prices setting): `{"<model>": {"input": 1.25, "output":
 * 10, "cachedInput": 0.125}}`, USD per million tokens, cachedInput optional. Throws one line naming the bad entry.
 */
export function parsePrices(value: unknown, origin: string): PriceOverrides {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${origin}: expected an object {"<model>": {"input": USD per 1M, "output": USD per 1M, "cachedInput"?: USD per 1M}}`);
  }
  const out: PriceOverrides = {};
  for (const [model, p] of Object.entries(value as Record<string, unknown>)) {
    const entry = (p ?? {}) as Record<string, unknown>;
    const num = (key: string, required: boolean): number | undefined => {
      const v = entry[key];
      if (v === undefined && !required) return undefined;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new Error(`${origin}: "${model}".${key} must be a number ≥ 0 (USD per million tokens), got ${JSON.stringify(v)}`);
      }
      return v;
    };
    if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new Error(`${origin}: "${model}" must be an object with input and output prices`);
    const unknown = Object.keys(entry).filter((k) => !['input', 'output', 'cachedInput'].includes(k));
    if (unknown.length) throw new Error(`${origin}: "${model}" has unknown field(s) ${unknown.join(', ')} (allowed: input, output, cachedInput)`);
    const price: ModelPrice = { input: num('input', true)!, output: num('output', true)! };
    const cachedInput = num('cachedInput', false);
    if (cachedInput !== undefined) price.cachedInput = cachedInput;
    out[model] = price;
  }
  return out;
}

/** A running total over many responses: null as soon as one of them had no price (a partial sum would mislead). */
export class CostTotal {
  private sum = 0;
  private unknown = false;

  add(cost: number | null): void {
    if (cost === null) this.unknown = true;
    else this.sum += cost;
  }

  /** What is known so far, even when some responses were unpriced (for budgets). */
  get known(): number {
    return this.sum;
  }

  get value(): number | null {
    return this.unknown ? null : this.sum;
  }
}
