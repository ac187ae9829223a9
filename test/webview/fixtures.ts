// Trajectories for the webview tests and benchmark: a small hand-made run with a child run, and generated
// runs of any size. Shapes follow src/rlm/events.ts exactly (typed, so a contract change breaks the build).
import type { TrajectoryEvent } from '../../src/rlm/events';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const usage = (i: number, o: number) => ({ inputTokens: i, outputTokens: o });

/** Root run: 2 iterations; iteration 1 greps and reads, makes an llm_query and an rlm_query whose child run reads a file. */
export function smallTrajectory(): TrajectoryEvent[] {
  const R = 'r0';
  const C = 'r1';
  return [
    { type: 'run_start', id: 'run0', runId: R, time: T0, depth: 0, question: 'Where is the cache invalidated?', provider: 'openai', model: 'gpt-4o-mini', subModel: 'gpt-4o-mini', workspace: { name: 'demo', fileCount: 3, totalBytes: 4096 }, limits: { maxIterations: 20, maxDepth: 2 } },
    { type: 'iteration', id: 'it1', parentId: 'run0', runId: R, time: T0 + 1000, iteration: 1, response: 'Let me search for invalidate.\n```js\nconst hits = await context.grep("invalidate")\nprint(hits)\n```', usage: usage(1200, 80), durationMs: 900 },
    { type: 'code', id: 'c1', parentId: 'it1', runId: R, time: T0 + 1100, iteration: 1, index: 0, code: 'const hits = await context.grep("invalidate")\nprint(hits)', output: '[{"path":"src/cache.ts","line":42}]', durationMs: 35 },
    { type: 'evidence', id: 'e1', parentId: 'c1', runId: R, time: T0 + 1110, kind: 'grep', path: 'src/cache.ts', line: 42, query: 'invalidate', text: '  invalidate(key: string) {' },
    { type: 'evidence', id: 'e2', parentId: 'c1', runId: R, time: T0 + 1120, kind: 'read', path: 'src/cache.ts', line: 40, endLine: 60 },
    { type: 'subcall', id: 's1', parentId: 'c1', runId: R, time: T0 + 1130, kind: 'llm_query', prompt: 'Summarize invalidate()', response: 'It deletes the key.', model: 'gpt-4o-mini', usage: usage(300, 20), durationMs: 400, cached: false },
    { type: 'subcall', id: 's2', parentId: 'c1', runId: R, time: T0 + 1140, kind: 'rlm_query', prompt: 'Who calls invalidate?', response: 'store.ts calls it.', model: 'gpt-4o-mini', usage: usage(0, 0), durationMs: 2000, cached: false },
    { type: 'run_start', id: 'run1', parentId: 's2', runId: C, time: T0 + 1150, depth: 1, question: 'Who calls invalidate?', provider: 'openai', model: 'gpt-4o-mini', subModel: 'gpt-4o-mini', workspace: { name: 'demo', fileCount: 3, totalBytes: 4096 }, scope: { paths: ['src/store.ts'] }, limits: { maxIterations: 5 } },
    { type: 'iteration', id: 'it1c', parentId: 'run1', runId: C, time: T0 + 1200, iteration: 1, response: '```js\nFINAL("store.ts:7")\n```', usage: usage(500, 30), durationMs: 300 },
    { type: 'code', id: 'c1c', parentId: 'it1c', runId: C, time: T0 + 1250, iteration: 1, index: 0, code: 'FINAL("store.ts:7")', output: '', durationMs: 5 },
    { type: 'evidence', id: 'e1c', parentId: 'c1c', runId: C, time: T0 + 1260, kind: 'read', path: 'src/store.ts', line: 1, endLine: 20 },
    { type: 'final', id: 'f1c', parentId: 'run1', runId: C, time: T0 + 1300, answer: 'src/store.ts:7', citations: [{ path: 'src/store.ts', line: 7, valid: true }] },
    { type: 'run_end', id: 'end1', parentId: 'run1', runId: C, time: T0 + 1310, stopReason: 'final', answer: 'src/store.ts:7', iterations: 1, subCalls: 0, usage: usage(500, 30), durationMs: 160 },
    { type: 'iteration', id: 'it2', parentId: 'run0', runId: R, time: T0 + 4000, iteration: 2, response: '```js\nFINAL(answer)\n```', usage: usage(1500, 60), durationMs: 700 },
    { type: 'code', id: 'c2', parentId: 'it2', runId: R, time: T0 + 4100, iteration: 2, index: 0, code: 'FINAL("The cache is invalidated in `src/cache.ts:42-48`, called from src/store.ts:7.")', output: '', error: 'ReferenceError: answer is not defined', durationMs: 3 },
    { type: 'final', id: 'f0', parentId: 'run0', runId: R, time: T0 + 4200, answer: 'The cache is invalidated in `src/cache.ts:42-48`, called from src/store.ts:7. See also src/gone.ts:3.', citations: [{ path: 'src/cache.ts', line: 42, endLine: 48, valid: true }, { path: 'src/store.ts', line: 7, valid: true }, { path: 'src/gone.ts', line: 3, valid: false, problem: 'no such file' }] },
    { type: 'run_end', id: 'end0', parentId: 'run0', runId: R, time: T0 + 4300, stopReason: 'final', answer: 'The cache is invalidated in `src/cache.ts:42-48`, called from src/store.ts:7. See also src/gone.ts:3.', iterations: 2, subCalls: 2, usage: usage(3500, 190), durationMs: 4300 },
  ];
}

