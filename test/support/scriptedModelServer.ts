// A real HTTP model server on 127.0.0.1 that answers from a script, speaking both the OpenAI chat-completions
// protocol and Ollama's /api/chat. Tests (and other processes, through the CLI entry at the bottom) use it to drive
// the model clients and the engine through real sockets, including failures: error statuses with Retry-After,
// dropped connections, malformed bodies and requests that never get an answer.
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readFileSync, realpathSync } from 'node:fs';

export interface ScriptedMessage {
  role: string;
  content: string;
}

export interface ScriptedRequest {
  protocol: 'openai' | 'ollama';
  model: string;
  messages: ScriptedMessage[];
  stream: boolean;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** 0-based position among the chat requests this server received. */
  index: number;
  /** Date.now() when the request body was complete (lets tests check retry waits without wall-time bounds). */
  receivedAt: number;
  /** The parsed request body, for assertions on options such as stream_options or max_tokens. */
  body: Record<string, unknown>;
  /** Path and query as sent (e.g. /v1/chat/completions?api-version=…). */
  url: string;
}

export type ScriptedReply =
  | string
  | {
      text?: string;
      /** Wait before answering (added to the server's latencyMs). */
      delayMs?: number;
      /** Answer with this HTTP status and an error body in the protocol's shape. */
      status?: number;
      /** Retry-After header value: seconds, or an HTTP date string. */
      retryAfter?: number | string;
      /** Destroy the socket mid-reply (after the headers and part of the body). */
      drop?: boolean;
      /** Answer 200 with a body that is not valid JSON (or broken stream lines). */
      malformed?: boolean;
      /** Never answer; the socket stays open until the client gives up or the server closes. */
      hang?: boolean;
      /** Token usage to report; computed as chars/4 when absent. */
      usage?: { inputTokens: number; outputTokens: number };
      /** Report no token usage at all (as some OpenAI-compatible servers do). */
      noUsage?: boolean;
      /** OpenAI protocol: report this USD cost in usage.cost (as OpenRouter does). */
      cost?: number;
      /** OpenAI protocol: report this many cached prompt tokens (usage.prompt_tokens_details.cached_tokens). */
      cachedTokens?: number;
      /** Pause between streamed chunks. */
      chunkDelayMs?: number;
      /** finish_reason / done_reason to report (default 'stop'). */
      finishReason?: string;
      /** Answer 200 with exactly this body (and contentType), whatever the protocol expects: an HTML page, a plain
       * JSON completion to a streamed request, stream lines of the wrong shape. */
      rawBody?: string;
      contentType?: string;
    };

export interface ScriptedServerOptions {
  /** Replies in order, one per chat request. */
  replies?: ScriptedReply[];
  /** Computes a reply; used when `replies` is absent or used up. */
  reply?: (req: ScriptedRequest) => ScriptedReply | Promise<ScriptedReply>;
  /** Added before every chat reply. */
  latencyMs?: number;
  /** Port to listen on (default 0: a free port). */
  port?: number;
  /** The installed models it lists (GET /v1/models, /api/tags); default scripted-model, scripted-small. */
  models?: string[];
}

export interface ScriptedServer {
  /** http://127.0.0.1:PORT (the Ollama host). */
  url: string;
  /** url + '/v1' (the OpenAI base URL). */
  openaiBaseUrl: string;
  /** Chat requests received, in order. */
  requests: ScriptedRequest[];
  close(): Promise<void>;
}

type ReplyObject = Exclude<ScriptedReply, string>;

const DEFAULT_MODEL_LIST = ['scripted-model', 'scripted-small'];

