// Extension activation cost, outside VS Code: dist/extension.js is required in a fresh node process with a
// do-nothing `vscode` stub, then activate() runs. Printed: median ms for module evaluation and activate(),
// and the ratio against requiring an empty module the same way (the floor). The real extension host number is
// printed by `npm run test:vscode` ("activation took N ms"). Target: < 50 ms.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');
const bundle = join(root, 'dist', 'extension.js');
if (!existsSync(bundle)) throw new Error('dist/extension.js missing: run node scripts/build.mjs');
const ROUNDS = 15;

// A `vscode` whose every property is a callable, constructible proxy: enough for registration calls.
const probe = (target: string) => `
const Module = require('module');
const stub = () => new Proxy(function () {}, { get: (t, k) => (k === 'then' ? undefined : k === Symbol.toPrimitive ? () => '' : stub()), apply: () => stub(), construct: () => stub() });
const realLoad = Module._load;
// Real keys, so the bundle's ESM interop (which copies own properties) sees the namespaces.
const api = {};
for (const k of ['window', 'commands', 'workspace', 'chat', 'lm', 'env', 'Uri', 'Disposable', 'EventEmitter', 'ViewColumn', 'ThemeIcon', 'ProgressLocation', 'LanguageModelTextPart', 'LanguageModelToolResult', 'Location', 'Range', 'Position', 'Selection', 'CancellationTokenSource', 'ConfigurationTarget']) api[k] = stub();
Module._load = function (request, ...rest) { return request === 'vscode' ? api : realLoad.call(this, request, ...rest); };
const t0 = performance.now();
const ext = require(${JSON.stringify(target)});
const t1 = performance.now();
if (ext.activate) ext.activate({ subscriptions: [], secrets: stub(), globalState: stub(), globalStorageUri: { fsPath: require('os').tmpdir() }, extensionUri: stub() });
const t2 = performance.now();
process.stdout.write(JSON.stringify({ load: t1 - t0, activate: t2 - t1 }));
`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measure(target: string) {
  const loads: number[] = [];
  const activations: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const r = spawnSync(process.execPath, ['-e', probe(target)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const { load, activate } = JSON.parse(r.stdout) as { load: number; activate: number };
    loads.push(load);
    activations.push(activate);
  }
  return { load: median(loads), activate: median(activations) };
}

const dir = mkdtempSync(join(tmpdir(), 'rlm-activation-'));
try {
  const empty = join(dir, 'empty.js');
  writeFileSync(empty, 'exports.activate = () => ({});\n');
  const floor = measure(empty);
  const ext = measure(bundle);
  const total = ext.load + ext.activate;
  console.log(`extension: module evaluation ${ext.load.toFixed(2)} ms + activate() ${ext.activate.toFixed(2)} ms = ${total.toFixed(2)} ms (median of ${ROUNDS} fresh processes)`);
  console.log(`empty module floor: ${(floor.load + floor.activate).toFixed(2)} ms; ratio extension/floor = ${(total / (floor.load + floor.activate)).toFixed(1)}x`);
  console.log(`target < 50 ms: ${total < 50 ? 'met' : 'NOT met'} (${(total / 50).toFixed(2)} of the budget)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
