// Whole runs of the engine: the real OpenAI client against the scripted server, the real sandbox, real folders.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runRlm } from '../../src/rlm/engine';
import type { TrajectoryEvent } from '../../src/rlm/events';
import { createClient } from '../../src/rlm/models/createClient';
import { DEFAULT_LIMITS, type RunOptions } from '../../src/rlm/types';
import { startScriptedServer, type ScriptedServer, type ScriptedReply, type ScriptedRequest } from '../support/scriptedModelServer';
import { js, lastUser, makeProject, isSubCall, isChildRun, SAMPLE_PROJECT, ROOT_MODEL, SUB_MODEL, turnOf } from '../support/rlmScript';

let dir: string;
before(() => {
  dir = makeProject(SAMPLE_PROJECT);
});

async function withServer<T>(reply: (req: ScriptedRequest) => ScriptedReply | Promise<ScriptedReply>, fn: (s: ScriptedServer) => Promise<T>, latencyMs = 0): Promise<T> {
  const server = await startScriptedServer({ reply, latencyMs });
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

function options(server: ScriptedServer, extra: Partial<RunOptions> = {}): RunOptions & { events: TrajectoryEvent[] } {
  const events: TrajectoryEvent[] = [];
  const model = createClient({ provider: 'openai', model: ROOT_MODEL, baseUrl: server.openaiBaseUrl, apiKey: 'test-key', retry: { maxRetries: 1, baseDelayMs: 10 } });
  const subModel = createClient({ provider: 'openai', model: SUB_MODEL, baseUrl: server.openaiBaseUrl, apiKey: 'test-key', retry: { maxRetries: 1, baseDelayMs: 10 } });
  return { question: 'Where are retries implemented?', workspace: { roots: [{ name: 'shop', path: dir }] }, model, subModel, onEvent: (e) => events.push(e), events, ...extra };
}

test('a whole run: grep, read, FINAL with a citation computed from real output', async () => {
  const turns = [
    js(`const hits = await context.grep('export async function retry', { glob: '*.ts' });
print(hits.length, hits[0].path, hits[0].line);
globalThis.where = hits[0].path + ':' + hits[0].line;
print(await context.read(hits[0].path, { start: hits[0].line, end: hits[0].line + 2, numbered: true }));`),
    js('FINAL(`Retries are implemented by retry() at ${where}.`)'),
  ];
  await withServer((req) => turns[turnOf(req) - 1], async (server) => {
    const opts = options(server);
    const result = await runRlm(opts);
    assert.equal(result.stopReason, 'final');
    assert.equal(result.answer, 'Retries are implemented by retry() at src/retry.ts:4.');
    assert.deepEqual(result.citations, [{ path: 'src/retry.ts', line: 4, valid: true }]);
    assert.equal(result.iterations, 2);
    assert.ok(result.usage.inputTokens > 0 && result.usage.outputTokens > 0);

    // The first prompt carries metadata only, never file contents; the second carries the printed output.
    const first = server.requests[0].messages.map((m) => m.content).join('\n');
    assert.match(first, /Where are retries implemented\?/);
    assert.match(first, /5 files/);
    assert.doesNotMatch(first, /exponential backoff|createCart\(\)|SECRET_TOKEN/);
    assert.match(lastUser(server.requests[1]), /4\| export async function retry/);

    const types = opts.events.map((e) => e.type);
    assert.deepEqual([types[0], types.at(-2), types.at(-1)], ['run_start', 'final', 'run_end']);
    const reads = opts.events.filter((e) => e.type === 'evidence' && e.kind === 'read');
    assert.ok(reads.some((e) => e.type === 'evidence' && e.path === 'src/retry.ts' && e.line === 4 && e.endLine === 6));
    const code = opts.events.find((e) => e.type === 'code');
    const iteration = opts.events.find((e) => e.type === 'iteration');
    assert.equal(code?.parentId, iteration?.id);
    assert.ok(reads.every((e) => e.parentId === code?.id), 'evidence hangs under the code block that produced it');
  });
});

test('a citation to a line that does not exist is flagged, not passed on', async () => {
  await withServer(() => js('FINAL("See src/retry.ts:400 and src/missing.ts:1")'), async (server) => {
    const result = await runRlm(options(server));
    assert.deepEqual(result.citations.map((c) => c.valid), [false, false]);
    assert.match(result.answer, /Unverified citations: `src\/retry\.ts:400` \(the file has only 12 lines\)/);
  });
});

test('messy replies: no code, FINAL in prose, python fence, syntax error, thrown error, forgotten await', async () => {
  const turns = [
    'I think the answer is obvious.',
    'FINAL("retry lives in src/retry.ts")',
    '```python\nprint(context)\n```',
    js('const x = ;'),
    js('throw new Error("boom at step 5")'),
    js('const p = context.read("src/retry.ts"); print(p)'),
    js('FINAL("done: src/retry.ts:4")'),
  ];
  await withServer((req) => turns[turnOf(req) - 1], async (server) => {
    const result = await runRlm(options(server, { limits: { maxConsecutiveErrors: 10 } }));
    assert.equal(result.stopReason, 'final');
    assert.equal(result.iterations, 7);
    const feedback = server.requests.slice(1).map(lastUser);
    assert.match(feedback[0], /no ```js code block/);
    assert.match(feedback[1], /outside a code block, so it was not taken as the answer/);
    assert.match(feedback[2], /Only ```js blocks run.*python/s);
    assert.match(feedback[3], /error: .*SyntaxError/i);
    assert.match(feedback[4], /error: .*boom at step 5/);
    assert.match(feedback[5], /Promise.*await/i);
  });
});

test('llm_batch fans out in parallel through the scheduler; identical calls are cached', async () => {
  const turns = [
    js(`const files = context.files.filter(f => f.path.endsWith('.ts')).map(f => f.path);
const answers = await llm_batch(files.map(p => 'Summarize ' + p));
const again = await llm_query('Summarize ' + files[0]);
print(answers.join(' | '), '|', again);`),
    js('FINAL("summaries: src/retry.ts:4")'),
  ];
  let inFlight = 0;
  let peak = 0;
  const reply = async (req: ScriptedRequest): Promise<ScriptedReply> => {
    if (isSubCall(req)) {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 100));
      inFlight--;
      assert.equal(req.model, SUB_MODEL);
      return `S(${lastUser(req).replace('Summarize ', '')})`;
    }
    return turns[turnOf(req) - 1];
  };
  await withServer(reply, async (server) => {
    const opts = options(server, { limits: { concurrency: 2 } });
    const result = await runRlm(opts);
    assert.equal(result.stopReason, 'final');
    assert.equal(result.subCalls, 3, 'three distinct prompts; the repeat is answered from the cache');
    assert.equal(peak, 2, 'the concurrency limit is reached and respected');
    assert.match(lastUser(server.requests.filter((r) => !isSubCall(r))[1]), /S\(src\/cart\.ts\) \| S\(src\/retry\.ts\) \| S\(src\/server\.ts\) \| S\(src\/cart\.ts\)/);
    const subs = opts.events.filter((e) => e.type === 'subcall');
    assert.equal(subs.length, 4);
    assert.equal(subs.filter((e) => e.type === 'subcall' && e.cached).length, 1);
  });
});

