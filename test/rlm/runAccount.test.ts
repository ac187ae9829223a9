// The one account of a run, on real runs through the scripted server: the reducer agrees with the engine's own
// totals, the footer shows the reducer's numbers, and child runs end with their own events at the source.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runRlm } from '../../src/rlm/engine';
import type { RunEndEvent, SubCallEvent, TrajectoryEvent } from '../../src/rlm/events';
import { createClient } from '../../src/rlm/models/createClient';
import { accountOf, formatCost, formatDuration, formatFooter, formatTokens, sumAccounts } from '../../src/rlm/runAccount';
import type { RunOptions } from '../../src/rlm/types';
import { PriceTable } from '../../src/rlm/prices';
import { startScriptedServer, type ScriptedReply, type ScriptedRequest, type ScriptedServer } from '../support/scriptedModelServer';
import { isChildRun, isSubCall, js, lastUser, makeProject, ROOT_MODEL, SAMPLE_PROJECT, SUB_MODEL, turnOf } from '../support/rlmScript';

let dir: string;
before(() => {
  dir = makeProject(SAMPLE_PROJECT);
});

async function run(reply: (req: ScriptedRequest) => ScriptedReply, limits: RunOptions['limits'] = {}, prices?: PriceTable) {
  const server: ScriptedServer = await startScriptedServer({ reply });
  try {
    const client = (model: string) => createClient({ provider: 'openai', model, baseUrl: server.openaiBaseUrl, apiKey: 'test-key', retry: { maxRetries: 1, baseDelayMs: 10 } });
    const events: TrajectoryEvent[] = [];
    const result = await runRlm({
      question: 'Summarize the modules',
      workspace: { roots: [{ name: 'shop', path: dir }] },
      model: client(ROOT_MODEL),
      subModel: client(SUB_MODEL),
      limits,
      prices,
      onEvent: (e) => events.push(e),
    });
    return { result, events, server };
  } finally {
    await server.close();
  }
}

test('the reducer agrees with the engine on a run with cached sub-calls and a child run; the footer shows its numbers', async () => {
  const root = [
    js(`const a = await llm_batch(['one', 'two', 'one']);\nconst b = await llm_query('two');\nconst c = await rlm_query('what is in cart.ts?', { paths: ['src/cart.ts'] });\nprint(a.join(','), b, c);`),
    js('FINAL("done: src/cart.ts:3")'),
  ];
  const { result, events } = await run((req) =>
    isSubCall(req) ? { text: `S:${lastUser(req)}`, usage: { inputTokens: 1000, outputTokens: 100 } }
    : isChildRun(req) ? { text: js('FINAL("cart: src/cart.ts:3")'), usage: { inputTokens: 5000, outputTokens: 200 } }
    : { text: root[turnOf(req) - 1], usage: { inputTokens: 20_000, outputTokens: 1500 } },
    {},
    new PriceTable({ [ROOT_MODEL]: { input: 1, output: 10 }, [SUB_MODEL]: { input: 0.5, output: 2 } }),
  );
  assert.equal(result.stopReason, 'final');
  const account = accountOf(events);
  // 'one', 'two' fresh; the second 'one' and the llm_query 'two' from the cache; the rlm_query is a fresh sub-call.
  assert.equal(account.subCalls, 3);
  assert.equal(account.cachedSubCalls, 2);
  assert.equal(account.childRuns, 1);
  assert.equal(account.turns, 2);
  assert.equal(account.subCalls, result.subCalls, 'the budget counts what the reducer counts');
  assert.deepEqual(account.usage, result.usage, 'tokens: root turns 2x20k, child turn 5k, two fresh sub-calls 2x1k');
  assert.deepEqual(account.usage, { inputTokens: 47_000, outputTokens: 3_400 });
  assert.equal(account.durationMs, result.durationMs);
  // Root turns 40k in / 3k out at $1/$10 per million; child turn and two sub-calls 7k in / 400 out at $0.5/$2.
  assert.ok(Math.abs((account.costUsd ?? NaN) - (0.04 + 0.03 + 0.0035 + 0.0008)) < 1e-9);
  assert.equal(account.costUsd, result.costUsd, "the account's cost is the engine's");

  const footer = formatFooter(account);
  assert.match(footer, /^2 turns · 5 sub-calls \(2 cached\) · 1 child run · 47k in \/ 3\.4k out tokens · \$0\.074 · (\d+ ms|\d+(\.\d)? s)$/);
  assert.equal(footer, `${account.turns} turns · ${account.subCalls + account.cachedSubCalls} sub-calls (${account.cachedSubCalls} cached) · ${account.childRuns} child run · ${formatTokens(account.usage.inputTokens)} in / ${formatTokens(account.usage.outputTokens)} out tokens · ${formatCost(account.costUsd ?? NaN)} · ${formatDuration(account.durationMs)}`);
  assert.equal(sumAccounts([account, account]).costUsd, 2 * (account.costUsd ?? NaN));
  const twice = sumAccounts([account, { ...account, costUsd: null }]);
  assert.equal(twice.turns, 4);
  assert.equal(twice.costUsd, null, 'an unknown cost stays unknown in a sum');
});

