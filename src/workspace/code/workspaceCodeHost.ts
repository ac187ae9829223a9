// Connects code intelligence to a Workspace: its file list, path rules, reads and grep.
import * as fs from 'node:fs';
import { WorkspaceError } from '../types';
import type { Workspace } from '../workspace';
import { CodeIntelligence, type CodeHost, type CodeIntelligenceOptions } from './codeIntelligence';
import { normalizeWorkspacePath } from '../pathSafety';
import { scratchBuffer, SCRATCH_MAX_BYTES } from './scratchBuffer';

/** Code intelligence for a workspace, caching on disk in the workspace's options.cacheDir. */
export function createCodeIntelligence(workspace: Workspace, options: Partial<CodeIntelligenceOptions> = {}): CodeIntelligence {
  const roots = workspace.childSpec().roots.map((r) => r.path);
  return new CodeIntelligence(workspaceCodeHost(workspace), {
    cacheDir: workspace.spec.options?.cacheDir,
    cacheKey: JSON.stringify(roots),
    ...options,
  });
}

/** The CodeHost view of a Workspace: same files, same path rules (subset, secrets, ignore), same grep. */
export function workspaceCodeHost(workspace: Workspace): CodeHost {
  const virtual = new Map<string, string>();
  for (const v of workspace.spec.virtualFiles ?? []) {
    try {
      virtual.set(normalizeWorkspacePath(v.path), v.content);
    } catch {
      // the Workspace skips bad virtual paths too
    }
  }

  /** Disk path of an allowed file; files outside the index get the Workspace's own explanation from read(). */
  const diskPath = async (p: string): Promise<string> => {
    const norm = normalizeWorkspacePath(p);
    if (!workspace.fileAt(norm)) await workspace.read(norm, { start: 1, end: 1 });
    return workspace.resolvePath(norm);
  };

  return {
    files: () => workspace.files(),
    async stat(p) {
      const text = virtual.get(normalizeWorkspacePath(p));
      if (text !== undefined) return { size: text.length, mtimeMs: 0, persist: false };
      const abs = await diskPath(p);
      try {
        // Synchronous: one stat is microseconds, while a trip through libuv's thread pool and back left the
        // thread idle between files (a third of a cold outline pass over 1,000 files).
        const st = fs.statSync(abs);
        // Whole milliseconds, as the file index records them (its stamps seed the first build).
        return { size: st.size, mtimeMs: Math.floor(st.mtimeMs), persist: true };
      } catch {
        throw new WorkspaceError(`File not found: ${p}.`);
      }
    },
    async readText(p) {
      const text = virtual.get(normalizeWorkspacePath(p));
      if (text !== undefined) return text;
      // Not through the text cache: an index build reads every file once and would only churn it. Synchronous
      // like stat (files are at most maxFileBytes, 2 MB by default).
      return readUtf8(await diskPath(p));
    },
    grep: (pattern, options) => workspace.grep(pattern, options),
    whenQuiet: () => workspace.foreground.whenQuiet(),
  };
}

/** Reads a whole file as UTF-8 through the scratch buffer (readFileSync allocates one per file). */
function readUtf8(abs: string): string {
  const fd = fs.openSync(abs, 'r');
  try {
    let buffer = scratchBuffer(Math.min(SCRATCH_MAX_BYTES, fs.fstatSync(fd).size + 1));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        // Bytes, not text, are joined: a character may straddle the cut.
        if (length >= SCRATCH_MAX_BYTES) return Buffer.concat([buffer.subarray(0, length), fs.readFileSync(fd)]).toString('utf8');
        buffer = scratchBuffer(Math.min(SCRATCH_MAX_BYTES, length * 2), length); // the file grew while read
      }
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) return buffer.toString('utf8', 0, length);
      length += n;
    }
  } finally {
    fs.closeSync(fd);
  }
}