test('a rate-limited endpoint narrows the concurrency: 429s above 4 in flight, then no more than the server takes', async () => {
  const turns = [js(`const r = await llm_batch(Array.from({ length: 40 }, (_, i) => 'item ' + i));\nprint(r.filter(x => x.startsWith('ok')).length);`), js('FINAL("done: src/cart.ts:1")')];
  const SERVER_CAPACITY = 4;
  let inFlight = 0;
  let limited = 0;
  let peakAccepted = 0;
  const reply = async (req: ScriptedRequest): Promise<ScriptedReply> => {
    if (!isSubCall(req)) return turns[turnOf(req) - 1];
    if (inFlight >= SERVER_CAPACITY) {
      limited++;
      return { status: 429, text: 'slow down', retryAfter: 0 };
    }
    inFlight++;
    peakAccepted = Math.max(peakAccepted, inFlight);
    await new Promise((r) => setTimeout(r, 40));
    inFlight--;
    return 'ok ' + lastUser(req);
  };
  await withServer(reply, async (server) => {
    const opts = options(server, {
      subModel: createClient({ provider: 'openai', model: SUB_MODEL, baseUrl: server.openaiBaseUrl, apiKey: 'test-key', retry: { maxRetries: 6, baseDelayMs: 5 } }),
    });
    const result = await runRlm(opts);
    assert.equal(result.stopReason, 'final');
    const code = opts.events.find((e) => e.type === 'code');
    assert.equal(code?.type === 'code' && code.output.trim(), '40', 'every call succeeded after its retries');
    assert.ok(limited > 0, 'the default concurrency (16) was above what the server takes');
    const subRequests = server.requests.filter(isSubCall).length;
    // Without narrowing, each wave would send 16 requests for 4 slots: about three 429s per success.
    assert.ok(limited < 40, `rate limits stayed few once the scheduler narrowed (${limited} 429s for 40 calls, ${subRequests} requests)`);
    assert.ok(peakAccepted <= SERVER_CAPACITY);
  });
});

