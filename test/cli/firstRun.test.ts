// The CLI's first run, as a new user meets it (issue 8): the model it picks, the progress it prints, the errors it
// gives. The built dist/cli.js in a child process against the scripted server on 127.0.0.1.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startScriptedServer, type ScriptedRequest, type ScriptedReply } from '../support/scriptedModelServer';
import { CLI, runCli, withServer } from '../support/cliRun';
import { js, isSubCall, makeProject, SAMPLE_PROJECT, turnOf, ROOT_MODEL, lastUser } from '../support/rlmScript';

let dir: string;
before(() => {
  assert.ok(existsSync(CLI), 'dist/cli.js is built (npm run build)');
  dir = makeProject(SAMPLE_PROJECT);
});

const openai = (url: string) => ({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: url });

test('Ollama with no --model: an installed model is picked (a coder one, never an embedding model) and named', async () => {
  const server = await startScriptedServer({
    models: ['nomic-embed-text:latest', 'llama3.2:3b', 'qwen2.5-coder:7b'],
    reply: () => js(`FINAL('done')`),
  });
  try {
    const r = await runCli(['ask', '--provider', 'ollama', '--base-url', server.url, '--dir', dir, 'q']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^\[rlm\] model: qwen2\.5-coder:7b \(picked from the 3 installed on Ollama, coder models first; choose with --model/m);
    assert.deepEqual([...new Set(server.requests.map((q) => q.model))], ['qwen2.5-coder:7b']);
  } finally {
    await server.close();
  }
});

test('Ollama with only embedding models: one line saying to pull a chat model, no chat request', async () => {
  const server = await startScriptedServer({ models: ['nomic-embed-text:latest'], reply: () => js(`FINAL('x')`) });
  try {
    const r = await runCli(['ask', '--provider', 'ollama', '--base-url', server.url, '--dir', dir, 'q']);
    assert.equal(r.code, 1);
    assert.match(r.stderr.trim(), /^rlm: Ollama at .* has no chat model installed — pull one/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.equal(server.requests.length, 0);
  } finally {
    await server.close();
  }
});

test('progress: indexing at once, then per turn what the code did in a few words', async () => {
  const turns = [
    js(`const hits = await context.grep('createCart');
const body = await context.read('src/cart.ts', { start: 1, end: 4 });
const notes = await llm_batch(hits.map((h) => 'Explain ' + h.path + ':' + h.line));
print(notes.length);`),
    js(`FINAL('createCart is at src/cart.ts:3.')`),
  ];
  const reply = (req: ScriptedRequest): ScriptedReply => (isSubCall(req) ? `note for ${lastUser(req)}` : turns[turnOf(req) - 1]);
  await withServer(reply, async (server) => {
    const r = await runCli(['ask', '--model', ROOT_MODEL, '--dir', dir, 'Where is createCart?'], openai(server.openaiBaseUrl));
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines[0], `[rlm] indexing ${dir}…`, 'the first line comes before the index is built');
    assert.match(lines[1], /^\[rlm\] indexed \d+ files \([\d.]+ (B|KB)\) · asking scripted-model$/);
    assert.match(lines[2], /^\[rlm\] turn 1\/20 · \S+ in \/ \S+ out tokens$/);
    // Piped stderr: a step that counts up is printed once, with its final count.
    assert.ok(lines.includes('[rlm] grep "createCart" → 3 hits'), r.stderr);
    assert.ok(lines.includes('[rlm] read src/cart.ts:1-4'), r.stderr);
    assert.ok(lines.includes('[rlm] llm_batch 3/3'), r.stderr);
    assert.ok(!lines.some((l) => /llm_batch [12]\/3|→ [12] hits?/.test(l)), 'intermediate counts are not printed to a pipe');
    assert.ok(lines.includes('[rlm] final answer · 1 citation'), r.stderr);
  });
});

test('the forced last turn after the turn limit is named so, not "turn 2/1"', async () => {
  const reply = (req: ScriptedRequest): ScriptedReply => (turnOf(req) === 1 ? js(`print(context.files.length)`) : js(`FINAL('answer at src/cart.ts:3')`));
  await withServer(reply, async (server) => {
    const r = await runCli(['ask', '--max-iterations', '1', '--model', ROOT_MODEL, '--dir', dir, 'q'], openai(server.openaiBaseUrl));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /\[rlm\] turn 1\/1 /);
    assert.match(r.stderr, /\[rlm\] last turn \(limit of 1 turn reached: answering now\)/);
    assert.doesNotMatch(r.stderr, /turn 2\/1/);
  });
});

test('an OpenAI address without its scheme gets one line saying to write it in full, before any request', async () => {
  for (const address of ['localhost:8000/v1', '127.0.0.1:8000/v1', '/v1']) {
    const r = await runCli(['ask', '--dir', dir, 'q'], openai(address));
    assert.equal(r.code, 1, address);
    assert.equal(
      r.stderr.trim(),
      `rlm: the OpenAI-compatible server address "${address}" is not an http(s) URL — write it in full, e.g. http://localhost:8000/v1 (OPENAI_BASE_URL, or --base-url, or rlm.openai.baseUrl in VS Code)`,
    );
  }
});

test('a model error is printed once', async () => {
  await withServer(() => ({ status: 400, text: 'model scripted-root does not support this request' }), async (server) => {
    const r = await runCli(['ask', '--model', ROOT_MODEL, '--dir', dir, 'q'], openai(server.openaiBaseUrl));
    assert.equal(r.code, 1);
    const mentions = r.stderr.split('\n').filter((l) => l.includes('does not support this request'));
    assert.equal(mentions.length, 1, r.stderr);
    assert.match(mentions[0], /^rlm: no answer \(model_error/);
  });
});

test('a folder with no readable files is refused before any model call', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'rlm-empty-'));
  await withServer(() => js(`FINAL('x')`), async (server) => {
    const r = await runCli(['ask', '--model', ROOT_MODEL, '--dir', empty, 'q'], openai(server.openaiBaseUrl));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^rlm: no readable files in /m);
    assert.equal(server.requests.length, 0, 'no chat request was made');
  });
});

test('--help tells the truth about the model defaults', async () => {
  const r = await runCli(['ask', '--help']);
  assert.equal(r.code, 0);
  const help = r.stdout.replace(/\s+/g, ' ');
  assert.match(help, /--model <name> root model \(default: \$RLM_MODEL, else openai: gpt-4\.1-mini; ollama: an installed model, coder models first\)/);
});
