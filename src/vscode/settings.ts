// The extension's settings, read in one place. Base URLs, hosts and the ripgrep path are machine-scoped in the
// manifest, and read here from user/machine values only, so a workspace's own .vscode/settings.json can never
// redirect requests (and the API key that goes with them) or swap the rg binary.
import * as vscode from 'vscode';
import { DEFAULT_LIMITS, type RlmLimits } from '../rlm/types';
import { DEFAULT_DEADLINE_MS } from '../rlm/models/retry';
import { parsePrices, PriceTable } from '../rlm/prices';
import { PROVIDERS } from '../rlm/models/providers';

export type ProviderSetting = 'auto' | 'vscode-lm' | 'openai' | 'ollama';

export interface RlmSettings {
  provider: ProviderSetting;
  model: string;
  subModel: string;
  openaiBaseUrl: string;
  ollamaHost: string;
  requestTimeoutMs: number;
  /** Whole-request deadline (rlm.requestDeadlineSeconds), besides the idle timeout. */
  requestDeadlineMs: number;
  limits: RlmLimits;
  exclude: string[];
  respectVSCodeExcludes: boolean;
  includeSecretFiles: boolean;
  ripgrepPath: string;
  maxFileBytes: number;
}

// The defaults come from the one provider registry (the CLI uses the same).
export const DEFAULT_OPENAI_BASE_URL = PROVIDERS.openai.defaultBaseUrl;
export const DEFAULT_OLLAMA_HOST = PROVIDERS.ollama.defaultBaseUrl;

/** Settings a workspace may not set: read from the user's (or remote machine's) settings and defaults only. */
export const MACHINE_SETTINGS = ['openai.baseUrl', 'ollama.host', 'ripgrepPath', 'includeSecretFiles'] as const;

function machineValue<T>(config: vscode.WorkspaceConfiguration, key: string, fallback: T): T {
  const inspected = config.inspect<T>(key);
  return (inspected?.globalValue ?? inspected?.defaultValue ?? fallback) as T;
}

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

export function readLimits(config: vscode.WorkspaceConfiguration): RlmLimits {
  const get = (key: string, fallback: number) => positive(config.get<number>(`limits.${key}`), fallback);
  return {
    maxIterations: get('maxIterations', DEFAULT_LIMITS.maxIterations),
    maxDepth: Math.max(0, config.get<number>('limits.maxDepth') ?? DEFAULT_LIMITS.maxDepth),
    maxSubCalls: Math.max(0, config.get<number>('limits.maxSubCalls') ?? DEFAULT_LIMITS.maxSubCalls),
    maxInputTokens: get('maxInputTokens', DEFAULT_LIMITS.maxInputTokens),
    maxOutputTokens: get('maxOutputTokens', DEFAULT_LIMITS.maxOutputTokens),
    timeoutMs: get('timeoutSeconds', DEFAULT_LIMITS.timeoutMs / 1000) * 1000,
    maxConsecutiveErrors: get('maxConsecutiveErrors', DEFAULT_LIMITS.maxConsecutiveErrors),
    concurrency: get('concurrency', DEFAULT_LIMITS.concurrency),
    blockTimeoutMs: get('blockTimeoutSeconds', DEFAULT_LIMITS.blockTimeoutMs / 1000) * 1000,
    memoryLimitMb: get('memoryLimitMb', DEFAULT_LIMITS.memoryLimitMb),
    maxOutputChars: get('maxOutputChars', DEFAULT_LIMITS.maxOutputChars),
    maxReplyTokens: get('maxReplyTokens', DEFAULT_LIMITS.maxReplyTokens),
    maxCostUsd: optionalCost(config.get<number | null>('limits.maxCostUsd')),
  };
}

/** No cost limit unless a number ≥ 0 is set. */
function optionalCost(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** The rlm.prices setting over the built-in table; a malformed entry is reported, and the built-in table used. */
export function readPrices(config: vscode.WorkspaceConfiguration, onError: (message: string) => void): PriceTable {
  const value = config.get<unknown>('prices') ?? {};
  try {
    return new PriceTable(parsePrices(value, 'rlm.prices'));
  } catch (e) {
    onError((e as Error).message);
    return new PriceTable();
  }
}

export function readSettings(): RlmSettings {
  const config = vscode.workspace.getConfiguration('rlm');
  const provider = config.get<string>('provider', 'auto');
  return {
    provider: (['auto', 'vscode-lm', 'openai', 'ollama'].includes(provider) ? provider : 'auto') as ProviderSetting,
    model: config.get<string>('model', '').trim(),
    subModel: config.get<string>('subModel', '').trim(),
    openaiBaseUrl: machineValue(config, 'openai.baseUrl', DEFAULT_OPENAI_BASE_URL).trim() || DEFAULT_OPENAI_BASE_URL,
    ollamaHost: machineValue(config, 'ollama.host', DEFAULT_OLLAMA_HOST).trim() || DEFAULT_OLLAMA_HOST,
    requestTimeoutMs: positive(config.get<number>('requestTimeoutSeconds'), 120) * 1000,
    requestDeadlineMs: positive(config.get<number>('requestDeadlineSeconds'), DEFAULT_DEADLINE_MS / 1000) * 1000,
    limits: readLimits(config),
    exclude: config.get<string[]>('exclude', []).filter((g) => typeof g === 'string' && g.trim() !== ''),
    respectVSCodeExcludes: config.get<boolean>('respectVSCodeExcludes', true),
    includeSecretFiles: machineValue<boolean>(config, 'includeSecretFiles', false) === true,
    ripgrepPath: machineValue(config, 'ripgrepPath', ''),
    maxFileBytes: positive(config.get<number>('maxFileBytes'), 2 * 1024 * 1024),
  };
}

/** files.exclude and search.exclude globs that are switched on (`true`; `when` clauses are skipped). */
export function vscodeExcludeGlobs(scope?: vscode.ConfigurationScope): string[] {
  const globs = new Set<string>();
  for (const section of ['files', 'search']) {
    const map = vscode.workspace.getConfiguration(section, scope).get<Record<string, unknown>>('exclude') ?? {};
    for (const [glob, value] of Object.entries(map)) if (value === true) globs.add(glob);
  }
  return [...globs];
}
