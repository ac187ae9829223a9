// A ModelClient for an Ollama server (/api/chat). The `ollama` library parses the NDJSON stream; a fetch wrapper
// gives each attempt its own signal (timeouts, cancel) and turns error statuses into ModelErrors with Retry-After,
// so retry.ts applies the same policy as for OpenAI.
import { Ollama } from 'ollama';
import type { ChatRequest, ChatResponse, ClientOptions, ModelClient, RetryPolicy, TokenUsage } from './types';
import { DEFAULT_DEADLINE_MS, DEFAULT_TIMEOUT_MS, resolveRetryPolicy, type AttemptContext, type RetryInfo } from './retry';
import { probeOnce, retryChat, type ClientRetrySettings } from './clientRetry';
import { httpError, badResponseError, type ErrorContext } from './errors';
import { buildResponse, replyCharCap } from './usage';

export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';

export interface OllamaClientOptions extends ClientOptions {
  /** Context window to request (Ollama's default is small; long RLM prompts need more). */
  numCtx?: number;
  onRetry?: (info: RetryInfo) => void;
}

export class OllamaClient implements ModelClient {
  readonly provider = 'ollama';
  readonly model: string;
  readonly baseUrl: string;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly deadlineMs: number;
  private readonly stream: boolean;

  constructor(private readonly options: OllamaClientOptions) {
    this.model = options.model;
    this.baseUrl = (options.baseUrl ?? DEFAULT_OLLAMA_HOST).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.deadlineMs = Math.max(options.deadlineMs ?? DEFAULT_DEADLINE_MS, 1);
    this.policy = resolveRetryPolicy(options.retry);
    this.stream = options.stream ?? false;
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    const model = request.model ?? this.model;
    const ctx = this.errorContext(model);
    return retryChat((attempt) => this.once(request, model, attempt, ctx), this.retrySettings(), request, ctx);
  }

  /** Installed model names (GET /api/tags): proves the server answers. */
  async listModels(signal?: AbortSignal): Promise<string[]> {
    const ctx = this.errorContext(this.model);
    return probeOnce(
      async (attempt) => {
        const res = await this.sdk(attempt, ctx).list();
        return res.models.map((m) => m.name);
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
    return { provider: 'ollama', baseUrl: this.baseUrl, model, apiKey: this.options.apiKey, timeoutMs: this.timeoutMs, deadlineMs: this.deadlineMs };
  }

  /** A library instance bound to one attempt (the library has no per-request signal for non-streamed calls). */
  private sdk(attempt: AttemptContext, ctx: ErrorContext): Ollama {
    const headers: Record<string, string> = { ...this.options.headers };
    if (this.options.apiKey) headers.Authorization = `Bearer ${this.options.apiKey}`;
    const attemptFetch: typeof fetch = async (input, init) => {
      const signal = init?.signal ? AbortSignal.any([init.signal, attempt.signal]) : attempt.signal;
      const res = await fetch(input, { ...init, signal });
      if (!res.ok) {
        // Read the error here: the library would log to stdout and drop the Retry-After header.
        const body = await res.text().catch(() => '');
        let message = body;
        try {
          const parsed = JSON.parse(body) as { error?: unknown };
          if (typeof parsed.error === 'string') message = parsed.error;
        } catch {
          /* not JSON: keep the text */
        }
        throw httpError(res.status, message || res.statusText, res.headers.get('retry-after'), ctx);
      }
      // The library skips stream lines it cannot parse (with a console warning); a broken line must fail instead.
      // Anything but a JSON body (NDJSON, or an HTML page from something that is not Ollama) is checked line by line.
      if (res.body && !res.headers.get('content-type')?.includes('application/json')) {
        return new Response(validatedNdjson(res.body), { status: res.status, statusText: res.statusText, headers: res.headers });
      }
      return res;
    };
    return new Ollama({ host: this.baseUrl, fetch: attemptFetch, headers });
  }

  private async once(request: ChatRequest, model: string, attempt: AttemptContext, ctx: ErrorContext): Promise<ChatResponse> {
    try {
      return await this.onceUnchecked(request, model, attempt, ctx);
    } catch (err) {
      // The library's words for a body that is not an Ollama reply: say it the way the OpenAI path does.
      if (err instanceof Error && /did not receive done or success response/i.test(err.message)) throw badResponseError(err.message, ctx);
      throw err;
    }
  }

  private async onceUnchecked(request: ChatRequest, model: string, attempt: AttemptContext, ctx: ErrorContext): Promise<ChatResponse> {
    const sdk = this.sdk(attempt, ctx);
    const options: Record<string, number> = {};
    if (request.temperature !== undefined) options.temperature = request.temperature;
    if (request.maxOutputTokens !== undefined) options.num_predict = request.maxOutputTokens;
    if (this.options.numCtx !== undefined) options.num_ctx = this.options.numCtx;
    const base = { model, messages: request.messages.map((m) => ({ role: m.role, content: m.content })), options };

    if (!this.stream) {
      const res = await sdk.chat({ ...base, stream: false });
      if (!res || typeof res !== 'object' || !res.message) throw badResponseError('no message in the reply', ctx);
      const text = res.message.content ?? '';
      if (text) request.onText?.(text);
      return buildResponse(request, text, usageOf(res), res.model || model, res.done_reason);
    }

    const stream = await sdk.chat({ ...base, stream: true });
    attempt.touch(); // connected: from here the timeout is an idle timeout between chunks
    let text = '';
    let usage: Partial<TokenUsage> | undefined;
    let doneReason: string | undefined;
    let replyModel = model;
    let done = false;
    const cap = replyCharCap(request.maxOutputTokens);
    for await (const part of stream) {
      attempt.touch();
      if (!part || typeof part !== 'object') throw badResponseError('a stream line is not an object', ctx);
      if (part.model) replyModel = part.model;
      const delta = part.message?.content;
      if (delta) {
        text += delta;
        request.onText?.(delta);
      }
      if (part.done) {
        done = true;
        usage = usageOf(part);
        doneReason = part.done_reason;
      }
      // A server that ignores num_predict cannot make us hold an unbounded reply: stop reading at the cap.
      if (!done && text.length > cap) {
        done = true;
        doneReason = 'length';
        break;
      }
    }
    // A stream that ends without its done line was cut off: retryable like any dropped connection.
    if (!done) throw Object.assign(new Error('terminated'), { code: 'ECONNRESET' });
    return buildResponse(request, text, usage, replyModel, doneReason);
  }
}

/** Passes an NDJSON body through unchanged, erroring the stream (SyntaxError) at the first line that is not JSON. */
function validatedNdjson(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  let pending = '';
  const check = (line: string) => {
    if (line.trim()) JSON.parse(line);
  };
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        pending += decoder.decode(chunk, { stream: true });
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        lines.forEach(check);
        controller.enqueue(chunk);
      },
      flush() {
        check(pending + decoder.decode());
      },
    }),
  );
}

/** Ollama leaves out prompt_eval_count when the whole prompt was cached; the gap is estimated. */
function usageOf(res: { prompt_eval_count?: number; eval_count?: number }): Partial<TokenUsage> | undefined {
  const usage: Partial<TokenUsage> = {};
  if (typeof res.prompt_eval_count === 'number') usage.inputTokens = res.prompt_eval_count;
  if (typeof res.eval_count === 'number') usage.outputTokens = res.eval_count;
  return usage.inputTokens === undefined && usage.outputTokens === undefined ? undefined : usage;
}
