// Maps SDK and HTTP failures to ModelError kinds with messages a user can act on. Messages never carry the API key
// (it is scrubbed from anything a server or SDK echoes back) nor credentials embedded in a base URL.
import { ModelError, type ModelErrorKind } from './types';
import { parseRetryAfter, type AttemptOutcome } from './retry';

export type Provider = 'openai' | 'ollama';

/** What the mapper needs to explain a failure. */
export interface ErrorContext {
  provider: Provider;
  /** The base URL or host the client talks to. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
  /** The whole-request deadline. */
  deadlineMs?: number;
}

export function kindForStatus(status: number): ModelErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limit';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server';
  return 'bad_request';
}

/** A base URL without user:password@ and without a query string (Azure puts keys there sometimes). */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** Removes the key (and any bearer token) from text that might have echoed it. */
export function redact(text: string, apiKey?: string): string {
  let out = text;
  if (apiKey && apiKey.length >= 4) out = out.split(apiKey).join('***');
  return out.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1***').replace(/\bsk-[A-Za-z0-9_-]{8,}/g, 'sk-***');
}

/** A ModelError for an HTTP error status, with the server's own message when it gave one. */
export function httpError(status: number, serverMessage: string | undefined, retryAfter: string | null | undefined, ctx: ErrorContext): ModelError {
  const kind = kindForStatus(status);
  const where = `${status} from ${displayUrl(ctx.baseUrl)}`;
  const detail = serverMessage ? `: ${oneLine(serverMessage)}` : '';
  const retryAfterSeconds = parseRetryAfter(retryAfter);
  let message: string;
  switch (kind) {
    case 'auth':
      message =
        ctx.provider === 'openai'
          ? `${where}: the API key was ${ctx.apiKey ? 'rejected' : 'missing'} — set OPENAI_API_KEY or run 'RLM: Set API Key'${detail}`
          : `${where}: the server refused the request — check the Ollama host and any auth headers${detail}`;
      break;
    case 'not_found':
      message =
        ctx.provider === 'openai'
          ? `${where}: model '${ctx.model}' or the endpoint was not found — check the model name and that the base URL ends where the API lives (usually …/v1)${detail}`
          : `${where}: model '${ctx.model}' was not found — run 'ollama pull ${ctx.model}' or pick an installed model${detail}`;
      break;
    case 'rate_limit':
      message = `${where}: rate limited${retryAfterSeconds !== undefined ? ` (the server asked to wait ${round(retryAfterSeconds)} s)` : ''}${detail}`;
      break;
    case 'server':
      message = `${where}: the model server failed${detail}`;
      break;
    case 'timeout':
      message = `${where}: the server timed out${detail}`;
      break;
    default:
      message = `${where}: the request was rejected${detail}`;
  }
  return new ModelError(redact(message, ctx.apiKey), kind, status, retryAfterSeconds);
}

export function timeoutError(ctx: ErrorContext): ModelError {
  return new ModelError(
    `no answer from ${displayUrl(ctx.baseUrl)} within ${round(ctx.timeoutMs / 1000)} s — the model may be overloaded or loading; raise the timeout if it is just slow`,
    'timeout',
  );
}

export function deadlineError(ctx: ErrorContext): ModelError {
  return new ModelError(
    `the reply from ${displayUrl(ctx.baseUrl)} did not finish within the request deadline of ${round((ctx.deadlineMs ?? 0) / 1000)} s — the model may be stuck generating or the stream is dripping; raise the deadline (--request-deadline, rlm.requestDeadlineSeconds) if long replies are expected`,
    'timeout',
  );
}

export function badResponseError(detail: string, ctx: ErrorContext): ModelError {
  return new ModelError(
    redact(`${displayUrl(ctx.baseUrl)} sent a reply that could not be read (${oneLine(detail)}) — is this really an ${ctx.provider === 'openai' ? 'OpenAI-compatible' : 'Ollama'} endpoint?`, ctx.apiKey),
    'bad_response',
  );
}

export function networkError(detail: string, ctx: ErrorContext): ModelError {
  const hint =
    ctx.provider === 'ollama'
      ? "is Ollama running ('ollama serve')?"
      : 'is the server running and the base URL right?';
  return new ModelError(redact(`could not talk to ${displayUrl(ctx.baseUrl)}: ${oneLine(detail)} — ${hint}`, ctx.apiKey), 'network');
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED', 'UND_ERR_ABORTED',
]);

