// The extension side of the "RLM Trajectory" panel: one panel, reused for whatever is shown (a live run, a
// history entry, a file), in the answer panel's column; live events forwarded in batches, jump-to-code into
// another column, export/import, history, and the serializer that brings the panel back after a window reload.
// The panel keeps its page alive while hidden (retainContextWhenHidden): there is at most one, and the user's
// place (scroll, expanded nodes, selection, filter, a live run's stream) survives switching tabs untouched; the
// saved webview state covers window reloads.
import * as vscode from 'vscode';
import type { TrajectoryEvent } from '../rlm/events';
import type { LiveRun } from '../rlm/liveRun';
import { describeProblems, parseAnyTrajectory, serializeTrajectory, toOfficialLog, type TrajectoryFormat } from '../rlm/trajectoryFormats';
import { exportFileName } from './exportName';
import { namespacedEvent, questionPrefix, sessionEvents } from './sessionEvents';
import { entryFacts, TrajectoryHistory, type HistoryEntry } from './history';
import { resolveWorkspacePath, selectionLines } from './location';
import { PanelPlacement } from './placement';
import { makeNonce, panelPage } from './page';
import {
  BATCH_INTERVAL_MS,
  BATCH_MAX_EVENTS,
  encodeEvents,
  parseFromWebview,
  type FromWebview,
  type Location,
  type PanelInfo,
  type ToWebview,
  type TrajectorySource,
} from './protocol';

export const VIEW_TYPE = 'rlmTrajectory';

/** What the panel needs from the extension's run registry. */
export interface RunLookup {
  get(id: string): LiveRun | undefined;
  last(): LiveRun | undefined;
  /** When given, every new run is saved to history when it ends. */
  onDidCreate?(listener: (run: LiveRun) => void): { dispose(): void };
  /** Where the run was asked: the palette's runs have their answer in the answer panel. */
  origin?(id: string): string | undefined;
  /** The session (conversation) a run belongs to, and a session's runs, oldest first. */
  session?(id: string): string | undefined;
  sessionRuns?(session: string): LiveRun[];
}

export interface ExportOptions {
  runId?: string;
  /** A whole conversation: every question's run, in order. */
  sessionId?: string;
  historyId?: string;
  /** Skips the save dialog (tests, scripts). */
  uri?: vscode.Uri | string;
  /** Skips the format question (default: the format used last; asked the first time, or with `ask`). */
  format?: TrajectoryFormat;
  /** Ask for the format even when one was used before (rlm.exportTrajectoryAs). */
  askFormat?: boolean;
}

type Rendered = { nodes: number; rows: number; live: boolean; fits: number };
const FORMAT_KEY = 'rlm.export.format';

interface SavedState {
  info?: PanelInfo;
}

const toUri = (u: vscode.Uri | string) => (typeof u === 'string' ? (/^[a-z][\w+.-]+:/i.test(u) && !/^[a-z]:[\\/]/i.test(u) ? vscode.Uri.parse(u) : vscode.Uri.file(u)) : u);
const sameSource = (a: TrajectorySource, b: TrajectorySource) => JSON.stringify(a) === JSON.stringify(b);

const noStats = () => ({ inits: 0, batches: 0, batchedEvents: 0 });

