// Workspace benchmarks, printed as ratios (no assertions: the machine is shared and noisy).
//   node --import tsx bench/workspace.bench.ts [DIR]
// DIR defaults to the tree made by bench/setup-tree.mjs (~/.cache/rlm-bench/tree/node_modules) when it
// exists, else this repository's node_modules.
//  1. index build (openWorkspace)      vs `rg --files` with the same rule flags     target <= 1.5
//     (with the floors: a bare node walk with and without stats, and `rg --files | xargs stat`)
//  2. Workspace.grep(pattern)          vs raw `rg --json` with the same pattern     target <= 1.3
//  3. summary() size on a ~1 MB folder vs on DIR                                    must not grow
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openWorkspace } from '../src/workspace/workspace';
import { findRipgrep } from '../src/workspace/ripgrep';
import { statWorkerCount } from '../src/workspace/statPool';

const REPO = path.resolve(__dirname, '..');
const BENCH_TREE = path.join(os.homedir(), '.cache', 'rlm-bench', 'tree');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function defaultDir(): string {
  if (fs.existsSync(path.join(BENCH_TREE, '.complete'))) return path.join(BENCH_TREE, 'node_modules');
  return path.join(REPO, 'node_modules');
}

const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number): string => `${x.toFixed(0)} ms`;

/** Runs a command to completion, consuming its stdout; resolves with the wall time and output size. */
function timeCommand(cmd: string, args: string[], cwd: string): Promise<{ ms: number; bytes: number; lines: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    let bytes = 0;
    let lines = 0;
    child.stdout.on('data', (b: Buffer) => {
      bytes += b.length;
      for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lines++;
    });
    child.on('error', reject);
    child.on('close', () => resolve({ ms: performance.now() - t0, bytes, lines }));
  });
}

async function main(): Promise<void> {
  const dir = path.resolve(process.argv[2] ?? defaultDir());
  const rg = findRipgrep();
  if (!rg) throw new Error('no ripgrep found');
  console.log(`workspace bench: ${dir}\nripgrep: ${rg}\nruns: ${RUNS} (medians)\n`);
  const rgRuleFlags = ['--hidden', '--follow', '--no-require-git', '--no-ignore-parent', '--no-ignore-global', '--no-config'];

  // 1. Index build. Also timed: bare readdirSync walks (no rules at all) with and without a statSync per file,
  // and rg's own listing piped into GNU stat: `rg --files` does not stat files, which is most of the gap.
  const rgList: number[] = [];
  const index: number[] = [];
  const floor: number[] = [];
  const walkOnly: number[] = [];
  const nativeFloor: number[] = [];
  const indexCpu: number[] = [];
  let fileCount = 0;
  let rgCount = 0;
  let totalBytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = await timeCommand(rg, ['--files', ...rgRuleFlags, '.'], dir);
    rgList.push(r.ms);
    rgCount = r.lines;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const ws = await openWorkspace({ roots: [{ name: path.basename(dir), path: dir }] });
    index.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    indexCpu.push((cpu.user + cpu.system) / 1000); // all threads: the walk and the stat workers
    fileCount = ws.files().length;
    totalBytes = ws.totalBytes;
    const t1 = performance.now();
    bareWalk(dir);
    floor.push(performance.now() - t1);
    const t2 = performance.now();
    bareWalk(dir, false);
    walkOnly.push(performance.now() - t2);
    const native = await nativeListAndStat(rg, rgRuleFlags, dir, os.availableParallelism());
    if (native !== null) nativeFloor.push(native);
  }
  const indexRatio = median(index) / median(rgList);
  console.log(`index build:   openWorkspace ${ms(median(index))} (${fileCount} files, ${(totalBytes / 1048576).toFixed(0)} MB indexed)`);
  console.log(`               rg --files    ${ms(median(rgList))} (${rgCount} paths)`);
  console.log(`               bare readdir walk, no stat ${ms(median(walkOnly))} (${(median(walkOnly) / median(rgList)).toFixed(2)}x rg: the walk without stats)`);
  console.log(`               bare readdir+stat walk ${ms(median(floor))} (${(median(floor) / median(rgList)).toFixed(2)}x rg: one stat per file, serial; the index stats in ${statWorkerCount() || 'no'} worker threads besides its walk)`);
  const cores = os.availableParallelism();
  const cpuFloor = median(indexCpu) / cores;
  console.log(`               openWorkspace CPU ${ms(median(indexCpu))} over all threads; spread perfectly over ${cores} cores that is ${ms(cpuFloor)} (${(cpuFloor / median(rgList)).toFixed(2)}x rg: the floor of this design on this machine)`);
  const floorRatio = nativeFloor.length ? median(nativeFloor) / median(rgList) : null;
  if (floorRatio !== null) {
    console.log(`               rg --files | xargs -P${cores} stat ${ms(median(nativeFloor))} (${floorRatio.toFixed(2)}x rg: rg's walk plus GNU stat of every path on every core, what native tools need to report sizes here)`);
  }
  const verdict = indexRatio <= 1.5 ? 'PASS' : floorRatio !== null && floorRatio > 1.5 ? `MISS (out of reach here: the native floor is ${floorRatio.toFixed(2)}x)` : 'MISS';
  console.log(`               ratio ${indexRatio.toFixed(2)}  (target <= 1.5) ${verdict}`);
  if (floorRatio !== null) console.log(`               openWorkspace / native floor ${(median(index) / median(nativeFloor)).toFixed(2)}; openWorkspace / bare walk ${(median(index) / median(floor)).toFixed(2)}\n`);
  else console.log(`               openWorkspace / bare walk ${(median(index) / median(floor)).toFixed(2)}\n`);

  // 2. Grep, on one opened workspace.
  const ws = await openWorkspace({ roots: [{ name: path.basename(dir), path: dir }] });
  for (const pattern of ['createElement', 'TODO|FIXME', 'function\\s+\\w+Sync\\b']) {
    const raw: number[] = [];
    const ours: number[] = [];
    let rawLines = 0;
    let total = 0;
    let hits = 0;
    let lowerBound = false;
    for (let i = 0; i < RUNS; i++) {
      const r = await timeCommand(rg, ['--json', ...rgRuleFlags, '--', pattern, '.'], dir);
      raw.push(r.ms);
      rawLines = r.lines;
      const t0 = performance.now();
      const res = await ws.grep(pattern);
      ours.push(performance.now() - t0);
      total = res.total;
      hits = res.hits.length;
      lowerBound = !!res.totalIsLowerBound;
    }
    const ratio = median(ours) / median(raw);
    console.log(`grep ${JSON.stringify(pattern)}:`);
    console.log(`               Workspace.grep ${ms(median(ours))} (${hits} hits returned, total ${total}${lowerBound ? '+' : ''})`);
    console.log(`               rg --json      ${ms(median(raw))} (${rawLines} JSON lines)`);
    console.log(`               ratio ${ratio.toFixed(2)}  (target <= 1.3)\n`);
  }

  // 3. Summary size (what the root prompt gets) on growing folders: it must level off, not grow.
  const sizes: string[] = [];
  const folders = [path.join(REPO, 'src'), ...largestSubfolders(dir, 2), dir];
  let smallest = 0;
  let largest = 0;
  for (const f of folders) {
    const w = f === dir ? ws : await openWorkspace({ roots: [{ name: path.basename(f), path: f }] });
    const n = JSON.stringify(w.summary()).length;
    if (!smallest) smallest = n;
    largest = n;
    sizes.push(`${(w.totalBytes / 1048576).toFixed(1)} MB / ${w.files().length} files -> ${n} chars`);
  }
  console.log(`summary size:  ${sizes.join(';  ')}`);
  console.log(`               largest/smallest ${(largest / smallest).toFixed(2)} (the tree is capped at ~3 KB, so this levels off)\n`);

  // 4. The binary-sniff decision: what reading the first 8 KB of every indexed file would add to the index.
  const sample = ws.files();
  const buf = Buffer.alloc(8192);
  const t0 = performance.now();
  for (const f of sample) {
    const fd = fs.openSync(path.join(dir, f.path), 'r');
    fs.readSync(fd, buf, 0, 8192, 0);
    fs.closeSync(fd);
  }
  const sniff = performance.now() - t0;
  console.log(`sniff all:     reading 8 KB heads of ${sample.length} files takes ${ms(sniff)} ` +
    `(${(sniff / median(index)).toFixed(2)}x the whole index build): done at read time instead, except for extension-less files`);
}

