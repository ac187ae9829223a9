// The traps of issue 9, each driven through the real loop: the real OpenAI client against the scripted server,
// the real sandbox, real files. Each test fails on the code before issue 9.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runRlm } from '../../src/rlm/engine';
import type { TrajectoryEvent } from '../../src/rlm/events';
import { createClient } from '../../src/rlm/models/createClient';
import type { RunOptions } from '../../src/rlm/types';
import { startScriptedServer, type ScriptedReply, type ScriptedRequest, type ScriptedServer } from '../support/scriptedModelServer';
import { isChildRun, isSubCall, js, lastUser, makeProject, ROOT_MODEL, SAMPLE_PROJECT, SUB_MODEL, turnOf } from '../support/rlmScript';

let dir: string;
before(() => {
  dir = makeProject({
    ...SAMPLE_PROJECT,
    'src/greeting.ts': ['// Greetings.', '', 'export function greet(name: string) {', '  return `Hello, ${name}`;', '}', '', 'export const farewell = (n: string) => `Bye ${n}`;', ''].join('\n'),
    'données/fichier名.js': 'export const salut = () => "salut";\n',
  });
});

async function run(reply: (req: ScriptedRequest) => ScriptedReply, extra: Partial<RunOptions> = {}) {
  const server: ScriptedServer = await startScriptedServer({ reply });
  try {
    const events: TrajectoryEvent[] = [];
    const client = (model: string) => createClient({ provider: 'openai', model, baseUrl: server.openaiBaseUrl, apiKey: 'k', retry: { maxRetries: 0, baseDelayMs: 10 } });
    const result = await runRlm({ question: 'q', workspace: { roots: [{ name: 'shop', path: dir }] }, model: client(ROOT_MODEL), subModel: client(SUB_MODEL), onEvent: (e) => events.push(e), ...extra });
    const root = server.requests.filter((r) => !isSubCall(r) && !isChildRun(r));
    return { result, events, root, all: server.requests };
  } finally {
    await server.close();
  }
}

/** Root turns in order (the last one repeats). */
const turns = (...replies: string[]) => (req: ScriptedRequest) => (isSubCall(req) ? 'sub' : replies[Math.min(turnOf(req), replies.length) - 1]);

test('FINAL_VAR("report") answers with the variable, and a wrong name is an error listing the variables', async () => {
  const { result, root } = await run(
    turns(js('const report = "Retries: src/retry.ts:4"; FINAL_VAR("reprt")'), js('FINAL_VAR("report")')),
  );
  assert.equal(result.stopReason, 'final');
  assert.equal(result.answer, 'Retries: src/retry.ts:4');
  assert.match(lastUser(root[1]), /FINAL_VAR\("reprt"\): there is no variable named reprt\. Variables defined: report\./);
});

test('FINAL(...) in prose beside a code block gets the reminder', async () => {
  const { root } = await run(turns('Answer: FINAL("it is in src/retry.ts:4")\n```js\nprint(1)\n```', js('FINAL("done")')));
  assert.match(lastUser(root[1]), /You wrote FINAL\(\.\.\.\) outside a code block, so it was not taken as the answer/);
});

test('an llm_batch that does not fit is refused before any call starts, and the run goes on', async () => {
  const { result, root, all } = await run(
    turns(
      js('await llm_batch(["a", "b"])'),
      js('try { await llm_batch(["1", "2", "3", "4", "5"]) } catch (e) { print(e.message) }'),
      js('const h = await context.grep("export async function retry"); FINAL(`retry at ${h[0].path}:${h[0].line}`)'),
    ),
    { limits: { maxSubCalls: 5 } },
  );
  assert.match(lastUser(root[2]), /llm_batch of 5 needs 5 sub-calls, 3 left \(of 5\): nothing was started\. Send at most 3/);
  assert.equal(all.filter(isSubCall).length, 2, 'none of the refused batch reached the model');
  assert.equal(result.stopReason, 'final', 'the run was not ended by the refusal');
  assert.equal(result.answer, 'retry at src/retry.ts:4');
});