export class TrajectoryPanel implements vscode.Disposable {
  private info: PanelInfo;
  private events: readonly TrajectoryEvent[] = [];
  /** The live runs shown: one, or a session's. */
  private runs: LiveRun[] = [];
  private ready = false;
  private pending: TrajectoryEvent[] = [];
  private timer?: NodeJS.Timeout;
  private runSubscriptions: { dispose(): void }[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly renderedEmitter = new vscode.EventEmitter<Rendered>();
  /** Fires after the page redrew, with what it shows. */
  readonly onDidRender = this.renderedEmitter.event;
  /** The page's last report: nodes in the tree, rows there are, rows the tree's height fits. */
  lastRendered?: Rendered;
  /** Inits, live batches and batched events since the panel began showing its current source (each
   *  live event is batched at most once per source): live batching is observable (and tested). */
  stats = noStats();
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly manager: TrajectoryPanels,
    source: TrajectorySource,
  ) {
    this.info = { source, live: false };
    const media = vscode.Uri.joinPath(manager.extensionUri, 'media');
    const dist = vscode.Uri.joinPath(manager.extensionUri, 'dist');
    panel.webview.options = { enableScripts: true, localResourceRoots: [media, dist] };
    panel.iconPath = { light: vscode.Uri.joinPath(media, 'trajectory-light.svg'), dark: vscode.Uri.joinPath(media, 'trajectory-dark.svg') };
    const asUri = (u: vscode.Uri) => panel.webview.asWebviewUri(u).toString();
    panel.webview.html = panelPage({
      cspSource: panel.webview.cspSource,
      nonce: makeNonce(),
      scriptUri: asUri(vscode.Uri.joinPath(dist, 'webview.js')),
      styleUri: asUri(vscode.Uri.joinPath(dist, 'webview.css')),
      codiconsUri: asUri(vscode.Uri.joinPath(media, 'codicons', 'codicon.css')),
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw) => void this.handleMessage(raw)),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.active) manager.active = this;
      }),
    );
  }

  get source(): TrajectorySource {
    return this.info.source;
  }

  get live(): boolean {
    return this.info.live;
  }

  /** Every event the panel holds (what export writes). */
  get trajectory(): readonly TrajectoryEvent[] {
    if (this.runs.length === 1 && this.info.source.kind === 'run') return this.runs[0].events;
    return this.runs.length ? sessionEvents(this.runs.map((r) => r.events)) : this.events;
  }

  /** Whether the panel follows exactly this run. */
  follows(run: LiveRun): boolean {
    return this.info.source.kind === 'run' && this.runs[0] === run;
  }

  /** Shows a live (or finished) run, following its new events. */
  attach(run: LiveRun): void {
    this.follow([run], { kind: 'run', runId: run.id }, `RLM Trajectory: ${shorten(run.question)}`);
  }

  /** Shows a conversation: one top-level run per question, `focus` (a run id) open and selected. */
  attachSession(id: string, runs: LiveRun[], focus?: string): void {
    const n = runs.findIndex((r) => r.id === focus);
    const start = runs[n]?.events.find((e) => e.type === 'run_start' && e.depth === 0)?.id;
    this.follow(runs, { kind: 'session', id }, `RLM Trajectory: conversation (${runs.length} question${runs.length === 1 ? '' : 's'})`, start && questionPrefix(n + 1) + start);
  }

  private follow(runs: LiveRun[], source: TrajectorySource, title: string, focus?: string): void {
    this.detach();
    this.runs = runs;
    const answerElsewhere = runs.every((r) => this.manager.answerElsewhere(r.id));
    this.info = { source, live: runs.some((r) => !r.done), ...(answerElsewhere ? { answerElsewhere } : {}), ...(focus ? { focus } : {}) };
    this.panel.title = title;
    runs.forEach((run, i) => {
      // A session's events live under their question's prefix (see sessionEvents.ts).
      const prefix = source.kind === 'session' ? questionPrefix(i + 1) : '';
      const offEvent = run.onEvent((e) => this.queue(prefix ? namespacedEvent(e, prefix) : e));
      const offEnd = run.onEnd(() => {
        if (runs.some((r) => !r.done)) return;
        this.flush();
        this.info = { ...this.info, live: false };
        this.post({ type: 'ended', ...(run.error && !run.result ? { error: run.error } : {}) });
      });
      this.runSubscriptions.push({ dispose: offEvent }, { dispose: offEnd });
    });
    this.sendInit();
  }

  /** Shows a fixed set of events (history, a file). */
  showEvents(source: TrajectorySource, events: readonly TrajectoryEvent[], title: string, notice?: string): void {
    this.detach();
    this.events = events;
    this.info = { source, live: false, ...(notice ? { notice } : {}) };
    this.panel.title = `RLM Trajectory: ${shorten(title)}`;
    this.sendInit();
  }

  /** Shows a message instead of a trajectory (the run is gone after a reload and was not saved). */
  showUnavailable(source: TrajectorySource, text: string): void {
    this.showEvents(source, [], 'trajectory unavailable', text);
  }

  private detach(): void {
    for (const s of this.runSubscriptions) s.dispose();
    this.runSubscriptions = [];
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
    this.runs = [];
    // The single trajectory panel is reused: counts from the runs it showed before are not this source's.
    this.stats = noStats();
  }

  private sendInit(): void {
    // Whatever was queued is part of the snapshot.
    this.pending = [];
    clearTimeout(this.timer);
    this.timer = undefined;
    this.stats.inits++;
    if (this.ready) this.post({ type: 'init', info: this.info, events: encodeEvents(this.trajectory) });
  }

  /** Live events wait up to BATCH_INTERVAL_MS, or until BATCH_MAX_EVENTS are waiting. */
  private queue(event: TrajectoryEvent): void {
    this.pending.push(event);
    if (this.pending.length >= BATCH_MAX_EVENTS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), BATCH_INTERVAL_MS);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    // A page that is not ready yet gets everything in its init.
    if (!this.ready) return;
    this.stats.batches++;
    this.stats.batchedEvents += batch.length;
    this.post({ type: 'events', events: encodeEvents(batch) });
  }

  private post(message: ToWebview): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  /** Handles a message from the page. Public so integration tests can act as the page. */
  async handleMessage(raw: unknown): Promise<vscode.TextEditor | undefined> {
    const msg: FromWebview | undefined = parseFromWebview(raw);
    if (!msg) return undefined;
    switch (msg.type) {
      case 'ready':
        // Also after the page was rebuilt (hidden and shown again): send everything.
        this.ready = true;
        this.sendInit();
        break;
      case 'rendered':
        this.lastRendered = { nodes: msg.nodes, rows: msg.rows, live: msg.live, fits: msg.fits };
        this.renderedEmitter.fire(this.lastRendered);
        break;
      case 'open':
        return openLocation(msg, this.manager.placement.codeColumn());
      case 'cancel':
        for (const run of this.runs) if (!run.done) run.cancel();
        break;
      case 'export':
        await this.manager.exportTrajectory({ ...this.exportSource(), ...(msg.format ? { format: msg.format } : {}) });
        break;
      case 'showHistory':
        await this.manager.showHistory();
        break;
      case 'openFile':
        await this.manager.openFile();
        break;
    }
    return undefined;
  }

  private exportSource(): ExportOptions {
    const s = this.info.source;
    return s.kind === 'run' ? { runId: s.runId } : s.kind === 'history' ? { historyId: s.id } : s.kind === 'session' ? { sessionId: s.id } : {};
  }

  /** Resolves when the page has drawn a tree that satisfies `test` (tests and the serializer wait on this). */
  whenRendered(test: (r: Rendered) => boolean): Promise<Rendered> {
    if (this.lastRendered && test(this.lastRendered)) return Promise.resolve(this.lastRendered);
    return new Promise((resolve) => {
      const sub = this.onDidRender((r) => {
        if (test(r)) {
          sub.dispose();
          resolve(r);
        }
      });
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.detach();
    this.manager.forget(this);
    for (const d of this.disposables) d.dispose();
    this.renderedEmitter.dispose();
    this.panel.dispose();
  }
}

function shorten(text: string, max = 40): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one || 'trajectory';
}

