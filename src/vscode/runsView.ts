// The "Runs" view in RLM's activity-bar container: runs going on now and the saved ones, newest first, each
// with its question, status, time and cost; a conversation's runs under one item. Open, export and delete from
// the item. Light (no engine import).
import * as vscode from 'vscode';
import type { LiveRun } from '../rlm/liveRun';
import { entryFacts, type HistoryEntry, type TrajectoryHistory } from '../webview/history';
import { formatCost } from '../webview/model/labels';
import type { RunRegistry } from './runRegistry';

export const RUNS_VIEW = 'rlm.runs';
const LABEL_CHARS = 34;

type RunItem = { kind: 'live'; run: LiveRun } | { kind: 'saved'; entry: HistoryEntry } | { kind: 'session'; id: string; entries: HistoryEntry[] };

/** "3 min ago", "yesterday 14:02", or the date. */
export function whenText(time: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - time) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  const d = new Date(time);
  const hhmm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  if (s < 2 * 86_400) return `yesterday ${hhmm}`;
  return `${d.toISOString().slice(0, 10)} ${hhmm}`;
}

const STATUS: Record<string, string> = { final: 'answered', cancelled: 'cancelled', model_error: 'model failed', max_errors: 'failed' };

class RunsProvider implements vscode.TreeDataProvider<RunItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly registry: RunRegistry,
    private readonly history: TrajectoryHistory,
  ) {}

  refresh(): void {
    this.changed.fire();
  }

  async getChildren(parent?: RunItem): Promise<RunItem[]> {
    if (parent?.kind === 'session') return [...parent.entries].reverse().map((entry): RunItem => ({ kind: 'saved', entry }));
    if (parent) return [];
    const live = this.registry.list().filter((r) => !r.done).reverse().map((run): RunItem => ({ kind: 'live', run }));
    // Newest first; a conversation with several questions is one item, where its newest question sits.
    const entries = await this.history.list();
    const bySession = new Map<string, HistoryEntry[]>();
    for (const e of entries) if (e.session) bySession.set(e.session, [...(bySession.get(e.session) ?? []), e]);
    const saved: RunItem[] = [];
    const seen = new Set<string>();
    for (const entry of entries) {
      const group = entry.session ? bySession.get(entry.session)! : [];
      if (group.length < 2) saved.push({ kind: 'saved', entry });
      else if (!seen.has(entry.session!)) {
        seen.add(entry.session!);
        saved.push({ kind: 'session', id: entry.session!, entries: group });
      }
    }
    return [...live, ...saved];
  }

  getTreeItem(item: RunItem): vscode.TreeItem {
    // Short labels leave room for the status, time and cost beside them; the tooltip has the whole question.
    const oneLine = (q: string) => {
      const t = q.replace(/\s+/g, ' ').trim() || '(no question)';
      return t.length > LABEL_CHARS ? `${t.slice(0, LABEL_CHARS - 1)}…` : t;
    };
    if (item.kind === 'live') {
      const t = new vscode.TreeItem(oneLine(item.run.question));
      t.id = `live:${item.run.id}`;
      t.description = `running · ${whenText(item.run.startedAt)}`;
      t.iconPath = new vscode.ThemeIcon('sync~spin');
      t.contextValue = 'rlmRunLive';
      t.command = { title: 'Show Trajectory', command: 'rlm.showTrajectory', arguments: [item.run.id] };
      return t;
    }
    if (item.kind === 'session') {
      const [newest] = item.entries;
      const first = item.entries[item.entries.length - 1];
      const costs = item.entries.map((e) => e.costUsd);
      const cost = costs.every((c) => typeof c === 'number') ? formatCost((costs as number[]).reduce((a, b) => a + b, 0)) : '';
      const t = new vscode.TreeItem(oneLine(first.question), vscode.TreeItemCollapsibleState.Collapsed);
      t.id = `session:${item.id}`;
      t.description = [`${item.entries.length} questions`, whenText(newest.startedAt), cost].filter(Boolean).join(' · ');
      t.tooltip = new vscode.MarkdownString().appendText(item.entries.map((e, i) => `${item.entries.length - i}. ${e.question}`).reverse().join('\n'));
      t.iconPath = new vscode.ThemeIcon('comment-discussion');
      t.contextValue = 'rlmSession';
      t.command = { title: 'Open', command: 'rlm.runs.open', arguments: [item] };
      return t;
    }
    const e = item.entry;
    const t = new vscode.TreeItem(oneLine(e.question));
    t.id = `saved:${e.id}`;
    const status = e.stopReason ? STATUS[e.stopReason] ?? e.stopReason.replace(/_/g, ' ') : 'unfinished';
    t.description = [status, whenText(e.startedAt), e.costUsd !== undefined ? formatCost(e.costUsd ?? undefined) : ''].filter(Boolean).join(' · ');
    t.tooltip = new vscode.MarkdownString().appendText(`${e.question}\n\n${status} · ${new Date(e.startedAt).toLocaleString()}\n${entryFacts(e)}`);
    t.iconPath = new vscode.ThemeIcon(e.stopReason === 'final' ? 'pass' : e.stopReason ? 'warning' : 'circle-outline');
    t.contextValue = 'rlmRun';
    t.command = { title: 'Open', command: 'rlm.runs.open', arguments: [item] };
    return t;
  }
}

const idOf = (item: RunItem | undefined) => (item?.kind === 'live' ? item.run.id : item?.kind === 'saved' ? item.entry.id : undefined);

export function registerRunsView(registry: RunRegistry, history: TrajectoryHistory): vscode.Disposable {
  const provider = new RunsProvider(registry, history);
  const view = vscode.window.createTreeView(RUNS_VIEW, { treeDataProvider: provider, showCollapseAll: false });
  const subs: vscode.Disposable[] = [
    view,
    history.onDidChange(() => provider.refresh()),
    registry.onDidCreate((run) => {
      provider.refresh();
      run.onEnd(() => provider.refresh());
    }),
    vscode.commands.registerCommand('rlm.runs.open', (item?: RunItem) => {
      if (item?.kind === 'session') return vscode.commands.executeCommand('rlm.showTrajectory', { sessionId: item.id });
      const id = idOf(item);
      return id ? vscode.commands.executeCommand('rlm.showTrajectory', id) : undefined;
    }),
    vscode.commands.registerCommand('rlm.runs.export', (item?: RunItem) => {
      if (item?.kind === 'session') return vscode.commands.executeCommand('rlm.exportTrajectory', { sessionId: item.id });
      const id = idOf(item);
      return id ? vscode.commands.executeCommand('rlm.exportTrajectory', item?.kind === 'live' ? { runId: id } : { historyId: id }) : undefined;
    }),
    vscode.commands.registerCommand('rlm.runs.delete', async (item?: RunItem) => {
      const entries = item?.kind === 'saved' ? [item.entry] : item?.kind === 'session' ? item.entries : [];
      if (!entries.length) return;
      const what = entries.length > 1 ? `the conversation "${entries[entries.length - 1].question.slice(0, 60)}" (${entries.length} questions)` : `the saved run "${entries[0].question.slice(0, 60)}"`;
      const ok = await vscode.window.showWarningMessage(`Delete ${what}?`, { modal: true }, 'Delete');
      if (ok === 'Delete') for (const e of entries) await history.delete(e.id);
    }),
    vscode.commands.registerCommand('rlm.runs.refresh', () => provider.refresh()),
  ];
  return vscode.Disposable.from(...subs);
}
