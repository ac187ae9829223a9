// Both model clients against the scripted server over real HTTP: replies, usage, streaming, the retry policy,
// timeouts, cancel, error mapping; plus provider detection and the reachability check.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { startScriptedServer, type ScriptedReply, type ScriptedServer } from '../support/scriptedModelServer';
import { createClient, detectDefaultProvider, checkReachable, type ModelConfig } from '../../src/rlm/models/createClient';
import { ModelError, type ChatMessage } from '../../src/rlm/models/types';
import { parseRetryAfter, retryDelayMs, abortableSleep, DEFAULT_RETRY_POLICY } from '../../src/rlm/models/retry';
import { redact, displayUrl } from '../../src/rlm/models/errors';

const KEY = 'sk-test-SECRET-0123456789abcdef';
const MESSAGES: ChatMessage[] = [
  { role: 'system', content: 'You answer questions about code.' },
  { role: 'user', content: 'Where is the retry policy?' },
];

const servers: ScriptedServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function serve(replies: ScriptedReply[]): Promise<ScriptedServer> {
  const s = await startScriptedServer({ replies });
  servers.push(s);
  return s;
}

type Variant = { provider: 'openai' | 'ollama'; stream: boolean };
const VARIANTS: Variant[] = [
  { provider: 'openai', stream: false },
  { provider: 'openai', stream: true },
  { provider: 'ollama', stream: false },
  { provider: 'ollama', stream: true },
];

function client(s: ScriptedServer, v: Variant, extra: Partial<ModelConfig> = {}) {
  return createClient({
    provider: v.provider,
    model: 'scripted-model',
    baseUrl: v.provider === 'openai' ? s.openaiBaseUrl : s.url,
    apiKey: KEY,
    stream: v.stream,
    timeoutMs: 20_000,
    ...extra,
    // Short backoff so retry tests are quick; Retry-After still decides when given.
    retry: { baseDelayMs: 20, maxDelayMs: 5_000, ...extra.retry },
  });
}

