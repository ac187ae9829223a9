// Keeps a dataset true: every item carries `check` entries, and this re-reads the real files and confirms each one.
//   {"at": "path:line[-end]", "has": "text"}   the lines there contain the text (one per expected location, at least)
//   {"files": "<regex over relative paths>", "grep": "<regex per line>", "count": N | "fileCount": N | "matchingFiles": [...]}
// A dataset's answers (numbers, sets) are thereby recomputed from the package, not trusted.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseLocation } from './dataset';
import type { EvalItem } from './types';

export type Check =
  | { at: string; has: string }
  | { files: string; grep: string; count?: number; fileCount?: number; matchingFiles?: string[] };

/** Problems with one item, as lines; empty when every check holds. */
export function verifyItem(item: EvalItem, root: string, listFiles = memoFiles()): string[] {
  const problems: string[] = [];
  const checks = Array.isArray(item.check) ? (item.check as Check[]) : [];
  if (!checks.length) return [`${item.id}: no "check" entries: nothing proves the expected answer`];
  if ('locations' in item.expected) {
    for (const l of item.expected.locations) {
      if (!checks.some((c) => 'at' in c && c.at === l)) problems.push(`${item.id}: expected location ${l} has no {"at": "${l}", "has": …} check`);
    }
  }
  for (const c of checks) {
    const problem = 'at' in c ? checkAt(root, c) : checkFiles(root, c, listFiles(root));
    if (problem) problems.push(`${item.id}: ${problem}`);
  }
  return problems;
}

function checkAt(root: string, c: { at: string; has: string }): string | undefined {
  const loc = parseLocation(c.at);
  if (!loc) return `bad location "${c.at}"`;
  let lines: string[];
  try {
    lines = readFileSync(path.join(root, loc.path), 'utf8').split('\n');
  } catch {
    return `${loc.path} does not exist`;
  }
  if (loc.end > lines.length) return `${c.at}: the file has only ${lines.length} lines`;
  const text = lines.slice(loc.start - 1, loc.end).join('\n');
  return text.includes(c.has) ? undefined : `${c.at} no longer contains ${JSON.stringify(c.has)} (it reads ${JSON.stringify(text.slice(0, 120))})`;
}

function checkFiles(root: string, c: Exclude<Check, { at: string }>, all: string[]): string | undefined {
  const fileRe = new RegExp(c.files);
  const lineRe = new RegExp(c.grep);
  let count = 0;
  const matching: string[] = [];
  for (const rel of all.filter((f) => fileRe.test(f))) {
    const n = readFileSync(path.join(root, rel), 'utf8').split('\n').filter((l) => lineRe.test(l)).length;
    count += n;
    if (n) matching.push(rel);
  }
  const what = `/${c.grep}/ in files /${c.files}/`;
  if (c.count !== undefined && count !== c.count) return `${what}: ${count} matching lines, the item says ${c.count}`;
  if (c.fileCount !== undefined && matching.length !== c.fileCount) return `${what}: ${matching.length} matching files, the item says ${c.fileCount}`;
  if (c.matchingFiles) {
    const want = [...c.matchingFiles].sort();
    const got = matching.sort();
    if (JSON.stringify(want) !== JSON.stringify(got)) {
      const extra = got.filter((f) => !want.includes(f));
      const missing = want.filter((f) => !got.includes(f));
      return `${what}: ${extra.length ? `also matches ${extra.join(', ')}` : ''}${extra.length && missing.length ? '; ' : ''}${missing.length ? `no longer matches ${missing.join(', ')}` : ''}`;
    }
  }
  if (c.count === undefined && c.fileCount === undefined && !c.matchingFiles) return `${what}: says neither count, fileCount nor matchingFiles`;
  return undefined;
}

/** Every file under a folder, relative with '/', listed once per folder. */
function memoFiles(): (root: string) => string[] {
  const cache = new Map<string, string[]>();
  return (root) => {
    let files = cache.get(root);
    if (!files) {
      files = (readdirSync(root, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
        .filter((d) => d.isFile())
        .map((d) => path.relative(root, path.join(d.parentPath ?? (d as unknown as { path: string }).path, d.name)).split(path.sep).join('/'));
      cache.set(root, files);
    }
    return files;
  };
}