/**
 * A generated run of about `nodes` tree nodes: iterations of 10 code blocks, each with a grep hit, a read,
 * and an llm_query; every 25th code block also spawns a child run with one iteration.
 */
export function syntheticTrajectory(nodes: number): TrajectoryEvent[] {
  const R = 'root';
  const events: TrajectoryEvent[] = [
    { type: 'run_start', id: 'run', runId: R, time: T0, depth: 0, question: `Synthetic question over ${nodes} nodes`, provider: 'openai', model: 'gpt-4o', subModel: 'gpt-4o-mini', workspace: { name: 'synthetic', fileCount: 1000, totalBytes: 5e7 }, limits: {} },
  ];
  let t = T0;
  let it = 0;
  let code = 0;
  while (events.length < nodes - 2) {
    it++;
    const itId = `it${it}`;
    events.push({ type: 'iteration', id: itId, parentId: 'run', runId: R, time: (t += 10), iteration: it, response: `Iteration ${it}: look at module ${it}.\n\`\`\`js\nprint(await context.grep("fn${it}"))\n\`\`\``, usage: usage(2000 + it, 100), durationMs: 800 });
    for (let k = 0; k < 10 && events.length < nodes - 2; k++) {
      const cId = `c${++code}`;
      events.push({ type: 'code', id: cId, parentId: itId, runId: R, time: (t += 10), iteration: it, index: k, code: `const r${code} = await context.grep("fn${code}")\nprint(r${code}.length)`, output: `${code % 7} hits`, durationMs: 20 });
      events.push({ type: 'evidence', id: `${cId}.g`, parentId: cId, runId: R, time: (t += 1), kind: 'grep', path: `src/mod${code % 300}/file${code}.ts`, line: (code % 500) + 1, query: `fn${code}`, text: `export function fn${code}() {` });
      events.push({ type: 'evidence', id: `${cId}.r`, parentId: cId, runId: R, time: (t += 1), kind: 'read', path: `src/mod${code % 300}/file${code}.ts`, line: 1, endLine: 80 });
      events.push({ type: 'subcall', id: `${cId}.s`, parentId: cId, runId: R, time: (t += 1), kind: 'llm_query', prompt: `What does fn${code} do?`, response: `fn${code} computes a value.`, model: 'gpt-4o-mini', usage: usage(400, 30), durationMs: 350, cached: code % 5 === 0 });
      if (code % 25 === 0) {
        const child = `child${code}`;
        events.push({ type: 'subcall', id: `${cId}.q`, parentId: cId, runId: R, time: (t += 1), kind: 'rlm_query', prompt: `Explain module ${code}`, response: 'Done.', model: 'gpt-4o-mini', usage: usage(0, 0), durationMs: 1500, cached: false });
        events.push({ type: 'run_start', id: `${child}.run`, parentId: `${cId}.q`, runId: child, time: (t += 1), depth: 1, question: `Explain module ${code}`, provider: 'openai', model: 'gpt-4o-mini', subModel: 'gpt-4o-mini', workspace: { name: 'synthetic', fileCount: 1000, totalBytes: 5e7 }, limits: {} });
        events.push({ type: 'iteration', id: `${child}.it1`, parentId: `${child}.run`, runId: child, time: (t += 1), iteration: 1, response: 'FINAL("ok")', usage: usage(300, 10), durationMs: 200 });
        events.push({ type: 'run_end', id: `${child}.end`, parentId: `${child}.run`, runId: child, time: (t += 1), stopReason: 'final', answer: 'ok', iterations: 1, subCalls: 0, usage: usage(300, 10), durationMs: 300 });
      }
    }
  }
  const answer = 'Synthetic answer citing src/mod1/file1.ts:2 and `src/mod2/file2.ts:3-9`.';
  events.push({ type: 'final', id: 'final', parentId: 'run', runId: R, time: (t += 10), answer, citations: [{ path: 'src/mod1/file1.ts', line: 2, valid: true }, { path: 'src/mod2/file2.ts', line: 3, endLine: 9, valid: true }] });
  events.push({ type: 'run_end', id: 'end', parentId: 'run', runId: R, time: (t += 10), stopReason: 'final', answer, iterations: it, subCalls: code, usage: usage(1e6, 5e4), durationMs: t - T0 });
  return events;
}