async function rejection(p: Promise<unknown>): Promise<ModelError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ModelError, `expected a ModelError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the request to fail');
}

async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

for (const v of VARIANTS) {
  const name = `${v.provider}${v.stream ? ' streaming' : ''}`;
  describe(`${name} client`, () => {
    it('returns the reply text and the server-reported usage', async () => {
      const s = await serve([{ text: 'The policy lives in retry.ts.', usage: { inputTokens: 123, outputTokens: 45 } }]);
      const deltas: string[] = [];
      const res = await client(s, v).chat({ messages: MESSAGES, onText: (d) => deltas.push(d) });
      assert.equal(res.text, 'The policy lives in retry.ts.');
      assert.deepEqual(res.usage, { inputTokens: 123, outputTokens: 45 });
      assert.equal(res.usageEstimated, undefined);
      assert.equal(res.finishReason, 'stop');
      assert.equal(deltas.join(''), res.text);
      if (v.stream) assert.ok(deltas.length > 1, 'a streamed reply arrives in several deltas');
      const req = s.requests[0];
      assert.equal(req.protocol, v.provider);
      assert.equal(req.stream, v.stream);
      assert.equal(req.model, 'scripted-model');
      assert.deepEqual(req.messages, MESSAGES);
      if (v.provider === 'openai') {
        assert.equal(req.headers.authorization, `Bearer ${KEY}`);
        if (v.stream) assert.deepEqual(req.body.stream_options, { include_usage: true });
      }
    });

    it('uses the request model and options, and sends extra headers', async () => {
      const s = await serve(['ok']);
      await client(s, v, { headers: { 'x-tenant': 'team-a' } }).chat({
        messages: MESSAGES,
        model: 'scripted-small',
        maxOutputTokens: 77,
        temperature: 0.25,
      });
      const req = s.requests[0];
      assert.equal(req.model, 'scripted-small');
      assert.equal(req.headers['x-tenant'], 'team-a');
      if (v.provider === 'openai') {
        assert.equal(req.body.max_tokens, 77);
        assert.equal(req.body.temperature, 0.25);
      } else {
        assert.deepEqual(req.body.options, { num_predict: 77, temperature: 0.25 });
      }
    });

    it('estimates usage (chars/4) and flags it when the server reports none', async () => {
      const s = await serve([{ text: 'twelve chars', noUsage: true }]);
      const res = await client(s, v).chat({ messages: MESSAGES });
      assert.equal(res.usageEstimated, true);
      const inputChars = MESSAGES.map((m) => m.content).join('').length;
      assert.deepEqual(res.usage, { inputTokens: Math.ceil(inputChars / 4), outputTokens: 3 });
    });

    it('waits at least Retry-After after a 429, then succeeds', async () => {
      const s = await serve([{ status: 429, retryAfter: 1 }, 'after the wait']);
      const retries: number[] = [];
      const res = await client(s, v, { onRetry: (i) => retries.push(i.delayMs) }).chat({ messages: MESSAGES });
      assert.equal(res.text, 'after the wait');
      assert.equal(s.requests.length, 2);
      assert.deepEqual(retries, [1000]);
      assert.ok(s.requests[1].receivedAt - s.requests[0].receivedAt >= 1000, 'the second request came at least 1 s later');
    });

    it('caps a long Retry-After at maxDelayMs', async () => {
      const s = await serve([{ status: 503, retryAfter: 3600 }, 'soon']);
      const retries: number[] = [];
      const res = await client(s, v, { retry: { maxDelayMs: 50 }, onRetry: (i) => retries.push(i.delayMs) }).chat({ messages: MESSAGES });
      assert.equal(res.text, 'soon');
      assert.deepEqual(retries, [50]);
    });

    it('retries a 500, then succeeds', async () => {
      const s = await serve([{ status: 500, text: 'boom' }, 'recovered']);
      const res = await client(s, v).chat({ messages: MESSAGES });
      assert.equal(res.text, 'recovered');
      assert.equal(s.requests.length, 2);
    });

    it('retries a connection dropped mid-reply, then succeeds', async () => {
      const s = await serve([{ drop: true, text: 'one two three four five six seven eight' }, 'second try']);
      let shown = '';
      const retried: string[] = [];
      const res = await client(s, v).chat({
        messages: MESSAGES,
        onText: (d) => (shown += d),
        // What a UI does: drop the partial text of the failed attempt.
        onRetry: (info) => {
          retried.push(info.error.kind);
          shown = '';
        },
      });
      assert.equal(res.text, 'second try');
      assert.equal(s.requests.length, 2);
      assert.deepEqual(retried, ['network']);
      assert.equal(shown, 'second try');
    });

    it('reports a malformed body as bad_response after one retry', async () => {
      const s = await serve([{ malformed: true, text: 'one two three four' }, { malformed: true, text: 'again' }, 'never asked']);
      const err = await rejection(client(s, v).chat({ messages: MESSAGES }));
      assert.equal(err.kind, 'bad_response');
      assert.match(err.message, /could not be read .* is this really an (OpenAI-compatible|Ollama) endpoint\?/);
      assert.equal(s.requests.length, 2, 'one retry, then the error');
    });

    it('a body that is not a chat reply at all (an HTML page) is an error, never an empty reply', async () => {
      const s = await serve([{ rawBody: '<html><body>Welcome to nginx</body></html>' }, 'the real reply']);
      const res = await client(s, v).chat({ messages: MESSAGES });
      assert.equal(res.text, 'the real reply', 'retried once, and the retry answered');
      const s2 = await serve([{ rawBody: '<html>1</html>' }, { rawBody: '<html>2</html>' }]);
      const err = await rejection(client(s2, v).chat({ messages: MESSAGES }));
      assert.equal(err.kind, 'bad_response');
      assert.match(err.message, /could not be read/);
    });

    it('times out a request that never gets an answer', async () => {
      const s = await serve([{ hang: true }]);
      const err = await rejection(client(s, v, { timeoutMs: 300, retry: { maxRetries: 0 } }).chat({ messages: MESSAGES }));
      assert.equal(err.kind, 'timeout');
      assert.match(err.message, /within 0\.3 s/);
    });

    it('retries after a timeout', async () => {
      const s = await serve([{ hang: true }, 'answered']);
      const res = await client(s, v, { timeoutMs: 300 }).chat({ messages: MESSAGES });
      assert.equal(res.text, 'answered');
      assert.equal(s.requests.length, 2);
    });

    it('cancels promptly on abort, even while the server hangs', { timeout: 10_000 }, async () => {
      const s = await serve([{ hang: true }]);
      const controller = new AbortController();
      const pending = client(s, v, { timeoutMs: 600_000 }).chat({ messages: MESSAGES, signal: controller.signal });
      await waitFor(() => s.requests.length === 1);
      controller.abort();
      const err = await rejection(pending);
      assert.equal(err.kind, 'aborted');
    });

    it('cancels a retry wait on abort', { timeout: 10_000 }, async () => {
      const s = await serve([{ status: 429, retryAfter: 600 }, 'never']);
      const controller = new AbortController();
      const pending = client(s, v, { retry: { maxDelayMs: 600_000 }, onRetry: () => controller.abort() }).chat({
        messages: MESSAGES,
        signal: controller.signal,
      });
      const err = await rejection(pending);
      assert.equal(err.kind, 'aborted');
      assert.equal(s.requests.length, 1);
    });

    it('fails a 401 as auth at once, and never shows the key', async () => {
      // The server echoes the key back, as some proxies do.
      const s = await serve([{ status: 401, text: `Incorrect API key provided: ${KEY}` }, 'never']);
      const err = await rejection(client(s, v).chat({ messages: MESSAGES }));
      assert.equal(err.kind, 'auth');
      assert.equal(err.status, 401);
      assert.equal(s.requests.length, 1);
      assert.ok(!err.message.includes(KEY), err.message);
      assert.ok(!err.message.includes('SECRET'), err.message);
      assert.match(err.message, /^401 from http:\/\/127\.0\.0\.1:\d+/);
      if (v.provider === 'openai') assert.match(err.message, /set OPENAI_API_KEY or run 'RLM: Set API Key'/);
    });

    it('fails a 404 as not_found at once, naming the model', async () => {
      const s = await serve([{ status: 404, text: 'model not found' }, 'never']);
      const err = await rejection(client(s, v).chat({ messages: MESSAGES, model: 'no-such-model' }));
      assert.equal(err.kind, 'not_found');
      assert.equal(s.requests.length, 1);
      assert.match(err.message, /no-such-model/);
    });

    it('gives up after maxRetries with the last error', async () => {
      const s = await serve([
        { status: 503, text: 'first' },
        { status: 502, text: 'second' },
        { status: 500, text: 'third and last' },
        'never',
      ]);
      const err = await rejection(client(s, v, { retry: { maxRetries: 2 } }).chat({ messages: MESSAGES }));
      assert.equal(err.kind, 'server');
      assert.equal(err.status, 500);
      assert.match(err.message, /third and last/);
      assert.match(err.message, /gave up after 3 attempts/);
      assert.equal(s.requests.length, 3);
    });
  });
}

describe('streaming timeouts', () => {
  for (const provider of ['openai', 'ollama'] as const) {
    it(`${provider}: the timeout is an idle timeout between chunks, not a cap on the whole stream`, async () => {
      // 8 chunks 200 ms apart (~1.6 s in all) under a 1 s timeout: fine, because chunks keep arriving.
      const text = 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen';
      const s = await serve([{ text, chunkDelayMs: 200 }]);
      const res = await client(s, { provider, stream: true }, { timeoutMs: 1_000, retry: { maxRetries: 0 } }).chat({ messages: MESSAGES });
      assert.equal(res.text, text);
    });

    it(`${provider}: a stream that keeps dripping is abandoned at the request deadline and retried like a timeout`, async () => {
      // Chunks 150 ms apart never trip the 1 s idle timeout; the 500 ms deadline ends the attempt all the same.
      const drip = { text: 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen', chunkDelayMs: 150 };
      const s = await serve([drip, 'second try']);
      const retried: string[] = [];
      const res = await client(s, { provider, stream: true }, { timeoutMs: 1_000, deadlineMs: 500, onRetry: (i) => retried.push(i.error.message) }).chat({ messages: MESSAGES });
      assert.equal(res.text, 'second try');
      assert.equal(retried.length, 1);
      assert.match(retried[0], /did not finish within the request deadline of 0\.5 s/);
      const s2 = await serve([drip]);
      const err = await rejection(client(s2, { provider, stream: true }, { timeoutMs: 1_000, deadlineMs: 500, retry: { maxRetries: 0 } }).chat({ messages: MESSAGES }));
      assert.equal(err.kind, 'timeout');
    });

    it(`${provider}: a stream that stalls between chunks times out`, async () => {
      const s = await serve([{ text: 'one two three four', chunkDelayMs: 5_000 }]);
      const deltas: string[] = [];
      const err = await rejection(
        client(s, { provider, stream: true }, { timeoutMs: 400, retry: { maxRetries: 0 } }).chat({ messages: MESSAGES, onText: (d) => deltas.push(d) }),
      );
      assert.equal(err.kind, 'timeout');
    });
  }
});

describe('OpenAI-compatible endpoints', () => {
  it('keeps a query in the base URL (Azure api-version) on every request, and an api-key header', async () => {
    const s = await serve(['ok']);
    const c = createClient({
      provider: 'openai',
      model: 'deployment-1',
      baseUrl: `${s.openaiBaseUrl}?api-version=2024-10-21`,
      headers: { 'api-key': 'azure-key' },
    });
    assert.equal((await c.chat({ messages: MESSAGES })).text, 'ok');
    assert.equal(s.requests[0].url, '/v1/chat/completions?api-version=2024-10-21');
    assert.equal(s.requests[0].headers['api-key'], 'azure-key');
  });
});

describe('detectDefaultProvider', () => {
  it('picks OpenAI when OPENAI_API_KEY is set, with the default base URL', () => {
    const c = detectDefaultProvider({ OPENAI_API_KEY: 'sk-abc' });
    assert.equal(c.provider, 'openai');
    assert.equal(c.baseUrl, 'https://api.openai.com/v1');
    assert.equal(c.apiKey, 'sk-abc');
    assert.ok(c.model.length > 0);
  });

  it('takes the base URL from OPENAI_BASE_URL and the model from RLM_MODEL', () => {
    const c = detectDefaultProvider({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1', RLM_MODEL: 'qwen' });
    assert.deepEqual([c.provider, c.baseUrl, c.model], ['openai', 'http://127.0.0.1:8000/v1', 'qwen']);
  });

  it('falls back to a local Ollama when no key is set (or it is empty)', () => {
    for (const env of [{}, { OPENAI_API_KEY: '  ' }, { OPENAI_BASE_URL: 'http://x/v1' }]) {
      const c = detectDefaultProvider(env);
      assert.equal(c.provider, 'ollama');
      assert.equal(c.baseUrl, 'http://127.0.0.1:11434');
      assert.equal(c.apiKey, undefined);
    }
  });

  it('honours OLLAMA_HOST in its usual forms', () => {
    assert.equal(detectDefaultProvider({ OLLAMA_HOST: '0.0.0.0:1234' }).baseUrl, 'http://127.0.0.1:1234');
    assert.equal(detectDefaultProvider({ OLLAMA_HOST: 'gpu-box' }).baseUrl, 'http://gpu-box:11434');
    assert.equal(detectDefaultProvider({ OLLAMA_HOST: 'https://ollama.example.com' }).baseUrl, 'https://ollama.example.com');
  });
});

describe('checkReachable', () => {
  async function closedPort(): Promise<number> {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const { port } = srv.address() as net.AddressInfo;
    await new Promise<void>((r) => srv.close(() => r()));
    return port;
  }

  for (const provider of ['openai', 'ollama'] as const) {
    it(`${provider}: a closed port gives one line saying how to configure a model`, async () => {
      const port = await closedPort();
      const baseUrl = provider === 'openai' ? `http://127.0.0.1:${port}/v1` : `http://127.0.0.1:${port}`;
      const c = createClient({ provider, model: 'm', baseUrl, apiKey: KEY });
      const err = await rejection(checkReachable(c));
      assert.equal(err.kind, 'network');
      assert.ok(!err.message.includes('\n'), 'one line');
      assert.ok(err.message.includes(`127.0.0.1:${port}`), err.message);
      assert.match(err.message, /connection refused/);
      if (provider === 'ollama') {
        assert.match(err.message, /ollama serve/);
        assert.match(err.message, /OPENAI_API_KEY/);
      } else {
        // With a key set the user chose that endpoint: the hint is about it, not about Ollama.
        assert.match(err.message, /OpenAI-compatible server/);
        assert.match(err.message, /OPENAI_BASE_URL/);
        assert.doesNotMatch(err.message, /ollama serve|pull/i);
      }
      assert.ok(!err.message.includes(KEY));
    });
  }

  it('passes when the server answers (and, for Ollama, has the model)', async () => {
    const s = await serve([]);
    await checkReachable(createClient({ provider: 'openai', model: 'anything', baseUrl: s.openaiBaseUrl, apiKey: KEY }));
    await checkReachable(createClient({ provider: 'ollama', model: 'scripted-model', baseUrl: s.url }));
    await checkReachable(createClient({ provider: 'ollama', model: 'scripted-small:latest', baseUrl: s.url }));
    assert.equal(s.requests.length, 0, 'no chat request is spent on the check');
  });

  it('says which Ollama models exist when the configured one is missing', async () => {
    const s = await serve([]);
    const err = await rejection(checkReachable(createClient({ provider: 'ollama', model: 'llama3', baseUrl: s.url })));
    assert.equal(err.kind, 'not_found');
    assert.match(err.message, /ollama pull llama3/);
    assert.match(err.message, /scripted-model/);
  });
});

