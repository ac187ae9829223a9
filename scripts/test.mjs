// The whole test suite: build, node's test runner over test/**/*.test.ts, then the real VS Code suite.
// Usage: node scripts/test.mjs [--unit] [files...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const only = args.filter((a) => !a.startsWith('--'));

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

let failed = run(process.execPath, [join(root, 'scripts/build.mjs')]) !== 0;
if (failed) { console.error('build failed'); process.exit(1); }
if (!only.length && run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.', '--noEmit']) !== 0) {
  console.error('type check failed');
  failed = true;
}

const files = only.length ? only : findTests(join(root, 'test'));
const status = run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files]);
failed ||= status !== 0;

if (!unitOnly && !only.length && existsSync(join(root, 'test/vscode/run.mjs'))) {
  failed ||= run(process.execPath, [join(root, 'test/vscode/run.mjs')]) !== 0;
}
process.exit(failed ? 1 : 0);
