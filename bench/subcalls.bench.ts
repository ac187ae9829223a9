// 64 sub-calls at 300 ms scripted latency with concurrency 8, through the whole engine (sandbox llm_batch ->
// scheduler -> OpenAI client -> HTTP). Ideal wall time is ceil(64/8) x 0.3 s = 2.4 s; target ratio <= 1.15.
// The reference RLM runs sub-calls one by one: 64 x 0.3 s = 19.2 s.
import { runRlm } from '../src/rlm/engine';
import { createClient } from '../src/rlm/models/createClient';
import type { TrajectoryEvent } from '../src/rlm/events';
import { startScriptedServer } from '../test/support/scriptedModelServer';
import { isSubCall, js, makeProject, SAMPLE_PROJECT, turnOf } from '../test/support/rlmScript';

const CALLS = 64;
const LATENCY_MS = 300;
const CONCURRENCY = 8;

async function main() {
  const dir = makeProject(SAMPLE_PROJECT);
  const turns = [
    js(`const t0 = Date.now();\nconst r = await llm_batch(Array.from({ length: ${CALLS} }, (_, i) => 'item ' + i));\nprint('batch ms', Date.now() - t0, r.length);`),
    js('FINAL("done")'),
  ];
  const server = await startScriptedServer({
    reply: async (req) => {
      if (isSubCall(req)) {
        await new Promise((r) => setTimeout(r, LATENCY_MS));
        return 'ok';
      }
      return turns[turnOf(req) - 1];
    },
  });
  const ratios: number[] = [];
  try {
    for (let round = 0; round < 3; round++) {
      const events: TrajectoryEvent[] = [];
      const client = (model: string) => createClient({ provider: 'openai', model, baseUrl: server.openaiBaseUrl, apiKey: 'bench' });
      await runRlm({
        question: 'bench',
        workspace: { roots: [{ name: 'p', path: dir }] },
        model: client('scripted-model'),
        subModel: client('scripted-small'),
        limits: { concurrency: CONCURRENCY },
        onEvent: (e) => events.push(e),
      });
      const code = events.find((e) => e.type === 'code');
      const batchMs = Number(/batch ms (\d+)/.exec(code?.type === 'code' ? code.output : '')?.[1]);
      const ideal = Math.ceil(CALLS / CONCURRENCY) * LATENCY_MS;
      ratios.push(batchMs / ideal);
      console.log(`round ${round + 1}: ${CALLS} sub-calls in ${batchMs} ms; ideal ${ideal} ms; ratio ${(batchMs / ideal).toFixed(3)} (target <= 1.15); sequential would take ${CALLS * LATENCY_MS} ms (${((CALLS * LATENCY_MS) / batchMs).toFixed(1)}x slower)`);
    }
  } finally {
    await server.close();
  }
  await cancelLatency(dir);
  const best = Math.min(...ratios);
  console.log(`subcalls: best ratio to ideal ${best.toFixed(3)} (target <= 1.15) ${best <= 1.15 ? 'PASS' : 'MISS'}`);
}

/** Time from abort() to runRlm resolving, with 8 slow sub-calls in flight and 56 queued. Target: under 1 s. */
async function cancelLatency(dir: string) {
  const server = await startScriptedServer({
    reply: async (req) => (isSubCall(req) ? { text: 'slow', delayMs: 30_000 } : js(`print(await llm_batch(Array.from({ length: ${CALLS} }, (_, i) => 'q' + i)))`)),
  });
  try {
    const times: number[] = [];
    for (let round = 0; round < 3; round++) {
      const controller = new AbortController();
      const client = (model: string) => createClient({ provider: 'openai', model, baseUrl: server.openaiBaseUrl, apiKey: 'bench' });
      const before = server.requests.length;
      const running = runRlm({ question: 'bench', workspace: { roots: [{ name: 'p', path: dir }] }, model: client('scripted-model'), subModel: client('scripted-small'), limits: { concurrency: CONCURRENCY }, signal: controller.signal });
      while (server.requests.slice(before).filter(isSubCall).length < CONCURRENCY) await new Promise((r) => setTimeout(r, 10));
      const t0 = performance.now();
      controller.abort();
      const result = await running;
      times.push(performance.now() - t0);
      if (result.stopReason !== 'cancelled') throw new Error(`expected cancelled, got ${result.stopReason}`);
    }
    const worst = Math.max(...times);
    console.log(`cancel: ${CONCURRENCY} sub-calls in flight, ${CALLS - CONCURRENCY} queued -> run ended ${times.map((t) => t.toFixed(0)).join(' / ')} ms after abort (target < 1000 ms) ${worst < 1000 ? 'PASS' : 'MISS'}`);
  } finally {
    await server.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
