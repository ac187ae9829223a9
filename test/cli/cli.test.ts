// The CLI as a user runs it: the built dist/cli.js in a child process, the scripted server on 127.0.0.1.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScriptedReply, ScriptedRequest } from '../support/scriptedModelServer';
import { CLI, runCli, withServer } from '../support/cliRun';
import { js, isSubCall, makeProject, SAMPLE_PROJECT, turnOf, ROOT_MODEL, SUB_MODEL, lastUser } from '../support/rlmScript';

let dir: string;

before(() => {
  assert.ok(existsSync(CLI), 'dist/cli.js is built (npm run build)');
  dir = makeProject(SAMPLE_PROJECT);
});

const TURNS = [
  js(`const hits = await context.grep('createCart', { glob: 'src/**' });
print(hits.map(h => h.path + ':' + h.line + ' ' + h.text.trim()).join('\\n'));
const notes = await llm_batch(hits.map(h => 'Explain ' + h.path + ':' + h.line));
print(notes.join('\\n'));`),
  js(`const def = (await context.grep('export function createCart'))[0];
FINAL('createCart is defined at ' + def.path + ':' + def.line + ' and used in src/server.ts:5.');`),
];

function reply(req: ScriptedRequest): ScriptedReply {
  if (isSubCall(req)) return `note for ${lastUser(req)}`;
  return TURNS[turnOf(req) - 1];
}

