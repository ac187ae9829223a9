// The whole test suite: build, the real-VS-Code toolchain, type check, node's test runner over test/**/*.test.ts,
// then the real VS Code suite; one summary line per suite at the end.
// Usage: node scripts/test.mjs [--unit] [files...]
// Under CI=true (the README's command in .ci/run): the toolchain goes into an empty cache made for this run
// (unless RLM_VSCODE_CACHE names one), so every run proves the cold path; a skipped test fails the run.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const only = args.filter((a) => !a.startsWith('--'));
const full = !unitOnly && !only.length;
const CI = process.env.CI === 'true' || process.env.CI === '1';

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'vscode' || name === 'fixtures') continue; // the real VS Code suite has its own harness
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

const run = (cmd, argv) => spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', env: process.env }).status ?? 1;
const seconds = (since) => `${Math.round((Date.now() - since) / 1000)} s`;
const summaries = [];

let coldCache;
if (CI && full && !process.env.RLM_VSCODE_CACHE) {
  coldCache = mkdtempSync(join(tmpdir(), 'rlm-vscode-cold-'));
  process.env.RLM_VSCODE_CACHE = coldCache;
  console.log(`[test] CI: the toolchain goes into an empty cache made for this run: ${coldCache}`);
}

function main() {
  let failed = run(process.execPath, [join(root, 'scripts/build.mjs')]) !== 0;
  if (failed) { console.error('build failed'); return true; }

  // The toolchain first: the browser tests below need Chromium, the VS Code suite needs all of it.
  if (full && !ensureToolchainStep()) failed = true;
  if (!only.length && run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.', '--noEmit']) !== 0) {
    console.error('type check failed');
    summaries.push('type check: failed');
    failed = true;
  }

  if (!nodeTests(only.length ? only : findTests(join(root, 'test')))) failed = true;
  if (full && !evalDatasetStep()) failed = true;
  if (full && existsSync(join(root, 'test/vscode/run.mjs')) && !vscodeSuite()) failed = true;
  return failed;
}

// The built-in eval sets stay true: their packages (npm pack, cached in ~/.cache/rlm/eval) still hold every expected
// answer. A cold cache needs the npm registry: unreachable, it fails loudly (exit 2), never skips.
function evalDatasetStep() {
  const started = Date.now();
  const ok = run(process.execPath, ['--import', 'tsx', join(root, 'scripts/verify-eval-dataset.ts')]) === 0;
  summaries.push(`eval datasets verified against their packages: ${ok ? 'ok' : 'FAILED'} in ${seconds(started)}`);
  return ok;
}

function ensureToolchainStep() {
  const started = Date.now();
  const r = spawnSync(process.execPath, [join(root, 'test/vscode/ensureToolchain.mjs')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: process.env, encoding: 'utf8' });
  const ok = r.status === 0;
  summaries.push(`toolchain (node 24, code-server, chromium): ${ok ? 'ready' : 'FAILED'} in ${seconds(started)}`);
  if (!ok) console.error('[test] the real-VS-Code toolchain could not be installed (see [toolchain] lines above)');
  // The harness below must not run apt again in this CI run.
  if (ok) process.env.RLM_TOOLCHAIN_APT_DONE = '1';
  return ok;
}

function nodeTests(files) {
  const started = Date.now();
  const summaryFile = join(mkdtempSync(join(tmpdir(), 'rlm-test-summary-')), 'summary.json');
  const status = run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts/testSummary.mjs')}`, `--test-reporter-destination=${summaryFile}`, ...files]);
  const s = existsSync(summaryFile) ? JSON.parse(readFileSync(summaryFile, 'utf8')) : { passed: 0, failed: 0, skipped: [] };
  rmSync(dirname(summaryFile), { recursive: true, force: true });
  summaries.push(`node tests: ${s.passed} passed, ${s.failed} failed, ${s.skipped.length} skipped in ${seconds(started)}`);
  for (const name of s.skipped) console.log(`[test] skipped: ${name}`);
  if (CI && s.skipped.length) {
    console.error('[test] CI: a skipped test is a failure (a prerequisite is missing)');
    return false;
  }
  return status === 0;
}

function vscodeSuite() {
  const started = Date.now();
  // Several checkouts on one machine can share the suite by naming a lock file (util-linux flock waits for it).
  const lock = process.env.RLM_VSCODE_LOCK;
  const suite = [process.execPath, join(root, 'test/vscode/run.mjs')];
  const ok = (lock ? run('flock', [lock, ...suite]) : run(suite[0], suite.slice(1))) === 0;
  const resultsFile = join(root, 'test-results/vscode/results.json');
  const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : [];
  const failedCount = results.filter((r) => !r.ok).length;
  summaries.push(`real VS Code: ${results.length - failedCount} passed, ${failedCount} failed in ${seconds(started)}`);
  return ok;
}

const started = Date.now();
let failed = true;
try {
  failed = main();
} finally {
  if (coldCache) rmSync(coldCache, { recursive: true, force: true });
}
for (const line of summaries) console.log(`[test] ${line}`);
console.log(`[test] ${failed ? 'FAILED' : 'all passed'} in ${seconds(started)}`);
process.exit(failed ? 1 : 0);