export async function startScriptedServer(opts: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const requests: ScriptedRequest[] = [];
  const MODEL_LIST = opts.models ?? DEFAULT_MODEL_LIST;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  // Every wait is tracked so close() can end them all and the process can exit.
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0 || closed) return resolve();
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  async function pickReply(req: ScriptedRequest): Promise<ReplyObject> {
    let r: ScriptedReply | undefined;
    if (opts.replies && req.index < opts.replies.length) r = opts.replies[req.index];
    else if (opts.reply) r = await opts.reply(req);
    else if (opts.replies) {
      // A script that runs out is a test bug: answer 400 so no client retries it and the message says why.
      return { status: 400, text: `scripted server: no reply left for request #${req.index} (script has ${opts.replies.length})` };
    } else r = `scripted reply #${req.index}`;
    return typeof r === 'string' ? { text: r } : r;
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `scripted server bug: ${String(err)}` } }));
      } else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const raw = await readBody(req);

    if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
      return sendJson(res, 200, {
        object: 'list',
        data: MODEL_LIST.map((id) => ({ id, object: 'model', created: 0, owned_by: 'scripted' })),
      });
    }
    if (req.method === 'GET' && path === '/api/tags') {
      return sendJson(res, 200, {
        models: MODEL_LIST.map((name) => ({
          name,
          model: name,
          modified_at: new Date(0).toISOString(),
          size: 0,
          digest: 'scripted',
          details: { format: 'gguf', family: 'scripted', parameter_size: '0B', quantization_level: 'none' },
        })),
      });
    }
    if (req.method === 'GET' && path === '/api/version') return sendJson(res, 200, { version: '0.0.0-scripted' });
    if (req.method === 'GET' && path === '/') return sendText(res, 200, 'Ollama is running');

    const protocol = req.method === 'POST' && (path === '/v1/chat/completions' || path === '/chat/completions')
      ? 'openai'
      : req.method === 'POST' && path === '/api/chat'
        ? 'ollama'
        : undefined;
    if (!protocol) return sendJson(res, 404, { error: { message: `scripted server: no route ${req.method} ${path}` } });

    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return sendJson(res, 400, { error: { message: 'scripted server: request body is not JSON' } });
    }
    const messages = Array.isArray(body.messages)
      ? (body.messages as { role?: unknown; content?: unknown }[]).map((m) => ({
          role: String(m.role ?? ''),
          content: typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? ''),
        }))
      : [];
    const scripted: ScriptedRequest = {
      protocol,
      model: typeof body.model === 'string' ? body.model : '',
      messages,
      // Ollama streams unless told otherwise; OpenAI only when asked.
      stream: protocol === 'ollama' ? body.stream !== false : body.stream === true,
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : (v ?? '')]),
      ),
      index: requests.length,
      receivedAt: Date.now(),
      body,
      url: req.url ?? path,
    };
    requests.push(scripted);

    const reply = await pickReply(scripted);
    await sleep((opts.latencyMs ?? 0) + (reply.delayMs ?? 0));
    if (closed || res.destroyed) return;
    if (reply.hang) return; // close() destroys the socket

    if (reply.status && reply.status !== 200) return sendError(res, protocol, reply);
    if (reply.rawBody !== undefined) {
      res.writeHead(200, { 'content-type': reply.contentType ?? 'text/html' });
      res.end(reply.rawBody);
      return;
    }

    const text = reply.text ?? '';
    const usage = reply.usage ?? {
      inputTokens: Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4),
      outputTokens: Math.ceil(text.length / 4),
    };
    const ctx: ReplyContext = { res, req: scripted, reply, text, usage, sleep };
    if (protocol === 'openai') await (scripted.stream ? openaiStream(ctx) : openaiPlain(ctx));
    else await (scripted.stream ? ollamaStream(ctx) : ollamaPlain(ctx));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        // Hung and keep-alive connections would keep the server (and the test process) alive.
        for (const s of sockets) s.destroy();
      }),
  };
}

interface ReplyContext {
  res: http.ServerResponse;
  req: ScriptedRequest;
  reply: ReplyObject;
  text: string;
  usage: { inputTokens: number; outputTokens: number };
  sleep: (ms: number) => Promise<void>;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...extra });
  res.end(body);
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(text);
}