/**
 * The native floor of an index that reports sizes: `rg --files` (the walk, with the same rules) piped into
 * GNU `stat` run by `xargs` on every core. Null where GNU stat is missing (macOS, Windows).
 */
function nativeListAndStat(rg: string, flags: string[], cwd: string, cores: number): Promise<number | null> {
  const probe = spawnSync('stat', ['--version'], { encoding: 'utf8' });
  if (probe.status !== 0 || !/GNU coreutils/.test(probe.stdout)) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const list = spawn(rg, ['--files', '--null', ...flags, '.'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    const stat = spawn('xargs', ['-0', '-P', String(cores), '-n', '4096', 'stat', '--printf=%s %.3Y %h %d %i\n'], {
      cwd,
      stdio: [list.stdout, 'pipe', 'ignore'],
    });
    let lines = 0;
    stat.stdout.on('data', (b: Buffer) => {
      for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lines++;
    });
    list.on('error', reject);
    stat.on('error', reject);
    stat.on('close', () => resolve(lines > 0 ? performance.now() - t0 : null));
  });
}

function bareWalk(dir: string, stat = true): number {
  let n = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory()) {
        if (e.name !== '.git') stack.push(p);
      } else if (e.isFile()) n += !stat || fs.statSync(p).size > 0 ? 1 : 0;
    }
  }
  return n;
}

/** The biggest direct subfolders (by file count) of a folder, for summary sizes between small and huge. */
function largestSubfolders(dir: string, n: number): string[] {
  const counts: [string, number][] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    let c = 0;
    const stack = [path.join(dir, e.name)];
    while (stack.length && c < 50_000) {
      const d = stack.pop()!;
      for (const x of fs.readdirSync(d, { withFileTypes: true })) {
        if (x.isDirectory()) stack.push(path.join(d, x.name));
        else c++;
      }
    }
    counts.push([path.join(dir, e.name), c]);
  }
  counts.sort((a, b) => a[1] - b[1]);
  // One mid-sized and one large folder.
  return [counts[Math.floor(counts.length * 0.9)]?.[0], counts[counts.length - 1]?.[0]].filter((x): x is string => !!x).slice(0, n);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
