// Sandbox overhead (numbers and ratios only: the machine is shared and noisy).
//   node --import tsx bench/sandbox.bench.ts [--bundle]
//  1. start: createSandbox until ready (worker + QuickJS module + workspace open)
//  2. per code block: exec('1') round trip, against a bare in-process QuickJS eval of the same block
//  3. per host call: a no-op host function called 1000x sequentially and 1000x via Promise.all, and a workspace
//     read 200x, each from one block
//  --bundle runs the built dist/sandboxWorker.js (run `node scripts/build.mjs` first).
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core';
import variant from '@jitl/quickjs-ng-wasmfile-release-sync';
import { createSandbox, SANDBOX_WORKER_ENV } from '../src/rlm/sandbox/sandbox';

const BLOCKS = 300;
const CALLS = 1000;
const READS = 200;

if (process.argv.includes('--bundle')) process.env[SANDBOX_WORKER_ENV] = path.join(__dirname, '..', 'dist', 'sandboxWorker.js');

const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(9);

/** Median of per-item microseconds over `rounds` repetitions of `fn` (which does `items` items). */
async function measure(rounds: number, items: number, fn: () => Promise<void> | void): Promise<number> {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    await fn();
    samples.push(((performance.now() - t) * 1000) / items);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

async function bareQuickJs(): Promise<number> {
  const module = await newQuickJSWASMModuleFromVariant(variant);
  const ctx = module.newContext();
  const us = await measure(5, BLOCKS, () => {
    for (let i = 0; i < BLOCKS; i++) {
      const r = ctx.evalCode('1', 'block.js', (1 << 7) as never);
      ctx.unwrapResult(r).dispose();
      ctx.runtime.executePendingJobs();
    }
  });
  ctx.dispose();
  return us;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rlm-sandbox-bench-'));
  writeFileSync(path.join(dir, 'a.txt'), Array.from({ length: 200 }, (_, i) => `line ${i}`).join('\n'));
  try {
    const t0 = performance.now();
    const sb = await createSandbox({
      workspace: { roots: [{ name: 'bench', path: dir }] },
      hostFunctions: { noop: async () => null, llm_query: async () => '' },
      untimedHostFunctions: ['llm_query'],
    });
    const startMs = performance.now() - t0;
    // Warm up every path measured below (the engine's wasm and the bridges are compiled lazily).
    await sb.exec('for (let i = 0; i < 300; i++) { await noop(); await llm_query(""); await context.read("a.txt", {start: 1, end: 2}) }');

    const bare = await bareQuickJs();
    const perBlock = await measure(5, BLOCKS, async () => {
      for (let i = 0; i < BLOCKS; i++) await sb.exec('1');
    });
    const check = async (code: string) => {
      const r = await sb.exec(code);
      if (r.error) throw new Error(r.error);
    };
    const callBenches = async (rounds: number) => ({
      seq: await measure(rounds, CALLS, () => check(`for (let i = 0; i < ${CALLS}; i++) await noop()`)),
      par: await measure(rounds, CALLS, () => check(`await Promise.all(Array.from({length: ${CALLS}}, () => noop()))`)),
      untimed: await measure(rounds, CALLS, () => check(`for (let i = 0; i < ${CALLS}; i++) await llm_query("")`)),
      reads: await measure(rounds, READS, () => check(`for (let i = 0; i < ${READS}; i++) await context.read("a.txt", {start: 10, end: 20})`)),
    });
    await callBenches(1); // the first pass runs slower whatever comes first (JIT, lazy wasm compilation)
    const { seq, par, untimed, reads } = await callBenches(3);
    await sb.dispose();

    console.log(`sandbox overhead (${process.env[SANDBOX_WORKER_ENV] ? 'bundle' : 'source/tsx'} worker; medians)`);
    console.log(`  start (createSandbox -> ready)           ${fmt(startMs)} ms`);
    console.log(`  code block round trip exec('1')          ${fmt(perBlock)} us   bare in-process eval ${fmt(bare)} us   ratio ${fmt(perBlock / bare)}x`);
    console.log(`  host call, sequential (${CALLS}x)           ${fmt(seq)} us/call`);
    console.log(`  host call, Promise.all (${CALLS}x)          ${fmt(par)} us/call   sequential/parallel ${fmt(seq / par, 2)}x`);
    console.log(`  untimed host call, sequential (${CALLS}x)   ${fmt(untimed)} us/call`);
    console.log(`  context.read 11 lines, sequential (${READS}x) ${fmt(reads)} us/call   vs host call ${fmt(reads / seq, 2)}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
