// Builds the trajectory tree from events as they arrive, in any order:
//   run -> iterations -> code blocks -> sub-calls / evidence;  sub-call -> child run (any depth);  run -> final -> citations.
// An event whose parent has not arrived yet hangs under its run (or the top) and moves when the parent shows up.
import type { Citation, FinalEvent, RunEndEvent, RunStartEvent, TrajectoryEvent } from '../../rlm/events';

/** 'search' is not an event: it groups the grep hits of one search under one row (its `event` is the first hit). */
export type NodeKind = 'run' | 'iteration' | 'code' | 'subcall' | 'evidence' | 'final' | 'citation' | 'search';

export interface TreeNode {
  id: string;
  kind: NodeKind;
  /** The event this node shows (for a citation: the final event it belongs to). */
  event: TrajectoryEvent;
  citation?: Citation;
  parent?: TreeNode;
  children: TreeNode[];
  /** Arrival order, the tie-breaker among siblings. */
  seq: number;
  /** Siblings sort by this: iteration number, code index, time; the final answer last. */
  sortKey: number;
  /** For run nodes: how the run ended, once known. */
  end?: RunEndEvent;
  final?: FinalEvent;
  /** Lower-cased text of the node for the filter, computed on demand. */
  searchText?: string;
  /** For sub-calls: the line that tells it apart from its siblings, cached with the sibling count it was made for. */
  distinct?: { siblings: number; text: string };
}

/** The grep pattern an evidence event came from, when it is a grep hit: hits of one search share a group. */
function grepQuery(e: TrajectoryEvent): string | undefined {
  return e.type === 'evidence' && e.kind === 'grep' && e.query ? e.query : undefined;
}

function sortKeyOf(e: TrajectoryEvent): number {
  switch (e.type) {
    case 'iteration':
      return e.iteration;
    case 'code':
      return e.index;
    case 'final':
      return Number.POSITIVE_INFINITY;
    default:
      return e.time;
  }
}

/** Sibling order: by sort key, then by arrival. */
function before(a: TreeNode, b: TreeNode): boolean {
  return a.sortKey < b.sortKey || (a.sortKey === b.sortKey && a.seq < b.seq);
}

export class TrajectoryTree {
  /** The invisible top: normally holds one root run. */
  readonly root: TreeNode;
  private readonly byId = new Map<string, TreeNode>();
  /** Ids of every event seen (run_end has no node of its own). */
  private readonly seen = new Set<string>();
  private readonly runsByRunId = new Map<string, TreeNode>();
  /** Nodes waiting for a parent that has not arrived: parentId -> nodes. */
  private readonly waitingForParent = new Map<string, TreeNode[]>();
  /** run_end events that came before their run_start: runId -> event. */
  private readonly pendingEnds = new Map<string, RunEndEvent>();
  private seq = 0;
  /** Search group nodes (not events): kept out of `size`. */
  private groups = 0;
  /** Every event added, in arrival order (what export and history save). */
  readonly events: TrajectoryEvent[] = [];
  /** Bumped on every change, so views know to redraw. */
  version = 0;

  constructor(events: readonly TrajectoryEvent[] = []) {
    this.root = { id: '', kind: 'run', event: undefined as unknown as TrajectoryEvent, children: [], seq: -1, sortKey: 0 };
    this.addAll(events);
  }

  /** Nodes that stand for an event or a citation (search groups are not counted). */
  get size(): number {
    return this.byId.size - this.groups;
  }

  get(id: string): TreeNode | undefined {
    return this.byId.get(id);
  }

  /** The top-level run (depth 0), once its run_start has arrived. */
  get rootRun(): TreeNode | undefined {
    return this.root.children.find((n) => n.kind === 'run' && (n.event as RunStartEvent).depth === 0) ?? this.root.children.find((n) => n.kind === 'run');
  }

  addAll(events: readonly TrajectoryEvent[]): void {
    for (const e of events) this.add(e);
  }

