// Workspace-relative paths as the engine, trajectories and citations write them: '/'-separated, and with several
// folders the first segment names the folder. One resolver for every place that maps such a path to a folder.

export interface ResolvedPath {
  /** Index into the folder names given (VS Code workspace folders, or the engine's roots). */
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
