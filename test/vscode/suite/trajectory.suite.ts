// The trajectory panel inside the real extension host: it attaches to a palette ask and fills live (the page
// reports what it drew), jump-to-code opens the right file and selection, export/re-open round-trips in both
// formats, history saves/reopens/deletes, and a panel is restored by its serializer from saved state.
// The page's own clicks, XSS rendering and theme screenshots are driven from outside: test/vscode/trajectoryUi.mjs.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RlmExtensionApi } from '../../../src/extension';
import type { AskCommandResult } from '../../../src/vscode/askCommand';
import type { TrajectoryEvent } from '../../../src/rlm/events';
import type { LiveRun } from '../../../src/rlm/liveRun';
import type { TrajectoryPanel } from '../../../src/webview/panel';
import { QUESTION, SLOW_QUESTION } from '../fixture.mjs';
import { testInfo } from './info';
import { test } from './runner';

const tmp = mkdtempSync(path.join(tmpdir(), 'rlm-trajectory-'));
let api: RlmExtensionApi;
let askedRunId = '';
let askedPanel: TrajectoryPanel | undefined;

/** Nodes the page should draw for these events: one per event except run_end, plus one per citation. */
function expectedNodes(events: readonly TrajectoryEvent[]): number {
  return events.filter((e) => e.type !== 'run_end').length + events.reduce((n, e) => n + (e.type === 'final' ? e.citations.length : 0), 0);
}

/** Events as they are on disk: JSON drops keys whose value is undefined (the engine sets `parentId: undefined`). */
const asJson = (events: readonly TrajectoryEvent[]) => JSON.parse(JSON.stringify(events)) as TrajectoryEvent[];

