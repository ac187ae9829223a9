// The browser side of the answer panel: the conversation (question, live steps or their summary, answer with
// clickable citations, its trajectory link), and the follow-up box under it. Every text from a run goes through
// the escaping `html` template or the sanitizing markdown renderer; messages follow ../protocol.ts.
import './litNonce';
import './answer.css';
import type { ConversationTurn, FromAnswerView, ToAnswerView } from '../protocol';
import { html, type SafeHtml } from '../render/html';
import { renderMarkdown } from '../render/markdown';

interface VsCodeApi {
  postMessage(message: FromAnswerView): void;
  getState(): SavedState | undefined;
  setState(state: SavedState): void;
}
interface SavedState {
  draft?: string;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const saved: SavedState = vscode.getState() ?? {};

document.body.innerHTML = `
<main id="conversation" class="conversation" aria-live="polite"></main>
<form id="followup" class="followup" autocomplete="off">
  <textarea id="question" rows="2" aria-label="Follow-up question" title="Enter sends, Shift+Enter starts a new line" placeholder="Ask a follow-up…"></textarea>
  <button id="send" type="submit" title="Ask this in the same session">Ask</button>
</form>`;

const conversationEl = document.getElementById('conversation')!;
const formEl = document.getElementById('followup') as HTMLFormElement;
const questionEl = document.getElementById('question') as HTMLTextAreaElement;
const sendEl = document.getElementById('send') as HTMLButtonElement;
questionEl.value = saved.draft ?? '';

const post = (m: FromAnswerView) => vscode.postMessage(m);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function stepsHtml(turn: ConversationTurn, last: boolean): SafeHtml {
  const hidden = turn.stepCount - turn.steps.length;
  const items = html`<ol class="step-list" start="${hidden + 1}">${turn.steps.map((s) => html`<li>${s}</li>`)}</ol>`;
  if (turn.status === 'running') {
    return html`<div class="steps live"${last ? html` id="steps"` : ''}><div class="steps-title"><span class="spinner" aria-hidden="true"></span> Working… ${plural(turn.stepCount, 'step')}</div>${items}</div>`;
  }
  if (!turn.stepCount) return html``;
  // Done: the steps fold into one line; open it to see them again.
  return html`<details class="steps"><summary>${plural(turn.stepCount, 'step')}</summary>${items}</details>`;
}

function turnHtml(turn: ConversationTurn, last: boolean): SafeHtml {
  const id = (name: string) => (last ? html` id="${name}"` : html``);
  const question = html`<h2 class="question">${turn.question}</h2>`;
  const trajectory = html`<button class="link trajectory" data-action="showTrajectory" data-run-id="${turn.runId}" title="Every step of this answer">Show trajectory</button>`;
  if (turn.status === 'running') {
    return html`<section class="turn running" data-run-id="${turn.runId}">${question}<p class="status running"${id('status')}>Working…</p>${stepsHtml(turn, last)}
<div class="actions"><button${id('cancel')} class="secondary" data-action="cancel">Cancel</button>${trajectory}</div></section>`;
  }
  if (turn.status === 'failed') {
    return html`<section class="turn failed" data-run-id="${turn.runId}">${question}<p class="status failed"${id('status')}>Failed: ${turn.detail ?? 'unknown error'}</p>${stepsHtml(turn, last)}<div class="actions">${trajectory}</div></section>`;
  }
  const invalid = (turn.citations ?? []).filter((c) => !c.valid);
  return html`<section class="turn done" data-run-id="${turn.runId}">${question}
<p class="status done"${id('status')} data-stop-reason="${turn.stopReason ?? ''}">${turn.footer ?? ''}</p>
${turn.detail && turn.stopReason !== 'final' ? html`<p class="detail">${turn.detail}</p>` : ''}
${stepsHtml(turn, last)}
<div class="answer markdown"${id('answer')}>${renderMarkdown(turn.answer ?? '', turn.citations ?? [])}</div>
${invalid.length ? html`<p class="warning">Unverified citations: ${invalid.map((c) => `${c.path}:${c.line}${c.problem ? ` (${c.problem})` : ''}`).join(', ')}</p>` : ''}
<div class="actions">${trajectory}<button class="link" data-action="copy" data-run-id="${turn.runId}">Copy answer</button></div></section>`;
}

let busy = false;

function draw(turns: ConversationTurn[]): void {
  const atBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 40;
  // Closed/open step lists keep their state across redraws.
  const open = new Set(Array.from(conversationEl.querySelectorAll<HTMLDetailsElement>('section[data-run-id] details[open]')).map((d) => d.closest('section')!.dataset.runId));
  conversationEl.innerHTML = html`${turns.map((t, i) => turnHtml(t, i === turns.length - 1))}`.value;
  for (const d of Array.from(conversationEl.querySelectorAll<HTMLDetailsElement>('section[data-run-id] details'))) if (open.has(d.closest('section')!.dataset.runId)) d.open = true;
  for (const list of Array.from(conversationEl.querySelectorAll('.steps.live .step-list'))) list.scrollTop = list.scrollHeight;
  questionEl.disabled = busy;
  sendEl.disabled = busy;
  questionEl.placeholder = busy ? 'Answering…' : 'Ask a follow-up…';
  if (atBottom) window.scrollTo(0, document.body.scrollHeight);
  post({ type: 'rendered', turns: turns.length, busy });
}

document.addEventListener('click', (ev) => {
  const target = ev.target as HTMLElement;
  const link = target.closest<HTMLAnchorElement>('a.citation');
  if (link) {
    ev.preventDefault();
    const line = Number(link.dataset.line);
    const endLine = link.dataset.endLine ? Number(link.dataset.endLine) : undefined;
    if (link.dataset.path && Number.isInteger(line) && line >= 1) post({ type: 'open', path: link.dataset.path, line, ...(endLine && endLine >= line ? { endLine } : {}) });
    return;
  }
  const button = target.closest<HTMLButtonElement>('button[data-action]');
  if (!button) return;
  const runId = button.dataset.runId ?? '';
  if (button.dataset.action === 'showTrajectory') post({ type: 'showTrajectory', runId });
  if (button.dataset.action === 'copy') post({ type: 'copy', runId });
  if (button.dataset.action === 'cancel') {
    button.disabled = true;
    button.textContent = 'Cancelling…';
    post({ type: 'cancel' });
  }
});

function send(): void {
  const question = questionEl.value.trim();
  if (!question || busy) return;
  post({ type: 'followUp', question });
  questionEl.value = '';
  vscode.setState({ draft: '' });
}

formEl.addEventListener('submit', (ev) => {
  ev.preventDefault();
  send();
});
questionEl.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
    ev.preventDefault();
    send();
  }
});
questionEl.addEventListener('input', () => vscode.setState({ draft: questionEl.value }));

window.addEventListener('message', (ev: MessageEvent<ToAnswerView>) => {
  const msg = ev.data;
  if (msg?.type === 'conversation') {
    busy = msg.busy;
    draw(msg.turns);
  }
});

post({ type: 'ready' });