test('a finished child run emits its final (with checked citations) and run_end, and its rlm_query row carries its tokens (depth 2)', async () => {
  const root = [js(`print(await rlm_query('explain the cart', { paths: ['src'] }));`), js('FINAL("root: src/cart.ts:3")')];
  const { result, events } = await run(
    (req) => {
      if (isSubCall(req)) return { text: 'sub', usage: { inputTokens: 10, outputTokens: 1 } };
      if (isChildRun(req)) {
        const depth2 = /This child run sees only: src\/cart\.ts/.test(req.messages[1].content);
        if (depth2) return { text: js('FINAL("grandchild: src/cart.ts:3 and src/nowhere.ts:1")'), usage: { inputTokens: 300, outputTokens: 30 } };
        return turnOf(req) === 1
          ? { text: js(`const g = await rlm_query('createCart?', { paths: ['src/cart.ts'] });\nprint(g, await llm_query('x'));`), usage: { inputTokens: 2000, outputTokens: 200 } }
          : { text: js('FINAL("child: src/cart.ts:3-5")'), usage: { inputTokens: 2500, outputTokens: 250 } };
      }
      return { text: root[turnOf(req) - 1], usage: { inputTokens: 10_000, outputTokens: 100 } };
    },
    { maxDepth: 2 },
  );
  assert.equal(result.stopReason, 'final');
  assert.equal(result.depth, 2);
  const starts = events.filter((e) => e.type === 'run_start');
  assert.deepEqual(starts.map((s) => s.depth), [0, 1, 2]);
  const ends = new Map(events.filter((e): e is RunEndEvent => e.type === 'run_end').map((e) => [e.runId, e]));
  const [r0, r1, r2] = starts.map((s) => s.runId);
  assert.equal(ends.size, 3, 'every run, child runs too, ends with its run_end');
  assert.deepEqual([ends.get(r2)?.stopReason, ends.get(r2)?.iterations, ends.get(r2)?.subCalls], ['final', 1, 0]);
  assert.deepEqual(ends.get(r2)?.usage, { inputTokens: 300, outputTokens: 30 });
  assert.equal(ends.get(r2)?.parentId, starts[2].id);
  // The child: its own two turns, its llm_query, and its grandchild.
  assert.deepEqual(ends.get(r1)?.usage, { inputTokens: 2000 + 2500 + 10 + 300, outputTokens: 200 + 250 + 1 + 30 });
  assert.equal(ends.get(r1)?.subCalls, 2);
  assert.deepEqual(ends.get(r0)?.usage, result.usage);

  const finals = new Map(events.filter((e) => e.type === 'final').map((e) => [e.runId, e]));
  const g = finals.get(r2);
  assert.deepEqual(
    g?.type === 'final' && g.citations.map((c) => [c.path, c.line, c.valid]),
    [['src/cart.ts', 3, true], ['src/nowhere.ts', 1, false]],
    "the grandchild's final carries its citations, checked",
  );
  const c = finals.get(r1);
  assert.deepEqual(c?.type === 'final' && c.citations.map((x) => [x.path, x.line, x.endLine]), [['src/cart.ts', 3, 5]]);

  const rlmRows = events.filter((e): e is SubCallEvent => e.type === 'subcall' && e.kind === 'rlm_query');
  const rowOf = (runId: string) => rlmRows.find((r) => r.id === starts.find((s) => s.runId === runId)?.parentId);
  assert.deepEqual(rowOf(r2)?.usage, ends.get(r2)?.usage, "the grandchild's rlm_query row carries its tokens");
  assert.deepEqual(rowOf(r1)?.usage, ends.get(r1)?.usage, "the child's rlm_query row carries its tokens (grandchild included)");
  // Shown on the row, not added again: the account still equals the engine's budget.
  assert.deepEqual(accountOf(events).usage, result.usage);
  assert.equal(accountOf(events).childRuns, 2);
});

test('one duration format everywhere: ms under a second, one decimal under ten, minutes past one; the panel uses the same function', async () => {
  assert.deepEqual([340, 3_240, 38_400, 125_000, -1, NaN].map(formatDuration), ['340 ms', '3.2 s', '38 s', '2 min 5 s', '', '']);
  const labels = await import('../../src/webview/model/labels');
  assert.equal(labels.formatDuration, formatDuration);
});
