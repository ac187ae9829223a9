// context.grep end to end — model code in the sandbox calls it, the result arrives back in the sandbox — against
// raw `rg --json --max-filesize 2M` (our default size cap) on the same tree and pattern. Target ratio <= 1.3. Also the sandbox's fixed cost per block.
// Usage: node --import tsx bench/grep.bench.ts [DIR]   (default: the tree from bench/setup-tree.mjs if built,
// else this repo's node_modules).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createSandbox } from '../src/rlm/sandbox/sandbox';
import { findRipgrep } from '../src/workspace/ripgrep';

const bigTree = path.join(os.homedir(), '.cache', 'rlm-bench', 'tree', 'node_modules');
const dir = path.resolve(process.argv[2] ?? (existsSync(bigTree) ? bigTree : path.join(__dirname, '..', 'node_modules')));
const PATTERNS = ['function\\s+createElement', 'TODO|FIXME', 'export default class'];

function rawRg(rg: string, pattern: string): Promise<{ ms: number; matches: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(rg, ['--json', '--max-filesize', '2M', '--', pattern, '.'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
    let matches = 0;
    let rest = '';
    child.stdout.on('data', (d: Buffer) => {
      const lines = (rest + d.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) if (l.startsWith('{"type":"match"')) matches++;
    });
    child.on('error', reject);
    child.on('close', () => resolve({ ms: performance.now() - started, matches }));
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  const rg = findRipgrep();
  if (!rg) throw new Error('no ripgrep found');
  console.log(`tree: ${dir}\nrg: ${rg}`);
  const sandbox = await createSandbox({ workspace: { roots: [{ name: 'tree', path: dir }] }, hostFunctions: {} });
  try {
    const summary = await sandbox.summary();
    console.log(`indexed ${summary.fileCount} files, ${(summary.totalBytes / 1024 / 1024).toFixed(0)} MB`);
    const empty: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await sandbox.exec('1');
      empty.push(performance.now() - t0);
    }
    console.log(`sandbox: empty block round trip ${median(empty).toFixed(2)} ms (median of 20)`);
    for (const pattern of PATTERNS) {
      const ours: number[] = [];
      const raw: number[] = [];
      let total = 0;
      let rawMatches = 0;
      for (let round = 0; round < 5; round++) {
        const r = await rawRg(rg, pattern);
        raw.push(r.ms);
        rawMatches = r.matches;
        const started = performance.now();
        const res = await sandbox.exec(`const h = await context.grep(${JSON.stringify(pattern)}, { maxResults: 2000 }); print(h.total)`);
        ours.push(performance.now() - started);
        total = Number(res.stdout.trim());
        if (res.error) throw new Error(res.error);
      }
      const ratio = median(ours) / median(raw);
      console.log(
        `grep ${JSON.stringify(pattern)}: context.grep ${median(ours).toFixed(0)} ms (total ${total}) vs raw rg --json ${median(raw).toFixed(0)} ms (${rawMatches} matches): ratio ${ratio.toFixed(2)} (target <= 1.3) ${ratio <= 1.3 ? 'PASS' : 'MISS'}`,
      );
    }
  } finally {
    await sandbox.dispose();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
