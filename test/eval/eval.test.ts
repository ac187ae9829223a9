// `rlm eval` as a user runs it: the built CLI against the scripted model server, answers scripted right for some
// items and wrong for others, so every score, summary and file is known exactly.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startScriptedServer, type ScriptedReply, type ScriptedRequest, type ScriptedServer } from '../support/scriptedModelServer';
import { runCli } from '../support/cliRun';
import { js, makeProject, SAMPLE_PROJECT, ROOT_MODEL, turnOf, lastUser } from '../support/rlmScript';
import { DIRECT_SYSTEM_PROMPT } from '../../src/eval/methods';

let project: string;
let work: string;

/** Each item's question carries a marker; the scripted model's answer for it (right or wrong by design). */
const ANSWERS: Record<string, string> = {
  'Q-LOC': 'createCart is at src/cart.ts:3 and used at src/server.ts:5.', // 1 expected location of 1 → 1
  'Q-NUM': 'There are two.\nAnswer: 2', // expected 3 → 0
  'Q-SET': 'Answer: alpha, beta, zeta', // expected alpha,beta,gamma,delta: P 2/3, R 2/4 → F1 4/7
  'Q-CHOICE': 'It is the second.\n**Answer:** B', // expected B → 1
  'Q-CONTAINS': 'It uses a retry loop.', // expected retry + backoff → 0
};

function datasetLines(dir: string): string[] {
  return [
    { id: 'loc', workspace: `dir:${dir}`, question: 'Q-LOC Where is createCart defined?', expected: { locations: ['src/cart.ts:3'] }, tags: ['needle'] },
    { id: 'num', workspace: `dir:${dir}`, question: 'Q-NUM How many source files?', expected: { number: 3 }, tags: ['aggregation'] },
    { id: 'set', workspace: `dir:${dir}`, question: 'Q-SET Which names?', expected: { set: ['alpha', 'beta', 'gamma', 'delta'] }, tags: ['aggregation'] },
    { id: 'choice', workspace: `dir:${dir}`, question: 'Q-CHOICE Which one?', choices: { A: 'first', B: 'second' }, expected: { choice: 'B' }, tags: ['multi-hop'] },
    { id: 'contains', workspace: `dir:${dir}`, question: 'Q-CONTAINS How are requests retried?', expected: { contains: ['retry', 'backoff'] }, tags: ['multi-hop'] },
  ].map((o) => JSON.stringify(o));
}

