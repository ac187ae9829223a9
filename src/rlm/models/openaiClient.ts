// A ModelClient for any OpenAI-compatible chat-completions endpoint (OpenAI, Azure, OpenRouter, vLLM, LM Studio,
// llama.cpp server). The SDK's own retries and timeouts are off: retry.ts is the one policy.
import OpenAI from 'openai';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { ChatRequest, ChatResponse, ClientOptions, ModelClient, RetryPolicy, TokenUsage } from './types';
import { DEFAULT_DEADLINE_MS, DEFAULT_TIMEOUT_MS, resolveRetryPolicy, type AttemptContext, type RetryInfo } from './retry';
import { probeOnce, retryChat, type ClientRetrySettings } from './clientRetry';
import { badResponseError, type ErrorContext } from './errors';
import { buildResponse, replyCharCap } from './usage';

export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAIClientOptions extends ClientOptions {
  /** Called before each retry wait (for progress output and logs). */
  onRetry?: (info: RetryInfo) => void;
}

export class OpenAIClient implements ModelClient {
  readonly provider = 'openai';
  readonly model: string;
  readonly baseUrl: string;
  private readonly sdk: OpenAI;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly deadlineMs: number;
  private readonly stream: boolean;

  constructor(private readonly options: OpenAIClientOptions) {
    this.model = options.model;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.deadlineMs = Math.max(options.deadlineMs ?? DEFAULT_DEADLINE_MS, 1);
    this.policy = resolveRetryPolicy(options.retry);
    this.stream = options.stream ?? false;
    // Azure-style base URLs carry a query (?api-version=…): the SDK wants it as defaultQuery.
    const { base, query } = splitQuery(options.baseUrl ?? DEFAULT_OPENAI_BASE_URL);
    this.baseUrl = base;
    this.sdk = new OpenAI({
      baseURL: base,
      // Local servers need no key, but the SDK insists on one; never fall back to the environment silently.
      apiKey: options.apiKey || 'no-key',
      maxRetries: 0,
      // Our own per-attempt timer is the authority; this is only a backstop.
      timeout: this.timeoutMs * 2,
      defaultHeaders: options.headers,
      defaultQuery: query,
      // Failures reach the caller as ModelErrors; the SDK's own console logging would only add noise to the CLI.
      logLevel: 'off',
    });
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    const model = request.model ?? this.model;
    const ctx = this.errorContext(model);
    return retryChat((attempt) => (this.stream ? this.streamOnce(request, model, attempt, ctx) : this.plainOnce(request, model, attempt, ctx)), this.retrySettings(), request, ctx);
  }

  /** Lists the server's models: the cheapest request that proves the endpoint and the key work. */
  async listModels(signal?: AbortSignal): Promise<string[]> {
    const ctx = this.errorContext(this.model);
    return probeOnce(
      async ({ signal: s }) => {
        const page = await this.sdk.models.list({ signal: s });
        return page.data.map((m) => m.id);
      },
      this.retrySettings(),
      signal,
      ctx,
    );
  }

  private retrySettings(): ClientRetrySettings {
    return { policy: this.policy, timeoutMs: this.timeoutMs, deadlineMs: this.deadlineMs, onRetry: this.options.onRetry };
  }

  errorContext(model: string): ErrorContext {
    return { provider: 'openai', baseUrl: this.baseUrl, model, apiKey: this.options.apiKey, timeoutMs: this.timeoutMs, deadlineMs: this.deadlineMs };
  }

  private params(request: ChatRequest, model: string): ChatCompletionCreateParams {
    const p: ChatCompletionCreateParams = { model, messages: request.messages.map((m) => ({ role: m.role, content: m.content })) };
    if (request.temperature !== undefined) p.temperature = request.temperature;
    if (request.maxOutputTokens !== undefined) {
      // OpenAI's newer models reject max_tokens; most compatible servers only know max_tokens.
      if (isOpenAIHosted(this.baseUrl)) p.max_completion_tokens = request.maxOutputTokens;
      else p.max_tokens = request.maxOutputTokens;
    }
    return p;
  }

