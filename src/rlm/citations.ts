// Finds the path:line citations in an answer and checks each against the workspace,
// so that a citation to a missing file or line is flagged instead of passed on as fact.
import * as path from 'node:path';
import type { Citation } from './events';
import type { WorkspaceRoot } from '../workspace/types';
import { resolveWorkspacePath } from '../workspace/workspacePath';
import { lineCount, textCache } from '../workspace/textCache';

// path:12, path:12-30, path:L12, path#L12-L30; the path needs a '/' or an extension so prose like "step:1" is not one.
const CITATION = /(?<![\w/.@-])((?:[\w.@+-]+\/)*[\w@+-][\w.@+-]*\.[A-Za-z0-9]+|(?:[\w.@+-]+\/)+[\w.@+-]+)(?::L?|#L)(\d+)(?:\s*[-–]\s*L?(\d+))?/g;

export interface RawCitation {
  path: string;
  line: number;
  endLine?: number;
}

export function extractCitations(answer: string): RawCitation[] {
  const seen = new Set<string>();
  const out: RawCitation[] = [];
  for (const m of answer.matchAll(CITATION)) {
    const p = m[1].replace(/^\.\//, '');
    if (/^https?$/i.test(p) || p.includes('://')) continue;
    const line = Number(m[2]);
    const endLine = m[3] ? Number(m[3]) : undefined;
    const key = `${p}:${line}:${endLine ?? ''}`;
    if (seen.has(key) || line < 1) continue;
    seen.add(key);
    out.push(endLine !== undefined && endLine >= line ? { path: p, line, endLine } : { path: p, line });
  }
  return out;
}

/** Maps a workspace-relative path to disk (multi-root: the first segment names the root). */
export function resolveWorkspacePathOnDisk(roots: WorkspaceRoot[], relPath: string): string | undefined {
  const resolved = resolveWorkspacePath(relPath, roots.map((r) => r.name));
  if (!resolved) return undefined;
  const root = roots[resolved.folderIndex];
  // With several roots every engine path starts with its root's name: a citation without one names no file.
  if (roots.length > 1 && relPath.split('/')[0] !== root.name) return undefined;
  return path.join(root.path, ...resolved.segments);
}

export async function countLines(file: string): Promise<number | undefined> {
  try {
    // The thread's text cache: a file the run read (or a citation check counted) is not read again unchanged.
    return lineCount(await textCache.get(file));
  } catch {
    return undefined; // missing, or a folder
  }
}

export async function checkCitations(answer: string, roots: WorkspaceRoot[]): Promise<Citation[]> {
  const raws = extractCitations(answer);
  const lineCounts = new Map<string, Promise<number | undefined>>();
  return Promise.all(
    raws.map(async (c): Promise<Citation> => {
      const file = resolveWorkspacePathOnDisk(roots, c.path);
      if (!file) return { ...c, valid: false, problem: 'not a path inside the workspace' };
      if (!lineCounts.has(file)) lineCounts.set(file, countLines(file));
      const lines = await lineCounts.get(file);
      if (lines === undefined) return { ...c, valid: false, problem: 'no such file in the workspace' };
      const last = c.endLine ?? c.line;
      if (c.line > lines || last > lines) return { ...c, valid: false, problem: `the file has only ${lines} lines` };
      return { ...c, valid: true };
    }),
  );
}

/** A note appended to an answer whose citations do not all check out. */
export function invalidCitationNote(citations: Citation[]): string {
  const bad = citations.filter((c) => !c.valid);
  if (bad.length === 0) return '';
  const items = bad.map((c) => `\`${c.path}:${c.line}${c.endLine ? `-${c.endLine}` : ''}\` (${c.problem})`).join(', ');
  return `\n\n> ⚠️ Unverified citation${bad.length > 1 ? 's' : ''}: ${items}. These do not match the workspace; treat the claims that rely on them with care.`;
}
