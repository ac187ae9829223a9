// The palette's answer panel, as a conversation: each question with its live steps (folded into a summary when
// the answer arrives), the answer as markdown whose path:line citations open the code, its trajectory link,
// and a follow-up box that asks the next question in the same session. One panel at most: a new palette
// question starts a new conversation in it and reveals it. The page keeps its context while hidden
// (retainContextWhenHidden): one panel, and a half-typed follow-up or an opened step list must survive a tab
// switch. Messages follow the typed protocol in src/webview/protocol.ts.
import * as vscode from 'vscode';
import type { LiveRun } from '../rlm/liveRun';
import { accountOf, formatFooter } from '../rlm/runAccount';
import type { RunResult } from '../rlm/types';
import { makeNonce, panelPage } from '../webview/page';
import type { PanelPlacement } from '../webview/placement';
import { parseFromAnswerView, type ConversationTurn, type FromAnswerView, type ToAnswerView } from '../webview/protocol';
import { LiveSteps } from './liveSteps';

/** Asks a follow-up in the conversation's session; resolves to the new run (undefined when it could not start). */
export type FollowUpAsker = (question: string) => Promise<LiveRun | undefined>;

/** A conversation of the answer panel: its session id (runs are registered with it) and how to ask the next question. */
export interface Conversation {
  session: string;
  askFollowUp: FollowUpAsker;
}

const STOP_TEXT: Record<string, string> = {
  final: 'Answered',
  max_iterations: 'Stopped at the iteration limit (best-effort answer)',
  max_sub_calls: 'Stopped at the sub-call limit (best-effort answer)',
  max_tokens: 'Stopped at the token limit (best-effort answer)',
  max_cost: 'Stopped at the cost limit (best-effort answer)',
  timeout: 'Stopped at the time limit (best-effort answer)',
  max_errors: 'Stopped after repeated errors',
  cancelled: 'Cancelled',
  model_error: 'The model failed',
};

/** The answer's one-line account: its stop, then the run account's footer (the same numbers every view shows). */
function footerOf(run: LiveRun, result: RunResult): string {
  return [STOP_TEXT[result.stopReason] ?? result.stopReason, formatFooter(accountOf(run.events))].join(' · ');
}

interface Turn {
  run: LiveRun;
  steps: LiveSteps;
  off: () => void;
}

const UPDATE_INTERVAL_MS = 100;

export class AnswerPanel {
  static readonly viewType = 'rlm.answer';
  /** The one answer panel, while it is open. */
  static current?: AnswerPanel;

  readonly panel: vscode.WebviewPanel;
  private turns: Turn[] = [];
  private conversation?: Conversation;
  private ready = false;
  private timer?: NodeJS.Timeout;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly renderedEmitter = new vscode.EventEmitter<{ turns: number; busy: boolean }>();
  /** The page's last report (tests wait on it). */
  lastRendered?: { turns: number; busy: boolean };

  /** Shows `run` as the start of a new conversation in the one answer panel, and reveals it. */
  static show(extensionUri: vscode.Uri, placement: PanelPlacement, run: LiveRun, conversation?: Conversation): AnswerPanel {
    const panel = AnswerPanel.current ?? new AnswerPanel(extensionUri, placement);
    panel.startConversation(run, conversation);
    panel.panel.reveal(undefined, false);
    return panel;
  }