test('ask: answer on stdout, progress on stderr, exit 0', async () => {
  await withServer(reply, async (server) => {
    const r = await runCli(['ask', '--dir', dir, '--model', ROOT_MODEL, '--sub-model', SUB_MODEL, 'Where is createCart defined?'], {
      OPENAI_API_KEY: 'sk-test-secret',
      OPENAI_BASE_URL: server.openaiBaseUrl,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'createCart is defined at src/cart.ts:3 and used in src/server.ts:5.');
    assert.match(r.stderr, /\[rlm\] turn 1\/20/);
    assert.doesNotMatch(r.stdout + r.stderr, /sk-test-secret/);
    assert.deepEqual(new Set(server.requests.filter(isSubCall).map((q) => q.model)), new Set([SUB_MODEL]));
  });
});

test('--json prints the run facts and --trajectory writes JSONL events', async () => {
  await withServer(reply, async (server) => {
    const trajectory = join(mkdtempSync(join(tmpdir(), 'rlm-traj-')), 'run.jsonl');
    const r = await runCli(
      ['ask', '--json', '--quiet', '--trajectory', trajectory, '--dir', dir, '--provider', 'openai', '--base-url', server.openaiBaseUrl, '--model', ROOT_MODEL, 'Where is createCart defined?'],
      { OPENAI_API_KEY: 'sk-test-secret' },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', '--quiet prints nothing on stderr');
    const out = JSON.parse(r.stdout);
    for (const key of ['answer', 'stopReason', 'iterations', 'subCalls', 'depth', 'usage', 'citations', 'durationMs', 'costUsd']) assert.ok(key in out, `--json has ${key}`);
    assert.equal(out.costUsd, null, 'scripted-model has no known price');
    assert.equal(out.stopReason, 'final');
    assert.equal(out.iterations, 2);
    assert.equal(out.subCalls, 3, 'one per grep hit: the import, the use and the definition');
    assert.equal(out.depth, 0);
    assert.ok(out.usage.inputTokens > 0 && out.usage.outputTokens > 0);
    assert.deepEqual(out.citations, [
      { path: 'src/cart.ts', line: 3, valid: true },
      { path: 'src/server.ts', line: 5, valid: true },
    ]);

    const events = readFileSync(trajectory, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const types = new Set(events.map((e) => e.type));
    for (const t of ['run_start', 'iteration', 'code', 'subcall', 'evidence', 'final', 'run_end']) assert.ok(types.has(t), `trajectory has ${t}`);
    const grepHits = events.filter((e) => e.type === 'evidence' && e.kind === 'grep');
    assert.ok(grepHits.some((e) => e.path === 'src/server.ts' && e.line === 5), 'grep hits are evidence with path and line');
    assert.doesNotMatch(readFileSync(trajectory, 'utf8'), /sk-test-secret/);
  });
});

test('--prices FILE prices the run (costUsd); --max-cost for an unpriced model is a usage error', async () => {
  await withServer(reply, async (server) => {
    const prices = join(mkdtempSync(join(tmpdir(), 'rlm-prices-')), 'prices.json');
    writeFileSync(prices, JSON.stringify({ [ROOT_MODEL]: { input: 1, output: 2 } }));
    const env = { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.openaiBaseUrl };
    const r = await runCli(['ask', '--json', '--quiet', '--prices', prices, '--max-cost', '5', '--dir', dir, '--model', ROOT_MODEL, 'Where is createCart defined?'], env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    // Every request went to the root model (no --sub-model): the cost is its tokens at $1/$2 per million.
    const expected = (out.usage.inputTokens * 1 + out.usage.outputTokens * 2) / 1e6;
    assert.ok(Math.abs(out.costUsd - expected) < 1e-12, `${out.costUsd} vs ${expected}`);

    const unpriced = await runCli(['ask', '--max-cost', '1', '--dir', dir, '--model', ROOT_MODEL, '--sub-model', SUB_MODEL, '--prices', prices, 'q'], env);
    assert.equal(unpriced.code, 2);
    assert.match(unpriced.stderr, /--max-cost needs a price for scripted-small: add it with --prices FILE/);
    writeFileSync(prices, '{"m": {"input": "cheap"}}');
    const bad = await runCli(['ask', '--prices', prices, '--dir', dir, 'q'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"m"\.input must be a number/);
  });
});

test('ollama provider works end to end', async () => {
  await withServer(reply, async (server) => {
    const r = await runCli(['ask', '--provider', 'ollama', '--base-url', server.url, '--model', ROOT_MODEL, '--dir', dir, 'Where is createCart defined?']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /src\/cart\.ts:3/);
    assert.ok(server.requests.every((q) => q.protocol === 'ollama'));
  });
});

test('no model reachable: one line saying how to configure one, non-zero exit', async () => {
  const r = await runCli(['ask', '--dir', dir, 'anything'], { OLLAMA_HOST: 'http://127.0.0.1:9' });
  assert.notEqual(r.code, 0);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^rlm: .*127\.0\.0\.1:9.*(OPENAI_API_KEY|ollama)/i);
});

test('usage errors are one clear line with exit 2', async () => {
  for (const [args, pattern] of [
    [['ask'], /missing question/],
    [['ask', '--max-iterations', 'x', 'q'], /--max-iterations needs a number/],
    [['ask', '--dir', '/no/such/dir', 'q'], /not a folder/],
    [['ask', '--api-key', 'k', 'q'], /OPENAI_API_KEY/],
    [['frobnicate'], /unknown command/],
  ] as [string[], RegExp][]) {
    const r = await runCli(args, { OPENAI_API_KEY: 'x' });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
  }
});

test('a limit still yields an answer from FINAL on the last turn, with exit 0 and the reason on stderr', async () => {
  await withServer(
    (req) => (/The run must stop now/.test(lastUser(req)) ? js('FINAL("best effort: src/retry.ts:4")') : js('print("looking")')),
    async (server) => {
      const r = await runCli(['ask', '--max-iterations', '2', '--dir', dir, '--model', ROOT_MODEL, 'q'], { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.openaiBaseUrl });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'best effort: src/retry.ts:4');
      assert.match(r.stderr, /stopped: max_iterations/);
    },
  );
});

test('Ctrl-C cancels the run promptly and exits 130 with the reason', async () => {
  await withServer(
    (req) => (isSubCall(req) ? { text: 'x', delayMs: 60_000 } : js('print(await llm_batch(["a", "b", "c"]))')),
    async (server) => {
      let kill: ((sig: NodeJS.Signals) => void) | undefined;
      const running = runCli(['ask', '--dir', dir, '--model', ROOT_MODEL, 'q'], { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.openaiBaseUrl }, (k) => (kill = k));
      while (server.requests.filter(isSubCall).length < 3) await new Promise((r) => setTimeout(r, 20));
      const started = Date.now();
      kill?.('SIGINT');
      const r = await running;
      assert.ok(Date.now() - started < 10_000);
      assert.equal(r.code, 130);
      assert.match(r.stderr, /no answer \(cancelled/);
    },
  );
});

test('a real folder: this project\'s own sources', async () => {
  const src = join(__dirname, '../../src');
  const expectedLine = readFileSync(join(src, 'rlm/types.ts'), 'utf8').split('\n').findIndex((l) => l.startsWith('export const DEFAULT_LIMITS')) + 1;
  const turns = [
    js(`const hits = await context.grep('export const DEFAULT_LIMITS', { glob: '*.ts' });
const h = hits[0];
print(await context.read(h.path, { start: h.line, end: h.line + 3, numbered: true }));
globalThis.cite = h.path + ':' + h.line;`),
    js('FINAL("The default limits are declared at " + cite + ".")'),
  ];
  await withServer((req) => turns[turnOf(req) - 1], async (server) => {
    const r = await runCli(['ask', '--json', '--dir', src, '--model', ROOT_MODEL, 'Where are the default limits?'], { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.openaiBaseUrl });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.answer, `The default limits are declared at rlm/types.ts:${expectedLine}.`);
    assert.deepEqual(out.citations, [{ path: 'rlm/types.ts', line: expectedLine, valid: true }]);
    assert.match(lastUser(server.requests[1]), new RegExp(`${expectedLine}\\| export const DEFAULT_LIMITS: RlmLimits = \\{`));
  });
});

test('--trajectory-format rlm writes the official rlm log format', async () => {
  await withServer(reply, async (server) => {
    const file = join(mkdtempSync(join(tmpdir(), 'rlm-traj-')), 'official.jsonl');
    const r = await runCli(['ask', '--quiet', '--trajectory', file, '--trajectory-format', 'rlm', '--dir', dir, '--model', ROOT_MODEL, 'Where is createCart defined?'], {
      OPENAI_API_KEY: 'k',
      OPENAI_BASE_URL: server.openaiBaseUrl,
    });
    assert.equal(r.code, 0, r.stderr);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines[0].type, 'metadata');
    const iterations = lines.filter((l) => l.type === 'iteration');
    assert.equal(iterations.length, 2);
    assert.match(iterations[0].response, /context\.grep\('createCart'/);
    assert.match(iterations[0].code_blocks[0].result.stdout, /src\/cart\.ts:3/);
    assert.equal(iterations[0].code_blocks[0].result.rlm_calls.length, 3);
    assert.match(iterations[1].final_answer, /src\/cart\.ts:3/);
  });
});

test('--version prints the package version; --help lists the commands and every shared option', async () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8'));
  const v = await runCli(['--version']);
  assert.equal(v.code, 0);
  assert.equal(v.stdout.trim(), pkg.version);
  const top = await runCli(['--help']);
  assert.equal(top.code, 0);
  assert.match(top.stdout, /^\s+ask\b/m);
  const help = await runCli(['ask', '--help']);
  assert.equal(help.code, 0);
  for (const flag of ['--dir', '--provider', '--model', '--sub-model', '--base-url', '--max-iterations', '--max-depth', '--max-sub-calls', '--concurrency', '--timeout', '--block-timeout', '--json', '--trajectory', '--trajectory-format', '--quiet']) {
    assert.match(help.stdout, new RegExp(`^\\s+(-\\w, )?${flag} `, 'm'), `ask --help documents ${flag}`);
  }
  const none = await runCli([]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /missing command/);
});