/** Walks an error and its `cause` chain, outermost first. */
function* causes(err: unknown): Generator<Record<string, unknown>> {
  let cur: unknown = err;
  for (let depth = 0; cur && typeof cur === 'object' && depth < 6; depth++) {
    yield cur as Record<string, unknown>;
    cur = (cur as { cause?: unknown }).cause;
  }
}

/** The network error code or message that explains a dropped/refused connection, if this is one. */
export function networkCause(err: unknown): string | undefined {
  for (const e of causes(err)) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && NETWORK_CODES.has(code)) return describeCode(code, e);
    const message = typeof e.message === 'string' ? e.message : '';
    if (/^(terminated|fetch failed|other side closed|socket hang up)$/i.test(message) || /premature close|ECONNRESET/i.test(message)) {
      // keep looking for a more specific cause, fall back to this message
      const deeper = [...causes(e.cause)].find((c) => typeof c.code === 'string' && NETWORK_CODES.has(c.code as string));
      return deeper ? describeCode(deeper.code as string, deeper) : message === 'terminated' ? 'the connection was dropped mid-reply' : message;
    }
  }
  return undefined;
}

function describeCode(code: string, e: Record<string, unknown>): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'the connection was dropped';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found${typeof e.hostname === 'string' ? ` (${e.hostname})` : ''}`;
    default:
      return code;
  }
}

/**
 * The catch-all mapper used by both clients for errors that were not already ModelErrors: timeouts and aborts (from
 * the attempt's outcome), HTTP statuses carried by SDK errors, network failures, and parse failures.
 */
export function toModelError(err: unknown, outcome: AttemptOutcome, ctx: ErrorContext): ModelError {
  if (err instanceof ModelError) return err;
  if (outcome.aborted) return new ModelError('the request was cancelled', 'aborted');
  if (outcome.pastDeadline) return deadlineError(ctx);
  if (outcome.timedOut) return timeoutError(ctx);

  const e = (err && typeof err === 'object' ? err : {}) as Record<string, unknown>;
  const status = typeof e.status === 'number' ? e.status : typeof e.status_code === 'number' ? e.status_code : undefined;
  if (status !== undefined && status >= 400) {
    const headers = e.headers as { get?: (name: string) => string | null } | undefined;
    const retryAfter = typeof headers?.get === 'function' ? headers.get('retry-after') : undefined;
    return httpError(status, serverMessageOf(e), retryAfter, ctx);
  }

  const name = typeof e.name === 'string' ? e.name : '';
  // An error event inside a 200 stream (OpenRouter and others do this when an upstream fails mid-reply).
  if (status === undefined && e.error && typeof e.error === 'object') {
    const code = (e.error as { code?: unknown }).code;
    if (typeof code === 'number' && code >= 400) return httpError(code, serverMessageOf(e), undefined, ctx);
    return new ModelError(redact(`${displayUrl(ctx.baseUrl)} reported an error mid-reply: ${oneLine(serverMessageOf(e) ?? 'unknown')}`, ctx.apiKey), 'server');
  }
  if (name === 'APIConnectionTimeoutError') return timeoutError(ctx);
  const net = networkCause(err);
  if (net) return networkError(net, ctx);
  if (name === 'APIConnectionError') return networkError(String(e.message ?? 'connection error'), ctx);
  if (err instanceof SyntaxError || /JSON|Unexpected token|parse/i.test(String(e.message ?? ''))) {
    return badResponseError(String(e.message ?? err), ctx);
  }
  if (name === 'AbortError' || name === 'APIUserAbortError') return new ModelError('the request was cancelled', 'aborted');
  return new ModelError(redact(`model request to ${displayUrl(ctx.baseUrl)} failed: ${oneLine(String(e.message ?? err))}`, ctx.apiKey), 'bad_response');
}

/** The server's own error text from an SDK error (OpenAI: error.message; Ollama: error string). */
function serverMessageOf(e: Record<string, unknown>): string | undefined {
  const inner = e.error as { message?: unknown } | string | undefined;
  if (typeof inner === 'string') return inner;
  if (inner && typeof inner.message === 'string') return inner.message;
  // OpenAI's APIError message starts with the status ("429 Rate limit…"); drop it, we say it ourselves.
  if (typeof e.message === 'string') return e.message.replace(/^\d{3}\s*/, '') || undefined;
  return undefined;
}

function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
