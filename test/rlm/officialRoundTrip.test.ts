// The official rlm log format, both ways, on a real depth-2 run (root -> child -> grandchild) through the scripted
// server: export nests child runs in rlm_calls[].metadata as the official library does, and import reads them back.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runRlm } from '../../src/rlm/engine';
import type { TrajectoryEvent } from '../../src/rlm/events';
import { createClient } from '../../src/rlm/models/createClient';
import { fromOfficialLog, toOfficialLog } from '../../src/rlm/trajectoryFormats';
import { startScriptedServer, type ScriptedRequest, type ScriptedReply } from '../support/scriptedModelServer';
import { isChildRun, isSubCall, js, makeProject, ROOT_MODEL, SAMPLE_PROJECT, SUB_MODEL, turnOf } from '../support/rlmScript';

let events: TrajectoryEvent[] = [];

before(async () => {
  const dir = makeProject(SAMPLE_PROJECT);
  const root = [js(`const c = await rlm_query('explain the cart', { paths: ['src'] });\nprint(c, await llm_query('root note'));`), js('FINAL("root: src/cart.ts:3")')];
  const reply = (req: ScriptedRequest): ScriptedReply => {
    if (isSubCall(req)) return 'a note';
    if (isChildRun(req)) {
      if (/This child run sees only: src\/cart\.ts/.test(req.messages[1].content)) return js("print(await context.read('src/cart.ts', { start: 3, end: 3 }));\nFINAL('grandchild: src/cart.ts:3');");
      return turnOf(req) === 1 ? js(`const g = await rlm_query('createCart?', { paths: ['src/cart.ts'] });\nprint(g, await llm_query('child note'));`) : js('FINAL("child: src/cart.ts:3-5")');
    }
    return root[turnOf(req) - 1];
  };
  const server = await startScriptedServer({ reply });
  try {
    const client = (model: string) => createClient({ provider: 'openai', model, baseUrl: server.openaiBaseUrl, apiKey: 'k', retry: { maxRetries: 1, baseDelayMs: 10 } });
    const result = await runRlm({ question: 'How does the cart work?', workspace: { roots: [{ name: 'shop', path: dir }] }, model: client(ROOT_MODEL), subModel: client(SUB_MODEL), limits: { maxDepth: 2 }, onEvent: (e) => events.push(e) });
    assert.equal(result.depth, 2);
  } finally {
    await server.close();
  }
});

/** The official lines without our own events: what the official library (or its visualizer) would see. */
function officialOnly(text: string): string {
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.stringify(JSON.parse(l), (k, v) => (k === 'rlm_vscode_events' ? undefined : v)))
    .join('\n');
}

test('export writes child runs inside rlm_calls[].metadata, the official way, two levels deep', () => {
  const lines = toOfficialLog(events).trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines[0].type, 'metadata');
  const call = lines[1].code_blocks[0].result.rlm_calls[0];
  assert.equal(call.prompt, 'explain the cart');
  assert.equal(call.root_model, SUB_MODEL);
  assert.deepEqual(Object.keys(call.metadata), ['run_metadata', 'iterations']);
  assert.equal(call.metadata.run_metadata.root_model, SUB_MODEL);
  assert.equal(call.metadata.iterations.length, 2);
  assert.equal(call.metadata.iterations[1].final_answer, 'child: src/cart.ts:3-5');
  const childCalls = call.metadata.iterations[0].code_blocks[0].result.rlm_calls;
  assert.deepEqual(childCalls.map((c: { prompt: string }) => c.prompt), ['createCart?', 'child note']);
  const grandchild = childCalls[0].metadata;
  assert.equal(grandchild.iterations[0].final_answer, 'grandchild: src/cart.ts:3');
  assert.equal(childCalls[1].metadata, undefined, 'an llm_query call has no metadata');
});

test('a depth-2 round trip keeps every event', () => {
  const back = fromOfficialLog(toOfficialLog(events));
  assert.deepEqual(back.problems, []);
  // Every event, field for field (the file stores lines by iteration, so the order differs; JSON drops undefined).
  const normal = (list: TrajectoryEvent[]) => JSON.parse(JSON.stringify([...list].sort((a, b) => a.id.localeCompare(b.id))));
  assert.equal(back.events.length, events.length);
  assert.deepEqual(normal(back.events), normal(events));
});

test('a log without our own events (as the official library writes it) imports child runs at their depths', () => {
  const back = fromOfficialLog(officialOnly(toOfficialLog(events)));
  assert.deepEqual(back.problems, []);
  const imported = back.events;
  const runs = (list: TrajectoryEvent[]) => list.filter((e) => e.type === 'run_start').map((e) => (e.type === 'run_start' ? [e.depth, e.question] : []));
  assert.deepEqual(runs(imported), runs(events), 'the same runs, at the same depths, with their questions');
  // Per run, in order: its iterations, code blocks, sub-calls (kind and prompt) and final answer.
  const shape = (list: TrajectoryEvent[]) => {
    const runIds = list.filter((e) => e.type === 'run_start').map((e) => e.runId);
    return runIds.map((id) => ({
      iterations: list.filter((e) => e.type === 'iteration' && e.runId === id).map((e) => (e.type === 'iteration' ? e.response : '')),
      code: list.filter((e) => e.type === 'code' && e.runId === id).map((e) => (e.type === 'code' ? [e.code, e.output] : [])),
      calls: list.filter((e) => e.type === 'subcall' && e.runId === id).map((e) => (e.type === 'subcall' ? [e.kind, e.prompt, e.response] : [])),
      final: list.filter((e) => e.type === 'final' && e.runId === id).map((e) => (e.type === 'final' ? e.answer : '')),
      ends: list.filter((e) => e.type === 'run_end' && e.runId === id).map((e) => (e.type === 'run_end' ? [e.stopReason, e.iterations] : [])),
    }));
  };
  assert.deepEqual(shape(imported), shape(events));
  // Child runs hang under the rlm_query call that started them.
  const byId = new Map(imported.map((e) => [e.id, e]));
  for (const start of imported.filter((e) => e.type === 'run_start' && e.depth > 0)) {
    const parent = byId.get(start.parentId ?? '');
    assert.ok(parent?.type === 'subcall' && parent.kind === 'rlm_query', `${start.id} hangs under an rlm_query`);
  }
});