/** Payloads that must show up as text, never as markup. */
export const XSS = {
  script: '<script>window.__xss = 1</script>',
  img: '<img src=x onerror="window.__xss = 2">',
  svg: '<svg onload="window.__xss = 3"></svg>',
  link: '[click](javascript:window.__xss=4)',
  attr: '" onmouseover="window.__xss=5" x="',
};

/** A run where every piece of model and workspace text is an attack. */
export function xssTrajectory(): TrajectoryEvent[] {
  const all = Object.values(XSS).join(' ');
  const R = 'x';
  return [
    { type: 'run_start', id: 'run', runId: R, time: T0, depth: 0, question: `Q ${all}`, provider: 'openai', model: `m${XSS.img}`, subModel: 's', workspace: { name: XSS.script, fileCount: 1, totalBytes: 1 }, limits: {} },
    { type: 'iteration', id: 'it', parentId: 'run', runId: R, time: T0 + 1, iteration: 1, response: `reasoning ${all}\n\`\`\`js\n${XSS.script}\n\`\`\``, usage: usage(1, 1), durationMs: 1 },
    { type: 'code', id: 'c', parentId: 'it', runId: R, time: T0 + 2, iteration: 1, index: 0, code: `print("${XSS.script}")`, output: `out ${all}`, error: `err ${XSS.img}`, durationMs: 1 },
    { type: 'evidence', id: 'e', parentId: 'c', runId: R, time: T0 + 3, kind: 'grep', path: `src/${XSS.attr}.ts`, line: 3, query: XSS.svg, text: XSS.img },
    { type: 'subcall', id: 's', parentId: 'c', runId: R, time: T0 + 4, kind: 'llm_query', prompt: `p ${all}`, response: `r ${all}`, model: XSS.svg, usage: usage(1, 1), durationMs: 1, cached: false },
    { type: 'final', id: 'f', parentId: 'run', runId: R, time: T0 + 5, answer: `Answer ${all} <a href="javascript:alert(1)">x</a> [ok](https://example.com) src/a.ts:1`, citations: [{ path: `p${XSS.attr}`, line: 1, valid: false, problem: XSS.img }] },
    { type: 'run_end', id: 'end', parentId: 'run', runId: R, time: T0 + 6, stopReason: 'final', detail: XSS.svg, answer: 'a', iterations: 1, subCalls: 1, usage: usage(2, 2), durationMs: 6 },
  ];
}