test('rlm_query starts a child run over a subset; at max depth it degrades to llm_query', async () => {
  const root = [js(`const a = await rlm_query('What does cart.ts export?', { paths: ['src/cart.ts'] });\nprint('child said:', a);`), js('FINAL("ok: src/cart.ts:3")')];
  const child = (req: ScriptedRequest) =>
    turnOf(req) === 1
      ? js(`print(context.files.map(f => f.path).join(','));\nprint(await rlm_query('deeper?', { text: 'some text' }));`)
      : js(`FINAL('child saw: ' + ${JSON.stringify('')} + 'done')`);
  await withServer(
    (req) => (isSubCall(req) ? `deep:${lastUser(req).includes('some text')}` : isChildRun(req) ? child(req) : root[turnOf(req) - 1]),
    async (server) => {
      const opts = options(server, { limits: { maxDepth: 1 } });
      const result = await runRlm(opts);
      assert.equal(result.stopReason, 'final');
      assert.equal(result.depth, 1);
      const childReqs = server.requests.filter(isChildRun);
      assert.equal(childReqs[0].model, SUB_MODEL);
      assert.match(lastUser(childReqs[1]), /^output:\nsrc\/cart\.ts\ndeep:true/m, 'child sees only its subset; depth-2 call degraded to llm_query with the text');
      assert.match(lastUser(server.requests.filter((r) => !isSubCall(r) && !isChildRun(r))[1]), /child said: child saw: done/);
      const starts = opts.events.filter((e) => e.type === 'run_start');
      assert.equal(starts.length, 2);
      const childStart = starts[1];
      const rlmCall = opts.events.find((e) => e.type === 'subcall' && e.kind === 'rlm_query');
      assert.equal(childStart.parentId, rlmCall?.id, 'the child run hangs under the rlm_query sub-call');
    },
  );
});

test('iteration limit: one last turn asks for the best answer now', async () => {
  await withServer(
    (req) => (/The run must stop now/.test(lastUser(req)) ? js('FINAL("best effort: src/retry.ts:4")') : js('print("still looking")')),
    async (server) => {
      const result = await runRlm(options(server, { limits: { maxIterations: 3 } }));
      assert.equal(result.stopReason, 'max_iterations');
      assert.equal(result.answer, 'best effort: src/retry.ts:4');
      assert.equal(result.iterations, 4);
      assert.match(result.detail ?? '', /3 turns/);
    },
  );
});

test('token budget ends the run with max_tokens', async () => {
  await withServer(
    () => ({ text: js('print(1)'), usage: { inputTokens: 600, outputTokens: 10 } }),
    async (server) => {
      const result = await runRlm(options(server, { limits: { maxInputTokens: 1000 } }));
      assert.equal(result.stopReason, 'max_tokens');
      assert.ok(result.iterations <= 3);
    },
  );
});

test('consecutive errors end the run with max_errors', async () => {
  await withServer(
    () => js('throw new Error("always")'),
    async (server) => {
      const result = await runRlm(options(server, { limits: { maxConsecutiveErrors: 3 } }));
      assert.equal(result.stopReason, 'max_errors');
      assert.equal(result.iterations, 4);
    },
  );
});

test('whole-run timeout ends with timeout and the best answer', async () => {
  await withServer(
    (req) => (/The run must stop now/.test(lastUser(req)) ? js('FINAL("partial: src/retry.ts:4")') : { text: js('print(1)'), delayMs: 400 }),
    async (server) => {
      const result = await runRlm(options(server, { limits: { timeoutMs: 1000 } }));
      assert.equal(result.stopReason, 'timeout');
      assert.equal(result.answer, 'partial: src/retry.ts:4');
    },
  );
});

