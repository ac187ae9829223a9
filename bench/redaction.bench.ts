// Secret redaction on the grep/read path: a typical exploring block (grep, read slices around the hits, print them)
// run in the sandbox, then what the engine does to its output before the model sees it (redact the head and tail
// it keeps, with margins). Ratio = (block + redaction) / block; target <= 1.05. Also: the raw scan rate, and the
// cost on a sub-call prompt (compared with nothing: a model call takes far longer).
// Usage: node --import tsx bench/redaction.bench.ts [DIR]   (default: the bench tree if built, else node_modules)
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createSandbox } from '../src/rlm/sandbox/sandbox';
import { redactSecrets } from '../src/rlm/secretRedaction';
import { truncateMiddleMapped } from '../src/rlm/truncate';
import { DEFAULT_LIMITS } from '../src/rlm/types';

const bigTree = path.join(os.homedir(), '.cache', 'rlm-bench', 'tree', 'node_modules');
const dir = path.resolve(process.argv[2] ?? (existsSync(bigTree) ? bigTree : path.join(__dirname, '..', 'node_modules')));
const TARGET = 1.05;
/** The engine's margin around each cut (engine.ts REDACTION_MARGIN). */
const MARGIN = 8192;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const BLOCKS: Record<string, string> = {
  'grep + 30 reads': `const hits = await context.grep('function\\\\s+\\\\w+\\\\(', { maxResults: 200, glob: '*.js' });
const parts = [];
for (const h of hits.slice(0, 30)) parts.push(h.path + ':' + h.line + '\\n' + await context.read(h.path, { start: Math.max(1, h.line - 20), end: h.line + 20, numbered: true }));
print(hits.map((h) => h.path + ':' + h.line + ' ' + h.text.trim()).join('\\n'));
print(parts.join('\\n\\n'));`,
  'grep only': `const hits = await context.grep('TODO|FIXME', { maxResults: 500 });
print(hits.map((h) => h.path + ':' + h.line + ' ' + h.text.trim()).join('\\n'));`,
};

async function main(): Promise<void> {
  console.log(`tree: ${dir}`);
  const sandbox = await createSandbox({ workspace: { roots: [{ name: 'tree', path: dir }] }, hostFunctions: {} });
  try {
    const perBlock = DEFAULT_LIMITS.maxOutputChars;
    for (const [name, code] of Object.entries(BLOCKS)) {
      const exec: number[] = [];
      const redact: number[] = [];
      let outChars = 0;
      for (let round = 0; round < 7; round++) {
        const t0 = performance.now();
        const r = await sandbox.exec(code);
        exec.push(performance.now() - t0);
        if (r.error) throw new Error(r.error);
        outChars = r.stdout.length;
        const t1 = performance.now();
        truncateMiddleMapped(r.stdout, perBlock, (t) => redactSecrets(t).text, undefined, MARGIN);
        redact.push(performance.now() - t1);
      }
      const ratio = (median(exec) + median(redact)) / median(exec);
      console.log(
        `${name}: block ${median(exec).toFixed(1)} ms (${outChars.toLocaleString('en-US')} chars printed), redaction ${median(redact).toFixed(2)} ms: ratio ${ratio.toFixed(3)} (target <= ${TARGET}) ${ratio <= TARGET ? 'PASS' : 'MISS'}`,
      );
    }
  } finally {
    await sandbox.dispose();
  }
  // For reference: the scan rate over plain source text, and a 100 KB sub-call prompt.
  const source = readFileSync(require.resolve('typescript/lib/typescript.js'), 'utf8').slice(0, 2_000_000);
  const t = performance.now();
  redactSecrets(source);
  const ms = performance.now() - t;
  console.log(`scan rate: ${(source.length / 1e6 / (ms / 1000)).toFixed(0)} MB/s (${ms.toFixed(0)} ms for 2 MB); a 100 KB sub-call prompt: ${(ms / 20).toFixed(1)} ms`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