test('a spent sub-call budget refuses sub-calls but lets the run read and answer', async () => {
  const { result, root } = await run(
    turns(js('await llm_query("a")'), js('try { await llm_query("b") } catch (e) { print(e.message) }'), js('FINAL("retry is in src/retry.ts:4")')),
    { limits: { maxSubCalls: 1 } },
  );
  assert.match(lastUser(root[2]), /the sub-call budget of 1 is spent: .*Everything else still works/);
  assert.equal(result.stopReason, 'final');
});

test('the output cap is shared by what blocks print: one big block beside small ones is not cut', async () => {
  const { root } = await run(
    turns(js('print("a")', 'print("x".repeat(8000))', 'print("b")', 'print("c")'), js('FINAL("ok")')),
    { limits: { maxOutputChars: 12_000 } },
  );
  const msg = lastUser(root[1]);
  assert.ok(msg.includes('x'.repeat(8000)), 'the 8k block is whole');
  assert.doesNotMatch(msg, /characters cut/);
});

test('a cut through numbered output names the lines removed', async () => {
  const { root } = await run(
    turns(js('print(Array.from({length: 400}, (_, i) => (i + 1) + "| line " + (i + 1)).join("\\n"))'), js('FINAL("ok")')),
    { limits: { maxOutputChars: 2000 } },
  );
  assert.match(lastUser(root[1]), /\[\.\.\. lines \d+-\d+, [\d,]+ characters cut/);
});

test('after each turn the model sees its variables (name, type, size)', async () => {
  const { root } = await run(turns(js('const hits = await context.grep("retry"); var note = "abc"; function helper() {}'), js('FINAL("ok")')));
  assert.match(lastUser(root[1]), /Variables: hits \(array, \d+ items\), note \(string, 3 chars\), helper \(function\)\./);
});

test('errors point at the code with a caret and a hint', async () => {
  const { root } = await run(turns(js("const ts = context.files.filter(f => f.endsWith('.ts'))"), js('FINAL("ok")')));
  const msg = lastUser(root[1]);
  assert.match(msg, /TypeError: not a function/);
  assert.match(msg, /1 \| const ts = context\.files\.filter\(f => f\.endsWith\('\.ts'\)\)\n\s+\| +\^/);
  assert.match(msg, /hint: context\.files holds objects \{path, size, language\}/);
});

test('rlm_batch starts several child runs under one budget', async () => {
  const { result, all } = await run(
    (req) => {
      if (isChildRun(req)) return js(`FINAL("child: " + context.files.length)`);
      return turns(js('const r = await rlm_batch(["one", {prompt: "two", paths: ["src"]}]); FINAL(r.join(" | "))'))(req);
    },
  );
  assert.equal(result.stopReason, 'final');
  assert.match(result.answer, /^child: 7 \| child: 4$/);
  assert.equal(result.subCalls, 2);
  assert.equal(all.filter(isChildRun).length, 2);
});

test('a FINAL whose citations fail gets one repair turn listing each failure; what comes next is accepted', async () => {
  const { result, root } = await run(
    turns(
      js('FINAL("The greeting is built by `greet` in src/greeting.ts:1, see also src/greeting.ts:6 and `données/fichier名.js:1`.")'),
      js('FINAL("The greeting is built by `greet` in src/greeting.ts:3-5, see also src/greeting.ts:6.")'),
    ),
  );
  const repair = lastUser(root[1]);
  assert.match(repair, /Your FINAL answer was not accepted yet: 2 citations do not check out/);
  assert.match(repair, /- src\/greeting\.ts:1: line 1 does not contain "greet"/);
  assert.match(repair, /- src\/greeting\.ts:6: line 6 is blank/);
  assert.doesNotMatch(repair, /fichier名/, 'the non-ASCII citation was checked and holds');
  assert.equal(result.stopReason, 'final');
  assert.match(result.answer, /^The greeting is built by `greet` in src\/greeting\.ts:3-5/);
  assert.deepEqual(result.citations.map((c) => [c.path, c.line, c.valid]), [['src/greeting.ts', 3, true], ['src/greeting.ts', 6, false]]);
  assert.match(result.answer, /Unverified citation: `src\/greeting\.ts:6` \(line 6 is blank\)/);
});