  add(e: TrajectoryEvent): void {
    if (this.seen.has(e.id)) return; // a replayed event (reload, re-attach) changes nothing
    this.seen.add(e.id);
    this.events.push(e);
    this.version++;
    if (e.type === 'run_end') {
      const run = this.runFor(e);
      if (run) run.end = e;
      else this.pendingEnds.set(e.runId, e);
      return;
    }
    const node: TreeNode = { id: e.id, kind: e.type === 'run_start' ? 'run' : e.type, event: e, children: [], seq: this.seq++, sortKey: sortKeyOf(e) };
    this.byId.set(e.id, node);

    if (e.type === 'run_start') {
      if (!this.runsByRunId.has(e.runId)) this.runsByRunId.set(e.runId, node);
      const end = this.pendingEnds.get(e.runId);
      if (end) {
        node.end = end;
        this.pendingEnds.delete(e.runId);
      }
    }
    if (e.type === 'final') {
      const run = this.runFor(e);
      if (run) run.final = e;
      e.citations.forEach((citation, i) => {
        const id = `${e.id}#${i}`;
        const child: TreeNode = { id, kind: 'citation', event: e, citation, children: [], seq: this.seq++, sortKey: i, parent: node };
        this.byId.set(id, child);
        node.children.push(child);
      });
    }

    this.insert(this.parentFor(e, node), node);
    this.adoptWaiting(node);
  }

  private runFor(e: TrajectoryEvent): TreeNode | undefined {
    const byParent = e.parentId ? this.byId.get(e.parentId) : undefined;
    if (byParent?.kind === 'run') return byParent;
    return this.runsByRunId.get(e.runId);
  }

  private parentFor(e: TrajectoryEvent, node: TreeNode): TreeNode {
    if (e.parentId !== undefined) {
      const parent = this.byId.get(e.parentId);
      if (parent && parent !== node) return parent;
      let waiting = this.waitingForParent.get(e.parentId);
      if (!waiting) this.waitingForParent.set(e.parentId, (waiting = []));
      waiting.push(node);
    }
    if (e.type === 'run_start') return this.root;
    const run = this.runsByRunId.get(e.runId);
    return run && run !== node ? run : this.root;
  }

  /** Moves nodes that were waiting for `node` (by parent id, or for their run) under it. */
  private adoptWaiting(node: TreeNode): void {
    const waiting = this.waitingForParent.get(node.id);
    if (waiting) {
      this.waitingForParent.delete(node.id);
      for (const child of waiting) if (!this.isAncestor(child, node)) this.move(child, node);
    }
    if (node.kind === 'run' && this.runsByRunId.get(node.event.runId) === node) {
      // Events of this run that arrived before it sit at the top: bring them in (those still waiting for their
      // own parent move again when it arrives).
      for (const orphan of [...this.root.children]) {
        if (orphan !== node && orphan.kind !== 'run' && orphan.event.runId === node.event.runId) this.move(orphan, node);
      }
    }
  }

  private isAncestor(candidate: TreeNode, of: TreeNode): boolean {
    for (let p: TreeNode | undefined = of; p; p = p.parent) if (p === candidate) return true;
    return false;
  }

  private move(child: TreeNode, parent: TreeNode): void {
    const old = child.parent;
    if (old) {
      const i = old.children.indexOf(child);
      if (i >= 0) old.children.splice(i, 1);
      // A search group left empty (its hits moved to their real parent) goes too.
      if (old.kind === 'search' && !old.children.length && old.parent) {
        const j = old.parent.children.indexOf(old);
        if (j >= 0) old.parent.children.splice(j, 1);
        this.byId.delete(old.id);
        this.groups--;
      }
    }
    this.insert(parent, child);
  }

  /** The group row for a grep hit under `parent`: one per pattern, created with the first hit. */
  private searchGroup(parent: TreeNode, hit: TreeNode, query: string): TreeNode {
    const id = `${parent.id}/grep:${query}`;
    let group = this.byId.get(id);
    if (!group) {
      group = { id, kind: 'search', event: hit.event, children: [], seq: hit.seq, sortKey: hit.sortKey };
      this.byId.set(id, group);
      this.groups++;
      this.insert(parent, group);
    }
    return group;
  }

  private insert(parent: TreeNode, child: TreeNode): void {
    const query = grepQuery(child.event);
    if (query !== undefined && child.kind === 'evidence' && parent.kind !== 'search' && parent !== this.root) parent = this.searchGroup(parent, child, query);
    child.parent = parent;
    const list = parent.children;
    // Live events nearly always belong at the end.
    if (!list.length || before(list[list.length - 1], child)) {
      list.push(child);
      return;
    }
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(list[mid], child)) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, child);
  }

  /** Depth-first, parents before children. */
  *walk(from: TreeNode = this.root): Generator<TreeNode> {
    const stack = [...from.children].reverse();
    while (stack.length) {
      const node = stack.pop()!;
      yield node;
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
    }
  }
}