  private constructor(extensionUri: vscode.Uri, placement: PanelPlacement) {
    const media = vscode.Uri.joinPath(extensionUri, 'media');
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    this.panel = vscode.window.createWebviewPanel(
      AnswerPanel.viewType,
      'RLM',
      { viewColumn: placement.panelColumn(), preserveFocus: false },
      { enableScripts: true, enableCommandUris: false, localResourceRoots: [media, dist], retainContextWhenHidden: true },
    );
    placement.track(this.panel);
    this.panel.iconPath = { light: vscode.Uri.joinPath(media, 'trajectory-light.svg'), dark: vscode.Uri.joinPath(media, 'trajectory-dark.svg') };
    const asUri = (u: vscode.Uri) => this.panel.webview.asWebviewUri(u).toString();
    this.panel.webview.html = panelPage({
      cspSource: this.panel.webview.cspSource,
      nonce: makeNonce(),
      scriptUri: asUri(vscode.Uri.joinPath(dist, 'answerView.js')),
      styleUri: asUri(vscode.Uri.joinPath(dist, 'answerView.css')),
      codiconsUri: asUri(vscode.Uri.joinPath(media, 'codicons', 'codicon.css')),
      title: 'RLM answer',
    });
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((raw) => void this.handleMessage(raw)),
      this.panel.onDidDispose(() => this.dispose()),
    );
    AnswerPanel.current = this;
  }

  /** The runs of the conversation, oldest first. */
  get runs(): LiveRun[] {
    return this.turns.map((t) => t.run);
  }

  get busy(): boolean {
    return this.turns.some((t) => !t.run.done);
  }

  /** The session of the conversation shown (its runs carry it in the registry). */
  get session(): string | undefined {
    return this.conversation?.session;
  }

  private startConversation(run: LiveRun, conversation?: Conversation): void {
    for (const t of this.turns) t.off();
    this.turns = [];
    this.conversation = conversation;
    this.addTurn(run);
  }

  /** Adds a run to the conversation and follows its events. */
  addTurn(run: LiveRun): void {
    const steps = new LiveSteps();
    for (const e of run.events) steps.update(e);
    const offEvent = run.onEvent((e) => {
      if (steps.update(e)) this.schedule();
    });
    const offEnd = run.onEnd(() => this.send());
    this.turns.push({ run, steps, off: () => (offEvent(), offEnd()) });
    this.panel.title = `RLM: ${run.question.length > 40 ? `${run.question.slice(0, 39)}…` : run.question}`;
    this.send();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.send(), UPDATE_INTERVAL_MS);
  }

  private send(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.ready) return;
    const message: ToAnswerView = { type: 'conversation', turns: this.turns.map(turnView), busy: this.busy || !this.conversation };
    void this.panel.webview.postMessage(message);
  }

  /** Handles a message from the page. Public so integration tests can act as the page. */
  async handleMessage(raw: unknown): Promise<void> {
    const msg: FromAnswerView | undefined = parseFromAnswerView(raw);
    if (!msg) return;
    const turn = 'runId' in msg ? this.turns.find((t) => t.run.id === msg.runId) : undefined;
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        this.send();
        break;
      case 'rendered':
        this.lastRendered = { turns: msg.turns, busy: msg.busy };
        this.renderedEmitter.fire(this.lastRendered);
        break;
      case 'open':
        await vscode.commands.executeCommand('rlm.openCitation', { path: msg.path, line: msg.line, endLine: msg.endLine });
        break;
      case 'showTrajectory':
        // One question: its run. A conversation: all its questions, this one open.
        if (turn && this.turns.length > 1 && this.conversation) await vscode.commands.executeCommand('rlm.showTrajectory', { sessionId: this.conversation.session, runId: turn.run.id });
        else if (turn) await vscode.commands.executeCommand('rlm.showTrajectory', turn.run.id);
        break;
      case 'copy':
        if (turn?.run.result) await vscode.env.clipboard.writeText(turn.run.result.answer);
        break;
      case 'cancel':
        for (const t of this.turns) if (!t.run.done) t.run.cancel();
        break;
      case 'followUp':
        await this.followUp(msg.question);
        break;
    }
  }

  /** Asks `question` as the next turn of this conversation. */
  async followUp(question: string): Promise<LiveRun | undefined> {
    if (this.busy || !this.conversation) return undefined;
    const run = await this.conversation.askFollowUp(question);
    if (run && !this.turns.some((t) => t.run === run)) this.addTurn(run);
    return run;
  }

  /** Resolves when the page has drawn a state that satisfies `test`. */
  whenRendered(test: (r: { turns: number; busy: boolean }) => boolean): Promise<{ turns: number; busy: boolean }> {
    if (this.lastRendered && test(this.lastRendered)) return Promise.resolve(this.lastRendered);
    return new Promise((resolve) => {
      const sub = this.renderedEmitter.event((r) => {
        if (test(r)) {
          sub.dispose();
          resolve(r);
        }
      });
    });
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  dispose(): void {
    if (AnswerPanel.current === this) AnswerPanel.current = undefined;
    clearTimeout(this.timer);
    for (const t of this.turns) t.off();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.renderedEmitter.dispose();
    this.panel.dispose();
  }
}

function turnView(t: Turn): ConversationTurn {
  const { run, steps } = t;
  const base = { runId: run.id, question: run.question, steps: [...steps.steps], stepCount: steps.count };
  if (!run.done) return { ...base, status: 'running' };
  if (!run.result) return { ...base, status: 'failed', detail: run.error ?? 'unknown error' };
  const r = run.result;
  return { ...base, status: 'done', answer: r.answer, citations: r.citations, stopReason: r.stopReason, detail: r.detail, footer: footerOf(run, r) };
}
