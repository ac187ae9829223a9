// Where a trajectory path lives in the open workspace. Paths in trajectories are workspace-relative with '/';
// in a multi-root workspace the first segment names the folder. No vscode import: unit-tested in node.

export interface ResolvedPath {
  /** Index into workspace.workspaceFolders. */
  folderIndex: number;
  /** Path segments inside that folder. */
  segments: string[];
}

/** Resolves `path` against folders (by name); undefined for absolute paths, `..`, or no folder open. */
export function resolveWorkspacePath(path: string, folderNames: readonly string[]): ResolvedPath | undefined {
  if (!folderNames.length || !path) return undefined;
  const normalized = path.replace(/\\/g, '/');
  if (normalized.startsWith('/') || /^[a-zA-Z]:\//.test(normalized) || /^[a-z][\w+.-]*:/i.test(normalized)) return undefined;
  const segments = normalized.split('/').filter((s) => s && s !== '.');
  if (!segments.length || segments.includes('..')) return undefined;
  if (folderNames.length > 1 && segments.length > 1) {
    const index = folderNames.indexOf(segments[0]);
    if (index >= 0) return { folderIndex: index, segments: segments.slice(1) };
  }
  return { folderIndex: 0, segments };
}

/** Zero-based line range for a selection, clamped to the document. */
export function selectionLines(line: number, endLine: number | undefined, lineCount: number): { start: number; end: number } {
  const last = Math.max(0, lineCount - 1);
  const start = Math.min(Math.max(0, line - 1), last);
  const end = Math.min(Math.max(start, (endLine ?? line) - 1), last);
  return { start, end };
}