function writeDataset(lines: string[]): string {
  const file = join(mkdtempSync(join(work, 'ds-')), 'items.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const isDirect = (req: ScriptedRequest) => req.messages[0]?.content === DIRECT_SYSTEM_PROMPT;

/** rlm methods answer through FINAL in a code block; direct answers in plain text. Q-FAIL always fails (400). */
function reply(req: ScriptedRequest): ScriptedReply {
  const first = req.messages.find((m) => m.role === 'user')?.content ?? '';
  if (first.includes('Q-FAIL')) return { status: 400, text: 'scripted: this model cannot answer that' };
  const marker = Object.keys(ANSWERS).find((k) => first.includes(k));
  const answer = marker ? ANSWERS[marker] : 'no idea';
  return isDirect(req) ? answer : js(`FINAL(${JSON.stringify(answer)})`);
}

async function withServer<T>(fn: (s: ScriptedServer) => Promise<T>, r: (req: ScriptedRequest) => ScriptedReply = reply): Promise<T> {
  const server = await startScriptedServer({ reply: r });
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

const env = (s: ScriptedServer) => ({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: s.openaiBaseUrl });
const readLines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

before(() => {
  project = makeProject(SAMPLE_PROJECT);
  work = mkdtempSync(join(tmpdir(), 'rlm-eval-test-'));
});

test('exact scores, per-tag summary, a bad line reported and skipped, a failing item recorded, every output file', async () => {
  const lines = datasetLines(project);
  lines.splice(3, 0, '{"id": "broken", "workspace": '); // line 4 of the file
  lines.push(JSON.stringify({ id: 'fail', workspace: `dir:${project}`, question: 'Q-FAIL anything', expected: { number: 1 }, tags: ['needle'] }));
  const ds = writeDataset(lines);
  const out = join(work, 'out-main');
  await withServer(async (s) => {
    const r = await runCli(['eval', '--dataset', ds, '--out', out, '--json', '--model', ROOT_MODEL], env(s));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /items\.jsonl:4: .*line skipped/);
    const summary = JSON.parse(r.stdout);
    assert.deepEqual(summary, JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')), '--json prints summary.json');

    const results = readLines(join(out, 'results.jsonl'));
    const byId = Object.fromEntries(results.map((x) => [x.id, x]));
    assert.deepEqual(Object.keys(byId).sort(), ['choice', 'contains', 'fail', 'loc', 'num', 'set']);
    assert.deepEqual(
      Object.fromEntries(results.map((x) => [x.id, [x.score, x.correct]])),
      { loc: [1, true], num: [0, false], set: [0.5714, true], choice: [1, true], contains: [0, false], fail: [0, false] },
    );
    assert.match(byId.set.scoreDetail, /2 of 4 expected, 3 named/);
    assert.match(byId.loc.scoreDetail, /recall 1\/1, precision 1\/2/);
    assert.deepEqual(byId.loc.citations.map((c: { path: string; line: number }) => `${c.path}:${c.line}`), ['src/cart.ts:3', 'src/server.ts:5']);
    assert.match(byId.fail.error, /^model_error: .*cannot answer that/);
    for (const x of results) {
      for (const k of ['id', 'method', 'score', 'correct', 'answer', 'citations', 'stopReason', 'iterations', 'subCalls', 'inputTokens', 'outputTokens', 'costUsd', 'durationMs']) assert.ok(k in x, `${x.id} has ${k}`);
      assert.equal(x.method, 'rlm');
      // scripted-model has no price; the failed item got no response at all, so nothing was spent.
      assert.equal(x.costUsd, x.id === 'fail' ? 0 : null, x.id);
    }

    const rlm = summary.methods.rlm;
    assert.equal(summary.items, 6);
    assert.equal(rlm.n, 6);
    assert.equal(rlm.score, 0.4286);
    assert.equal(rlm.accuracy, 0.5);
    assert.equal(rlm.errors, 1);
    assert.equal(rlm.costUsd, null);
    assert.equal(rlm.inputTokens, results.reduce((n: number, x: { inputTokens: number }) => n + x.inputTokens, 0));
    assert.deepEqual(rlm.tags, {
      aggregation: { n: 2, score: 0.2857, accuracy: 0.5 },
      'multi-hop': { n: 2, score: 0.5, accuracy: 0.5 },
      needle: { n: 2, score: 0.5, accuracy: 0.5 },
    });

    const report = readFileSync(join(out, 'report.md'), 'utf8');
    assert.match(report, /\| rlm \| 6 \| 0\.429\d? \| 50\.0% \|/);
    assert.match(report, /\| needle \| 0\.500 \(50\.0%, n=2\) \|/);
    assert.match(readFileSync(join(out, 'chart.svg'), 'utf8'), /^<svg [^>]*>.*score vs tokens.*score vs time/s);
    assert.deepEqual(readdirSync(join(out, 'trajectories')).sort(), ['choice.rlm.jsonl', 'contains.rlm.jsonl', 'fail.rlm.jsonl', 'loc.rlm.jsonl', 'num.rlm.jsonl', 'set.rlm.jsonl']);
    const events = readLines(join(out, 'trajectories', 'loc.rlm.jsonl'));
    assert.deepEqual([events[0].type, events.at(-1).type], ['run_start', 'run_end']);
  });
});

test("each method's prompt: rlm teaches sub-calls, rlm-no-sub neither teaches nor allows them, direct gets the files cut to --context-tokens", async () => {
  const big = makeProject({ ...SAMPLE_PROJECT, 'src/zz-big.ts': Array.from({ length: 800 }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n' });
  const ds = writeDataset([JSON.stringify({ id: 'loc', workspace: `dir:${big}`, question: 'Q-LOC Where is createCart defined?', expected: { locations: ['src/cart.ts:3'] } })]);
  const noSubReply = (req: ScriptedRequest): ScriptedReply => {
    const system = req.messages[0].content;
    if (isDirect(req)) return ANSWERS['Q-LOC'];
    // rlm-no-sub: try a sub-call first; the refusal must reach the model as a clear error.
    if (!system.includes('llm_query') && turnOf(req) === 1) return js('print(await llm_query("hi"))');
    return js(`FINAL(${JSON.stringify(ANSWERS['Q-LOC'])})`);
  };
  await withServer(async (s) => {
    const out = join(work, 'out-methods');
    const r = await runCli(['eval', '--dataset', ds, '--out', out, '--methods', 'rlm,direct,rlm-no-sub', '--context-tokens', '1000', '--quiet', '--model', ROOT_MODEL], env(s));
    assert.equal(r.code, 0, r.stderr);
    const systems = s.requests.map((q) => q.messages[0].content);
    const rlmReq = s.requests.find((q) => !isDirect(q) && q.messages[0].content.includes('llm_batch'))!;
    const noSub = s.requests.filter((q) => !isDirect(q) && !q.messages[0].content.includes('llm_'));
    const direct = s.requests.find(isDirect)!;
    assert.ok(rlmReq && direct, systems.map((x) => x.slice(0, 80)).join('\n'));
    assert.equal(noSub.length, 2, 'rlm-no-sub: two turns, its prompt names no llm_query/llm_batch/rlm_query');
    assert.doesNotMatch(noSub[0].messages[0].content, /rlm_query|llm_query|llm_batch/);
    assert.match(lastUser(noSub[1]), /llm_query is not available in this run: sub-model calls are switched off/);
    assert.match(lastUser(rlmReq), /^Question: Q-LOC Where is createCart defined\?\n\nCite every place as path:line/);

    const prompt = direct.messages[1].content;
    assert.match(prompt, /=== src\/cart\.ts ===\n1\| export interface Cart/);
    assert.match(prompt, /3\| export function createCart/);
    assert.match(prompt, /\[The workspace has 6 files, about [\d,]+ tokens; only the first 1,000 tokens are shown: 5 files in full, 1 cut partway, 0 left out\.\]/);
    assert.match(prompt, /\[… file cut here: the context budget is spent\]/);
    assert.match(prompt, /Question: Q-LOC Where is createCart defined\?\n\nCite every place/);
    assert.ok(prompt.length < 1000 * 4 + 2000, 'the cut context stays near the budget');

    const results = readLines(join(out, 'results.jsonl'));
    assert.deepEqual(results.map((x) => [x.method, x.score]), [['rlm', 1], ['direct', 1], ['rlm-no-sub', 1]]);
    assert.equal(results.find((x) => x.method === 'rlm-no-sub').subCalls, 0);
  }, noSubReply);
});

test('--resume skips finished items and re-runs failed ones; an existing --out without --resume is refused', async () => {
  let failing = true;
  const flaky = (req: ScriptedRequest): ScriptedReply => {
    const first = req.messages.find((m) => m.role === 'user')?.content ?? '';
    if (first.includes('Q-NUM') && failing) return { status: 400, text: 'scripted: not now' };
    return reply(req);
  };
  const ds = writeDataset(datasetLines(project));
  const out = join(work, 'out-resume');
  await withServer(async (s) => {
    const first = await runCli(['eval', '--dataset', ds, '--out', out, '--limit', '3', '--quiet', '--model', ROOT_MODEL], env(s));
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(readLines(join(out, 'results.jsonl')).map((x) => [x.id, !!x.error]), [['loc', false], ['num', true], ['set', false]]);

    const refused = await runCli(['eval', '--dataset', ds, '--out', out, '--quiet', '--model', ROOT_MODEL], env(s));
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /already has results: add --resume/);

    failing = false;
    const before = s.requests.length;
    const resumed = await runCli(['eval', '--dataset', ds, '--out', out, '--resume', '--json', '--quiet', '--model', ROOT_MODEL], env(s));
    assert.equal(resumed.code, 0, resumed.stderr);
    const asked = s.requests.slice(before).map((q) => q.messages.find((m) => m.role === 'user')!.content.match(/Q-[A-Z]+/)![0]);
    assert.deepEqual([...new Set(asked)].sort(), ['Q-CHOICE', 'Q-CONTAINS', 'Q-NUM'], 'only the failed and the new items ran');
    const lines = readLines(join(out, 'results.jsonl'));
    assert.equal(lines.length, 6, 'three kept, three appended');
    const summary = JSON.parse(resumed.stdout);
    assert.equal(summary.methods.rlm.n, 5);
    assert.equal(summary.methods.rlm.errors, 0);
    assert.equal(summary.methods.rlm.score, 0.5143);
  }, flaky);
});

test('--parallel runs items at once and scores them the same', async () => {
  let active = 0;
  let peak = 0;
  const slow = (req: ScriptedRequest): ScriptedReply => {
    active++;
    peak = Math.max(peak, active);
    setTimeout(() => active--, 400);
    return { text: reply(req) as string, delayMs: 400 };
  };
  const ds = writeDataset(datasetLines(project));
  await withServer(async (s) => {
    const out = join(work, 'out-parallel');
    const r = await runCli(['eval', '--dataset', ds, '--out', out, '--parallel', '3', '--json', '--quiet', '--model', ROOT_MODEL], env(s));
    assert.equal(r.code, 0, r.stderr);
    assert.ok(peak >= 2, `requests in flight at once: ${peak}`);
    const scores = Object.fromEntries(readLines(join(out, 'results.jsonl')).map((x) => [x.id, x.score]));
    assert.deepEqual(scores, { loc: 1, num: 0, set: 0.5714, choice: 1, contains: 0 });
    assert.equal(JSON.parse(r.stdout).methods.rlm.accuracy, 0.6);
  }, slow);
});

test('longbench-v2:FILE keeps only Code Repository Understanding, asks with the choices, scores the letter', async () => {
  const repo = Array.from({ length: 50 }, (_, i) => `def f${i}():\n    return ${i}\n`).join('\n');
  const entry = (id: string, domain: string, answer: string) => ({
    _id: id, domain, sub_domain: 'Code repo QA', difficulty: 'hard', length: 'short',
    question: `Q-CHOICE ${id}: which function returns 7?`, choice_A: 'f6', choice_B: 'f7', choice_C: 'f8', choice_D: 'none', answer, context: repo,
  });
  const file = join(mkdtempSync(join(work, 'lb-')), 'data.json');
  writeFileSync(file, JSON.stringify([entry('lb1', 'Code Repository Understanding', 'B'), entry('lb2', 'Single-Document QA', 'A'), entry('lb3', 'Code Repository Understanding', 'E')]));
  await withServer(async (s) => {
    const out = join(work, 'out-lb');
    const r = await runCli(['eval', '--dataset', `longbench-v2:${file}`, '--out', out, '--methods', 'rlm,direct', '--json', '--quiet', '--model', ROOT_MODEL], env(s));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /entry 3 \(lb3\): answer "E" is not A-D; skipped/);
    const results = readLines(join(out, 'results.jsonl'));
    assert.deepEqual(results.map((x) => [x.id, x.method, x.score, x.tags]), [['longbench-lb1', 'rlm', 1, ['hard', 'short']], ['longbench-lb1', 'direct', 1, ['hard', 'short']]]);
    const direct = s.requests.find(isDirect)!.messages[1].content;
    assert.match(direct, /=== context-001\.txt ===\n1\| def f0\(\):/);
    assert.match(direct, /Choices:\nA\) f6\nB\) f7\nC\) f8\nD\) none\n\nEnd your answer with a line "Answer: <letter>"/);
    assert.ok(existsSync(out));
  });
});

test('usage errors: no dataset, unknown method, unknown id, unknown built-in name', async () => {
  const ds = writeDataset(datasetLines(project));
  for (const [args, pattern] of [
    [['eval'], /missing --dataset/],
    [['eval', '--dataset', ds, '--methods', 'rlm,magic'], /unknown method magic/],
    [['eval', '--dataset', ds, '--ids', 'loc,nope'], /--ids: no item nope/],
    [['eval', '--dataset', 'no-such-set'], /no such file, and no built-in set of that name \(built-in: npm-code-qa\)/],
  ] as const) {
    const r = await runCli([...args], { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
  }
});
