// Turns settings (+ the chat's picked model, + stored keys) into the root and sub-call ModelClients.
// 'auto' picks what works with no setup: an OpenAI-compatible endpoint the user gave a key for, else the
// user's vscode.lm models (Copilot), else a local Ollama with a model pulled. When nothing works the user
// gets a ConfigurationError carrying the one action that fixes it.
import * as vscode from 'vscode';
import { ModelError, type ModelClient } from '../rlm/models/types';
import { LmModelClient, lookupLmModel } from './lmModelClient';
import type { ApiKeys } from './secrets';
import type { RlmSettings } from './settings';
import { PROVIDERS, type ProviderId } from '../rlm/models/providers';
import { checkReachable, createModelClient } from '../rlm/models/createClient';

const DEFAULT_OPENAI_BASE_URL = PROVIDERS.openai.defaultBaseUrl;

export interface ConfigurationAction {
  title: string;
  command: string;
  args?: unknown[];
}

/** A setup problem the user can fix in one step; shown as a message with buttons, never as a stack trace. */
export class ConfigurationError extends Error {
  constructor(
    message: string,
    readonly actions: ConfigurationAction[],
  ) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

export interface ResolvedModels {
  provider: 'vscode-lm' | 'openai' | 'ollama';
  model: ModelClient;
  subModel: ModelClient;
  /** For logs and messages: provider, model names and endpoint (never a key). */
  description: string;
  /** Secrets in use, so the caller can redact them from anything it shows. */
  secrets: string[];
}

export interface ResolveInput {
  settings: RlmSettings;
  keys: ApiKeys;
  /** The model picked in the chat view (chat participant requests). */
  chatModel?: vscode.LanguageModelChat;
  /** Injected for tests; defaults to probing the Ollama host. */
  probeOllama?: (host: string) => Promise<string[] | undefined>;
}

const SET_KEY: ConfigurationAction = { title: 'Set API Key', command: 'rlm.setApiKey' };
const OPEN_SETTINGS: ConfigurationAction = { title: 'Open RLM Settings', command: 'workbench.action.openSettings', args: ['@ext:rlm-vscode.rlm-vscode'] };

/** Model names installed on an Ollama host, or undefined when it does not answer (one quick try, no retries). */
export async function probeOllamaModels(host: string): Promise<string[] | undefined> {
  const lister = PROVIDERS.ollama.create({ model: '', baseUrl: host, timeoutMs: 1500, deadlineMs: 1500, retry: { maxRetries: 0 } });
  return lister.listModels().catch(() => undefined);
}

function createHttpClient(options: { provider: ProviderId; model: string; baseUrl: string; apiKey?: string; timeoutMs: number; deadlineMs: number }): ModelClient {
  return createModelClient(options);
}

async function openai(input: ResolveInput): Promise<ResolvedModels> {
  const { settings } = input;
  const key = await input.keys.get('openai');
  const isDefaultEndpoint = settings.openaiBaseUrl.replace(/\/+$/, '') === DEFAULT_OPENAI_BASE_URL;
  // Local servers (vLLM, LM Studio, llama.cpp) usually take any key; api.openai.com never does.
  if (!key && isDefaultEndpoint) {
    throw new ConfigurationError('RLM needs an API key for OpenAI. Set one (it is kept in secret storage), or choose another provider in the settings.', [SET_KEY, OPEN_SETTINGS]);
  }
  const model = settings.model || PROVIDERS.openai.defaultModel!;
  const subModelName = settings.subModel || model;
  const common = { provider: 'openai' as const, baseUrl: settings.openaiBaseUrl, apiKey: key?.key ?? 'not-needed', timeoutMs: settings.requestTimeoutMs, deadlineMs: settings.requestDeadlineMs };
  const root = createHttpClient({ ...common, model });
  const sub = subModelName === model ? root : createHttpClient({ ...common, model: subModelName });
  return {
    provider: 'openai',
    model: root,
    subModel: sub,
    description: `openai ${model} (sub-calls: ${subModelName}) at ${settings.openaiBaseUrl}${key ? ` (key from ${key.source})` : ' (no key)'}`,
    secrets: key ? [key.key] : [],
  };
}

async function ollama(input: ResolveInput, installed?: string[]): Promise<ResolvedModels> {
  const { settings } = input;
  const models = installed ?? (await (input.probeOllama ?? probeOllamaModels)(settings.ollamaHost));
  const picked = settings.model ? undefined : PROVIDERS.ollama.pickModel!(models ?? []);
  const model = settings.model || picked;
  if (!model) {
    throw new ConfigurationError(
      models === undefined
        ? `RLM could not reach Ollama at ${settings.ollamaHost}. Start Ollama, or choose another provider in the settings.`
        : `Ollama at ${settings.ollamaHost} has no chat model. Pull one (for example \`ollama pull qwen2.5-coder\`), or set rlm.model.`,
      [OPEN_SETTINGS],
    );
  }
  const subModelName = settings.subModel || model;
  const common = { provider: 'ollama' as const, baseUrl: settings.ollamaHost, timeoutMs: settings.requestTimeoutMs, deadlineMs: settings.requestDeadlineMs };
  const root = createHttpClient({ ...common, model });
  const sub = subModelName === model ? root : createHttpClient({ ...common, model: subModelName });
  const how = picked ? ` (picked from the ${models?.length} installed, coder models first; set rlm.model to choose)` : '';
  return { provider: 'ollama', model: root, subModel: sub, description: `ollama ${model}${how} (sub-calls: ${subModelName}) at ${settings.ollamaHost}`, secrets: [] };
}

async function vscodeLm(input: ResolveInput, available?: vscode.LanguageModelChat[]): Promise<ResolvedModels> {
  const { settings } = input;
  let root = input.chatModel;
  if (!root) {
    const all = available ?? (await vscode.lm.selectChatModels());
    root = (settings.model ? all.find((m) => m.id === settings.model || m.family === settings.model) : undefined) ?? all.find((m) => m.vendor === 'copilot') ?? all[0];
  }
  if (!root) {
    throw new ConfigurationError('No VS Code language model is available (sign in to GitHub Copilot), or choose another provider in the settings.', [OPEN_SETTINGS]);
  }
  let sub = root;
  if (settings.subModel && settings.subModel !== root.id && settings.subModel !== root.family) {
    sub = (await lookupLmModel(settings.subModel)) ?? root;
  }
  return {
    provider: 'vscode-lm',
    model: new LmModelClient(root),
    subModel: sub === root ? new LmModelClient(root) : new LmModelClient(sub),
    description: `vscode-lm ${root.vendor}/${root.id} (sub-calls: ${sub.id})`,
    secrets: [],
  };
}

/**
 * For HTTP providers: one cheap request (the model list) before a run, so a wrong URL, a missing model or a
 * bad key becomes one clear message with the action that fixes it, instead of a run that fails after retries.
 */
export async function verifyReachable(models: ResolvedModels, signal?: AbortSignal): Promise<void> {
  if (models.provider === 'vscode-lm') return;
  const clients = models.subModel === models.model ? [models.model] : [models.model, models.subModel];
  for (const client of clients) {
    try {
      await checkReachable(client, { signal });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const auth = error instanceof ModelError && error.kind === 'auth';
      throw new ConfigurationError(message, auth ? [SET_KEY, OPEN_SETTINGS] : [OPEN_SETTINGS]);
    }
  }
}

export async function resolveModels(input: ResolveInput): Promise<ResolvedModels> {
  const { settings } = input;
  switch (settings.provider) {
    case 'openai':
      return openai(input);
    case 'ollama':
      return ollama(input);
    case 'vscode-lm':
      return vscodeLm(input);
  }
  // auto
  if (input.chatModel) return vscodeLm(input);
  if (await input.keys.get('openai')) return openai(input);
  if (settings.openaiBaseUrl.replace(/\/+$/, '') !== DEFAULT_OPENAI_BASE_URL) return openai(input);
  const lmModels = await vscode.lm.selectChatModels();
  if (lmModels.length) return vscodeLm(input, lmModels);
  const ollamaModels = await (input.probeOllama ?? probeOllamaModels)(settings.ollamaHost);
  if (ollamaModels?.length) return ollama(input, ollamaModels);
  throw new ConfigurationError(
    'RLM needs a language model. Set an API key for an OpenAI-compatible endpoint, sign in to GitHub Copilot, or start Ollama.',
    [SET_KEY, OPEN_SETTINGS],
  );
}
