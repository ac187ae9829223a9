// A directory tree as text, for the model: folders with their file counts, a few files per folder, and
// "... N more" wherever something is left out. Its size is bounded whatever the workspace size.

export const DEFAULT_TREE_BUDGET = 4000;

interface DirNode {
  name: string;
  dirs: Map<string, DirNode>;
  files: string[];
  /** Files in this folder and below. */
  count: number;
}

function newDir(name: string): DirNode {
  return { name, dirs: new Map(), files: [], count: 0 };
}

/** Builds the folder structure below `dir` ('' = workspace) from a list of workspace-relative file paths. */
export function buildDirTree(paths: readonly string[], dir: string): DirNode {
  const root = newDir(dir);
  const prefix = dir ? dir + '/' : '';
  for (const p of paths) {
    if (prefix && !p.startsWith(prefix)) continue;
    const parts = p.slice(prefix.length).split('/');
    let node = root;
    node.count++;
    for (let i = 0; i < parts.length - 1; i++) {
      const seg = parts[i]!;
      let next = node.dirs.get(seg);
      if (!next) node.dirs.set(seg, (next = newDir(seg)));
      next.count++;
      node = next;
    }
    node.files.push(parts[parts.length - 1]!);
  }
  return root;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Renders the tree breadth-first-fair: each level gets a share of the budget, biggest folders first is
 * NOT used (alphabetical reads better); folders beyond the share are summarized as "... N more folders".
 */
export function renderTree(paths: readonly string[], dir = '', depth = 2, budget = DEFAULT_TREE_BUDGET): string {
  const root = buildDirTree(paths, dir);
  const maxDepth = Math.max(1, Math.min(Math.floor(depth) || 1, 12));
  const header = `${dir ? dir + '/' : './'} (${plural(root.count, 'file')})`;
  const lines: string[] = [header];
  let used = header.length + 1;
  let cut = false;

  // Per-folder caps shrink with depth so a wide tree cannot starve later siblings entirely.
  const dirCap = (level: number): number => (level === 1 ? 40 : level === 2 ? 12 : 6);
  const fileCap = (level: number): number => (level === 1 ? 25 : level === 2 ? 8 : 4);

  const push = (line: string): boolean => {
    if (used + line.length + 1 > budget - 40) {
      cut = true;
      return false;
    }
    lines.push(line);
    used += line.length + 1;
    return true;
  };

  const walk = (node: DirNode, level: number): void => {
    const indent = '  '.repeat(level);
    const dirs = [...node.dirs.values()].sort((a, b) => a.name.localeCompare(b.name));
    const files = node.files.slice().sort((a, b) => a.localeCompare(b));
    const shownDirs = dirs.slice(0, dirCap(level));
    for (let i = 0; i < shownDirs.length; i++) {
      const d = shownDirs[i]!;
      if (!push(`${indent}${d.name}/ (${plural(d.count, 'file')})`)) {
        const hidden = dirs.length - i;
        lines.push(`${indent}... ${plural(hidden, 'more folder')}`);
        return;
      }
      if (level < maxDepth) walk(d, level + 1);
      if (cut) {
        const hidden = dirs.length - i - 1;
        if (hidden > 0) lines.push(`${indent}... ${plural(hidden, 'more folder')}`);
        if (files.length) lines.push(`${indent}... ${plural(files.length, 'file')}`);
        return;
      }
    }
    if (dirs.length > shownDirs.length) push(`${indent}... ${plural(dirs.length - shownDirs.length, 'more folder')}`);
    const shownFiles = files.slice(0, fileCap(level));
    for (let i = 0; i < shownFiles.length; i++) {
      if (!push(`${indent}${shownFiles[i]}`)) {
        lines.push(`${indent}... ${plural(files.length - i, 'more file')}`);
        return;
      }
    }
    if (files.length > shownFiles.length) push(`${indent}... ${plural(files.length - shownFiles.length, 'more file')}`);
  };

  walk(root, 1);
  if (cut) lines.push(`(tree cut to ~${budget} chars: call tree(dir, depth) on a folder for more)`);
  return lines.join('\n');
}
