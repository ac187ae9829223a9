// The one registry of HTTP model providers, used by the CLI (createClient.ts, cli/runSetup.ts) and by VS Code
// (vscode/providers.ts, vscode/settings.ts): id, defaults, environment, client factory, probe and the default-model
// rule. Adding a provider is one entry here (VS Code's own language models live in src/vscode: they need `vscode`).
import { ModelError, type ClientOptions, type ModelClient } from './types';
import { OpenAIClient, DEFAULT_OPENAI_BASE_URL } from './openaiClient';
import { OllamaClient, DEFAULT_OLLAMA_HOST } from './ollamaClient';
import { displayUrl } from './errors';
import type { RetryInfo } from './retry';

export type ProviderId = 'openai' | 'ollama';

export interface ProviderClientOptions extends ClientOptions {
  onRetry?: (info: RetryInfo) => void;
  /** Ollama only: context window to request. */
  numCtx?: number;
}

/** A client of a registered provider: it can list the server's models (the cheapest proof the server answers). */
export interface ListingClient extends ModelClient {
  readonly baseUrl: string;
  listModels(signal?: AbortSignal): Promise<string[]>;
}

export interface ProviderSpec {
  id: ProviderId;
  /** How messages name the server: "Ollama", "OpenAI-compatible server". */
  label: string;
  defaultBaseUrl: string;
  /** The model when none is configured; undefined: pick one of the installed models (pickModel). */
  defaultModel?: string;
  /** Whether the CLI needs OPENAI_API_KEY-style key to use it. */
  needsKey: boolean;
  /** Base URL from the environment (OPENAI_BASE_URL, OLLAMA_HOST), normalised. */
  baseUrlFromEnv(env: Record<string, string | undefined>): string | undefined;
  create(options: ProviderClientOptions): ListingClient;
  /** Which installed model to use when none is configured (undefined: none usable). */
  pickModel?(installed: string[]): string | undefined;
  /** Throws a one-line ModelError when the server does not answer or lacks the client's model. */
  probe(client: ListingClient, signal?: AbortSignal): Promise<void>;
  /** The one-line "how to fix" for an unreachable server of this provider. */
  unreachableHint(baseUrl: string): string;
}

/** Models that cannot chat (embeddings) are never picked; coder models are preferred for questions about code. */
export function pickInstalledModel(installed: string[]): string | undefined {
  const chat = installed.filter((m) => !/embed|bge-|minilm|rerank/i.test(m));
  return chat.find((m) => /cod(e|er|estral|ellama)|starcoder|devstral/i.test(m)) ?? chat[0];
}

/** Ollama names default to the ':latest' tag. */
function hasOllamaModel(models: string[], model: string): boolean {
  const tagged = (name: string) => (name.includes(':') ? name : `${name}:latest`);
  return models.some((m) => tagged(m) === tagged(model));
}

/** OLLAMA_HOST may be "host:port", "0.0.0.0", or a full URL. */
export function ollamaHost(value: string | undefined, fallback: string): string {
  const v = value?.trim();
  if (!v) return fallback;
  const withScheme = /^https?:\/\//.test(v) ? v : `http://${v}`;
  try {
    const u = new URL(withScheme);
    if (u.hostname === '0.0.0.0') u.hostname = '127.0.0.1'; // a bind address, not one to connect to
    if (!u.port && !/^https?:\/\/[^/]+:\d+/.test(withScheme) && u.protocol === 'http:') u.port = '11434';
    return u.toString().replace(/\/+$/, '');
  } catch {
    return fallback;
  }
}

/** A probe failure as one line: what failed where, and how to fix it for this provider. */
function unreachable(spec: ProviderSpec, err: unknown, baseUrl: string): ModelError {
  if (err instanceof ModelError && (err.kind === 'aborted' || err.kind === 'auth')) return err; // these already say what to do
  const reason = !(err instanceof ModelError) ? '' : `: ${err.kind === 'network' ? err.message.replace(/^could not talk to \S+: /, '').replace(/ — .*$/, '') : err.kind}`;
  const kind = err instanceof ModelError ? err.kind : 'network';
  return new ModelError(`no model answered at ${displayUrl(baseUrl)} (${spec.label}${reason}) — ${spec.unreachableHint(baseUrl)}`, kind, err instanceof ModelError ? err.status : undefined);
}

/**
 * An OpenAI-compatible address without its scheme ("localhost:8000/v1") fails as "fetch failed" or as a bad
 * response, which points nowhere: say what is wrong before trying.
 */
