// Turns the shared options into what the engine needs: workspace roots, model clients (probed once), limits.
import * as os from 'node:os';
import * as path from 'node:path';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { parsePrices, PriceTable } from '../rlm/prices';
import { createClient, detectDefaultProvider, checkReachable } from '../rlm/models/createClient';
import { PROVIDERS, resolveModelName } from '../rlm/models/providers';
import type { ModelClient } from '../rlm/models/types';
import type { RlmLimits } from '../rlm/types';
import type { WorkspaceRoot, WorkspaceSpec } from '../workspace/types';
import { limitsFrom, type RunOptions } from './options';
import { UsageError } from './usageError';

export interface RunSetup {
  workspace: WorkspaceSpec;
  model: ModelClient;
  subModel?: ModelClient;
  limits: Partial<RlmLimits>;
  prices: PriceTable;
}

/** Folders given with --dir (default: the current folder), named by their base name, made unique. */
export function workspaceRoots(dirs: string[] = []): WorkspaceRoot[] {
  const list = dirs.length ? dirs : [process.cwd()];
  const used = new Set<string>();
  return list.map((d) => {
    const abs = path.resolve(d);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new UsageError(`not a folder: ${d}`);
    let name = path.basename(abs) || 'root';
    for (let n = 2; used.has(name); n++) name = `${path.basename(abs)}-${n}`;
    used.add(name);
    return { name, path: abs };
  });
}

export function workspaceSpec(opts: RunOptions, roots = workspaceRoots(opts.dir)): WorkspaceSpec {
  return {
    roots,
    options: {
      exclude: opts.exclude ?? [],
      includeSecrets: opts.includeSecrets ?? false,
      maxFileBytes: opts.maxFileBytes,
      cacheDir: opts.cacheDir ?? path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'rlm'),
    },
  };
}

/**
 * The root and sub-model clients; throws one clear line when no model answers. `notice` hears which model was
 * chosen when none was configured (Ollama: an installed one, a coder model preferred).
 */
export async function modelClients(opts: RunOptions, signal: AbortSignal, env = process.env, notice: (line: string) => void = () => {}): Promise<{ model: ModelClient; subModel?: ModelClient }> {
  const detected = detectDefaultProvider(env);
  const spec = PROVIDERS[opts.provider ?? detected.provider];
  const baseUrl = opts.baseUrl ?? spec.baseUrlFromEnv(env) ?? spec.defaultBaseUrl;
  const apiKey = spec.needsKey ? env.OPENAI_API_KEY?.trim() : undefined;
  if (spec.needsKey && !apiKey) {
    throw new UsageError('no API key: set OPENAI_API_KEY (for a local OpenAI-compatible server any value works), or use --provider ollama');
  }
  const timeoutMs = opts.requestTimeout === undefined ? undefined : opts.requestTimeout * 1000;
  const deadlineMs = opts.requestDeadline === undefined ? undefined : opts.requestDeadline * 1000;
  const common = { baseUrl, apiKey, timeoutMs, deadlineMs };
  const { model: modelName, picked } = await resolveModelName(spec, { ...common, model: opts.model ?? (env.RLM_MODEL?.trim() || undefined), signal });
  if (picked) notice(`model: ${modelName} (picked from the ${picked.from.length} installed on ${spec.label}, coder models first; choose with --model or RLM_MODEL)`);
  const model = createClient({ provider: spec.id, model: modelName, ...common, stream: true });
  await checkReachable(model, { signal });
  const subName = opts.subModel ?? env.RLM_SUB_MODEL?.trim();
  const subModel = subName && subName !== modelName ? createClient({ provider: spec.id, model: subName, ...common, stream: false }) : undefined;
  return { model, subModel };
}

export async function runSetup(opts: RunOptions, signal: AbortSignal, notice?: (line: string) => void): Promise<RunSetup> {
  const workspace = workspaceSpec(opts);
  const limits = limitsFrom(opts);
  const prices = priceTable(opts.prices);
  const models = await modelClients(opts, signal, process.env, notice);
  checkPriced(limits, prices, [models.model, models.subModel ?? models.model]);
  return { workspace, limits, prices, ...models };
}

/** The built-in prices, extended or overridden by --prices FILE. */
export function priceTable(file: string | undefined): PriceTable {
  if (!file) return new PriceTable();
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path.resolve(file), 'utf8'));
  } catch (e) {
    throw new UsageError(`--prices ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  try {
    return new PriceTable(parsePrices(raw, `--prices ${file}`));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** --max-cost cannot be kept for a model with no price: say so before the run rather than never stop. */
export function checkPriced(limits: Partial<RlmLimits>, prices: PriceTable, models: ModelClient[]): void {
  if (limits.maxCostUsd === undefined) return;
  const unpriced = [...new Set(models.map((m) => m.model))].filter((name) => !prices.lookup(name));
  if (unpriced.length) {
    throw new UsageError(`--max-cost needs a price for ${unpriced.join(', ')}: add it with --prices FILE ({"${unpriced[0]}": {"input": 0.4, "output": 1.6}}, USD per million tokens)`);
  }
}
