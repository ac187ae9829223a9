// The root model's first prompt (system prompt + first message) must not grow with the workspace: it carries
// metadata only. Printed for a ~1 MB folder (this repo's src/ and test/) and the large bench tree (~300 MB+).
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { firstMessage, systemPrompt } from '../src/rlm/prompts';
import { DEFAULT_LIMITS } from '../src/rlm/types';
import { openWorkspace } from '../src/workspace/workspace';

async function promptChars(label: string, roots: { name: string; path: string }[]): Promise<number> {
  const ws = await openWorkspace({ roots });
  const s = ws.summary();
  const settings = { limits: DEFAULT_LIMITS, depth: 0, canRecurse: true };
  const chars = systemPrompt(settings).length + firstMessage('Where are retries configured?', s, settings).length;
  console.log(`${label}: ${s.fileCount} files, ${(s.totalBytes / 1024 / 1024).toFixed(1)} MB -> root prompt ${chars} chars (~${Math.round(chars / 4)} tokens)`);
  return chars;
}

async function main() {
  const repo = path.join(__dirname, '..');
  const small = await promptChars('small', [{ name: 'src', path: path.join(repo, 'src') }, { name: 'test', path: path.join(repo, 'test') }]);
  const tree = path.join(os.homedir(), '.cache', 'rlm-bench', 'tree', 'node_modules');
  const big = await promptChars('large', [{ name: 'tree', path: existsSync(tree) ? tree : path.join(repo, 'node_modules') }]);
  console.log(`root prompt large/small ${(big / small).toFixed(2)} (bounded: the tree in it is capped at ~3.5 KB)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