function notAnHttpUrl(baseUrl: string): ModelError | undefined {
  let protocol = '';
  try {
    protocol = new URL(baseUrl).protocol;
  } catch {
    // not a URL at all ("/v1", "127.0.0.1:8000/v1")
  }
  if (protocol === 'http:' || protocol === 'https:') return undefined;
  return new ModelError(
    `the OpenAI-compatible server address ${JSON.stringify(baseUrl)} is not an http(s) URL — write it in full, e.g. http://localhost:8000/v1 (OPENAI_BASE_URL, or --base-url, or rlm.openai.baseUrl in VS Code)`,
    'bad_request',
  );
}

const openai: ProviderSpec = {
  id: 'openai',
  label: 'OpenAI-compatible server',
  defaultBaseUrl: DEFAULT_OPENAI_BASE_URL,
  defaultModel: 'gpt-4.1-mini',
  needsKey: true,
  baseUrlFromEnv: (env) => env.OPENAI_BASE_URL?.trim() || undefined,
  create: (options) => new OpenAIClient(options),
  async probe(client, signal) {
    const badAddress = notAnHttpUrl(client.baseUrl);
    if (badAddress) throw badAddress;
    try {
      await client.listModels(signal);
    } catch (err) {
      // Some compatible servers have no /models route; answering at all (404, 405) proves they are there.
      if (err instanceof ModelError && (err.kind === 'not_found' || err.status === 405)) return;
      throw unreachable(openai, err, client.baseUrl);
    }
  },
  unreachableHint: () =>
    'check that the server is running and that OPENAI_BASE_URL (or --base-url, or rlm.openai.baseUrl in VS Code) points at its …/v1; or unset OPENAI_API_KEY to use a local Ollama',
};

const ollama: ProviderSpec = {
  id: 'ollama',
  label: 'Ollama',
  defaultBaseUrl: DEFAULT_OLLAMA_HOST,
  needsKey: false,
  baseUrlFromEnv: (env) => (env.OLLAMA_HOST?.trim() ? ollamaHost(env.OLLAMA_HOST, ollama.defaultBaseUrl) : undefined),
  create: (options) => new OllamaClient(options),
  pickModel: pickInstalledModel,
  async probe(client, signal) {
    let models: string[];
    try {
      models = await client.listModels(signal);
    } catch (err) {
      throw unreachable(ollama, err, client.baseUrl);
    }
    if (!hasOllamaModel(models, client.model)) {
      const installed = models.length ? `installed: ${models.slice(0, 8).join(', ')}${models.length > 8 ? ', …' : ''}` : 'no models installed';
      throw new ModelError(
        `Ollama at ${displayUrl(client.baseUrl)} has no model '${client.model}' (${installed}) — run 'ollama pull ${client.model}' or choose an installed model`,
        'not_found',
      );
    }
  },
  unreachableHint: () =>
    "start Ollama ('ollama serve') and pull a model (e.g. 'ollama pull qwen2.5-coder'), or set OPENAI_API_KEY (and OPENAI_BASE_URL for a non-OpenAI server), or pass --provider/--base-url/--model (in VS Code: the rlm.* settings)",
};

export const PROVIDERS: Record<ProviderId, ProviderSpec> = { openai, ollama };
export const PROVIDER_IDS = Object.keys(PROVIDERS) as ProviderId[];

export function providerSpec(id: string): ProviderSpec {
  const spec = (PROVIDERS as Record<string, ProviderSpec | undefined>)[id];
  if (!spec) throw new Error(`unknown model provider '${id}' (expected ${PROVIDER_IDS.map((p) => `'${p}'`).join(' or ')})`);
  return spec;
}

/** The model to use: the configured one, else the provider's default, else one the server has installed (listed once). */
export async function resolveModelName(
  spec: ProviderSpec,
  options: Omit<ProviderClientOptions, 'model'> & { model?: string; signal?: AbortSignal },
): Promise<{ model: string; picked?: { from: string[] } }> {
  if (options.model) return { model: options.model };
  if (spec.defaultModel || !spec.pickModel) return { model: spec.defaultModel ?? '' };
  const { signal, ...clientOptions } = options;
  const lister = spec.create({ ...clientOptions, model: '' });
  let installed: string[];
  try {
    installed = await lister.listModels(signal);
  } catch (err) {
    throw unreachable(spec, err, lister.baseUrl);
  }
  const model = spec.pickModel(installed);
  if (!model) {
    throw new ModelError(`${spec.label} at ${displayUrl(lister.baseUrl)} has no chat model installed — pull one (e.g. 'ollama pull qwen2.5-coder') or pass --model`, 'not_found');
  }
  return { model, picked: { from: installed } };
}

/** Whether a client belongs to a registered provider (and so can be probed). */
export function isListingClient(client: ModelClient): client is ListingClient {
  return client.provider in PROVIDERS && typeof (client as Partial<ListingClient>).listModels === 'function';
}