  private async plainOnce(request: ChatRequest, model: string, attempt: AttemptContext, ctx: ErrorContext): Promise<ChatResponse> {
    const completion = await this.sdk.chat.completions.create({ ...this.params(request, model), stream: false }, { signal: attempt.signal });
    if (!completion || !Array.isArray(completion.choices)) throw badResponseError('no choices in the reply', ctx);
    const choice = completion.choices[0];
    const text = choice?.message?.content ?? '';
    if (text) request.onText?.(text);
    return withReportedCost(buildResponse(request, text, usageOf(completion.usage), completion.model || model, choice?.finish_reason ?? undefined), completion.usage);
  }

  private async streamOnce(request: ChatRequest, model: string, attempt: AttemptContext, ctx: ErrorContext): Promise<ChatResponse> {
    const stream = await this.sdk.chat.completions.create(
      { ...this.params(request, model), stream: true, stream_options: { include_usage: true } },
      { signal: attempt.signal },
    );
    attempt.touch(); // connected: from here the timeout is an idle timeout between chunks
    let text = '';
    let usage: TokenUsage | undefined;
    let rawUsage: unknown;
    let finishReason: string | undefined;
    let replyModel = model;
    let chunks = 0;
    const cap = replyCharCap(request.maxOutputTokens);
    for await (const chunk of stream) {
      attempt.touch();
      if (!chunk || typeof chunk !== 'object') throw badResponseError('a stream chunk is not an object', ctx);
      // A body that is not a chat-completion stream (an HTML page, a plain JSON reply) yields no chunks at all, or
      // chunks without choices: that is a reply we could not read, not an empty answer.
      if (!Array.isArray(chunk.choices) && !chunk.usage) throw badResponseError('a stream chunk has no choices', ctx);
      chunks++;
      if (chunk.model) replyModel = chunk.model;
      if (chunk.usage) {
        usage = usageOf(chunk.usage);
        rawUsage = chunk.usage;
      }
      const choice = chunk.choices?.[0];
      const delta = choice?.delta?.content;
      if (delta) {
        text += delta;
        request.onText?.(delta);
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      // A server that ignores max_tokens cannot make us hold an unbounded reply: stop reading at the cap.
      if (text.length > cap) {
        finishReason = 'length';
        break;
      }
    }
    if (chunks === 0) throw badResponseError('the stream held no chat-completion chunks', ctx);
    return withReportedCost(buildResponse(request, text, usage, replyModel, finishReason), rawUsage);
  }
}

function usageOf(u: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } | null } | null | undefined): TokenUsage | undefined {
  if (!u || typeof u.prompt_tokens !== 'number') return undefined;
  const usage: TokenUsage = { inputTokens: u.prompt_tokens, outputTokens: u.completion_tokens ?? 0 };
  const cached = u.prompt_tokens_details?.cached_tokens;
  if (typeof cached === 'number' && cached > 0) usage.cachedInputTokens = cached;
  return usage;
}

/** Some OpenAI-compatible providers (OpenRouter, LiteLLM proxies) report the request's USD cost in usage.cost. */
function withReportedCost(response: ChatResponse, rawUsage: unknown): ChatResponse {
  const cost = (rawUsage as { cost?: unknown } | null | undefined)?.cost;
  if (typeof cost === 'number' && Number.isFinite(cost) && cost >= 0) response.costUsd = cost;
  return response;
}


function splitQuery(url: string): { base: string; query?: Record<string, string> } {
  try {
    const u = new URL(url);
    if (!u.search) return { base: url.replace(/\/+$/, '') };
    const query = Object.fromEntries(u.searchParams.entries());
    u.search = '';
    return { base: u.toString().replace(/\/+$/, ''), query };
  } catch {
    return { base: url };
  }
}

function isOpenAIHosted(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).hostname === 'api.openai.com';
  } catch {
    return false;
  }
}
