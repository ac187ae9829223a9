// One small interface for every language model the engine talks to.

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** The part of inputTokens the provider served from its prompt cache (priced lower), when it says so. */
  cachedInputTokens?: number;
}

export interface ChatRequest {
  messages: ChatMessage[];
  /** Overrides the client's default model for this request. */
  model?: string;
  maxOutputTokens?: number;
  temperature?: number;
  /** Cancels the request (and any retry wait) promptly. */
  signal?: AbortSignal;
  /** Called with text as it streams in, when the client streams. */
  onText?: (delta: string) => void;
  /**
   * Called before waiting to retry a failed attempt (e.g. to show "rate limited, retrying in 3 s", or to clear text
   * already streamed by onText: the next attempt streams the reply again from the start).
   */
  onRetry?: (info: { attempt: number; delayMs: number; error: ModelError }) => void;
  /**
   * Awaited after onRetry, before the wait and the next attempt: a scheduler narrowed by a rate limit holds the
   * retry here until it has room, so retries do not keep hammering the endpoint.
   */
  beforeRetry?: (info: { attempt: number; delayMs: number; error: ModelError }) => Promise<void> | void;
}

export interface ChatResponse {
  text: string;
  usage: TokenUsage;
  model: string;
  finishReason?: string;
  /** True when the server reported no token usage and `usage` is a chars/4 estimate. */
  usageEstimated?: boolean;
  /** USD the provider itself reported for this request (e.g. OpenRouter's usage.cost); wins over the price table. */
  costUsd?: number;
}

export interface ModelClient {
  /** 'openai' | 'ollama' | 'vscode' | 'scripted' ... */
  readonly provider: string;
  /** Default model name. */
  readonly model: string;
  chat(request: ChatRequest): Promise<ChatResponse>;
}

export type ModelErrorKind =
  | 'auth' // 401/403: key missing or wrong
  | 'not_found' // 404: model or endpoint unknown
  | 'rate_limit' // 429
  | 'server' // 5xx
  | 'network' // connection refused/reset/dropped
  | 'timeout' // per-request timeout
  | 'aborted' // the caller's signal
  | 'bad_request' // 400 and other 4xx
  | 'bad_response'; // unparseable body

/** A model failure with a message a user can act on. Never contains an API key. */
export class ModelError extends Error {
  constructor(
    message: string,
    readonly kind: ModelErrorKind,
    readonly status?: number,
    /** Seconds the server asked us to wait (Retry-After), when given. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ModelError';
  }

  get retryable(): boolean {
    return this.kind === 'rate_limit' || this.kind === 'server' || this.kind === 'network' || this.kind === 'timeout';
  }
}

export interface RetryPolicy {
  /** Retries after the first attempt (default 4). */
  maxRetries: number;
  /** First backoff delay (default 500 ms), doubled each time with jitter. */
  baseDelayMs: number;
  /** Cap for one backoff wait, including Retry-After (default 30 s). */
  maxDelayMs: number;
}

export interface ClientOptions {
  model: string;
  /** OpenAI-compatible base URL (…/v1) or Ollama host. */
  baseUrl?: string;
  apiKey?: string;
  /** Per-request idle timeout, restarted by every streamed chunk (default 120 s). */
  timeoutMs?: number;
  /** Total time one request attempt may take, however its chunks arrive (default 300 s); then it is retried. */
  deadlineMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Stream replies (default true for the root model). */
  stream?: boolean;
  /** Extra headers (e.g. Azure api-key). */
  headers?: Record<string, string>;
}
