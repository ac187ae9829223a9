// Rows a reader can tell apart: sub-calls by what differs in their prompts, grep hits grouped under their
// search with path:line first, a child run labelled with how it ended, its citations and its tokens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrajectoryTree } from '../../src/webview/model/tree';
import { Expansion, visibleRows, OPEN_SEARCH_MAX_HITS } from '../../src/webview/model/rows';
import { distinguishingLine, labelOf } from '../../src/webview/model/labels';
import type { TrajectoryEvent } from '../../src/rlm/events';
import { smallTrajectory } from './fixtures';

const T0 = Date.UTC(2026, 0, 1);
const usage = (i: number, o: number) => ({ inputTokens: i, outputTokens: o });
const FILES = ['lib/router.js', 'lib/application.js', 'lib/request.js', 'lib/response.js', 'lib/view.js', 'lib/utils.js', 'lib/express.js', 'index.js'];

/** A run whose code block fans out 8 llm_query calls sharing a long instruction, and greps 23 hits. */
function fanOut(): TrajectoryEvent[] {
  const R = 'r';
  const events: TrajectoryEvent[] = [
    { type: 'run_start', id: 'run', runId: R, time: T0, depth: 0, question: 'How does a request reach a handler?', provider: 'openai', model: 'm', subModel: 'm', workspace: { name: 'express', fileCount: 8, totalBytes: 1 }, limits: {} },
    { type: 'iteration', id: 'it', parentId: 'run', runId: R, time: T0 + 1, iteration: 1, response: '```js\n...\n```', usage: usage(1, 1), durationMs: 1 },
    { type: 'code', id: 'c', parentId: 'it', runId: R, time: T0 + 2, iteration: 1, index: 0, code: '...', output: '', durationMs: 1 },
  ];
  FILES.forEach((file, i) => {
    const prompt = `Question: How does a request reach a handler in this codebase?\nAnswer only from the file below.\nFile: ${file}\n<contents of ${file}>`;
    events.push({ type: 'subcall', id: `s${i}`, parentId: 'c', runId: R, time: T0 + 10 + i, kind: 'llm_query', prompt, response: 'ok', model: 'm', usage: usage(100, 10), durationMs: 5, cached: false });
  });
  for (let i = 0; i < 23; i++) {
    events.push({ type: 'evidence', id: `g${i}`, parentId: 'c', runId: R, time: T0 + 100 + i, kind: 'grep', path: FILES[i % FILES.length], line: 10 + i, query: 'app\\.(get|post|use)\\(\\s*["\\\']\\/[a-z]+', text: `app.get('/x${i}', h)` });
  }
  return events;
}

test('sub-call rows differ: described by the line that tells them apart; identical ones numbered', () => {
  const tree = new TrajectoryTree(fanOut());
  const labels = FILES.map((_, i) => labelOf(tree.get(`s${i}`)!));
  assert.deepEqual(labels.map((l) => l.label), FILES.map(() => 'llm_query'));
  assert.deepEqual(labels.map((l) => l.description), FILES.map((f) => `File: ${f}`), 'the shared question is skipped, the file is shown');
  assert.equal(new Set(labels.map((l) => `${l.label} ${l.description}`)).size, 8);
  // Three identical prompts (a retried question): same description, told apart by a number.
  const same = fanOut().map((e) => (e.type === 'subcall' && ['s0', 's1', 's2'].includes(e.id) ? { ...e, prompt: 'Same question' } : e));
  const t2 = new TrajectoryTree(same);
  assert.deepEqual(['s0', 's1', 's2', 's3'].map((id) => labelOf(t2.get(id)!).label), ['llm_query #1', 'llm_query #2', 'llm_query #3', 'llm_query']);
});

test('distinguishingLine: the first line not shared by every sibling; the first line when nothing differs', () => {
  assert.equal(distinguishingLine('a\nb\nc', ['a\nb\nd', 'a\nx\nc']), 'b');
  assert.equal(distinguishingLine('same\ntext', ['same\ntext']), 'same', 'identical prompts: the first line');
  assert.equal(distinguishingLine('only', []), 'only');
  assert.equal(distinguishingLine('x\n' + 'y'.repeat(300), ['x\nz']).length, 120, 'shortened');
});