function sendError(res: http.ServerResponse, protocol: 'openai' | 'ollama', reply: ReplyObject): void {
  const status = reply.status!;
  const message = reply.text ?? `scripted error ${status}`;
  const extra: Record<string, string> = {};
  if (reply.retryAfter !== undefined) extra['retry-after'] = String(reply.retryAfter);
  const body =
    protocol === 'openai'
      ? { error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'scripted_error', code: null, param: null } }
      : { error: message };
  sendJson(res, status, body, extra);
}

/** Writes part of a reply, then kills the connection. */
function dropAfter(res: http.ServerResponse, partial: string): void {
  res.write(partial, () => res.socket?.destroy());
}

/** Splits text into a few deltas that concatenate back to exactly the text. */
function chunksOf(text: string): string[] {
  const parts = text.match(/\S+\s*|\s+/g) ?? [];
  if (parts.length <= 1) return parts.length ? parts : [];
  const perChunk = Math.max(1, Math.ceil(parts.length / 8));
  const out: string[] = [];
  for (let i = 0; i < parts.length; i += perChunk) out.push(parts.slice(i, i + perChunk).join(''));
  return out;
}

function openaiCompletion(ctx: ReplyContext) {
  return {
    id: `chatcmpl-scripted-${ctx.req.index}`,
    object: 'chat.completion',
    created: Math.floor(ctx.req.receivedAt / 1000),
    model: ctx.req.model || DEFAULT_MODEL_LIST[0],
    choices: [
      { index: 0, message: { role: 'assistant', content: ctx.text }, logprobs: null, finish_reason: ctx.reply.finishReason ?? 'stop' },
    ],
    ...(ctx.reply.noUsage
      ? {}
      : {
          usage: openaiUsage(ctx),
        }),
  };
}

function openaiUsage(ctx: ReplyContext) {
  return {
    prompt_tokens: ctx.usage.inputTokens,
    completion_tokens: ctx.usage.outputTokens,
    total_tokens: ctx.usage.inputTokens + ctx.usage.outputTokens,
    ...(ctx.reply.cachedTokens !== undefined ? { prompt_tokens_details: { cached_tokens: ctx.reply.cachedTokens } } : {}),
    ...(ctx.reply.cost !== undefined ? { cost: ctx.reply.cost } : {}),
  };
}

/** A non-streamed JSON reply, or its scripted failure: a malformed body, or a socket dropped halfway. */
function plainReply(ctx: ReplyContext, body: unknown, malformedBody: string): void {
  const { res, reply } = ctx;
  if (reply.malformed) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(malformedBody);
    return;
  }
  const text = JSON.stringify(body);
  if (reply.drop) {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    return dropAfter(res, text.slice(0, Math.floor(text.length / 2)));
  }
  sendJson(res, 200, body);
}

async function openaiPlain(ctx: ReplyContext): Promise<void> {
  plainReply(ctx, openaiCompletion(ctx), '{"id": "chatcmpl-scripted", "choices": [ this is not json');
}

async function openaiStream(ctx: ReplyContext): Promise<void> {
  const { res, req, reply, sleep } = ctx;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const base = {
    id: `chatcmpl-scripted-${req.index}`,
    object: 'chat.completion.chunk',
    created: Math.floor(req.receivedAt / 1000),
    model: req.model || DEFAULT_MODEL_LIST[0],
  };
  const send = (v: unknown) => res.write(`data: ${JSON.stringify(v)}\n\n`);
  send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
  const chunks = chunksOf(ctx.text);
  for (let i = 0; i < chunks.length; i++) {
    if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
    if (res.destroyed) return;
    if (reply.drop && i >= Math.floor(chunks.length / 2)) return dropAfter(res, '');
    if (reply.malformed && i >= Math.floor(chunks.length / 2)) {
      res.write('data: {"id": "chatcmpl-scripted", "choices": [ not json\n\n');
      continue;
    }
    send({ ...base, choices: [{ index: 0, delta: { content: chunks[i] }, finish_reason: null }] });
  }
  if (reply.drop) return dropAfter(res, '');
  if (reply.malformed && chunks.length === 0) res.write('data: {not json\n\n');
  send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: reply.finishReason ?? 'stop' }] });
  const opts = req.body.stream_options as { include_usage?: boolean } | undefined;
  if (opts?.include_usage && !reply.noUsage) {
    send({
      ...base,
      choices: [],
      usage: openaiUsage(ctx),
    });
  }
  res.end('data: [DONE]\n\n');
}

