// The QuickJS sandbox on its worker thread: the API the model sees, persistence, limits, isolation,
// cancellation, restarts, and the built bundle. Real QuickJS, real workspace over a temp folder.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, existsSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createSandbox, SANDBOX_WORKER_ENV } from '../../src/rlm/sandbox/sandbox';
import type { EvidenceEvent, HostFunction, Sandbox, SandboxOptions } from '../../src/rlm/sandbox/types';

const repoRoot = join(__dirname, '..', '..');
let dir: string;
const opened: Sandbox[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rlm-sandbox-test-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'math.js'), 'export function add(a, b) {\n  return a + b;\n}\n\nexport function twice(x) {\n  return add(x, x);\n}\n');
  writeFileSync(join(dir, 'README.md'), '# Demo\nhello world\nadd numbers with add()\n');
  // Enough matching lines that a small maxResults truncates.
  writeFileSync(join(dir, 'src', 'many.txt'), Array.from({ length: 30 }, (_, i) => `needle ${i}`).join('\n') + '\n');
});

after(async () => {
  await Promise.all(opened.map((s) => s.dispose()));
  rmSync(dir, { recursive: true, force: true });
});

async function open(extra: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  const sandbox = await createSandbox({
    workspace: { roots: [{ name: 'demo', path: dir }] },
    hostFunctions: {},
    ...extra,
  });
  opened.push(sandbox);
  return sandbox;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new Error('aborted'));
    });
  });