test('cancellation stops in-flight sub-calls promptly', async () => {
  const controller = new AbortController();
  await withServer(
    (req) => (isSubCall(req) ? { text: 'slow', delayMs: 30_000 } : js(`print(await llm_batch(Array.from({length: ${2 * DEFAULT_LIMITS.concurrency}}, (_, i) => 'q' + i)))`)),
    async (server) => {
      const opts = options(server, { signal: controller.signal });
      const started = Date.now();
      const running = runRlm(opts);
      while (server.requests.filter(isSubCall).length < DEFAULT_LIMITS.concurrency) await new Promise((r) => setTimeout(r, 20));
      controller.abort();
      const result = await running;
      const took = Date.now() - started;
      assert.equal(result.stopReason, 'cancelled');
      assert.equal(result.answer, '');
      assert.ok(took < 10_000, `cancelled run returned after ${took} ms`);
      assert.equal(server.requests.filter(isSubCall).length, DEFAULT_LIMITS.concurrency, 'queued sub-calls never started');
    },
  );
});

test('a model that keeps failing ends the run with model_error and a clear reason', async () => {
  await withServer(
    () => ({ status: 401 }),
    async (server) => {
      const result = await runRlm(options(server));
      assert.equal(result.stopReason, 'model_error');
      assert.match(result.detail ?? '', /401|API key/i);
      assert.doesNotMatch(result.detail ?? '', /test-key/);
    },
  );
});

test('paths outside the workspace and secret files are refused inside the sandbox', async () => {
  const turns = [
    js(`for (const p of ['../../etc/passwd', '/etc/passwd', '.env']) { try { await context.read(p); print('READ', p); } catch (e) { print('REFUSED', p, e.message); } }
const g = await context.grep('SECRET_TOKEN'); print('grep hits', g.length);`),
    js('FINAL("checked")'),
  ];
  await withServer((req) => turns[turnOf(req) - 1], async (server) => {
    await runRlm(options(server));
    const out = lastUser(server.requests[1]);
    assert.doesNotMatch(out, /READ/);
    assert.equal(out.match(/REFUSED/g)?.length, 3);
    assert.match(out, /grep hits 0/);
    assert.doesNotMatch(out, /do-not-leak/);
  });
});

after(() => undefined);

test('rlm_query over a piece of text: the child sees only that text, as input.txt', async () => {
  const root = [js(`print(await rlm_query('Count the lines', { text: 'alpha\\nbeta\\ngamma' }))`), js('FINAL("ok")')];
  const child = (req: ScriptedRequest) =>
    turnOf(req) === 1
      ? js(`print(JSON.stringify(context.files.map(f => f.path)), (await context.read('input.txt')).split('\\n').length)`)
      : js(`FINAL('child done')`);
  await withServer(
    (req) => (isChildRun(req) ? child(req) : root[turnOf(req) - 1]),
    async (server) => {
      const result = await runRlm(options(server));
      assert.equal(result.stopReason, 'final');
      const childReqs = server.requests.filter(isChildRun);
      assert.match(childReqs[0].messages[1].content, /only the text it was given \(16 characters\)/);
      assert.match(lastUser(childReqs[1]), /\["input\.txt"\] 3/);
    },
  );
});

test('at max depth, rlm_query with paths becomes one llm_query carrying those files, numbered', async () => {
  const root = [js(`print(await rlm_query('What does cart.ts export?', { paths: ['src/cart.ts'] }))`), js('FINAL("ok")')];
  let subPrompt = '';
  await withServer(
    (req) => {
      if (isSubCall(req)) {
        subPrompt = lastUser(req);
        return 'createCart and addItem';
      }
      return root[turnOf(req) - 1];
    },
    async (server) => {
      const result = await runRlm(options(server, { limits: { maxDepth: 0 } }));
      assert.equal(result.stopReason, 'final');
      assert.equal(server.requests.filter(isChildRun).length, 0, 'no child run at max depth');
      assert.match(subPrompt, /^What does cart\.ts export\?/);
      assert.match(subPrompt, /File src\/cart\.ts:\n1\| export interface Cart/);
      assert.match(subPrompt, /3\| export function createCart/);
      assert.doesNotMatch(subPrompt, /retry|SECRET/);
      assert.match(lastUser(server.requests.filter((r) => !isSubCall(r))[1]), /createCart and addItem/);
    },
  );
});
