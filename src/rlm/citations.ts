// Finds the path:line citations in an answer and checks each against the workspace,
// so that a citation to a missing file or line is flagged instead of passed on as fact.
import * as path from 'node:path';
import type { Citation } from './events';
import type { WorkspaceRoot } from '../workspace/types';
import { resolveWorkspacePath } from '../workspace/workspacePath';
import { findCitationSpans, namedIdentifier } from './citationGrammar';
import { lineCount, sliceText, textCache, type CachedText } from '../workspace/textCache';

export interface RawCitation {
  path: string;
  line: number;
  endLine?: number;
  /** The identifier the claim names next to the citation: the cited lines must contain it. */
  names?: string;
}

export function extractCitations(answer: string): RawCitation[] {
  const seen = new Set<string>();
  const out: RawCitation[] = [];
  for (const span of findCitationSpans(answer)) {
    const names = namedIdentifier(answer, span);
    const key = `${span.path}:${span.line}:${span.endLine ?? ''}:${names ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: span.path, line: span.line, ...(span.endLine !== undefined ? { endLine: span.endLine } : {}), ...(names ? { names } : {}) });
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

/** A file's cached text, or undefined when it is not a readable file. */
async function readText(file: string): Promise<CachedText | undefined> {
  try {
    // The thread's text cache: a file the run read (or a citation check counted) is not read again unchanged.
    return await textCache.get(file);
  } catch {
    return undefined; // missing, or a folder
  }
}

export async function countLines(file: string): Promise<number | undefined> {
  const t = await readText(file);
  return t && lineCount(t);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Why a citation does not hold, or undefined when it does: bounds, then content. */
function problemOf(c: RawCitation, t: CachedText): string | undefined {
  const last = c.endLine ?? c.line;
  const count = lineCount(t);
  if (c.line > count || last > count) return `the file has only ${count} lines`;
  const cited = sliceText(t, c.line, last).split('\n');
  const where = c.endLine !== undefined ? `lines ${c.line}-${c.endLine}` : `line ${c.line}`;
  if (cited.every((l) => !l.trim())) return `${where} ${cited.length > 1 ? 'are' : 'is'} blank`;
  if (c.names && !new RegExp(`(?<![\\p{L}\\p{N}_$])${escapeRegExp(c.names)}(?![\\p{L}\\p{N}_$])`, 'u').test(cited.join('\n'))) {
    return `${where} do${c.endLine !== undefined ? '' : 'es'} not contain "${c.names}"`;
  }
  return undefined;
}

export async function checkCitations(answer: string, roots: WorkspaceRoot[]): Promise<Citation[]> {
  const raws = extractCitations(answer);
  const files = new Map<string, Promise<CachedText | undefined>>();
  return Promise.all(
    raws.map(async ({ names, ...c }): Promise<Citation> => {
      const file = resolveWorkspacePathOnDisk(roots, c.path);
      if (!file) return { ...c, valid: false, problem: 'not a path inside the workspace' };
      if (!files.has(file)) files.set(file, readText(file));
      const text = await files.get(file);
      if (text === undefined) return { ...c, valid: false, problem: 'no such file in the workspace' };
      const problem = problemOf({ ...c, names }, text);
      return problem ? { ...c, valid: false, problem } : { ...c, valid: true };
    }),
  );
}

/** The repair turn's message: each failing citation and why; the next FINAL is accepted as it is. */
export function citationRepairMessage(citations: Citation[]): string {
  const bad = citations.filter((c) => !c.valid);
  const items = bad.map((c) => `- ${c.path}:${c.line}${c.endLine ? `-${c.endLine}` : ''}: ${c.problem}`).join('\n');
  return (
    `Your FINAL answer was not accepted yet: ${bad.length} citation${bad.length > 1 ? 's do' : ' does'} not check out against the files:\n${items}\n` +
    'Re-read those places, build each citation in code from the line numbers the helpers return (e.g. `${d.path}:${d.line}-${d.endLine}`), ' +
    'and call FINAL again. The next FINAL is accepted as it is, with any citation that still fails flagged.'
  );
}

/** A note appended to an answer whose citations do not all check out. */
export function invalidCitationNote(citations: Citation[]): string {
  const bad = citations.filter((c) => !c.valid);
  if (bad.length === 0) return '';
  const items = bad.map((c) => `\`${c.path}:${c.line}${c.endLine ? `-${c.endLine}` : ''}\` (${c.problem})`).join(', ');
  return `\n\n> ⚠️ Unverified citation${bad.length > 1 ? 's' : ''}: ${items}. These do not match the workspace; treat the claims that rely on them with care.`;
}
