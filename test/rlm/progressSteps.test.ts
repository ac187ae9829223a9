// The one step formatter: the texts the CLI, the notification, @rlm and the answer panel show for a run's events.
// (test/cli/firstRun.test.ts checks them on a real run's events; these cases pin the counting rules.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrajectoryEvent } from '../../src/rlm/events';
import { ProgressSteps, SettledSteps, turnLabel } from '../../src/rlm/progressSteps';
import { pickInstalledModel } from '../../src/rlm/models/providers';

const base = { time: 0 };
const usage = { inputTokens: 1500, outputTokens: 200 };
const start = (runId: string, depth: number, extra: object = {}): TrajectoryEvent => ({
  ...base, id: `s-${runId}`, type: 'run_start', runId, depth, question: 'Where is the cart built?', provider: 'openai', model: 'm', subModel: 's',
  workspace: { name: 'w', fileCount: 1234, totalBytes: 5_800_000 }, limits: { maxIterations: 3 }, ...extra,
});
const sub = (batch: { id: string; size: number } | undefined, error?: string): TrajectoryEvent => ({
  ...base, id: Math.random().toString(), type: 'subcall', kind: 'llm_query', runId: 'r0', parentId: 'c1', prompt: 'Explain src/a.ts', model: 's', usage, durationMs: 5, cached: false, ...(batch ? { batch } : {}), ...(error ? { error } : {}),
});

test('turns: "turn 2/3", and the forced answer after the limit says so instead of "turn 4/3"', () => {
  assert.equal(turnLabel(2, 3), 'turn 2/3');
  assert.equal(turnLabel(4, 3), 'last turn (limit of 3 turns reached: answering now)');
  const steps = new ProgressSteps();
  steps.next(start('r0', 0));
  const it = (n: number) => steps.next({ ...base, id: `i${n}`, type: 'iteration', runId: 'r0', iteration: n, response: '', usage, durationMs: 1 })!.text;
  assert.equal(it(1), 'turn 1/3 · 1.5k in / 200 out tokens');
  assert.match(it(4), /^last turn \(limit of 3 turns reached: answering now\) · 3\.0k in/);
});

test('the index line, grep hits counted per search, reads with their range', () => {
  const steps = new ProgressSteps();
  assert.equal(steps.next(start('r0', 0))!.text, 'indexed 1,234 files (5.5 MB) · asking m');
  const hit = (query: string, parentId: string) => steps.next({ ...base, id: Math.random().toString(), type: 'evidence', kind: 'grep', runId: 'r0', parentId, path: 'a.ts', line: 1, query });
  assert.deepEqual([hit('createServer', 'c1'), hit('createServer', 'c1')].map((s) => [s!.text, s!.key]), [
    ['grep "createServer" → 1 hit', 'grep:c1:createServer'],
    ['grep "createServer" → 2 hits', 'grep:c1:createServer'],
  ]);
  assert.equal(hit('createServer', 'c2')!.text, 'grep "createServer" → 1 hit', 'a new code block is a new search');
  assert.equal(steps.next({ ...base, id: 'r', type: 'evidence', kind: 'read', runId: 'r0', parentId: 'c2', path: 'lib/app.js', line: 40, endLine: 90 })!.text, 'read lib/app.js:40-90');
});

test('each search step is named by the helper the model called', () => {
  const steps = new ProgressSteps();
  const hit = (kind: 'definition' | 'symbol' | 'reference', query: string) =>
    steps.next({ ...base, id: Math.random().toString(), type: 'evidence', kind, runId: 'r0', parentId: 'c1', path: 'a.ts', line: 1, query })!.text;
  assert.equal(hit('definition', 'createElement'), 'definitions "createElement" → 1 hit');
  assert.equal(hit('symbol', 'create'), 'symbols "create" → 1 hit');
  assert.equal(hit('reference', 'createElement'), 'references "createElement" → 1 hit');
});

test('llm_batch counts its own calls, also when two batches interleave; a single llm_query is named with its prompt', () => {
  const steps = new ProgressSteps();
  const a = { id: 'b1', size: 32 };
  const b = { id: 'b2', size: 2 };
  assert.equal(steps.next(sub(a))!.text, 'llm_batch 1/32');
  assert.equal(steps.next(sub(b))!.text, 'llm_batch 1/2');
  assert.equal(steps.next(sub(a))!.text, 'llm_batch 2/32');
  assert.match(steps.next(sub(b, 'rate limited'))!.text, /^llm_batch 2\/2 \(one failed: rate limited\)$/);
  assert.equal(steps.next(sub(undefined))!.text, 'llm_query "Explain src/a.ts"');
});

test('child runs are indented by depth and named; code errors are one line', () => {
  const steps = new ProgressSteps();
  steps.next(start('r0', 0));
  const child = steps.next(start('r1', 1, { scope: { paths: ['src/a.ts', 'src/b.ts'] } }))!;
  assert.deepEqual([child.text, child.depth], ['child run r1 over 2 paths: "Where is the cart built?"', 1]);
  assert.equal(steps.next({ ...base, id: 'f1', type: 'final', runId: 'r1', answer: 'x', citations: [] })!.text, 'child r1 answered');
  const err = steps.next({ ...base, id: 'c', type: 'code', runId: 'r0', iteration: 1, index: 0, code: '', output: '', error: 'TypeError: x is not a function\n    at <eval>', durationMs: 1 })!;
  assert.deepEqual([err.text, err.error], ['code error: TypeError: x is not a function', true]);
});

test('settled steps (logs, chat): a counting step appears once with its final count (and at its start if asked)', () => {
  const events = [sub({ id: 'b', size: 3 }), sub({ id: 'b', size: 3 }), sub({ id: 'b', size: 3 }), sub(undefined)];
  const settled = new SettledSteps();
  assert.deepEqual(events.flatMap((e) => settled.push(e)).map((s) => s.text), ['llm_batch 3/3', 'llm_query "Explain src/a.ts"']);
  const announced = new SettledSteps({ announceFirst: true });
  assert.deepEqual([...events.flatMap((e) => announced.push(e)), ...announced.flush()].map((s) => s.text), ['llm_batch 1/3', 'llm_batch 3/3', 'llm_query "Explain src/a.ts"']);
});

test('the Ollama default: an installed chat model, coder models first, never an embedding model', () => {
  assert.equal(pickInstalledModel(['llama3.2:3b', 'qwen2.5-coder:7b']), 'qwen2.5-coder:7b');
  assert.equal(pickInstalledModel(['nomic-embed-text:latest', 'mistral:7b']), 'mistral:7b');
  assert.equal(pickInstalledModel(['deepseek-coder-v2:16b', 'codellama:7b']), 'deepseek-coder-v2:16b', 'the server\'s order among coder models');
  assert.equal(pickInstalledModel(['nomic-embed-text:latest']), undefined);
  assert.equal(pickInstalledModel([]), undefined);
});
