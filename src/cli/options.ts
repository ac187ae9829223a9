// The options shared by the commands that run the engine (ask, chat, eval), declared once: flag, help text,
// how the value is read, where it goes. Each command adds the groups it needs and resolves them with runSetup.ts.
import { Option, type Command } from 'commander';
import { DEFAULT_LIMITS, type RlmLimits } from '../rlm/types';
import { DEFAULT_DEADLINE_MS } from '../rlm/models/retry';
import { UsageError } from './usageError';
import { PROVIDERS } from '../rlm/models/providers';

/** "openai: gpt-4.1-mini; ollama: an installed model, coder models first", from the provider registry. */
function modelDefaults(): string {
  return Object.values(PROVIDERS).map((p) => `${p.id}: ${p.defaultModel ?? 'an installed model, coder models first'}`).join('; ');
}

/** What the option groups below parse into (commander's camel-cased keys). */
export interface ModelOptions {
  provider?: 'openai' | 'ollama';
  model?: string;
  subModel?: string;
  baseUrl?: string;
  requestTimeout?: number;
  requestDeadline?: number;
  prices?: string;
}
export interface WorkspaceOptions {
  dir?: string[];
  exclude?: string[];
  includeSecrets?: boolean;
  maxFileBytes?: number;
  cacheDir?: string;
}
export interface OutputOptions {
  json?: boolean;
  trajectory?: string;
  trajectoryFormat: 'jsonl' | 'rlm';
  quiet?: boolean;
}
/** Parsed limit flags, keyed the way commander names them (--block-timeout → blockTimeout). */
export type LimitOptions = Record<string, unknown>;
export type RunOptions = ModelOptions & WorkspaceOptions & LimitOptions;

/** A number parser that names its flag in the error ("--max-iterations needs a number ≥ 1, got x"). */
export function numberArg(flag: string, min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min) throw new UsageError(`${flag} needs a number ≥ ${min} (got ${JSON.stringify(value)})`);
    return n;
  };
}

// Repeatable flags start undefined (so help shows no "default: []"); read them with `?? []`.
const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Engine limits: flag → RlmLimits key, with the factor from the flag's unit to the limit's unit. */
export const LIMIT_OPTIONS = [
  { flag: '--max-iterations', key: 'maxIterations', min: 1, factor: 1, doc: 'root turns' },
  { flag: '--max-depth', key: 'maxDepth', min: 0, factor: 1, doc: 'rlm_query nesting' },
  { flag: '--max-sub-calls', key: 'maxSubCalls', min: 0, factor: 1, doc: 'sub-calls for the whole run' },
  { flag: '--concurrency', key: 'concurrency', min: 1, factor: 1, doc: 'sub-calls in flight' },
  { flag: '--timeout', key: 'timeoutMs', min: 1, factor: 1000, doc: 'whole-run time limit, seconds' },
  { flag: '--max-input-tokens', key: 'maxInputTokens', min: 1, factor: 1, doc: 'input-token budget' },
  { flag: '--max-output-tokens', key: 'maxOutputTokens', min: 1, factor: 1, doc: 'output-token budget' },
  { flag: '--block-timeout', key: 'blockTimeoutMs', min: 1, factor: 1000, doc: 'time per code block, seconds' },
  { flag: '--max-reply-tokens', key: 'maxReplyTokens', min: 1, factor: 1, doc: 'output cap of every model request, tokens; longer replies are cut' },
  { flag: '--max-cost', key: 'maxCostUsd', min: 0, factor: 1, doc: 'USD for the whole run, all models, priced by the price table (--prices); the run then ends with its best answer' },
] as const satisfies readonly { flag: string; key: keyof RlmLimits; min: number; factor: number; doc: string }[];

export function addModelOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--provider <name>', 'openai | ollama (default: openai when OPENAI_API_KEY is set, else ollama)').choices(['openai', 'ollama']))
    .option('--model <name>', `root model (default: $RLM_MODEL, else ${modelDefaults()})`)
    .option('--sub-model <name>', 'model for sub-calls and child runs (default: $RLM_SUB_MODEL, else the root model)')
    .option('--base-url <url>', 'OpenAI-compatible endpoint (…/v1; default $OPENAI_BASE_URL) or Ollama host (default $OLLAMA_HOST or http://127.0.0.1:11434)')
    .option('--request-timeout <seconds>', 'idle time allowed per model request (default 120)', numberArg('--request-timeout', 1))
    .option('--request-deadline <seconds>', `total time allowed per model request, however its reply streams in; then it is retried (default ${DEFAULT_DEADLINE_MS / 1000})`, numberArg('--request-deadline', 1))
    .option('--prices <file>', 'JSON {"<model>": {"input": USD/1M tokens, "output": …, "cachedInput"?: …}} extending or overriding the built-in price table (for costUsd and --max-cost)');
}

export function addLimitOptions(cmd: Command): Command {
  for (const o of LIMIT_OPTIONS) {
    const unit = o.factor === 1000 ? 'seconds' : o.key === 'maxCostUsd' ? 'usd' : 'n';
    const fallback = DEFAULT_LIMITS[o.key];
    cmd.option(`${o.flag} <${unit}>`, `${o.doc} (default ${fallback === undefined ? 'none' : fallback / o.factor})`, numberArg(o.flag, o.min));
  }
  return cmd;
}

export function addWorkspaceOptions(cmd: Command, { dir = true } = {}): Command {
  if (dir) cmd.option('--dir <dir>', 'folder to ask about (repeat for several; default: current folder)', collect);
  return cmd
    .option('--exclude <glob>', 'leave matching files out (repeatable)', collect)
    .option('--include-secrets', 'include secret-looking files (.env, *.pem, id_rsa …) and send secret values found in files to the model; by default they are left out and replaced by [secret removed: …]')
    .option('--max-file-bytes <n>', 'skip larger files (default 2 MiB)', numberArg('--max-file-bytes', 1))
    .option('--cache-dir <dir>', 'symbol-index cache (default ~/.cache/rlm)');
}

export function addOutputOptions(cmd: Command): Command {
  return cmd
    .option('--json', 'print one JSON object with the answer and run facts')
    .option('--trajectory <file>', "write the run's events as JSONL, line by line as they happen")
    .addOption(new Option('--trajectory-format <format>', "jsonl (ours) | rlm (the official rlm project's log format, written at the end)").choices(['jsonl', 'rlm']).default('jsonl'))
    .option('-q, --quiet', 'no progress on stderr');
}

/** The limits the user set, in the engine's units. */
export function limitsFrom(opts: LimitOptions): Partial<RlmLimits> {
  const limits: Partial<RlmLimits> = {};
  for (const o of LIMIT_OPTIONS) {
    const value = opts[attributeName(o.flag)];
    if (typeof value === 'number') limits[o.key] = value * o.factor;
  }
  return limits;
}

/** commander's attribute name for a long flag: --max-sub-calls → maxSubCalls. */
function attributeName(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
