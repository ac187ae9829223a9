// Fetches every package a dataset names (npm pack, cached in ~/.cache/rlm/eval) and confirms each item's checks:
// the expected locations still contain what the questions are about, and counts and sets still hold.
// Usage: node --import tsx scripts/verify-eval-dataset.ts [dataset name or file ...]   (default: every built-in set)
// Exit 1 with one line per problem; exit 2 when a package cannot be fetched (e.g. the registry is unreachable).
import * as os from 'node:os';
import * as path from 'node:path';
import { builtInNames, loadDatasets } from '../src/eval/dataset';
import { verifyItem } from '../src/eval/verify';
import { WorkspaceCache } from '../src/eval/workspaces';

async function main(): Promise<number> {
  const specs = process.argv.slice(2).length ? process.argv.slice(2) : builtInNames();
  const cacheDir = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'rlm', 'eval');
  const { items, problems } = await loadDatasets(specs, cacheDir);
  const cache = new WorkspaceCache(cacheDir);
  const failures = [...problems];
  const started = Date.now();
  const workspaces = [...new Set(items.map((i) => i.workspace))];
  for (const ws of workspaces) {
    const mine = items.filter((i) => i.workspace === ws);
    let root: string;
    try {
      root = await cache.resolve(ws, mine[0].baseDir);
    } catch (e) {
      process.stderr.write(`verify: ${(e as Error).message}\nverify: FAILED: cannot check ${mine.length} item(s) of ${ws} — is the npm registry reachable?\n`);
      return 2;
    }
    for (const item of mine) failures.push(...verifyItem(item, root));
  }
  for (const f of failures) process.stderr.write(`verify: ${f}\n`);
  process.stdout.write(`verify: ${items.length} items over ${workspaces.length} workspaces (${specs.join(', ')}): ${failures.length} problem(s), ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`verify: ${(e as Error).message}\n`);
    process.exit(2);
  },
);
