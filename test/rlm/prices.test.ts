// The price source: name matching, cached-input pricing, provider-reported cost, and a whole run's costUsd and
// cost budget through the real OpenAI client and the scripted server.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { BUILT_IN_PRICES, CostTotal, parsePrices, PriceTable, usageCost } from '../../src/rlm/prices';
import { runRlm } from '../../src/rlm/engine';
import { createClient } from '../../src/rlm/models/createClient';
import type { TrajectoryEvent } from '../../src/rlm/events';
import { startScriptedServer, type ScriptedReply, type ScriptedRequest } from '../support/scriptedModelServer';
import { js, isSubCall, makeProject, SAMPLE_PROJECT, ROOT_MODEL, SUB_MODEL, turnOf } from '../support/rlmScript';

let dir: string;
before(() => {
  dir = makeProject(SAMPLE_PROJECT);
});

test('every built-in price names its source', () => {
  for (const [model, p] of Object.entries(BUILT_IN_PRICES)) {
    assert.match(p.source, /https:\/\/\S+.*20\d\d/, model);
    assert.ok(p.input > 0 && p.output >= p.input && (p.cachedInput ?? 0) <= p.input, model);
  }
});

test('lookup: exact, provider prefix, date suffix, :tag; overrides win; unknown is undefined', () => {
  const t = new PriceTable({ 'gpt-4o': { input: 1, output: 2 }, 'my-local': { input: 0, output: 0 } });
  assert.deepEqual(t.lookup('gpt-4o'), { input: 1, output: 2 });
  assert.deepEqual(t.lookup('openai/gpt-4.1-mini'), BUILT_IN_PRICES['gpt-4.1-mini']);
  assert.deepEqual(t.lookup('GPT-4.1-mini-2025-04-14'), BUILT_IN_PRICES['gpt-4.1-mini']);
  assert.deepEqual(t.lookup('my-local:latest'), { input: 0, output: 0 });
  assert.equal(t.lookup('scripted-model'), undefined);
});

test('cost: cached input at its own rate; a provider-reported cost wins; unpriced is null', () => {
  const price = { input: 2, output: 8, cachedInput: 0.5 };
  assert.equal(usageCost({ inputTokens: 1_000_000, outputTokens: 500_000, cachedInputTokens: 400_000 }, price), 0.6 * 2 + 0.4 * 0.5 + 0.5 * 8);
  const t = new PriceTable({ m: price });
  assert.equal(t.cost({ model: 'm', usage: { inputTokens: 1_000_000, outputTokens: 0 }, costUsd: 0.01 }), 0.01);
  assert.equal(t.cost({ model: 'served-name', usage: { inputTokens: 1_000_000, outputTokens: 0 } }, 'm'), 2);
  assert.equal(t.cost({ model: 'other', usage: { inputTokens: 10, outputTokens: 10 } }), null);
  const total = new CostTotal();
  total.add(1);
  assert.equal(total.value, 1);
  total.add(null);
  assert.equal(total.value, null);
  assert.equal(total.known, 1);
});

test('parsePrices names the bad entry', () => {
  assert.deepEqual(parsePrices({ a: { input: 1, output: 2, cachedInput: 0.1 } }, 'f'), { a: { input: 1, output: 2, cachedInput: 0.1 } });
  assert.throws(() => parsePrices([], 'f'), /f: expected an object/);
  assert.throws(() => parsePrices({ a: { input: 1 } }, 'f'), /"a"\.output must be a number/);
  assert.throws(() => parsePrices({ a: { input: -1, output: 1 } }, 'f'), /"a"\.input must be a number ≥ 0/);
  assert.throws(() => parsePrices({ a: { input: 1, output: 1, price: 3 } }, 'f'), /unknown field\(s\) price/);
});

const PRICES = new PriceTable({ [ROOT_MODEL]: { input: 10, output: 20 }, [SUB_MODEL]: { input: 1, output: 2, cachedInput: 0.5 } });

async function run(reply: (req: ScriptedRequest) => ScriptedReply, limits = {}, prices = PRICES) {
  const server = await startScriptedServer({ reply });
  try {
    const events: TrajectoryEvent[] = [];
    const client = (model: string) => createClient({ provider: 'openai', model, baseUrl: server.openaiBaseUrl, apiKey: 'k', retry: { maxRetries: 0 } });
    const result = await runRlm({ question: 'q', workspace: { roots: [{ name: 'shop', path: dir }] }, model: client(ROOT_MODEL), subModel: client(SUB_MODEL), prices, limits, onEvent: (e) => events.push(e) });
    return { result, events };
  } finally {
    await server.close();
  }
}

test('a run sums each response at its model price; cached tokens and a reported cost are honoured', async () => {
  const turns = [js('print(await llm_batch(["a", "b"]))'), js('FINAL("done at src/cart.ts:3")')];
  const { result, events } = await run((req) => {
    if (isSubCall(req)) {
      return req.messages[1].content === 'a'
        ? { text: 'x', usage: { inputTokens: 1000, outputTokens: 100 }, cachedTokens: 600 }
        : { text: 'y', usage: { inputTokens: 1000, outputTokens: 100 }, cost: 0.5 };
    }
    return { text: turns[turnOf(req) - 1], usage: { inputTokens: 2000, outputTokens: 50 } };
  });
  const root = 2 * (2000 * 10 + 50 * 20) / 1e6;
  const subA = (400 * 1 + 600 * 0.5 + 100 * 2) / 1e6;
  assert.ok(Math.abs(result.costUsd! - (root + subA + 0.5)) < 1e-12, String(result.costUsd));
  const subcalls = events.filter((e) => e.type === 'subcall');
  assert.deepEqual(subcalls.map((e) => e.type === 'subcall' && e.costUsd).sort(), [0.5, subA].sort());
  const end = events.at(-1);
  assert.equal(end?.type === 'run_end' && end.costUsd, result.costUsd);
});

test('costUsd is null when a model has no price', async () => {
  const { result } = await run(() => js('FINAL("x")'), {}, new PriceTable());
  assert.equal(result.stopReason, 'final');
  assert.equal(result.costUsd, null);
});

test('maxCostUsd ends the run cleanly with a last FINAL turn', async () => {
  // Each root turn costs 2000*10/1e6 = $0.02; the budget is $0.03: the second turn crosses it, the third is the last.
  let turns = 0;
  const { result } = await run((req) => {
    turns++;
    const last = req.messages.at(-1)!.content.includes('The run must stop now');
    return { text: last ? js('FINAL("best so far")') : js('print(1)'), usage: { inputTokens: 2000, outputTokens: 0 } };
  }, { maxCostUsd: 0.03 });
  assert.equal(result.stopReason, 'max_cost');
  assert.equal(result.answer, 'best so far');
  assert.match(result.detail ?? '', /cost budget of \$0\.03 is spent/);
  assert.equal(turns, 3);
});