describe('the sandbox API and notebook semantics', () => {
  let sb: Sandbox;
  const evidence: EvidenceEvent[] = [];
  const hostCalls: { name: string; args: unknown[] }[] = [];
  before(async () => {
    const record = (name: string, fn: HostFunction): HostFunction => (args, signal) => {
      hostCalls.push({ name, args });
      return fn(args, signal);
    };
    sb = await open({
      hostFunctions: {
        llm_query: record('llm_query', async ([prompt]) => `echo:${String(prompt)}`),
        llm_batch: record('llm_batch', async ([prompts]) => (prompts as string[]).map((p) => `batch:${p}`)),
        rlm_query: record('rlm_query', async ([prompt, opts]) => `child:${String(prompt)}:${JSON.stringify(opts ?? null)}`),
        fails: record('fails', async () => {
          throw new Error('quota exceeded');
        }),
      },
      onEvidence: (e) => evidence.push(e),
    });
  });

  test('const, let, function and class persist from one block to the next, and can be declared again', async () => {
    const first = await sb.exec('const x = 1; let y = 2; function f() { return 3 } class K { m() { return 4 } }\nconst {a, b} = {a: 5, b: 6}');
    assert.equal(first.error, undefined);
    const second = await sb.exec('print(x + y + f() + new K().m() + a + b)');
    assert.equal(second.stdout, '21\n');
    const again = await sb.exec('const x = 100; class K {}\nprint(x, typeof K)');
    assert.equal(again.error, undefined);
    assert.equal(again.stdout, '100 function\n');
  });

  test('top-level await keeps its results in variables', async () => {
    const r = await sb.exec('const v = await Promise.resolve(41); const text = await context.read("README.md")');
    assert.equal(r.error, undefined);
    const next = await sb.exec('print(v + 1, text.split("\\n")[0])');
    assert.equal(next.stdout, '42 # Demo\n');
  });

  test('context facts: root, files, length, tree', async () => {
    const r = await sb.exec('print(context.root); print(context.files.map(f => f.path + ":" + f.language).join(",")); print(context.length); print(context.tree())');
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'demo');
    assert.match(lines[1], /^README\.md:markdown,src\/many\.txt:\w+,src\/math\.js:javascript$/);
    const total = ['README.md', 'src/math.js', 'src/many.txt'].reduce((n, p) => n + statSync(join(dir, p)).size, 0);
    assert.equal(Number(lines[2]), total);
    assert.match(r.stdout, /math\.js/);
    const summary = await sb.summary();
    assert.equal(summary.fileCount, 3);
    assert.equal(summary.totalBytes, total);
  });

  test('context.read: slices and numbered lines, with read evidence', async () => {
    evidence.length = 0;
    const r = await sb.exec('print(await context.read("src/math.js", {start: 5, end: 6, numbered: true}))');
    assert.equal(r.stdout, '5| export function twice(x) {\n6|   return add(x, x);\n');
    assert.deepEqual(evidence, [{ kind: 'read', path: 'src/math.js', line: 5, endLine: 6 }]);
  });

  test('context.grep: hits with total/truncated, compact printing, grep evidence', async () => {
    evidence.length = 0;
    const r = await sb.exec(
      'const g = await context.grep("needle", {maxResults: 3}); print(g.length, g.total, g.truncated, Object.keys(g).length); print(g[0]); print(g)',
    );
    assert.equal(r.error, undefined);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], '3 30 true 3');
    assert.match(r.stdout, /"path": "src\/many\.txt"/);
    assert.match(r.stdout, /src\/many\.txt:1: needle 0\n/);
    assert.match(r.stdout, /\(showing 3 of 30 matches; narrow with glob\/paths\)/);
    assert.equal(evidence.filter((e) => e.kind === 'grep').length, 3);
    assert.equal(evidence[0].query, 'needle');
    const opts = await sb.exec('const h = await context.grep("ADD", {ignoreCase: true, glob: "*.js", word: true}); print(h.map(x => x.path + ":" + x.line).join(" "))');
    assert.equal(opts.stdout, 'src/math.js:1 src/math.js:6\n');
    const regex = await sb.exec('print((await context.grep(/HELLO\\s+WORLD/i)).map(x => x.path + ":" + x.line).join(" "))');
    assert.equal(regex.stdout, 'README.md:2\n');
    const onePath = await sb.exec('print((await context.grep("add", {paths: "README.md"})).map(x => x.path + ":" + x.line).join(" "))');
    assert.equal(onePath.stdout, 'README.md:3\n');
  });

  test('code intelligence is forwarded to the workspace, with evidence; references print like grep', async () => {
    evidence.length = 0;
    const r = await sb.exec(
      [
        'const outline = await context.outline("src/math.js")',
        'const defs = await context.definitions("twice")',
        'const refs = await context.references("add")',
        'await context.symbols("twi")',
        'print(outline.map(s => s.name + "@" + s.line).join(" "))',
        'print(defs[0].path + ":" + defs[0].line, Array.isArray(refs), refs.total)',
        'print(refs)',
      ].join('\n'),
    );
    assert.equal(r.error, undefined);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'add@1 twice@5');
    assert.match(lines[1], /^src\/math\.js:5 true \d+$/);
    assert.match(r.stdout, /src\/math\.js:6: {3}return add\(x, x\);/);
    assert.deepEqual(evidence.find((e) => e.kind === 'outline'), { kind: 'outline', path: 'src/math.js', line: 1, endLine: 7 });
    assert.deepEqual(evidence.find((e) => e.kind === 'definition'), { kind: 'definition', path: 'src/math.js', line: 5, endLine: 7, query: 'twice' });
    assert.ok(evidence.some((e) => e.kind === 'reference' && e.line === 6));
    assert.deepEqual(evidence.find((e) => e.kind === 'symbol'), { kind: 'symbol', path: 'src/math.js', line: 5, endLine: 7, query: 'twi' });
  });

  test('calls still running when a block ends are cancelled, with a note saying so', async () => {
    const r = await sb.exec('context.read("README.md").then(t => print("late", t.length)); print("sync part")');
    assert.match(r.stdout, /^sync part\n\[sandbox\] 1 call\(s\) \(context\.read\) were still running/);
    assert.doesNotMatch(r.stdout, /late/);
    assert.equal((await sb.exec('print("next")')).stdout, 'next\n');
  });

  test('workspace errors arrive as ordinary catchable Errors', async () => {
    const r = await sb.exec('try { await context.read("missing.txt") } catch (e) { print(e instanceof Error, e.message) }');
    assert.match(r.stdout, /^true .*missing\.txt/);
    const escape = await sb.exec('try { await context.read("../../../etc/passwd"); print("read it") } catch (e) { print("refused") }');
    assert.equal(escape.stdout, 'refused\n');
  });

  test('llm_query, llm_batch and rlm_query forward to the host functions', async () => {
    hostCalls.length = 0;
    const r = await sb.exec('print(await llm_query("hi", {model: "m"})); print(await llm_batch(["a", "b"])); print(await rlm_query("q", {paths: ["src"]}))');
    assert.equal(r.error, undefined);
    assert.equal(r.stdout, 'echo:hi\n[\n  "batch:a",\n  "batch:b"\n]\nchild:q:{"paths":["src"]}\n');
    assert.deepEqual(hostCalls[0], { name: 'llm_query', args: ['hi', { model: 'm' }] });
  });

  test('host function errors are catchable Errors in the sandbox', async () => {
    const r = await sb.exec('try { await fails() } catch (e) { print(e instanceof Error, e.message) }');
    assert.equal(r.stdout, 'true quota exceeded\n');
  });

  test('argument errors are raised in the sandbox before any round trip', async () => {
    hostCalls.length = 0;
    const r = await sb.exec('try { await llm_query(42) } catch (e) { print(e.name + ": " + e.message) }\ntry { await llm_batch(["a", 1]) } catch (e) { print(e.message) }\ntry { context.read({path: "x"}) } catch (e) { print(e.message) }\ntry { context.grep("x", {globs: "*"}) } catch (e) { print(e.message) }');
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /^TypeError: llm_query\(prompt, \{model\}\?\): prompt must be a string, got a number/);
    assert.match(lines[1], /prompts\[1\] must be a string/);
    assert.match(lines[2], /path must be a string, got an object/);
    assert.match(lines[3], /unknown option "globs"/);
    assert.equal(hostCalls.length, 0);
  });

  test('a forgotten await prints a hint, and FINAL refuses a Promise', async () => {
    const r = await sb.exec('const p = context.read("README.md"); print(p); print({pending: p})');
    assert.match(r.stdout, /^\[Promise — did you forget await\?\]\n/);
    assert.match(r.stdout, /"pending": "\[Promise — did you forget await\?\]"/);
    const fin = await sb.exec('FINAL(context.read("README.md"))');
    assert.match(fin.error ?? '', /did you forget await/);
    assert.equal(fin.final, undefined);
  });

  test('FINAL records a string or a value as JSON; FINAL_VAR answers with the named variable', async () => {
    assert.equal((await sb.exec('FINAL("The answer is in src/math.js:1")')).final, 'The answer is in src/math.js:1');
    assert.equal((await sb.exec('FINAL_VAR({files: 2})')).final, '{\n  "files": 2\n}');
    assert.equal((await sb.exec('const report = "Adds in src/math.js:1"; FINAL_VAR("report")')).final, 'Adds in src/math.js:1');
    const missing = await sb.exec('FINAL_VAR("reprot")');
    assert.equal(missing.final, undefined);
    assert.match(missing.error ?? '', /FINAL_VAR\("reprot"\): there is no variable named reprot\. Variables defined: .*report/);
    assert.equal((await sb.exec('print("no final")')).final, undefined);
  });

  test('syntax errors and thrown errors come back as messages with the block line', async () => {
    const syntax = await sb.exec('let = = 1');
    assert.match(syntax.error ?? '', /^SyntaxError: /);
    const thrown = await sb.exec('print("before")\nfunction fail() { throw new Error("boom") }\nfail()');
    assert.equal(thrown.stdout, 'before\n');
    assert.match(thrown.error ?? '', /^Error: boom\n\s+at fail \(block\.js:2/);
    const typeError = await sb.exec('null.x');
    assert.match(typeError.error ?? '', /^TypeError: .*null/);
  });

  test('a block awaiting a promise that never settles ends with an explanation', async () => {
    const r = await sb.exec('await new Promise(() => {})');
    assert.match(r.error ?? '', /never settles/);
  });

  test('printed values: strings raw, objects as JSON, cycles and functions shown', async () => {
    const r = await sb.exec('const o = {n: 1, f() {}, m: new Map([["k", 1]])}; o.self = o; print("raw\\tstring", 7, null, undefined, o)');
    assert.match(r.stdout, /^raw\tstring 7 null undefined \{/);
    assert.match(r.stdout, /"self": "\[Circular\]"/);
    assert.match(r.stdout, /"f": "\[Function f\]"/);
    assert.match(r.stdout, /"\[Map\]"/);
    const big = await sb.exec('print(Array.from({length: 5000}, (_, i) => ({i})))');
    assert.match(big.stdout, /more characters; print a slice or fewer items\)\n$/);
    assert.ok(big.stdout.length < 25_000);
  });
});

