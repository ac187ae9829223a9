import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrajectoryTree, type TreeNode } from '../../src/webview/model/tree';
import { Expansion, visibleRows, matchingNodes } from '../../src/webview/model/rows';
import { labelOf, locationOf } from '../../src/webview/model/labels';
import { summarize } from '../../src/webview/model/summary';
import { accountOf } from '../../src/rlm/runAccount';
import type { TrajectoryEvent } from '../../src/rlm/events';
import { smallTrajectory, syntheticTrajectory } from './fixtures';

/** The tree as nested [id, children] lists: what a reader of the panel sees, independent of arrival order. */
function shape(node: TreeNode): unknown {
  return node.children.map((c) => (c.children.length ? [c.id, shape(c)] : c.id));
}

/** A deterministic shuffle (a small LCG), so a failure reproduces. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

test('builds run -> iterations -> code -> sub-calls/evidence -> child run -> ..., final with citations', () => {
  const tree = new TrajectoryTree(smallTrajectory());
  assert.deepEqual(shape(tree.root), [
    [
      'run0',
      [
        ['it1', [['c1', [['c1/grep:invalidate', ['e1']], 'e2', 's1', ['s2', [['run1', [['it1c', [['c1c', ['e1c']]]], ['f1c', ['f1c#0']]]]]]]]]],
        ['it2', ['c2']],
        ['f0', ['f0#0', 'f0#1', 'f0#2']],
      ],
    ],
  ]);
  assert.equal(tree.rootRun?.id, 'run0');
  assert.equal(tree.rootRun?.end?.stopReason, 'final', 'run_end is folded into its run node');
  assert.equal(tree.get('run1')?.end?.id, 'end1', 'the child run has its own end');
  assert.equal(tree.get('run0')?.final?.id, 'f0');
});

test('out-of-order events build the same tree as in-order ones', () => {
  const events = smallTrajectory();
  const expected = shape(new TrajectoryTree(events).root);
  assert.deepEqual(shape(new TrajectoryTree([...events].reverse()).root), expected, 'reversed');
  for (const seed of [1, 2, 3, 42, 1234, 99999]) {
    const tree = new TrajectoryTree(shuffled(events, seed));
    assert.deepEqual(shape(tree.root), expected, `seed ${seed}`);
    assert.equal(tree.rootRun?.end?.id, 'end0', `seed ${seed}: run_end before run_start is kept`);
  }
});

test('an event whose parent never arrives stays visible under its run', () => {
  const events = smallTrajectory().filter((e) => e.id !== 'c1'); // lose the code block
  const tree = new TrajectoryTree(events);
  const run = tree.get('run0')!;
  // Grep hits hang in their search's group (run0/grep:…), the rest directly under the run.
  const orphans = run.children.flatMap((c) => (c.kind === 'search' ? c.children.map((h) => h.id) : [c.id]));
  for (const id of ['e1', 'e2', 's1', 's2']) assert.ok(orphans.includes(id), `${id} should hang under the run, got ${orphans}`);
  assert.equal(tree.get('run1')?.parent?.id, 's2', 'the child run still hangs under its sub-call');
});

test('replayed events (re-attach, reload) change nothing', () => {
  const events = smallTrajectory();
  const tree = new TrajectoryTree(events);
  const before = { shape: shape(tree.root), size: tree.size, events: tree.events.length };
  tree.addAll(events);
  assert.deepEqual({ shape: shape(tree.root), size: tree.size, events: tree.events.length }, before);
});

test('deeply nested child runs (depth 200) build and flatten without recursion limits', () => {
  const events: TrajectoryEvent[] = [];
  let parent: string | undefined;
  for (let d = 0; d < 200; d++) {
    const runId = `r${d}`;
    events.push({ type: 'run_start', id: `run${d}`, ...(parent ? { parentId: parent } : {}), runId, time: d, depth: d, question: `q${d}`, provider: 'openai', model: 'm', subModel: 'm', workspace: { name: 'w', fileCount: 0, totalBytes: 0 }, limits: {} });
    events.push({ type: 'iteration', id: `it${d}`, parentId: `run${d}`, runId, time: d, iteration: 1, response: '', usage: { inputTokens: 1, outputTokens: 1 }, durationMs: 1 });
    events.push({ type: 'code', id: `c${d}`, parentId: `it${d}`, runId, time: d, iteration: 1, index: 0, code: '', output: '', durationMs: 1 });
    events.push({ type: 'subcall', id: `s${d}`, parentId: `c${d}`, runId, time: d, kind: 'rlm_query', prompt: 'p', model: 'm', usage: { inputTokens: 0, outputTokens: 0 }, durationMs: 1, cached: false });
    parent = `s${d}`;
  }
  const tree = new TrajectoryTree(events);
  const x = new Expansion();
  x.expandAll();
  assert.equal(visibleRows(tree, x).length, 800);
  assert.equal(visibleRows(tree, x).at(-1)?.depth, 799);
});

test('rows: default expansion shows down to code blocks, child runs closed; expand/collapse all', () => {
  const tree = new TrajectoryTree(smallTrajectory());
  const x = new Expansion();
  const ids = visibleRows(tree, x).map((r) => r.node.id);
  assert.ok(ids.includes('s2') && !ids.includes('run1'), 'the child run waits behind its sub-call');
  assert.ok(ids.includes('e1') && ids.includes('f0#2'));
  x.toggle(tree.get('s2')!);
  assert.ok(visibleRows(tree, x).some((r) => r.node.id === 'run1' && r.depth === 4));
  x.expandAll();
  assert.equal(visibleRows(tree, x).filter((r) => r.node.kind !== 'search').length, tree.size, 'every node, plus the search groups');
  x.collapseAll();
  assert.deepEqual(visibleRows(tree, x).map((r) => r.node.id), ['run0']);
  x.toggle(tree.get('run0')!);
  assert.deepEqual(visibleRows(tree, x).map((r) => r.node.id), ['run0', 'it1', 'it2', 'f0']);
});

test('filter searches all node text: code, output, prompts, responses, paths, answers', () => {
  const tree = new TrajectoryTree(smallTrajectory());
  const ids = (q: string) => [...matchingNodes(tree, q)].map((n) => n.id).sort();
  assert.deepEqual(ids('DELETES THE KEY'), ['s1'], 'sub-call response, case-insensitive');
  assert.deepEqual(ids('answer is not defined'), ['c2'], 'code error');
  assert.deepEqual(ids('[{"path":"src/cache.ts"'), ['c1'], 'printed output');
  assert.ok(ids('src/store.ts').includes('e1c'), 'evidence path inside a child run');
  assert.deepEqual(ids('no-such-text-anywhere'), []);
  // Rows keep each match in place, with its ancestors, even inside a closed child run.
  const rows = visibleRows(tree, new Expansion(), 'src/store.ts');
  const byId = new Map(rows.map((r) => [r.node.id, r]));
  assert.ok(byId.get('e1c')?.match);
  for (const ancestor of ['run0', 'it1', 'c1', 's2', 'run1', 'it1c', 'c1c']) assert.ok(byId.has(ancestor), `ancestor ${ancestor} shown`);
  assert.equal(byId.get('c1c')?.match, false, 'an ancestor kept for context is not a match');
  assert.ok(!byId.has('e2') && !byId.has('s1'), 'unrelated branches are hidden');
  assert.deepEqual(visibleRows(tree, new Expansion(), 'no-such-text-anywhere'), []);
});

test('located nodes: evidence and citations jump to code, others do not', () => {
  const tree = new TrajectoryTree(smallTrajectory());
  assert.deepEqual(locationOf(tree.get('e1')!), { path: 'src/cache.ts', line: 42 });
  assert.deepEqual(locationOf(tree.get('e2')!), { path: 'src/cache.ts', line: 40, endLine: 60 });
  assert.deepEqual(locationOf(tree.get('f0#0')!), { path: 'src/cache.ts', line: 42, endLine: 48 });
  assert.equal(locationOf(tree.get('c1')!), undefined);
  assert.equal(locationOf(tree.get('s1')!), undefined);
  assert.equal(labelOf(tree.get('e1')!).label, 'src/cache.ts:42', 'a grep hit under its search: path:line first');
  assert.equal(labelOf(tree.get('c1/grep:invalidate')!).label, 'grep /invalidate/');
  assert.equal(labelOf(tree.get('c1/grep:invalidate')!).description, '1 hit in 1 file');
  assert.equal(labelOf(tree.get('f0#2')!).tone, 'warning', 'an invalid citation is flagged');
  assert.equal(labelOf(tree.get('c2')!).tone, 'error');
});

test('summary: totals from run_end, live counts before it, cost only for known prices', () => {
  const events = smallTrajectory();
  const done = summarize(new TrajectoryTree(events));
  assert.equal(done.question, 'Where is the cache invalidated?');
  assert.equal(done.stopReason, 'final');
  assert.equal(done.live, false);
  assert.deepEqual([done.iterations, done.subCalls, done.childRuns, done.evidence], [2, 2, 1, 3]);
  assert.deepEqual(done.usage, { inputTokens: 3500, outputTokens: 190 });
  assert.equal(done.durationMs, 4300);
  // gpt-4o-mini: iterations 1200+500+1500 in, 80+30+60 out; llm_query 300 in, 20 out (the rlm_query's own usage is its child's).
  const expected = ((1200 + 500 + 1500 + 300) * 0.15 + (80 + 30 + 60 + 20) * 0.6) / 1e6;
  assert.ok(Math.abs(done.cost! - expected) < 1e-12, `cost ${done.cost} vs ${expected}`);

  const live = summarize(new TrajectoryTree(events.filter((e) => e.id !== 'end0')), events[0].time + 10_000);
  assert.equal(live.live, true);
  assert.equal(live.iterations, 2, 'root iterations only');
  assert.equal(live.subCalls, 2);
  assert.equal(live.durationMs, 10_000, 'wall time runs while live');

  const unknown = events.map((e) => (e.type === 'subcall' ? { ...e, model: 'my-private-model' } : e));
  assert.equal(summarize(new TrajectoryTree(unknown)).cost, undefined);
  // The header's numbers are the run account's: the palette, chat footer and CLI show the same.
  const account = accountOf(events);
  assert.deepEqual([done.iterations, done.subCalls, done.usage, done.durationMs], [account.turns, account.subCalls + account.cachedSubCalls, account.usage, account.durationMs]);
});

test('a generated 5,000-node trajectory has the promised size and one root', () => {
  const events = syntheticTrajectory(5000);
  const tree = new TrajectoryTree(events);
  assert.ok(tree.size >= 4900 && tree.size <= 5100, `size ${tree.size}`);
  assert.equal(tree.root.children.length, 1);
});
