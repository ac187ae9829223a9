// The panel's HTML pieces, as strings built with the escaping `html` template: the header, the answer, and the
// details of the selected node. Pure (no DOM), so escaping is unit-tested in node.
import type { RunStartEvent } from '../../rlm/events';
import type { Location } from '../protocol';
import { formatCost, formatDuration, formatTokens, labelOf, locationOf, range, reasoningOf } from '../model/labels';
export { formatCost } from '../model/labels';
import type { Summary } from '../model/summary';
import type { TreeNode } from '../model/tree';
import { highlightCode, languageFor } from './highlight';
import { html, type SafeHtml } from './html';
import { renderMarkdown } from './markdown';

/** Longer texts are cut in the details pane (the full text stays in the trajectory file). */
const MAX_SHOWN_CHARS = 100_000;

function clip(text: string): string {
  return text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}\n… (${text.length - MAX_SHOWN_CHARS} more characters)` : text;
}

/** A link the panel turns into "open this range in the editor" (handled by one delegated click listener). */
export function locationLink(loc: Location, text?: string): SafeHtml {
  return html`<a href="#" class="citation" data-path="${loc.path}" data-line="${loc.line}" data-end-line="${loc.endLine ?? ''}" title="Open ${loc.path}:${range(loc.line, loc.endLine)}">${text ?? `${loc.path}:${range(loc.line, loc.endLine)}`}</a>`;
}

const stat = (label: string, value: string | number, id?: string) => html`<span class="stat"${id ? html` data-stat="${id}"` : ''}><span class="stat-label">${label}</span> <span class="stat-value">${value}</span></span>`;


export function headerHtml(s: Summary): SafeHtml {
  const status = s.live ? html`<span class="status live"><span class="codicon codicon-loading codicon-modifier-spin"></span> running</span>` : html`<span class="status ${s.stopReason === 'final' ? 'ok' : 'warn'}" title="${s.detail ?? ''}">${s.stopReason ?? 'ended'}${s.detail ? html`: ${s.detail}` : ''}</span>`;
  const models = s.subModel && s.subModel !== s.model ? `${s.model} · sub-calls: ${s.subModel}` : s.model;
  const title = s.questions > 1 ? `Conversation, ${s.questions} questions: ${s.question}` : s.question;
  return html`<div class="question" title="${title}">${title || '(no question yet)'}</div>
<div class="meta"><span class="codicon codicon-hubot"></span> <span class="models">${models || 'unknown model'}</span>${s.provider ? html` <span class="provider">(${s.provider})</span>` : ''} ${status}</div>
<div class="stats">${stat('iterations', s.iterations, 'iterations')}${stat('sub-calls', s.subCalls, 'subCalls')}${stat('child runs', s.childRuns, 'childRuns')}${stat('evidence', s.evidence, 'evidence')}${stat('tokens', `${formatTokens(s.usage.inputTokens)} in / ${formatTokens(s.usage.outputTokens)} out`, 'tokens')}${stat('cost', formatCost(s.cost), 'cost')}${stat('time', formatDuration(s.durationMs), 'time')}</div>`;
}

export function answerHtml(node: TreeNode | undefined): SafeHtml {
  const final = node?.final;
  if (!final) return html`<p class="muted">${node?.end ? node.end.answer || 'No answer.' : 'The answer appears here when the run finishes.'}</p>`;
  return renderMarkdown(final.answer, final.citations);
}

const section = (title: string, body: SafeHtml | string) => html`<section class="detail-section"><h3>${title}</h3>${body}</section>`;
const pre = (text: string, cls = '') => html`<pre class="text ${cls}">${clip(text)}</pre>`;
const code = (text: string, lang: string | undefined) => html`<pre class="code"><code class="hljs">${highlightCode(clip(text), lang)}</code></pre>`;

export function detailHtml(node: TreeNode | undefined): SafeHtml {
  if (!node) return html`<p class="muted">Select a node to see its details.</p>`;
  const l = labelOf(node);
  const loc = locationOf(node);
  const head = html`<div class="detail-head"><span class="codicon codicon-${l.icon}"></span> <strong>${l.label}</strong> ${l.badges.filter(Boolean).map((b) => html`<span class="badge">${b}</span>`)}${loc ? html` ${locationLink(loc, 'Open in editor')}` : ''}</div>`;
  const e = node.event;
  const parts: SafeHtml[] = [head];
  if (node.kind === 'search') {
    // The group's hits, path:line first, each a link.
    const hits = node.children.map((c) => (c.event.type === 'evidence' ? html`<li>${locationLink({ path: c.event.path, line: c.event.line, endLine: c.event.endLine })} <span class="muted">${c.event.text ?? ''}</span></li>` : ''));
    parts.push(section('Pattern', pre(e.type === 'evidence' ? e.query ?? '' : '')), section('Hits', html`<ul class="hits">${hits}</ul>`));
    return html`${parts}`;
  }
  switch (e.type) {
    case 'run_start': {
      const run = e as RunStartEvent;
      parts.push(section('Question', pre(run.question)));
      parts.push(section('Models', html`${run.model} (${run.provider}); sub-calls: ${run.subModel}`));
      parts.push(section('Workspace', html`${run.workspace.name}: ${run.workspace.fileCount} files, ${formatTokens(run.workspace.totalBytes)} bytes`));
      if (run.scope) parts.push(section('Scope', html`${run.scope.paths ? run.scope.paths.join(', ') : ''}${run.scope.textChars !== undefined ? html` ${run.scope.textChars} characters of text` : ''}`));
      if (node.end) parts.push(section('Ended', html`${node.end.stopReason}${node.end.detail ? html`: ${node.end.detail}` : ''} after ${node.end.iterations} iterations, ${node.end.subCalls} sub-calls, ${formatDuration(node.end.durationMs)}`));
      break;
    }
    case 'iteration':
      parts.push(section('Reasoning', pre(reasoningOf(e.response) || '(none)')));
      parts.push(section('Reply', renderMarkdown(clip(e.response))));
      break;
    case 'code':
      parts.push(section('Code', code(e.code, 'javascript')));
      parts.push(section('Output', e.output ? pre(e.output) : html`<p class="muted">(no output)</p>`));
      if (e.error) parts.push(section('Error', pre(e.error, 'error')));
      if (e.restarted) parts.push(html`<p class="warn">The sandbox was restarted after this block; its variables were lost.</p>`);
      break;
    case 'subcall':
      parts.push(section('Prompt', pre(e.prompt)));
      parts.push(section('Response', e.response !== undefined ? pre(e.response) : html`<p class="muted">(no response)</p>`));
      if (e.error) parts.push(section('Error', pre(e.error, 'error')));
      break;
    case 'evidence':
      if (e.query) parts.push(section(e.kind === 'grep' ? 'Pattern' : 'Query', pre(e.query)));
      if (e.text) parts.push(section('Text', code(e.text, languageFor(e.path))));
      break;
    case 'final':
      if (node.kind === 'citation' && node.citation) {
        const c = node.citation;
        parts.push(section('Citation', html`${c.path}:${range(c.line, c.endLine)}${c.valid ? '' : html` <span class="warn">${c.problem ?? 'invalid'}</span>`}`));
      } else {
        parts.push(section('Answer', renderMarkdown(clip(e.answer), e.citations)));
        if (e.citations.length) parts.push(section('Citations', html`<ul>${e.citations.map((c) => html`<li>${locationLink({ path: c.path, line: c.line, endLine: c.endLine })}${c.valid ? '' : html` <span class="warn">${c.problem ?? 'invalid'}</span>`}</li>`)}</ul>`));
      }
      break;
  }
  return html`${parts}`;
}
