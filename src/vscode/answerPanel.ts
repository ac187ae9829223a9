// The palette command's answer: a webview showing live progress, then the answer as rendered markdown
// whose path:line citations open the file at that line (through the rlm.openCitation command).
import * as vscode from 'vscode';
import type { LiveRun } from '../rlm/liveRun';
import type { RunResult } from '../rlm/types';
import { renderAnswerHtml } from './answerHtml';
import { RunProgress } from './ask';

type FromWebview = { type: 'openCitation'; path: string; line: number; endLine?: number } | { type: 'showTrajectory' } | { type: 'copy' } | { type: 'cancel' };

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function nonce(): string {
  let out = '';
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  for (let i = 0; i < 32; i++) out += chars[Math.floor(Math.random() * chars.length)];
  return out;
}

const STOP_TEXT: Record<string, string> = {
  final: 'Answered',
  max_iterations: 'Stopped at the iteration limit (best-effort answer)',
  max_sub_calls: 'Stopped at the sub-call limit (best-effort answer)',
  max_tokens: 'Stopped at the token limit (best-effort answer)',
  timeout: 'Stopped at the time limit (best-effort answer)',
  max_errors: 'Stopped after repeated errors',
  cancelled: 'Cancelled',
  model_error: 'The model failed',
};

export class AnswerPanel {
  static readonly viewType = 'rlm.answer';
  private readonly panel: vscode.WebviewPanel;
  private readonly progress = new RunProgress();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly run: LiveRun) {
    this.panel = vscode.window.createWebviewPanel(
      AnswerPanel.viewType,
      `RLM: ${run.question.length > 40 ? `${run.question.slice(0, 40)}…` : run.question}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      { enableScripts: true, enableCommandUris: false, localResourceRoots: [], retainContextWhenHidden: true },
    );
    this.panel.webview.html = this.html();
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((message: FromWebview) => this.onMessage(message)),
      this.panel.onDidDispose(() => this.dispose()),
    );
    for (const event of run.events) this.progress.update(event);
    const offEvent = run.onEvent((event) => {
      if (this.progress.update(event)) void this.panel.webview.postMessage({ type: 'progress', text: this.progress.text });
    });
    const offEnd = run.onEnd(() => {
      this.panel.webview.html = this.html();
    });
    this.disposables.push({ dispose: offEvent }, { dispose: offEnd });
  }

  private async onMessage(message: FromWebview): Promise<void> {
    if (message.type === 'openCitation') {
      await vscode.commands.executeCommand('rlm.openCitation', { path: message.path, line: message.line, endLine: message.endLine });
    } else if (message.type === 'showTrajectory') {
      await vscode.commands.executeCommand('rlm.showTrajectory', this.run.id);
    } else if (message.type === 'cancel') {
      this.run.cancel();
    } else if (message.type === 'copy' && this.run.result) {
      await vscode.env.clipboard.writeText(this.run.result.answer);
    }
  }

  private body(): string {
    const run = this.run;
    const question = `<h2 class="question">${escapeHtml(run.question)}</h2>`;
    if (!run.done) {
      return `${question}<p class="status running" id="status">Working… ${escapeHtml(this.progress.text)}</p>`;
    }
    if (!run.result) {
      return `${question}<p class="status failed" id="status">Failed: ${escapeHtml(run.error ?? 'unknown error')}</p>`;
    }
    const result: RunResult = run.result;
    const invalid = result.citations.filter((c) => !c.valid);
    const status = `${STOP_TEXT[result.stopReason] ?? result.stopReason} · ${result.iterations} iteration${result.iterations === 1 ? '' : 's'} · ${result.subCalls} sub-call${result.subCalls === 1 ? '' : 's'} · ${(result.durationMs / 1000).toFixed(1)} s`;
    const warning = invalid.length
      ? `<p class="warning">Unverified citations: ${invalid.map((c) => escapeHtml(`${c.path}:${c.line}${c.problem ? ` (${c.problem})` : ''}`)).join(', ')}</p>`
      : '';
    const detail = result.detail && result.stopReason !== 'final' ? `<p class="detail">${escapeHtml(result.detail)}</p>` : '';
    return `${question}<p class="status done" id="status" data-stop-reason="${escapeHtml(result.stopReason)}">${escapeHtml(status)}</p>${detail}
<div class="answer" id="answer">${renderAnswerHtml(result.answer)}</div>${warning}`;
  }

  private html(): string {
    const n = nonce();
    return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${n}'; script-src 'nonce-${n}';">
<style nonce="${n}">
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 16px 16px; line-height: 1.5; }
.question { font-size: 1.2em; }
.status { color: var(--vscode-descriptionForeground); }
.status.failed, .warning { color: var(--vscode-errorForeground); }
a.citation { color: var(--vscode-textLink-foreground); cursor: pointer; }
code { font-family: var(--vscode-editor-font-family); background: var(--vscode-textCodeBlock-background); padding: 0 2px; }
pre { background: var(--vscode-textCodeBlock-background); padding: 8px; overflow-x: auto; }
.actions { margin: 12px 0; display: flex; gap: 8px; }
button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 4px 10px; cursor: pointer; }
button.secondary { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); }
</style></head><body data-run-id="${escapeHtml(this.run.id)}">
${this.body()}
<div class="actions">${this.run.done ? '' : '<button id="cancel">Cancel</button>'}<button id="trajectory" class="secondary">Show trajectory</button>${this.run.result ? '<button id="copy" class="secondary">Copy answer</button>' : ''}</div>
<script nonce="${n}">
const vscode = acquireVsCodeApi();
document.addEventListener('click', (e) => {
  const link = e.target instanceof Element ? e.target.closest('a.citation') : null;
  if (link) {
    e.preventDefault();
    const endLine = link.getAttribute('data-end-line');
    vscode.postMessage({ type: 'openCitation', path: link.getAttribute('data-path'), line: Number(link.getAttribute('data-line')), endLine: endLine ? Number(endLine) : undefined });
  }
  if (e.target instanceof Element && e.target.id === 'trajectory') vscode.postMessage({ type: 'showTrajectory' });
  if (e.target instanceof Element && e.target.id === 'copy') vscode.postMessage({ type: 'copy' });
  if (e.target instanceof Element && e.target.id === 'cancel') { e.target.disabled = true; e.target.textContent = 'Cancelling…'; vscode.postMessage({ type: 'cancel' }); }
});
window.addEventListener('message', (e) => {
  const status = document.getElementById('status');
  if (e.data && e.data.type === 'progress' && status && status.classList.contains('running')) status.textContent = 'Working… ' + e.data.text;
});
</script></body></html>`;
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
