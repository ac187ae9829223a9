// Real folders in os.tmpdir() for workspace tests.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Creates a temp folder holding `files` (path -> content); returns its absolute path. */
export function makeTree(files: Record<string, string | Buffer>, prefix = 'rlm-ws-'): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  writeFiles(root, files);
  return root;
}

export function writeFiles(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
}

export function removeTree(root: string): void {
  fs.rmSync(root, { recursive: true, force: true });
}

/** The repository this test runs in (for tests on real code). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
