// The scripted model server speaks both wire protocols correctly (checked with plain fetch, no SDK), plays its
// failures per reply, closes with hung requests open, and runs as a separate process from a script file.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startScriptedServer, optionsFromScript, type ScriptedReply, type ScriptedServer } from './scriptedModelServer';

const servers: ScriptedServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function serve(opts: Parameters<typeof startScriptedServer>[0]): Promise<ScriptedServer> {
  const s = await startScriptedServer(opts);
  servers.push(s);
  return s;
}

const user = (content: string) => [{ role: 'user', content }];

function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

describe('OpenAI protocol', () => {
  it('answers a plain chat completion with usage computed from the text', async () => {
    const s = await serve({ replies: ['sixteen chars!!!'] });
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(s.openaiBaseUrl, `${s.url}/v1`);
    const res = await postJson(`${s.openaiBaseUrl}/chat/completions`, { model: 'gpt-x', messages: user('12345678') }, { authorization: 'Bearer k' });
    assert.equal(res.status, 200);
    const body = (await res.json()) as any;
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.model, 'gpt-x');
    assert.deepEqual(body.choices[0].message, { role: 'assistant', content: 'sixteen chars!!!' });
    assert.equal(body.choices[0].finish_reason, 'stop');
    assert.deepEqual(body.usage, { prompt_tokens: 2, completion_tokens: 4, total_tokens: 6 });
    const req = s.requests[0];
    assert.deepEqual(
      { protocol: req.protocol, model: req.model, stream: req.stream, index: req.index, auth: req.headers.authorization },
      { protocol: 'openai', model: 'gpt-x', stream: false, index: 0, auth: 'Bearer k' },
    );
    assert.deepEqual(req.messages, user('12345678'));
  });

  it('streams SSE chunks, a usage chunk with no choices when asked, then [DONE]', async () => {
    const text = 'alpha beta gamma delta epsilon zeta eta theta iota kappa';
    const s = await serve({ replies: [{ text, usage: { inputTokens: 9, outputTokens: 8 } }, text] });
    for (const includeUsage of [true, false]) {
      const res = await postJson(`${s.openaiBaseUrl}/chat/completions`, {
        model: 'm',
        stream: true,
        messages: user('q'),
        ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
      });
      assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
      const events = (await res.text()).split('\n\n').filter(Boolean);
      assert.ok(events.every((e) => e.startsWith('data: ')));
      assert.equal(events.at(-1), 'data: [DONE]');
      const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)));
      const content = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
      assert.equal(content, text);
      assert.ok(chunks.filter((c) => c.choices[0]?.delta?.content).length > 1, 'several content chunks');
      const usageChunks = chunks.filter((c) => c.usage);
      if (includeUsage) {
        assert.equal(usageChunks.length, 1);
        assert.deepEqual(usageChunks[0].choices, []);
        assert.equal(usageChunks[0].usage.prompt_tokens, 9);
        assert.equal(chunks.at(-1).usage.completion_tokens, 8, 'usage comes last');
      } else assert.equal(usageChunks.length, 0);
    }
  });

  it('lists models', async () => {
    const s = await serve({});
    const body = (await (await fetch(`${s.openaiBaseUrl}/models`)).json()) as any;
    assert.equal(body.object, 'list');
    assert.ok(body.data.some((m: any) => m.id === 'scripted-model'));
  });

  it('sends error statuses with an OpenAI error body and Retry-After', async () => {
    const date = new Date(Date.now() + 5000).toUTCString();
    const s = await serve({ replies: [{ status: 429, retryAfter: 2, text: 'slow down' }, { status: 503, retryAfter: date }] });
    const r1 = await postJson(`${s.openaiBaseUrl}/chat/completions`, { model: 'm', messages: user('a') });
    assert.equal(r1.status, 429);
    assert.equal(r1.headers.get('retry-after'), '2');
    assert.equal(((await r1.json()) as any).error.message, 'slow down');
    const r2 = await postJson(`${s.openaiBaseUrl}/chat/completions`, { model: 'm', messages: user('a') });
    assert.equal(r2.status, 503);
    assert.equal(r2.headers.get('retry-after'), date);
  });
});

describe('Ollama protocol', () => {
  it('streams NDJSON by default, ending with done and the eval counts', async () => {
    const text = 'one two three four five six seven eight nine ten';
    const s = await serve({ replies: [text] });
    const res = await postJson(`${s.url}/api/chat`, { model: 'llama', messages: user('abcdefgh') });
    assert.match(res.headers.get('content-type') ?? '', /ndjson/);
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
    const last = lines.at(-1);
    assert.equal(last.done, true);
    assert.equal(last.prompt_eval_count, 2);
    assert.equal(last.eval_count, Math.ceil(text.length / 4));
    assert.ok(lines.slice(0, -1).every((l) => l.done === false && l.message.role === 'assistant'));
    assert.equal(lines.map((l) => l.message.content).join(''), text);
    assert.equal(s.requests[0].stream, true);
    assert.equal(s.requests[0].protocol, 'ollama');
  });

  it('answers one JSON object with stream:false', async () => {
    const s = await serve({ replies: [{ text: 'whole', usage: { inputTokens: 3, outputTokens: 1 } }] });
    const body = (await (await postJson(`${s.url}/api/chat`, { model: 'llama', stream: false, messages: user('x') })).json()) as any;
    assert.deepEqual(body.message, { role: 'assistant', content: 'whole' });
    assert.equal(body.done, true);
    assert.deepEqual([body.prompt_eval_count, body.eval_count], [3, 1]);
    assert.equal(s.requests[0].stream, false);
  });

  it('answers /api/tags and /api/version', async () => {
    const s = await serve({});
    const tags = (await (await fetch(`${s.url}/api/tags`)).json()) as any;
    assert.ok(tags.models.some((m: any) => m.name === 'scripted-model'));
    const version = (await (await fetch(`${s.url}/api/version`)).json()) as any;
    assert.equal(typeof version.version, 'string');
  });

  it('sends error statuses with an Ollama error body', async () => {
    const s = await serve({ replies: [{ status: 404, text: 'model "x" not found' }] });
    const res = await postJson(`${s.url}/api/chat`, { model: 'x', messages: user('a') });
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: 'model "x" not found' });
  });
});

