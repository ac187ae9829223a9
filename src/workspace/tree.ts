// A directory tree as text, for the model: folders with their file counts, a few files per folder, and
// "... N more" wherever something is left out. Its size is bounded whatever the workspace size.

export const DEFAULT_TREE_BUDGET = 4000;

export interface DirNode {
  name: string;
  dirs: Map<string, DirNode>;
  files: string[];
  /** Files in this folder and below. */
  count: number;
  /** Children in display order, computed once (renders repeat while choosing a depth). */
  sorted?: { dirs: DirNode[]; files: string[] };
}

function newDir(name: string): DirNode {
  return { name, dirs: new Map(), files: [], count: 0 };
}

/** Builds the folder structure of a list of workspace-relative file paths. */
export function buildDirTree(paths: readonly string[]): DirNode {
  const root = newDir('');
  for (const p of paths) {
    const parts = p.split('/');
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

/** The node of folder `dir` ('' = the root), or undefined when no indexed file lies below it. */
export function findDir(root: DirNode, dir: string): DirNode | undefined {
  let node: DirNode | undefined = root;
  if (dir) for (const seg of dir.split('/')) node = node?.dirs.get(seg);
  return node;
}

function sortedChildren(node: DirNode): { dirs: DirNode[]; files: string[] } {
  return (node.sorted ??= {
    dirs: [...node.dirs.values()].sort((a, b) => collator.compare(a.name, b.name)),
    files: node.files.slice().sort(collator.compare),
  });
}

/** Natural order: file2 before file10. */
const collator = new Intl.Collator('en', { numeric: true });

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Renders the tree within `budget` characters. Folders are listed alphabetically with their file counts;
 * it picks the deepest level that fits whole, then opens one more level while the budget lasts, so every
 * top-level folder is named before any deep one is opened. Each folder shows a capped number of entries.
 */
export function renderTree(paths: readonly string[], dir = '', depth = 2, budget = DEFAULT_TREE_BUDGET): string {
  const node = findDir(buildDirTree(paths), dir);
  return node ? renderDir(node, dir, depth, budget) : `${dir}/ (0 files)`;
}

/** Renders an already built folder node (Workspace keeps one tree for all calls). */
export function renderDir(node: DirNode, dir: string, depth = 2, budget = DEFAULT_TREE_BUDGET): string {
  const maxDepth = Math.max(1, Math.min(Math.floor(depth) || 1, 12));
  let fits = 0;
  for (let d = 1; d <= maxDepth; d++) {
    const r = renderLevels(node, dir, d, Infinity, budget);
    if (r.cut) break;
    fits = d;
  }
  if (fits === maxDepth) return renderLevels(node, dir, maxDepth, Infinity, budget).text;
  return renderLevels(node, dir, fits + 1, Math.floor(budget * 0.75), budget).text;
}

/** Per-folder caps shrink with depth so one wide folder cannot take the whole budget. */
const dirCap = (level: number): number => (level === 1 ? 60 : level === 2 ? 15 : 8);
const fileCap = (level: number): number => (level === 1 ? 25 : level === 2 ? 8 : 4);

/**
 * One rendering: folders deeper than `depth` are not opened; no folder is opened once `openBudget`
 * characters are used; past `budget` the remaining entries become "... N more".
 */
function renderLevels(
  root: DirNode,
  dir: string,
  depth: number,
  openBudget: number,
  budget: number,
): { text: string; cut: boolean } {
  const header = `${dir ? dir + '/' : './'} (${plural(root.count, 'file')})`;
  const lines: string[] = [header];
  let used = header.length + 1;
  let cut = false;
  let unopened = false;

  const push = (line: string): boolean => {
    if (used + line.length + 1 > budget - 80) {
      cut = true;
      return false;
    }
    lines.push(line);
    used += line.length + 1;
    return true;
  };
  const more = (indent: string, n: number, word: string): void => {
    if (n > 0) lines.push(`${indent}... ${plural(n, word)}`);
  };

  const walk = (node: DirNode, level: number): void => {
    const indent = '  '.repeat(level);
    const { dirs, files } = sortedChildren(node);
    const shownDirs = dirs.slice(0, dirCap(level));
    for (let i = 0; i < shownDirs.length; i++) {
      const d = shownDirs[i]!;
      if (cut || !push(`${indent}${d.name}/ (${plural(d.count, 'file')})`)) {
        more(indent, dirs.length - i, 'more folder');
        more(indent, files.length, 'more file');
        return;
      }
      if (level < depth) {
        if (used < openBudget) walk(d, level + 1);
        else unopened = true;
      }
    }
    if (cut) {
      more(indent, dirs.length - shownDirs.length, 'more folder');
      more(indent, files.length, 'more file');
      return;
    }
    if (dirs.length > shownDirs.length) push(`${indent}... ${plural(dirs.length - shownDirs.length, 'more folder')}`);
    const shownFiles = files.slice(0, fileCap(level));
    for (let i = 0; i < shownFiles.length; i++) {
      if (!push(`${indent}${shownFiles[i]}`)) {
        more(indent, files.length - i, 'more file');
        return;
      }
    }
    if (files.length > shownFiles.length) push(`${indent}... ${plural(files.length - shownFiles.length, 'more file')}`);
  };

  walk(root, 1);
  if (cut || unopened) lines.push(`(tree cut to ~${budget} chars: call tree(dir, depth) on a folder for more)`);
  return { text: lines.join('\n'), cut };
}
