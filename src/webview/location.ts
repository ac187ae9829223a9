// Where a trajectory location lives in the open workspace (the resolver is shared with citations), and the
// editor selection for it. No vscode import: unit-tested in node.

export { resolveWorkspacePath, type ResolvedPath } from '../workspace/workspacePath';

/** Zero-based line range for a selection, clamped to the document. */
export function selectionLines(line: number, endLine: number | undefined, lineCount: number): { start: number; end: number } {
  const last = Math.max(0, lineCount - 1);
  const start = Math.min(Math.max(0, line - 1), last);
  const end = Math.min(Math.max(start, (endLine ?? line) - 1), last);
  return { start, end };
}