/** Opens a workspace file at a trajectory location and selects the range. */
export async function openLocation(loc: Location, column: vscode.ViewColumn = vscode.ViewColumn.One): Promise<vscode.TextEditor | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const resolved = resolveWorkspacePath(loc.path, folders.map((f) => f.name));
  if (!resolved) {
    void vscode.window.showWarningMessage(`RLM: ${loc.path} is not a path inside the open workspace.`);
    return undefined;
  }
  const uri = vscode.Uri.joinPath(folders[resolved.folderIndex].uri, ...resolved.segments);
  try {
    const doc = await vscode.workspace.openTextDocument(uri);
    const { start, end } = selectionLines(loc.line, loc.endLine, doc.lineCount);
    const selection = new vscode.Selection(start, 0, end, loc.endLine !== undefined && loc.endLine > loc.line ? doc.lineAt(end).range.end.character : 0);
    // In a column without an RLM panel: the panel the user clicked in stays in view.
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: column, preview: true, selection });
    editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return editor;
  } catch (error) {
    void vscode.window.showWarningMessage(`RLM: cannot open ${loc.path}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/** All trajectory panels, the history, and the commands. Returned by registerTrajectoryPanel. */
export class TrajectoryPanels implements vscode.Disposable {
  readonly panels = new Set<TrajectoryPanel>();
  /** The panel the user looked at last (export without arguments uses it). */
  active?: TrajectoryPanel;
  readonly history: TrajectoryHistory;
  private readonly tracked = new Set<string>();
  private readonly saving = new Map<string, Promise<HistoryEntry | undefined>>();

  /** Exports go here by default: the extension's storage, not the repository. */
  readonly exportsUri: vscode.Uri;

  constructor(
    readonly extensionUri: vscode.Uri,
    storageUri: vscode.Uri,
    private readonly runs: RunLookup,
    private readonly state?: vscode.Memento,
    /** Shared with the answer panel: both open in one column, code in another. */
    readonly placement: PanelPlacement = new PanelPlacement(),
  ) {
    this.history = new TrajectoryHistory(storageUri);
    this.exportsUri = vscode.Uri.joinPath(storageUri, 'exports');
  }

  /** Whether the answer panel shows this run's answer (palette asks and their follow-ups). */
  answerElsewhere(runId: string): boolean {
    return this.runs.origin?.(runId) === 'palette';
  }

  forget(panel: TrajectoryPanel): void {
    this.panels.delete(panel);
    if (this.active === panel) this.active = undefined;
  }

  private createPanel(source: TrajectorySource): TrajectoryPanel {
    const webviewPanel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      'RLM Trajectory',
      { viewColumn: this.placement.panelColumn(), preserveFocus: false },
      { enableScripts: true, enableFindWidget: true, retainContextWhenHidden: true },
    );
    return this.adopt(webviewPanel, source);
  }

  adopt(webviewPanel: vscode.WebviewPanel, source: TrajectorySource): TrajectoryPanel {
    const panel = new TrajectoryPanel(webviewPanel, this, source);
    this.placement.track(webviewPanel);
    this.panels.add(panel);
    this.active = panel;
    return panel;
  }

  /** The one panel: the one showing this source, else the last one used, else a new one. */
  private existing(source: TrajectorySource): TrajectoryPanel | undefined {
    for (const p of this.panels) if (sameSource(p.source, source)) return p;
    return this.active ?? [...this.panels].pop();
  }

  /** Saves the run to history when it ends (once per run); a panel showing its session takes it in. */
  track(run: LiveRun): void {
    if (this.tracked.has(run.id)) return;
    this.tracked.add(run.id);
    const session = this.runs.session?.(run.id);
    run.onEnd(() => {
      this.saving.set(run.id, this.history.save(run.id, run.events, session).catch(() => undefined));
    });
    if (!session) return;
    for (const p of this.panels) {
      if (p.source.kind === 'session' && p.source.id === session) p.attachSession(session, this.runs.sessionRuns?.(session) ?? [run], run.id);
    }
  }

  /** rlm.showTrajectory with a session: its runs as one tree, one top-level node per question. */
  async showSession(sessionId: string, focusRunId?: string): Promise<TrajectoryPanel | undefined> {
    const runs = this.runs.sessionRuns?.(sessionId) ?? [];
    const source: TrajectorySource = { kind: 'session', id: sessionId };
    if (!runs.length) {
      const events = await this.history.loadSession(sessionId);
      if (!events.length) {
        void vscode.window.showInformationMessage('RLM: this conversation is no longer available.');
        return undefined;
      }
      const panel = this.existing(source) ?? this.createPanel(source);
      panel.showEvents(source, events, 'conversation');
      panel.panel.reveal(undefined, false);
      return panel;
    }
    for (const run of runs) this.track(run);
    const panel = this.existing(source) ?? this.createPanel(source);
    panel.attachSession(sessionId, runs, focusRunId ?? runs[runs.length - 1].id);
    panel.panel.reveal(undefined, false);
    return panel;
  }

  /** Resolves when the run's history file is written (tests). */
  async saved(runId: string): Promise<HistoryEntry | undefined> {
    return this.saving.get(runId);
  }

  /** rlm.showTrajectory: a run by id (default: the last one), live if it is still going. */
  async showRun(runId?: string): Promise<TrajectoryPanel | undefined> {
    const run = runId ? this.runs.get(runId) : this.runs.last();
    if (!run) {
      if (runId && (await this.history.load(runId))) return this.showHistoryEntry(runId);
      void vscode.window.showInformationMessage(runId ? `RLM: run ${runId} is no longer available.` : 'RLM: no run yet. Ask a question first.');
      return undefined;
    }
    this.track(run);
    const source: TrajectorySource = { kind: 'run', runId: run.id };
    const panel = this.existing(source) ?? this.createPanel(source);
    if (!panel.live || !panel.follows(run)) panel.attach(run);
    panel.panel.reveal(undefined, false);
    return panel;
  }

  async showHistoryEntry(id: string, into?: TrajectoryPanel): Promise<TrajectoryPanel | undefined> {
    const parsed = await this.history.load(id);
    const source: TrajectorySource = { kind: 'history', id };
    const panel = into ?? this.existing(source) ?? this.createPanel(source);
    if (!parsed) {
      panel.showUnavailable(source, 'This run is not in the history any more.');
      return panel;
    }
    const question = parsed.events.find((e) => e.type === 'run_start');
    panel.showEvents(source, parsed.events, question?.type === 'run_start' ? question.question : id, describeProblems(parsed.problems) || undefined);
    panel.panel.reveal(undefined, false);
    return panel;
  }

  /** rlm.openTrajectoryFile: our JSONL or an official `rlm` log. */
  async openFile(arg?: vscode.Uri | string, into?: TrajectoryPanel): Promise<TrajectoryPanel | undefined> {
    let uri = arg ? toUri(arg) : undefined;
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Open trajectory', filters: { 'Trajectory (JSONL)': ['jsonl', 'json', 'log'], 'All files': ['*'] } });
      uri = picked?.[0];
    }
    if (!uri) return undefined;
    const source: TrajectorySource = { kind: 'file', path: uri.toString() };
    let text: string;
    try {
      text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
    } catch (error) {
      if (into) into.showUnavailable(source, `Cannot read ${uri.fsPath}.`);
      else void vscode.window.showErrorMessage(`RLM: cannot read ${uri.fsPath}: ${error instanceof Error ? error.message : String(error)}`);
      return into;
    }
    const parsed = parseAnyTrajectory(text);
    if (!parsed.events.length) {
      const why = describeProblems(parsed.problems) || 'the file is empty';
      void vscode.window.showErrorMessage(`RLM: ${uri.fsPath} holds no trajectory: ${why}`);
      if (into) into.showUnavailable(source, why);
      return into;
    }
    const panel = into ?? this.existing(source) ?? this.createPanel(source);
    const notice = [parsed.format === 'rlm-official' ? 'Opened an official rlm log.' : '', describeProblems(parsed.problems)].filter(Boolean).join(' ');
    const name = uri.path.split('/').pop() ?? 'trajectory';
    panel.showEvents(source, parsed.events, name, notice || undefined);
    panel.panel.reveal(undefined, false);
    return panel;
  }

  /** rlm.exportTrajectory: writes our JSONL or the official log format, then says where. Returns the file written. */
  async exportTrajectory(options: ExportOptions = {}): Promise<vscode.Uri | undefined> {
    const events = await this.eventsToExport(options);
    if (!events?.length) {
      void vscode.window.showInformationMessage('RLM: no trajectory to export.');
      return undefined;
    }
    const last = this.state?.get<TrajectoryFormat>(FORMAT_KEY);
    let format = options.format ?? (options.askFormat ? undefined : last);
    if (!format) {
      const choices = [
        { label: 'RLM for VS Code (JSONL)', description: 'every event; reopens exactly', format: 'rlm-vscode' as const },
        { label: 'Official rlm log (JSONL)', description: "readable by the rlm project's visualizer", format: 'rlm-official' as const },
      ];
      const pick = await vscode.window.showQuickPick(last ? [...choices].sort((a) => (a.format === last ? -1 : 1)) : choices, { title: 'Export trajectory as (remembered for next time)' });
      format = pick?.format;
    }
    if (!format) return undefined;
    await this.state?.update(FORMAT_KEY, format);
    let uri = options.uri ? toUri(options.uri) : undefined;
    if (!uri) {
      await vscode.workspace.fs.createDirectory(this.exportsUri);
      uri = await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.joinPath(this.exportsUri, exportFileName(events, format)),
        filters: { 'Trajectory (JSONL)': ['jsonl'] },
        saveLabel: 'Export',
        title: `Export trajectory (${format === 'rlm-official' ? 'official rlm log' : 'RLM for VS Code'} format; "RLM: Export Trajectory As…" to change)`,
      });
    }
    if (!uri) return undefined;
    const text = format === 'rlm-official' ? toOfficialLog(events) : serializeTrajectory(events);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
    void this.announceExport(uri);
    return uri;
  }

  private async eventsToExport(options: ExportOptions): Promise<readonly TrajectoryEvent[] | undefined> {
    if (options.sessionId) {
      const runs = this.runs.sessionRuns?.(options.sessionId) ?? [];
      return runs.length ? sessionEvents(runs.map((r) => r.events)) : this.history.loadSession(options.sessionId);
    }
    if (options.runId) return this.runs.get(options.runId)?.events ?? (await this.history.load(options.runId))?.events;
    if (options.historyId) return (await this.history.load(options.historyId))?.events;
    if (this.active) return this.active.trajectory;
    return this.runs.last()?.events;
  }

  /** "Exported to …" with Open (in a column beside the panels) and Reveal (the OS file manager, or the path copied). */
  private async announceExport(uri: vscode.Uri): Promise<void> {
    const name = uri.path.split('/').pop() ?? uri.fsPath;
    const choice = await vscode.window.showInformationMessage(`RLM: trajectory exported to ${name}`, 'Open', 'Reveal');
    if (choice === 'Open') await vscode.window.showTextDocument(uri, { viewColumn: this.placement.codeColumn(), preview: true });
    if (choice === 'Reveal') {
      await Promise.resolve(vscode.commands.executeCommand('revealFileInOS', uri)).catch(async () => {
        await vscode.env.clipboard.writeText(uri.fsPath);
        void vscode.window.showInformationMessage(`RLM: path copied: ${uri.fsPath}`);
      });
    }
  }

  /** rlm.showHistory: a quick pick of saved runs; pick to reopen, the trash button to delete. */
  async showHistory(): Promise<TrajectoryPanel | undefined> {
    const entries = await this.history.list();
    if (!entries.length) {
      void vscode.window.showInformationMessage('RLM: no saved runs yet. Runs are saved here when they finish.');
      return undefined;
    }
    type Item = vscode.QuickPickItem & { entry: HistoryEntry };
    const remove: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('trash'), tooltip: 'Delete from history' };
    const toItem = (entry: HistoryEntry): Item => ({
      label: entry.question.replace(/\s+/g, ' ').slice(0, 120) || entry.id,
      description: `${new Date(entry.startedAt).toLocaleString()} · ${entry.stopReason ?? 'unfinished'}`,
      detail: entryFacts(entry),
      buttons: [remove],
      entry,
    });
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = 'RLM: trajectory history';
    qp.placeholder = 'Pick a run to reopen its trajectory';
    qp.matchOnDescription = true;
    qp.items = entries.map(toItem);
    const picked = await new Promise<Item | undefined>((resolve) => {
      qp.onDidTriggerItemButton(async (e) => {
        await this.history.delete(e.item.entry.id);
        qp.items = qp.items.filter((i) => i !== e.item);
      });
      qp.onDidAccept(() => resolve(qp.selectedItems[0]));
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    qp.dispose();
    return picked ? this.showHistoryEntry(picked.entry.id) : undefined;
  }

  /** Brings a panel back after a window reload, from the source saved in its webview state. */
  async restore(webviewPanel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const source = (state as SavedState | undefined)?.info?.source;
    const panel = this.adopt(webviewPanel, source ?? { kind: 'file', path: '' });
    if (!source) return panel.showUnavailable({ kind: 'file', path: '' }, 'Nothing to show: reopen a run from the history.');
    if (source.kind === 'run') {
      const run = this.runs.get(source.runId);
      if (run) return panel.attach(run);
      if (await this.history.load(source.runId)) return void (await this.showHistoryEntry(source.runId, panel));
      return panel.showUnavailable(source, 'This run ended before the window reloaded and was not saved.');
    }
    if (source.kind === 'history') return void (await this.showHistoryEntry(source.id, panel));
    if (source.kind === 'session') {
      const runs = this.runs.sessionRuns?.(source.id) ?? [];
      if (runs.length) return panel.attachSession(source.id, runs);
      const events = await this.history.loadSession(source.id);
      return events.length ? panel.showEvents(source, events, 'conversation') : panel.showUnavailable(source, 'This conversation is not in the history any more.');
    }
    if (source.path) return void (await this.openFile(source.path, panel));
    panel.showUnavailable(source, 'Nothing to show.');
  }

  dispose(): void {
    for (const p of [...this.panels]) p.dispose();
  }
}

/**
 * Registers the trajectory panel: commands rlm.showTrajectory, rlm.openTrajectoryFile, rlm.exportTrajectory,
 * rlm.showHistory, and the serializer for `rlmTrajectory` panels. Runs from `runs.onDidCreate` are saved to
 * history when they end.
 */
export function registerTrajectoryPanel(context: vscode.ExtensionContext, runs: RunLookup, placement?: PanelPlacement): TrajectoryPanels {
  const panels = new TrajectoryPanels(context.extensionUri, context.globalStorageUri, runs, context.globalState, placement);
  context.subscriptions.push(
    panels,
    vscode.commands.registerCommand('rlm.showTrajectory', (arg?: unknown) => {
      // A run id, or { sessionId, runId? }: a conversation with that question in focus.
      const session = typeof arg === 'object' && arg !== null ? (arg as { sessionId?: unknown; runId?: unknown }) : undefined;
      if (typeof session?.sessionId === 'string') return panels.showSession(session.sessionId, typeof session.runId === 'string' ? session.runId : undefined);
      return panels.showRun(typeof arg === 'string' ? arg : typeof session?.runId === 'string' ? session.runId : undefined);
    }),
    vscode.commands.registerCommand('rlm.openTrajectoryFile', (uri?: unknown) => panels.openFile(uri instanceof vscode.Uri || typeof uri === 'string' ? uri : undefined)),
    vscode.commands.registerCommand('rlm.exportTrajectory', (options?: unknown) => panels.exportTrajectory(typeof options === 'string' ? { runId: options } : ((options as ExportOptions | undefined) ?? {}))),
    vscode.commands.registerCommand('rlm.exportTrajectoryAs', (options?: unknown) => panels.exportTrajectory({ ...(typeof options === 'string' ? { runId: options } : ((options as ExportOptions | undefined) ?? {})), askFormat: true })),
    vscode.commands.registerCommand('rlm.showHistory', () => panels.showHistory()),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, { deserializeWebviewPanel: (panel, state) => panels.restore(panel, state) }),
  );
  if (runs.onDidCreate) context.subscriptions.push(runs.onDidCreate((run) => panels.track(run)));
  return panels;
}
