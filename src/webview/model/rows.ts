// The visible rows of the tree: what is expanded, what the filter keeps. The UI draws only the rows on screen,
// so a 50,000-node trajectory costs one pass over its nodes per change, not 50,000 DOM elements.
import { searchTextOf } from './labels';
import type { TrajectoryTree, TreeNode } from './tree';

export interface Row {
  node: TreeNode;
  depth: number;
  /** Has children (shows a twistie). */
  expandable: boolean;
  expanded: boolean;
  /** Matched the filter itself (not only kept as an ancestor of a match). */
  match: boolean;
}

export type ExpandMode = 'default' | 'all' | 'none';

/** Which nodes are open: per-node choices over a mode that collapse/expand all resets. */
export class Expansion {
  private overrides = new Map<string, boolean>();
  mode: ExpandMode = 'default';

  isExpanded(node: TreeNode): boolean {
    const own = this.overrides.get(node.id);
    if (own !== undefined) return own;
    if (this.mode === 'all') return true;
    if (this.mode === 'none') return false;
    return defaultExpanded(node);
  }

  set(node: TreeNode, expanded: boolean): void {
    this.overrides.set(node.id, expanded);
  }

  toggle(node: TreeNode): void {
    this.set(node, !this.isExpanded(node));
  }

  expandAll(): void {
    this.overrides.clear();
    this.mode = 'all';
  }

  collapseAll(): void {
    this.overrides.clear();
    this.mode = 'none';
  }
}

/** A search with this many hits or fewer shows them; a longer one stays one row until opened. */
export const OPEN_SEARCH_MAX_HITS = 5;

/** Open by default down to code blocks; child runs (under sub-calls), citations and long searches stay closed until asked. */
function defaultExpanded(node: TreeNode): boolean {
  if (node.kind === 'search') return node.children.length <= OPEN_SEARCH_MAX_HITS;
  return node.kind === 'run' || node.kind === 'iteration' || node.kind === 'code' || node.kind === 'final';
}

/** Nodes whose text contains the query (case-insensitive). */
export function matchingNodes(tree: TrajectoryTree, query: string): Set<TreeNode> {
  const q = query.trim().toLowerCase();
  const out = new Set<TreeNode>();
  if (!q) return out;
  for (const node of tree.walk()) if (searchTextOf(node).includes(q)) out.add(node);
  return out;
}

/**
 * The rows to show. Without a query: every node whose ancestors are all expanded. With one: the matches and
 * their ancestors (opened on the way down), so each match is shown in its place in the tree.
 */
export function visibleRows(tree: TrajectoryTree, expansion: Expansion, query = ''): Row[] {
  const rows: Row[] = [];
  if (query.trim()) {
    const matches = matchingNodes(tree, query);
    const keep = new Set<TreeNode>();
    for (const m of matches) for (let n: TreeNode | undefined = m; n && n !== tree.root && !keep.has(n); n = n.parent) keep.add(n);
    const visit = (node: TreeNode, depth: number) => {
      const kids = node.children.filter((c) => keep.has(c));
      rows.push({ node, depth, expandable: kids.length > 0, expanded: kids.length > 0, match: matches.has(node) });
      for (const c of kids) visit(c, depth + 1);
    };
    for (const top of tree.root.children) if (keep.has(top)) visit(top, 0);
    return rows;
  }
  // Iterative: a child run nested deep must not overflow the stack.
  const stack: { node: TreeNode; depth: number }[] = [];
  for (let i = tree.root.children.length - 1; i >= 0; i--) stack.push({ node: tree.root.children[i], depth: 0 });
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    const expandable = node.children.length > 0;
    const expanded = expandable && expansion.isExpanded(node);
    rows.push({ node, depth, expandable, expanded, match: false });
    if (expanded) for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i], depth: depth + 1 });
  }
  return rows;
}