describe('scripted failures and control', () => {
  it('drops the connection mid-reply', async () => {
    const s = await serve({ replies: [{ drop: true, text: 'a fairly long reply that will be cut in the middle' }] });
    const res = await postJson(`${s.openaiBaseUrl}/chat/completions`, { model: 'm', messages: user('a') });
    assert.equal(res.status, 200, 'headers arrive');
    await assert.rejects(res.text(), 'reading the body fails');
  });

  it('sends a malformed body', async () => {
    const s = await serve({ replies: [{ malformed: true }, { malformed: true }] });
    const r1 = await postJson(`${s.openaiBaseUrl}/chat/completions`, { model: 'm', messages: user('a') });
    await assert.rejects(r1.json(), SyntaxError);
    const r2 = await postJson(`${s.url}/api/chat`, { model: 'm', stream: false, messages: user('a') });
    await assert.rejects(r2.json(), SyntaxError);
  });

  it('hangs until close(), which ends the hung request', async () => {
    const s = await startScriptedServer({ replies: [{ hang: true }] });
    const pending = postJson(`${s.url}/api/chat`, { model: 'm', messages: user('a') });
    while (s.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    await s.close();
    await assert.rejects(pending, 'the client sees the connection end');
  });

  it('plays replies in order, then a reply function; a used-up script answers 400', async () => {
    const s = await serve({ replies: ['first'], reply: (req) => `echo: ${req.messages.at(-1)?.content} #${req.index}` });
    const ask = async (q: string) =>
      ((await (await postJson(`${s.openaiBaseUrl}/chat/completions`, { model: 'm', messages: user(q) })).json()) as any).choices[0].message.content;
    assert.equal(await ask('a'), 'first');
    assert.equal(await ask('b'), 'echo: b #1');
    const only = await serve({ replies: ['x'] });
    await postJson(`${only.url}/api/chat`, { model: 'm', stream: false, messages: user('a') });
    const res = await postJson(`${only.url}/api/chat`, { model: 'm', stream: false, messages: user('a') });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as any).error, /no reply left/);
  });

  it('waits latencyMs + delayMs before answering (the client waits at least that long)', async () => {
    const s = await serve({ latencyMs: 100, replies: [{ text: 'late', delayMs: 150 }] });
    const sent = Date.now();
    await (await postJson(`${s.url}/api/chat`, { model: 'm', stream: false, messages: user('a') })).json();
    assert.ok(Date.now() - sent >= 250);
  });

  it('matches script rules on the last user message or the model', async () => {
    const opts = optionsFromScript({
      rules: [
        { match: 'capital of', reply: 'Paris' },
        { match: '^small-', reply: { text: 'from the small model' } },
      ],
      default: 'fallback',
    });
    const req = (content: string, model = 'big') =>
      ({ protocol: 'openai', model, messages: [{ role: 'user', content }, { role: 'assistant', content: 'capital of' }], stream: false, headers: {}, index: 0, receivedAt: 0, body: {}, url: '/v1/chat/completions' }) as const;
    const reply = (r: ReturnType<typeof req>) => opts.reply!({ ...r, messages: [...r.messages] }) as ScriptedReply;
    assert.equal(reply(req('what is the capital of France?')), 'Paris');
    assert.deepEqual(reply(req('hi', 'small-1')), { text: 'from the small model' });
    assert.equal(reply(req('hi')), 'fallback', 'assistant messages are not matched');
  });
});

describe('CLI entry', () => {
  it('serves a script file in its own process and exits on SIGTERM', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scripted-'));
    try {
      const script = path.join(dir, 'script.json');
      writeFileSync(script, JSON.stringify({ rules: [{ match: 'hello', reply: 'hi from the script' }], default: { status: 500 } }));
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'scriptedModelServer.ts'), '--port', '0', '--script', script], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /LISTENING (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
          if (m) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`server exited early (${code}): ${out}`)));
      });
      const ok = (await (await postJson(`${url}/v1/chat/completions`, { model: 'm', messages: user('hello there') })).json()) as any;
      assert.equal(ok.choices[0].message.content, 'hi from the script');
      const fallback = await postJson(`${url}/api/chat`, { model: 'm', messages: user('anything else') });
      assert.equal(fallback.status, 500);
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