describe('isolation', () => {
  let sb: Sandbox;
  const received: unknown[][] = [];
  before(async () => {
    sb = await open({ hostFunctions: { llm_query: async (args) => (received.push(args), 'ok') } });
  });

  test('no require, process, module, fetch, WebAssembly, timers or raw bridges', async () => {
    const r = await sb.exec(
      'print([typeof require, typeof process, typeof module, typeof fetch, typeof WebAssembly, typeof setTimeout, typeof setInterval, typeof __rlm_sync, typeof __rlm_async, typeof globalThis.process].join(","))',
    );
    assert.equal(r.stdout, Array(10).fill('undefined').join(',') + '\n');
  });

  test('Function-constructor tricks reach only the sandbox global', async () => {
    const r = await sb.exec(
      [
        'const g1 = Function("return this")()',
        'const g2 = print.constructor.constructor("return globalThis")()',
        'const g3 = (async function(){}).constructor("return this")',
        'print(g1 === globalThis, g2 === globalThis, typeof g1.process, typeof g2.require)',
        'try { Function("return process")() } catch (e) { print(e.name) }',
        'try { eval("require(\'fs\')") } catch (e) { print(e.name) }',
      ].join('\n'),
    );
    assert.equal(r.stdout, 'true true undefined undefined\nReferenceError\nReferenceError\n');
  });

  test('import() is rejected', async () => {
    const r = await sb.exec('try { await import("fs"); print("imported") } catch (e) { print("rejected", e.name) }');
    assert.match(r.stdout, /^rejected /);
    const cp = await sb.exec('try { await import("child_process"); print("imported") } catch (e) { print("rejected") }');
    assert.equal(cp.stdout, 'rejected\n');
  });

  test('prototype pollution stays inside the sandbox, and the API keeps working', async () => {
    const own = await open({ hostFunctions: { llm_query: async (args) => `ok ${JSON.stringify(args)}` } });
    const r = await own.exec('Object.prototype.polluted = "yes"; Array.prototype.push = null; ({}).__proto__.toString = () => "hacked"; print(({}).polluted)');
    assert.equal(r.stdout, 'yes\n');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(String({}), '[object Object]');
    const still = await own.exec('print(await llm_query("after pollution", {model: "m"}))');
    assert.equal(still.stdout, 'ok ["after pollution",{"model":"m"}]\n');
  });

  test('getter and proxy arguments run as sandbox code; the host receives plain data', async () => {
    received.length = 0;
    const r = await sb.exec(
      [
        'let reads = 0',
        'const tricky = {get model() { reads++; return "m" }}',
        'await llm_query("p", tricky)',
        'const proxy = new Proxy({}, {ownKeys() { throw new Error("trap ran") }})',
        'try { await llm_query("p", proxy) } catch (e) { print("caught", e.message) }',
        'try { await llm_query(new Proxy(["x"], {})) } catch (e) { print("caught", e.name) }',
        'print(reads)',
      ].join('\n'),
    );
    assert.equal(r.error, undefined);
    assert.equal(r.stdout, 'caught trap ran\ncaught TypeError\n1\n');
    assert.deepEqual(received, [['p', { model: 'm' }]]);
    assert.equal(Object.getPrototypeOf(received[0][1]), Object.prototype);
  });

  test('deep recursion is a catchable RangeError', async () => {
    const r = await sb.exec('function down(n) { return down(n + 1) + 1 }\ntry { down(0) } catch (e) { print(e.name) }\nprint("alive")');
    assert.equal(r.stdout, 'RangeError\nalive\n');
    assert.equal(r.restarted, false);
  });
});