describe('retry policy pieces', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('7', now), 7);
    assert.equal(parseRetryAfter('1.5', now), 1.5);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now), 0, 'a date in the past means now');
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
  });

  it('backs off exponentially with jitter, capped', () => {
    const p = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000 };
    assert.equal(retryDelayMs(0, p, undefined, () => 0), 50);
    assert.equal(retryDelayMs(0, p, undefined, () => 1), 100);
    assert.equal(retryDelayMs(2, p, undefined, () => 1), 400);
    assert.equal(retryDelayMs(2, p, undefined, () => 0), 200);
    assert.equal(retryDelayMs(10, p, undefined, () => 1), 1_000);
    assert.equal(retryDelayMs(0, p, 0.3, () => 1), 300, 'Retry-After wins over the backoff');
    assert.equal(retryDelayMs(0, p, 60, () => 1), 1_000, 'Retry-After is capped too');
  });

  it('aborts a sleep at once', async () => {
    const controller = new AbortController();
    const sleeping = abortableSleep(600_000, controller.signal);
    controller.abort();
    await assert.rejects(sleeping, (e: unknown) => e instanceof ModelError && e.kind === 'aborted');
  });

  it('scrubs keys and URL credentials from messages', () => {
    assert.equal(redact(`bad key ${KEY}!`, KEY), 'bad key ***!');
    assert.equal(redact('Authorization: Bearer abcdefgh12345678'), 'Authorization: Bearer ***');
    assert.equal(displayUrl('https://user:pw@host.example/v1?api-key=zzz'), 'https://host.example/v1');
  });
});
