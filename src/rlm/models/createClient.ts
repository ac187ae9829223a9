// Builds a ModelClient from settings, picks a default provider from the environment, and checks that a model
// server answers before a run starts (so a missing model is one clear line, not a stack of retries).
import { ModelError, type ClientOptions, type ModelClient } from './types';
import { OpenAIClient, DEFAULT_OPENAI_BASE_URL } from './openaiClient';
import { OllamaClient, DEFAULT_OLLAMA_HOST } from './ollamaClient';
import { displayUrl, type Provider } from './errors';
import type { RetryInfo } from './retry';

export type { Provider } from './errors';

export interface ModelConfig extends ClientOptions {
  provider: Provider;
  /** Ollama only: context window to request. */
  numCtx?: number;
  onRetry?: (info: RetryInfo) => void;
}

/** Default model names when none is configured. */
export const DEFAULT_MODELS: Record<Provider, string> = {
  openai: 'gpt-4.1-mini',
  ollama: 'qwen2.5-coder:7b',
};

export function createClient(config: ModelConfig): ModelClient {
  const { provider, ...options } = config;
  switch (provider) {
    case 'openai':
      return new OpenAIClient(options);
    case 'ollama':
      return new OllamaClient(options);
    default:
      throw new Error(`unknown model provider '${String(provider)}' (expected 'openai' or 'ollama')`);
  }
}

/** The same factory under the name the VS Code side imports. */
export const createModelClient = createClient;

/**
 * The provider to use when none is configured: OpenAI-compatible when OPENAI_API_KEY is set (base URL from
 * OPENAI_BASE_URL), else a local Ollama (OLLAMA_HOST or 127.0.0.1:11434). RLM_MODEL overrides the model name.
 */
export function detectDefaultProvider(env: Record<string, string | undefined> = process.env): ModelConfig {
  const model = env.RLM_MODEL?.trim() || undefined;
  const apiKey = env.OPENAI_API_KEY?.trim();
  if (apiKey) {
    return {
      provider: 'openai',
      baseUrl: env.OPENAI_BASE_URL?.trim() || DEFAULT_OPENAI_BASE_URL,
      apiKey,
      model: model ?? DEFAULT_MODELS.openai,
    };
  }
  return { provider: 'ollama', baseUrl: ollamaHost(env.OLLAMA_HOST), model: model ?? DEFAULT_MODELS.ollama };
}

/** OLLAMA_HOST may be "host:port", "0.0.0.0", or a full URL. */
function ollamaHost(value: string | undefined): string {
  const v = value?.trim();
  if (!v) return DEFAULT_OLLAMA_HOST;
  const withScheme = /^https?:\/\//.test(v) ? v : `http://${v}`;
  try {
    const u = new URL(withScheme);
    if (u.hostname === '0.0.0.0') u.hostname = '127.0.0.1'; // a bind address, not one to connect to
    if (!u.port && !/^https?:\/\/[^/]+:\d+/.test(withScheme) && u.protocol === 'http:') u.port = '11434';
    return u.toString().replace(/\/+$/, '');
  } catch {
    return DEFAULT_OLLAMA_HOST;
  }
}

const HOW_TO_CONFIGURE =
  "start Ollama ('ollama serve') and pull a model, or set OPENAI_API_KEY (and OPENAI_BASE_URL for a non-OpenAI server), or pass --provider/--base-url/--model (in VS Code: the rlm.* settings)";

/**
 * Resolves when the client's server answers (and, for Ollama, has the model); otherwise throws a ModelError whose
 * message is one line saying what failed and how to configure a model. Clients without a probe (VS Code's
 * language models, test doubles) pass.
 */
export async function checkReachable(client: ModelClient, opts: { signal?: AbortSignal } = {}): Promise<void> {
  if (client instanceof OllamaClient) {
    let models: string[];
    try {
      models = await client.listModels(opts.signal);
    } catch (err) {
      throw unreachable(err, client.baseUrl, 'Ollama');
    }
    if (!hasOllamaModel(models, client.model)) {
      const installed = models.length ? `installed: ${models.slice(0, 8).join(', ')}${models.length > 8 ? ', …' : ''}` : 'no models installed';
      throw new ModelError(
        `Ollama at ${displayUrl(client.baseUrl)} has no model '${client.model}' (${installed}) — run 'ollama pull ${client.model}' or choose an installed model`,
        'not_found',
      );
    }
    return;
  }
  if (client instanceof OpenAIClient) {
    try {
      await client.listModels(opts.signal);
    } catch (err) {
      // Some compatible servers have no /models route; answering at all (404, 405) proves they are there.
      if (err instanceof ModelError && (err.kind === 'not_found' || err.status === 405)) return;
      throw unreachable(err, client.baseUrl, 'OpenAI-compatible server');
    }
  }
}

function unreachable(err: unknown, baseUrl: string, what: string): ModelError {
  if (!(err instanceof ModelError)) return new ModelError(`no model answered at ${displayUrl(baseUrl)} (${what}) — ${HOW_TO_CONFIGURE}`, 'network');
  if (err.kind === 'aborted') return err;
  // Auth problems already say exactly what to do.
  if (err.kind === 'auth') return err;
  const reason = err.kind === 'network' ? err.message.replace(/^could not talk to \S+: /, '').replace(/ — .*$/, '') : err.kind;
  return new ModelError(
    `no model answered at ${displayUrl(baseUrl)} (${what}: ${reason}) — ${HOW_TO_CONFIGURE}`,
    err.kind,
    err.status,
  );
}

/** Ollama names default to the ':latest' tag. */
function hasOllamaModel(models: string[], model: string): boolean {
  const tagged = (name: string) => (name.includes(':') ? name : `${name}:latest`);
  return models.some((m) => tagged(m) === tagged(model));
}