describe('limits', () => {
  test('output beyond maxCapturedOutputChars is counted, not kept', async () => {
    const sb = await open({ limits: { maxCapturedOutputChars: 1000 } });
    const r = await sb.exec('print("x".repeat(600)); print("y".repeat(600)); print("z")');
    assert.equal(r.stdout.length, 1000);
    assert.equal(r.droppedChars, 601 + 601 + 2 - 1000);
    assert.ok(r.stdout.startsWith('x'.repeat(600) + '\n' + 'y'));
  });

  test('while(true) and an endless async loop are stopped at the block deadline; variables survive', async () => {
    const sb = await open({ limits: { blockTimeoutMs: 500 } });
    await sb.exec('const kept = "still here"');
    const spin = await sb.exec('print("spinning"); while (true) {}');
    assert.equal(spin.timedOut, true);
    assert.equal(spin.restarted, false);
    assert.equal(spin.stdout, 'spinning\n');
    assert.match(spin.error ?? '', /Timed out/);
    const loop = await sb.exec('let n = 0; for (;;) { await context.read("README.md"); n++ }');
    assert.equal(loop.timedOut, true);
    const microtasks = await sb.exec('for (;;) await null');
    assert.equal(microtasks.timedOut, true);
    const next = await sb.exec('print(kept, n > 0)');
    assert.equal(next.stdout, 'still here true\n');
    assert.equal(next.timedOut, false);
  });

  test('time spent awaiting untimed host functions does not count against the block', async () => {
    const sb = await open({
      limits: { blockTimeoutMs: 500 },
      hostFunctions: { llm_query: async (_args, signal) => (await sleep(1500, signal), 'slow answer') },
      untimedHostFunctions: ['llm_query'],
    });
    const r = await sb.exec('print(await llm_query("a")); print(await llm_query("b"))');
    assert.equal(r.timedOut, false);
    assert.equal(r.error, undefined);
    assert.equal(r.stdout, 'slow answer\nslow answer\n');
  });

  test('a timed host function is cut off at the deadline and its signal aborted', async () => {
    let aborted = false;
    const sb = await open({
      limits: { blockTimeoutMs: 500 },
      hostFunctions: {
        lookup: async (_args, signal) => {
          signal.addEventListener('abort', () => (aborted = true));
          await sleep(60_000, signal);
          return 'never';
        },
      },
    });
    const r = await sb.exec('await lookup()');
    assert.equal(r.timedOut, true);
    await sleep(50);
    assert.equal(aborted, true);
  });

  test('Promise.all runs host calls in parallel (overlapping host timestamps)', async () => {
    const spans: { start: number; end: number }[] = [];
    let started = 0;
    const sb = await open({
      hostFunctions: {
        llm_query: async ([prompt]) => {
          const span = { start: performance.now(), end: 0 };
          spans.push(span);
          started++;
          // Wait until all three are in flight (or give up: serial calls then show no overlap).
          for (let i = 0; i < 100 && started < 3; i++) await sleep(20);
          span.end = performance.now();
          return `done ${String(prompt)}`;
        },
      },
      untimedHostFunctions: ['llm_query'],
    });
    const r = await sb.exec('print(await Promise.all([llm_query("a"), llm_query("b"), llm_query("c")]))');
    assert.equal(r.error, undefined);
    assert.match(r.stdout, /done a.*\n.*done b.*\n.*done c/);
    assert.equal(spans.length, 3);
    const lastStart = Math.max(...spans.map((s) => s.start));
    const firstEnd = Math.min(...spans.map((s) => s.end));
    assert.ok(lastStart < firstEnd, 'all three calls were in flight at once');
  });

  for (const [name, bomb] of [
    ['a string-array bomb', 'const parts = []; for (let i = 0;; i++) parts.push("x".repeat(1000) + i)'],
    ['a huge array bomb', 'const arr = []; for (;;) arr.push(arr.length)'],
    ['an object bomb', 'const o = {}; for (let i = 0;; i++) o["k" + i] = {i}'],
    ['one giant allocation', 'const big = new Array(2e8).fill(0)'],
  ] as const) {
    test(`memory: ${name} restarts the sandbox; the host survives and the next block runs`, async () => {
      const sb = await open({ limits: { memoryLimitMb: 64, blockTimeoutMs: 60_000 } });
      await sb.exec('var before = 1');
      const r = await sb.exec(bomb);
      assert.equal(r.restarted, true);
      assert.match(r.error ?? '', /Out of memory/);
      assert.match(r.error ?? '', /restarted and all variables were lost/);
      const next = await sb.exec('print(typeof before, 1 + 1)');
      assert.equal(next.stdout, 'undefined 2\n');
      assert.equal(next.restarted, false);
      const read = await sb.exec('print((await context.read("README.md")).length > 0)');
      assert.equal(read.stdout, 'true\n');
    });
  }

  test('a catchable out-of-range string error does not restart', async () => {
    const sb = await open({ limits: { memoryLimitMb: 64 } });
    const r = await sb.exec('let s = "x"; try { for (;;) s += s } catch (e) { print(e.name) }');
    assert.ok(r.stdout === 'InternalError\n' || r.restarted, r.stdout + (r.error ?? ''));
  });
});