test('grep hits hang under one row per search, path:line first; a long search starts closed', () => {
  const tree = new TrajectoryTree(fanOut());
  const group = tree.get('c')!.children.find((n) => n.kind === 'search')!;
  assert.ok(group, 'a search group under the code block');
  assert.equal(group.children.length, 23);
  assert.match(labelOf(group).label, /^grep \//);
  assert.equal(labelOf(group).description, '23 hits in 8 files');
  assert.equal(labelOf(tree.get('g0')!).label, 'lib/router.js:10', 'the hit row starts with where it is');
  assert.equal(labelOf(tree.get('g0')!).description, "app.get('/x0', h)");
  assert.ok(23 > OPEN_SEARCH_MAX_HITS);
  const ids = visibleRows(tree, new Expansion()).map((r) => r.node.id);
  assert.ok(ids.includes(group.id) && !ids.includes('g0'), 'closed: one row for 23 hits');
  assert.equal(tree.size, fanOut().length, 'the group is not counted as an event node');
});

test('a child run is labelled with how it ended, its citations and tokens; its rlm_query shows the tokens', () => {
  const tree = new TrajectoryTree(smallTrajectory());
  const child = labelOf(tree.get('run1')!);
  assert.equal(child.label, 'Child run (depth 1)');
  assert.deepEqual(child.badges.slice(0, 3), ['final', '1 citation', '500 in / 30 out']);
  const rlmQuery = labelOf(tree.get('s2')!);
  assert.ok(rlmQuery.badges.includes('500 in / 30 out'), `the sub-call's own usage is 0: the child's is shown (${rlmQuery.badges})`);
  // Without its run_end a child with a final answer is no longer "running".
  const unended = new TrajectoryTree(smallTrajectory().filter((e) => e.id !== 'end1'));
  assert.equal(labelOf(unended.get('run1')!).badges[0], 'answered');
});

test('a conversation: each question\'s run under its own prefix, numbered, none of their events lost', async () => {
  const { sessionEvents } = await import('../../src/webview/sessionEvents');
  const first = smallTrajectory();
  const second = smallTrajectory().map((e) => (e.type === 'run_start' && e.depth === 0 ? { ...e, question: 'And who calls it?' } : e));
  // The engine numbers each run's events alike: without the prefixes the second run would vanish as a replay.
  const events = sessionEvents([first, second]);
  assert.equal(new Set(events.map((e) => e.id)).size, first.length + second.length);
  const tree = new TrajectoryTree(events);
  const tops = tree.root.children.filter((n) => n.kind === 'run');
  assert.deepEqual(tops.map((n) => `${labelOf(n).label}: ${labelOf(n).description}`), ['Question 1: Where is the cache invalidated?', 'Question 2: And who calls it?']);
  assert.equal(tree.get('q2:run1')?.parent?.id, 'q2:s2', 'child runs stay under their own sub-call');
  assert.equal(tree.size, 2 * new TrajectoryTree(first).size);
});

test('a conversation\'s header: its questions, the sum of their turns, sub-calls and tokens, the last one\'s status', async () => {
  const { sessionEvents } = await import('../../src/webview/sessionEvents');
  const { summarize } = await import('../../src/webview/model/summary');
  const one = summarize(new TrajectoryTree(smallTrajectory()));
  const both = summarize(new TrajectoryTree(sessionEvents([smallTrajectory(), smallTrajectory()])));
  assert.equal(both.questions, 2);
  assert.equal(both.iterations, 2 * one.iterations);
  assert.equal(both.subCalls, 2 * one.subCalls);
  assert.deepEqual(both.usage, { inputTokens: 2 * one.usage.inputTokens, outputTokens: 2 * one.usage.outputTokens });
  assert.equal(both.childRuns, 2, 'the second question is not a child run');
  assert.equal(both.stopReason, 'final');
  assert.equal(both.live, false);
});