/** A hang guard around a promise (the runner has one too; this one names what did not happen). */
function within<T>(what: string, promise: Promise<T>, ms = 60_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms / 1000} s`)), ms)))]).finally(() => clearTimeout(timer));
}

function activeAt(): { file: string; start: number; end: number } {
  const editor = vscode.window.activeTextEditor;
  assert.ok(editor, 'no active editor');
  return { file: vscode.workspace.asRelativePath(editor.document.uri), start: editor.selection.start.line + 1, end: editor.selection.end.line + 1 };
}

test('trajectory: the panel attaches to a palette ask and the page draws every event', async () => {
  const ext = vscode.extensions.getExtension<RlmExtensionApi>(testInfo.extensionId);
  assert.ok(ext);
  api = await ext.activate();
  for (const id of ['rlm.showTrajectory', 'rlm.openTrajectoryFile', 'rlm.exportTrajectory', 'rlm.showHistory']) {
    assert.ok((await vscode.commands.getCommands(true)).includes(id), `command ${id} is not registered`);
  }
  // Open the panel the moment the run exists, as a user clicking "show trajectory" during the ask would.
  let opened: Thenable<TrajectoryPanel | undefined> | undefined;
  const sub = api.registry.onDidCreate((run) => {
    opened = vscode.commands.executeCommand<TrajectoryPanel | undefined>('rlm.showTrajectory', run.id);
  });
  let result: AskCommandResult | undefined;
  try {
    result = await vscode.commands.executeCommand<AskCommandResult | undefined>('rlm.askWorkspace', { question: QUESTION, useSelection: false });
  } finally {
    sub.dispose();
  }
  assert.ok(result?.runId, `the ask failed: ${result?.error}`);
  askedRunId = result.runId;
  assert.ok(opened, 'no run was created');
  const panel = await opened;
  assert.ok(panel, 'rlm.showTrajectory returned no panel');
  askedPanel = panel;
  assert.deepEqual(panel.source, { kind: 'run', runId: askedRunId });
  const run = api.registry.get(askedRunId)!;
  const nodes = expectedNodes(run.events);
  // The answer view may have opened on top: a hidden webview is not drawn until it is shown again.
  panel.panel.reveal(undefined, false);
  assert.ok(run.events.some((e) => e.type === 'evidence' && e.kind === 'grep'), 'the run has grep evidence');
  const drawn = await within('the page drawing the whole run', panel.whenRendered((r) => !r.live && r.nodes === nodes));
  assert.equal(drawn.nodes, nodes);
  assert.ok(drawn.rows > 0);
});

test('trajectory: live updates arrive in batches while the run is going', async () => {
  let run: LiveRun | undefined;
  let opened: Thenable<TrajectoryPanel | undefined> | undefined;
  const sub = api.registry.onDidCreate((r) => {
    run = r;
    opened = vscode.commands.executeCommand<TrajectoryPanel | undefined>('rlm.showTrajectory', r.id);
  });
  // The scripted model answers this question only after two minutes: the run stays live until cancelled.
  const asking = vscode.commands.executeCommand<AskCommandResult | undefined>('rlm.askWorkspace', { question: SLOW_QUESTION, useSelection: false });
  try {
    await within('the slow run to start', new Promise<void>((resolve) => {
      const poll = () => (opened ? resolve() : setTimeout(poll, 50));
      poll();
    }));
  } finally {
    sub.dispose();
  }
  const panel = (await opened)!;
  assert.ok(panel && run);
  panel.panel.reveal(undefined, false);
  const live = await within('the page showing the live run', panel.whenRendered((r) => r.live && r.nodes >= 1));
  assert.equal(live.live, true);
  const before = { ...panel.stats };
  panel.panel.reveal(undefined, false);
  run.cancel();
  await asking;
  const done = await within('the page showing the end', panel.whenRendered((r) => !r.live));
  assert.equal(done.nodes, expectedNodes(run.events));
  assert.ok(panel.stats.batches > before.batches, `no live batch was sent (stats ${JSON.stringify(panel.stats)})`);
  assert.ok(panel.stats.batchedEvents <= run.events.length, `batches carry each event once: ${panel.stats.batchedEvents} batched, the run has ${run.events.length} events`);
  assert.equal(run.result?.stopReason, 'cancelled');
  panel.dispose();
});

test('trajectory: a grep-hit node, a read range and a citation each open the right file and lines', async () => {
  const panel = askedPanel;
  assert.ok(panel);
  const events = api.registry.get(askedRunId)!.events;
  const grep = events.find((e) => e.type === 'evidence' && e.kind === 'grep' && e.path === 'src/greeting.ts');
  assert.ok(grep?.type === 'evidence', 'no grep hit in src/greeting.ts');
  // The page posts exactly this message when the node is clicked (see test/webview/panel.browser.test.ts).
  await panel.handleMessage({ type: 'open', path: grep.path, line: grep.line });
  assert.deepEqual(activeAt(), { file: 'src/greeting.ts', start: 7, end: 7 });

  const read = events.find((e) => e.type === 'evidence' && e.kind === 'read' && e.endLine !== undefined);
  assert.ok(read?.type === 'evidence', 'no read range');
  await panel.handleMessage({ type: 'open', path: read.path, line: read.line, endLine: read.endLine });
  assert.deepEqual(activeAt(), { file: read.path, start: read.line, end: read.endLine });

  const final = events.find((e) => e.type === 'final');
  assert.ok(final?.type === 'final');
  const strings = final.citations.find((c) => c.path === 'src/util/strings.ts');
  assert.ok(strings, `citations: ${JSON.stringify(final.citations)}`);
  await panel.handleMessage({ type: 'open', path: strings.path, line: strings.line });
  assert.deepEqual(activeAt(), { file: 'src/util/strings.ts', start: 1, end: 1 });

  // Paths outside the workspace are refused, not opened.
  const before = vscode.window.activeTextEditor?.document.uri.toString();
  assert.equal(await panel.handleMessage({ type: 'open', path: '../../etc/passwd', line: 1 }), undefined);
  assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), before);
});

test('trajectory: export then re-open round-trips, in our JSONL and in the official rlm log format', async () => {
  const run = api.registry.get(askedRunId)!;
  const ours = vscode.Uri.file(path.join(tmp, 'ours.jsonl'));
  const official = vscode.Uri.file(path.join(tmp, 'official.jsonl'));
  assert.equal((await vscode.commands.executeCommand<vscode.Uri>('rlm.exportTrajectory', { runId: run.id, uri: ours, format: 'rlm-vscode' }))?.fsPath, ours.fsPath);
  assert.equal((await vscode.commands.executeCommand<vscode.Uri>('rlm.exportTrajectory', { runId: run.id, uri: official, format: 'rlm-official' }))?.fsPath, official.fsPath);
  assert.equal(readFileSync(ours.fsPath, 'utf8').trim().split('\n').length, run.events.length);
  const first = JSON.parse(readFileSync(official.fsPath, 'utf8').split('\n')[0]);
  assert.equal(first.type, 'metadata');
  assert.equal(first.root_model, 'scripted-root');

  const sortById = (events: readonly TrajectoryEvent[]) => asJson(events).sort((a, b) => a.id.localeCompare(b.id));
  for (const uri of [ours, official]) {
    const panel = await vscode.commands.executeCommand<TrajectoryPanel | undefined>('rlm.openTrajectoryFile', uri);
    assert.ok(panel, `${uri.fsPath} did not open`);
    assert.deepEqual(sortById(panel.trajectory), sortById(run.events), `${path.basename(uri.fsPath)} changed on the way`);
    const drawn = await within(`the page drawing ${path.basename(uri.fsPath)}`, panel.whenRendered((r) => r.nodes === expectedNodes(run.events)));
    assert.equal(drawn.live, false);
    panel.dispose();
  }
});

test('trajectory: a damaged file opens with its good lines and a notice; an unreadable one says why', async () => {
  const run = api.registry.get(askedRunId)!;
  const lines = run.events.map((e) => JSON.stringify(e));
  const damaged = path.join(tmp, 'damaged.jsonl');
  writeFileSync(damaged, [...lines.slice(0, 3), '{"broken', ...lines.slice(3)].join('\n'));
  const panel = await vscode.commands.executeCommand<TrajectoryPanel | undefined>('rlm.openTrajectoryFile', vscode.Uri.file(damaged));
  assert.ok(panel);
  assert.equal(panel.trajectory.length, run.events.length);
  await within('the damaged file drawn', panel.whenRendered((r) => r.nodes === expectedNodes(run.events)));
  panel.dispose();
  const garbage = path.join(tmp, 'garbage.jsonl');
  writeFileSync(garbage, 'hello\nworld\n');
  assert.equal(await vscode.commands.executeCommand('rlm.openTrajectoryFile', vscode.Uri.file(garbage)), undefined);
});

test('trajectory: finished runs are saved to history, listed, reopened and deleted', async () => {
  const panel = askedPanel!;
  const history = panel.manager.history;
  const entry = await within('the history save', panel.manager.saved(askedRunId));
  assert.ok(entry, 'the run was not saved (is registerTrajectoryPanel given the registry with onDidCreate?)');
  const listed = await history.list();
  const mine = listed.find((e) => e.id === askedRunId);
  assert.ok(mine, `history: ${JSON.stringify(listed.map((e) => e.id))}`);
  assert.equal(mine.question, QUESTION);
  assert.equal(mine.stopReason, 'final');
  const reopened = await panel.manager.showHistoryEntry(askedRunId);
  assert.ok(reopened);
  assert.deepEqual(asJson(reopened.trajectory), asJson(api.registry.get(askedRunId)!.events));
  await within('the history entry drawn', reopened.whenRendered((r) => r.nodes === expectedNodes(reopened.trajectory)));
  reopened.dispose();
  await history.delete(askedRunId);
  assert.ok(!(await history.list()).some((e) => e.id === askedRunId));
  assert.equal(await history.load(askedRunId), undefined);
  await history.save(askedRunId, api.registry.get(askedRunId)!.events); // keep it for the UI part
});

test('trajectory: the serializer restores a panel from its saved state (window reload)', async () => {
  const manager = askedPanel!.manager;
  const webviewPanel = vscode.window.createWebviewPanel('rlmTrajectory', 'RLM Trajectory', vscode.ViewColumn.Beside, { enableScripts: true });
  await manager.restore(webviewPanel, { info: { source: { kind: 'history', id: askedRunId }, live: false } });
  const restored = [...manager.panels].find((p) => p.panel === webviewPanel);
  assert.ok(restored);
  assert.deepEqual(restored.source, { kind: 'history', id: askedRunId });
  await within('the restored panel drawn', restored.whenRendered((r) => r.nodes === expectedNodes(restored.trajectory) && r.nodes > 0));
  restored.dispose();
  askedPanel?.dispose();
});