describe('cancellation and lifecycle', () => {
  test('aborting the signal stops a spinning block', async () => {
    const sb = await open({ limits: { blockTimeoutMs: 60_000 } });
    await sb.exec('const kept = 7');
    const controller = new AbortController();
    const pending = sb.exec('while (true) {}', controller.signal);
    await sleep(200);
    controller.abort();
    const r = await pending;
    assert.equal(r.error, 'cancelled');
    assert.equal(r.timedOut, false);
    assert.equal(r.restarted, false);
    assert.equal((await sb.exec('print(kept)')).stdout, '7\n');
  });

  test('aborting rejects pending host calls and aborts their signals', async () => {
    let hostSignal: AbortSignal | undefined;
    const sb = await open({
      limits: { blockTimeoutMs: 60_000 },
      hostFunctions: {
        llm_query: async (_args, signal) => {
          hostSignal = signal;
          await sleep(60_000, signal);
          return 'late';
        },
      },
      untimedHostFunctions: ['llm_query'],
    });
    const controller = new AbortController();
    const pending = sb.exec('print("asked"); await llm_query("slow"); print("never")', controller.signal);
    for (let i = 0; i < 200 && !hostSignal; i++) await sleep(10);
    controller.abort();
    const r = await pending;
    assert.equal(r.error, 'cancelled');
    assert.equal(r.stdout, 'asked\n');
    assert.equal(hostSignal?.aborted, true);
    assert.equal((await sb.exec('print("next")')).stdout, 'next\n');
  });

  test('an already-aborted signal runs nothing', async () => {
    const sb = await open();
    const controller = new AbortController();
    controller.abort();
    const r = await sb.exec('FINAL("should not run")', controller.signal);
    assert.equal(r.error, 'cancelled');
    assert.equal(r.final, undefined);
  });

  test('a worker that stops answering is terminated and replaced', async () => {
    // A real worker that never answers an exec (stuck in JS), to exercise the host's watchdog.
    const stuck = join(dir, 'stuckWorker.js');
    writeFileSync(
      stuck,
      "const { parentPort } = require('node:worker_threads');\n" +
        "parentPort.on('message', (m) => {\n" +
        "  if (m.type === 'summary') parentPort.postMessage({ type: 'summary', requestId: m.requestId, ok: true, summary: { name: 'stuck', roots: [], fileCount: 0, totalBytes: 0, languages: [], tree: '' } });\n" +
        "  if (m.type === 'exec') for (;;) {}\n" +
        "});\n" +
        "parentPort.postMessage({ type: 'ready' });\n",
    );
    const saved = process.env[SANDBOX_WORKER_ENV];
    process.env[SANDBOX_WORKER_ENV] = stuck;
    try {
      const sb = await open({ limits: { blockTimeoutMs: 300 } });
      const r = await sb.exec('1');
      assert.equal(r.timedOut, true);
      assert.equal(r.restarted, true);
      assert.match(r.error ?? '', /stopped responding/);
      assert.equal((await sb.summary()).name, 'stuck'); // the replacement worker is up
      const controller = new AbortController();
      const pending = sb.exec('1', controller.signal);
      await sleep(100);
      controller.abort();
      const cancelled = await pending;
      assert.match(cancelled.error ?? '', /^cancelled/);
      assert.equal(cancelled.restarted, true);
    } finally {
      if (saved === undefined) delete process.env[SANDBOX_WORKER_ENV];
      else process.env[SANDBOX_WORKER_ENV] = saved;
    }
  });

  test('dispose terminates the worker; exec afterwards is refused', async () => {
    const sb = await createSandbox({ workspace: { roots: [{ name: 'demo', path: dir }] }, hostFunctions: {} });
    assert.equal((await sb.exec('print(1)')).stdout, '1\n');
    await sb.dispose();
    await assert.rejects(sb.exec('print(2)'), /disposed/);
  });

  test('createSandbox rejects when the worker cannot start', async () => {
    const saved = process.env[SANDBOX_WORKER_ENV];
    process.env[SANDBOX_WORKER_ENV] = join(dir, 'no-such-worker.js');
    try {
      await assert.rejects(createSandbox({ workspace: { roots: [{ name: 'demo', path: dir }] }, hostFunctions: {} }), /worker/i);
    } finally {
      if (saved === undefined) delete process.env[SANDBOX_WORKER_ENV];
      else process.env[SANDBOX_WORKER_ENV] = saved;
    }
  });
});

