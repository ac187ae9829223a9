// One retry policy for every model client: per-attempt timeouts (idle-reset for streams), exponential backoff with
// jitter, Retry-After, and a caller signal that cancels both the request and any wait promptly.
import { ModelError, type RetryPolicy } from './types';

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 30_000 };
export const DEFAULT_TIMEOUT_MS = 120_000;
/** Whole-request deadline: a stream that drips a chunk now and then never hits the idle timeout, but hits this. */
export const DEFAULT_DEADLINE_MS = 300_000;

export function resolveRetryPolicy(partial?: Partial<RetryPolicy>): RetryPolicy {
  const p = { ...DEFAULT_RETRY_POLICY, ...definedOnly(partial ?? {}) };
  return { maxRetries: Math.max(0, Math.floor(p.maxRetries)), baseDelayMs: Math.max(0, p.baseDelayMs), maxDelayMs: Math.max(0, p.maxDelayMs) };
}

/**
 * Retry-After as seconds: either delta-seconds ("3", "1.5") or an HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, (date - now) / 1000);
}

/**
 * The wait before retry number `retry` (0 for the first retry). A server's Retry-After wins over the backoff
 * (it knows when it will have capacity); both are capped by maxDelayMs so one reply cannot stall a run.
 */
export function retryDelayMs(retry: number, policy: RetryPolicy, retryAfterSeconds?: number, random: () => number = Math.random): number {
  if (retryAfterSeconds !== undefined) return Math.min(policy.maxDelayMs, Math.ceil(retryAfterSeconds * 1000));
  const exp = policy.baseDelayMs * 2 ** retry;
  // "Equal jitter": at least half the exponential delay, so waits still grow, with the rest random to spread
  // clients that failed together.
  const jittered = exp / 2 + random() * (exp / 2);
  return Math.min(policy.maxDelayMs, Math.round(jittered));
}

export function abortedError(): ModelError {
  return new ModelError('the request was cancelled', 'aborted');
}

/** Resolves after ms, or rejects with an 'aborted' ModelError as soon as the signal fires. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** What one attempt gets: a signal that fires on timeout or caller abort, and a way to say "still alive". */
export interface AttemptContext {
  signal: AbortSignal;
  /** Restarts the idle timer; streaming code calls it on every chunk. */
  touch(): void;
  /** 0 for the first attempt. */
  attempt: number;
}

/** Why an attempt's signal fired, so the error mapper can tell a timeout from the caller's cancel. */
export interface AttemptOutcome {
  timedOut: boolean;
  aborted: boolean;
  /** The timeout was the whole-request deadline, not the idle timeout. */
  pastDeadline?: boolean;
}

export interface RetryInfo {
  attempt: number;
  delayMs: number;
  error: ModelError;
}

export interface WithRetryOptions {
  policy: RetryPolicy;
  /** Idle timeout: restarted by every chunk. */
  timeoutMs: number;
  /** Total time one attempt may take, chunks or not (default: none). */
  deadlineMs?: number;
  signal?: AbortSignal;
  /** Turns anything an attempt threw into a ModelError. */
  toError: (err: unknown, outcome: AttemptOutcome) => ModelError;
  onRetry?: (info: RetryInfo) => void;
  /** Awaited after onRetry, before the wait (a scheduler may hold the retry until it has room). */
  beforeRetry?: (info: RetryInfo) => Promise<void> | void;
  /** For tests: the jitter source. */
  random?: () => number;
}

/** Runs `run` until it succeeds, a non-retryable error happens, retries run out, or the caller aborts. */
export async function withRetry<T>(run: (ctx: AttemptContext) => Promise<T>, opts: WithRetryOptions): Promise<T> {
  const { policy, signal } = opts;
  let attempt = 0;
  for (;;) {
    if (signal?.aborted) throw abortedError();
    let error: ModelError;
    try {
      return await runAttempt(run, attempt, opts);
    } catch (err) {
      error = err instanceof ModelError ? err : opts.toError(err, { timedOut: false, aborted: !!signal?.aborted });
    }
    if (error.kind === 'aborted' || signal?.aborted) throw error.kind === 'aborted' ? error : abortedError();
    // A reply that could not be read is tried once more (a proxy's glitch); an endpoint that keeps sending them
    // is not the kind of server we expected, and waiting longer will not change that.
    const retryable = error.retryable || (error.kind === 'bad_response' && attempt === 0);
    if (!retryable || attempt >= policy.maxRetries) {
      if (attempt > 0) throw withAttempts(error, attempt + 1);
      throw error;
    }
    const delayMs = retryDelayMs(attempt, policy, error.retryAfterSeconds, opts.random);
    opts.onRetry?.({ attempt, delayMs, error });
    await opts.beforeRetry?.({ attempt, delayMs, error });
    await abortableSleep(delayMs, signal);
    attempt++;
  }
}

async function runAttempt<T>(run: (ctx: AttemptContext) => Promise<T>, attempt: number, opts: WithRetryOptions): Promise<T> {
  const controller = new AbortController();
  const outcome: AttemptOutcome = { timedOut: false, aborted: false };
  const onCallerAbort = () => {
    outcome.aborted = true;
    controller.abort(abortedError());
  };
  opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      outcome.timedOut = true;
      controller.abort(new Error('timeout'));
    }, opts.timeoutMs);
  };
  touch();
  // The deadline is not reset by chunks: past it the attempt is abandoned and retried like a timeout.
  const deadline =
    opts.deadlineMs !== undefined
      ? setTimeout(() => {
          outcome.timedOut = true;
          outcome.pastDeadline = true;
          controller.abort(new Error('deadline'));
        }, opts.deadlineMs)
      : undefined;
  const onAbort = rejectOnAbort(controller.signal);
  let finished = false;
  try {
    // Race the attempt against the signal: some SDK paths (a body being parsed, a stream between reads) only
    // notice the abort late, and a cancel must be prompt.
    const result = await Promise.race([run({ signal: controller.signal, touch, attempt }), onAbort.promise]);
    finished = true;
    return result;
  } catch (err) {
    if (outcome.aborted) throw abortedError();
    throw err instanceof ModelError && !outcome.timedOut ? err : opts.toError(err, outcome);
  } finally {
    if (timer) clearTimeout(timer);
    if (deadline) clearTimeout(deadline);
    opts.signal?.removeEventListener('abort', onCallerAbort);
    onAbort.dispose();
    // A failed attempt may hold a socket or a stream: abort releases them. A finished one has read its whole reply,
    // so it is not aborted (that ran every listener the SDK and fetch had put on it, ~0.2 ms a sub-call).
    if (!finished && !controller.signal.aborted) controller.abort(new Error('attempt failed'));
  }
}

/** A promise that rejects when `signal` aborts; dispose() drops its listener. */
function rejectOnAbort(signal: AbortSignal): { promise: Promise<never>; dispose(): void } {
  let fire = () => {};
  const promise = new Promise<never>((_, reject) => {
    fire = () => reject(signal.reason ?? new Error('aborted'));
  });
  if (signal.aborted) fire();
  else signal.addEventListener('abort', fire, { once: true });
  return { promise, dispose: () => signal.removeEventListener('abort', fire) };
}

/** The last error, saying how many attempts were made (kind, status and Retry-After are kept). */
function withAttempts(error: ModelError, attempts: number): ModelError {
  return new ModelError(`${error.message} (gave up after ${attempts} attempts)`, error.kind, error.status, error.retryAfterSeconds);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
