// How every client sends a chat request and a server probe through the one retry policy (retry.ts),
// with failures mapped to ModelErrors that name the endpoint (errors.ts).
import type { ChatRequest, RetryPolicy } from './types';
import { withRetry, type AttemptContext, type RetryInfo } from './retry';
import { toModelError, type ErrorContext } from './errors';

export interface ClientRetrySettings {
  policy: RetryPolicy;
  timeoutMs: number;
  deadlineMs?: number;
  /** The client's own retry listener (ClientOptions.onRetry); the request's is called too. */
  onRetry?: (info: RetryInfo) => void;
}

/** A chat request: retried per the policy, cancelled by the request's signal, both retry listeners told. */
export function retryChat<T>(run: (attempt: AttemptContext) => Promise<T>, s: ClientRetrySettings, request: ChatRequest, ctx: ErrorContext): Promise<T> {
  return withRetry(run, {
    policy: s.policy,
    timeoutMs: s.timeoutMs,
    deadlineMs: s.deadlineMs,
    signal: request.signal,
    toError: (err, outcome) => toModelError(err, outcome, ctx),
    onRetry: (info) => {
      s.onRetry?.(info);
      request.onRetry?.(info);
    },
    beforeRetry: request.beforeRetry,
  });
}

/** A probe (the model list): one attempt, at most 10 s, so a missing server is reported at once. */
export function probeOnce<T>(run: (attempt: AttemptContext) => Promise<T>, s: ClientRetrySettings, signal: AbortSignal | undefined, ctx: ErrorContext): Promise<T> {
  return withRetry(run, {
    policy: { ...s.policy, maxRetries: 0 },
    timeoutMs: Math.min(s.timeoutMs, 10_000),
    signal,
    toError: (err, outcome) => toModelError(err, outcome, ctx),
  });
}