describe('the built bundle (dist/sandboxWorker.js)', () => {
  const bundle = join(repoRoot, 'dist', 'sandboxWorker.js');
  const sourcesDir = join(repoRoot, 'src', 'rlm', 'sandbox');

  before(() => {
    const newest = Math.max(...readdirSync(sourcesDir).map((f) => statSync(join(sourcesDir, f)).mtimeMs));
    if (!existsSync(bundle) || statSync(bundle).mtimeMs < newest) {
      const build = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, encoding: 'utf8' });
      assert.equal(build.status, 0, build.stderr);
    }
    assert.ok(existsSync(join(repoRoot, 'dist', 'emscripten-module.wasm')));
  });

  test('the bundled worker loads the engine from dist/emscripten-module.wasm on its own (plain node, no tsx)', () => {
    // Drives the worker over its protocol without a compiled module in workerData, as a bundled host would
    // if compiling in the host failed; plain node, so nothing can come from TypeScript sources.
    const script = `
      const { Worker } = require('node:worker_threads');
      const w = new Worker(${JSON.stringify(bundle)}, { workerData: {
        workspace: { roots: [{ name: 'demo', path: ${JSON.stringify(dir)} }] },
        limits: { blockTimeoutMs: 10000, memoryLimitMb: 64, maxStackBytes: 262144, maxCapturedOutputChars: 10000 },
        hostFunctionNames: [], untimedHostFunctions: [], control: new SharedArrayBuffer(4) } });
      w.on('message', (m) => {
        if (m.type === 'ready') w.postMessage({ type: 'exec', blockId: 1, code: 'const t = await context.read("README.md"); print(t.includes("hello world"))' });
        if (m.type === 'initError') { console.log('initError', m.error); process.exit(1); }
        if (m.type === 'blockDone') { console.log(JSON.stringify(m.outcome)); w.terminate(); }
      });`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: tmpdir(), timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr + run.stdout);
    const outcome = JSON.parse(run.stdout.trim().split('\n').pop()!) as { stdout: string; error?: string };
    assert.equal(outcome.error, undefined);
    assert.equal(outcome.stdout, 'true\n');
  });

  test('runs blocks, host calls, workspace reads and a memory restart', async () => {
    const saved = process.env[SANDBOX_WORKER_ENV];
    process.env[SANDBOX_WORKER_ENV] = bundle;
    try {
      const sb = await open({
        hostFunctions: { llm_query: async ([p]) => `bundled:${String(p)}` },
        limits: { memoryLimitMb: 64 },
      });
      await sb.exec('const a = await llm_query("x")');
      const r = await sb.exec('print(a, (await context.grep("twice")).length)');
      assert.equal(r.stdout, 'bundled:x 1\n');
      const bomb = await sb.exec('const arr = []; for (;;) arr.push(arr.length)');
      assert.equal(bomb.restarted, true);
      assert.equal((await sb.exec('print(typeof a)')).stdout, 'undefined\n');
    } finally {
      if (saved === undefined) delete process.env[SANDBOX_WORKER_ENV];
      else process.env[SANDBOX_WORKER_ENV] = saved;
    }
  });
});

test('dispose lets the worker save its symbol cache to disk', async () => {
  const { mkdtempSync, writeFileSync, readdirSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const root = mkdtempSync(join(tmpdir(), 'rlm-flush-'));
  const cacheDir = mkdtempSync(join(tmpdir(), 'rlm-flush-cache-'));
  writeFileSync(join(root, 'a.ts'), 'export function flushedOnDispose() { return 1; }\n');
  const sb = await createSandbox({ workspace: { roots: [{ name: 'w', path: root }], options: { cacheDir } }, hostFunctions: {} });
  const r = await sb.exec(`print((await context.outline('a.ts')).map(s => s.name))`);
  assert.match(r.stdout, /flushedOnDispose/);
  await sb.dispose();
  const files = readdirSync(join(cacheDir, 'symbols'));
  assert.equal(files.length, 1);
  assert.match(readFileSync(join(cacheDir, 'symbols', files[0]), 'utf8'), /flushedOnDispose/);
});