function ollamaFinal(ctx: ReplyContext, content: string) {
  return {
    model: ctx.req.model || DEFAULT_MODEL_LIST[0],
    created_at: new Date(ctx.req.receivedAt).toISOString(),
    message: { role: 'assistant', content },
    done: true,
    done_reason: ctx.reply.finishReason ?? 'stop',
    total_duration: 0,
    load_duration: 0,
    ...(ctx.reply.noUsage
      ? {}
      : {
          prompt_eval_count: ctx.usage.inputTokens,
          prompt_eval_duration: 0,
          eval_count: ctx.usage.outputTokens,
          eval_duration: 0,
        }),
  };
}

async function ollamaPlain(ctx: ReplyContext): Promise<void> {
  plainReply(ctx, ollamaFinal(ctx, ctx.text), '{"model": "scripted", "message": { not json');
}

async function ollamaStream(ctx: ReplyContext): Promise<void> {
  const { res, req, reply, sleep } = ctx;
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const model = req.model || DEFAULT_MODEL_LIST[0];
  const chunks = chunksOf(ctx.text);
  for (let i = 0; i < chunks.length; i++) {
    if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
    if (res.destroyed) return;
    if (reply.drop && i >= Math.floor(chunks.length / 2)) return dropAfter(res, '');
    if (reply.malformed && i >= Math.floor(chunks.length / 2)) {
      res.write('{"model": "scripted", "message": not json\n');
      continue;
    }
    const line = {
      model,
      created_at: new Date().toISOString(),
      message: { role: 'assistant', content: chunks[i] },
      done: false,
    };
    res.write(JSON.stringify(line) + '\n');
  }
  if (reply.drop) return dropAfter(res, '');
  if (reply.malformed && chunks.length === 0) res.write('{not json\n');
  res.end(JSON.stringify(ollamaFinal(ctx, '')) + '\n');
}

// ---- CLI entry: node --import tsx test/support/scriptedModelServer.ts --port 0 --script FILE.json ----

/** A script file: `{replies: [...]}` and/or `{rules: [{match, reply}], default}`. */
export interface ScriptFile {
  replies?: ScriptedReply[];
  /** `match` is a regex tested against the last user message and against the model name. */
  rules?: { match: string; flags?: string; reply: ScriptedReply }[];
  default?: ScriptedReply;
  latencyMs?: number;
}

/** Turns a script file into server options (exported so tests can check rule matching without a process). */
export function optionsFromScript(script: ScriptFile): ScriptedServerOptions {
  const rules = (script.rules ?? []).map((r) => ({ re: new RegExp(r.match, r.flags ?? ''), reply: r.reply }));
  const hasFallback = rules.length > 0 || script.default !== undefined;
  return {
    replies: script.replies,
    latencyMs: script.latencyMs,
    reply: hasFallback
      ? (req) => {
          const lastUser = [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
          const rule = rules.find((r) => r.re.test(lastUser) || r.re.test(req.model));
          if (rule) return rule.reply;
          return script.default ?? { status: 400, text: `scripted server: no rule matched request #${req.index}` };
        }
      : undefined,
  };
}

function isMainModule(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(__filename);
  } catch {
    return false;
  }
}

async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const scriptPath = arg('--script');
  const script: ScriptFile = scriptPath ? (JSON.parse(readFileSync(scriptPath, 'utf8')) as ScriptFile) : {};
  const server = await startScriptedServer({ ...optionsFromScript(script), port: Number(arg('--port') ?? 0) });
  process.stdout.write(`LISTENING ${server.url}\n`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (isMainModule()) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`scripted server: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
