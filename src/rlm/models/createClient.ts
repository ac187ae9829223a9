// Builds a ModelClient from settings, picks a default provider from the environment, and checks that a model
// server answers before a run starts (so a missing model is one clear line, not a stack of retries).
// Everything provider-specific (defaults, factory, probe) comes from the one registry in providers.ts.
import type { ModelClient } from './types';
import { isListingClient, providerSpec, PROVIDERS, type ProviderClientOptions, type ProviderId } from './providers';

export type Provider = ProviderId;

export interface ModelConfig extends ProviderClientOptions {
  provider: Provider;
}

export function createClient(config: ModelConfig): ModelClient {
  const { provider, ...options } = config;
  return providerSpec(provider).create(options);
}

/** The same factory under the name the VS Code side imports. */
export const createModelClient = createClient;

/**
 * The provider to use when none is configured: OpenAI-compatible when OPENAI_API_KEY is set (base URL from
 * OPENAI_BASE_URL), else a local Ollama (OLLAMA_HOST or 127.0.0.1:11434). RLM_MODEL names the model; without it
 * `model` is the provider's fixed default, or empty when the provider picks an installed one (Ollama).
 */
export function detectDefaultProvider(env: Record<string, string | undefined> = process.env): ModelConfig {
  const model = env.RLM_MODEL?.trim() || undefined;
  const apiKey = env.OPENAI_API_KEY?.trim();
  const spec = apiKey ? PROVIDERS.openai : PROVIDERS.ollama;
  return {
    provider: spec.id,
    baseUrl: spec.baseUrlFromEnv(env) ?? spec.defaultBaseUrl,
    ...(apiKey ? { apiKey } : {}),
    model: model ?? spec.defaultModel ?? '',
  };
}

/**
 * Resolves when the client's server answers (and, for Ollama, has the model); otherwise throws a ModelError whose
 * message is one line saying what failed and how to configure a model. Clients of no registered provider (VS
 * Code's language models, test doubles) pass.
 */
export async function checkReachable(client: ModelClient, opts: { signal?: AbortSignal } = {}): Promise<void> {
  if (isListingClient(client)) await providerSpec(client.provider).probe(client, opts.signal);
}
