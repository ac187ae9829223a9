// What a tree node says about itself: a one-line label, a muted description, an icon, badges, a code location,
// and the text the filter searches. Plain strings: escaping happens where they are rendered.
import type { RunStartEvent } from '../../rlm/events';
import { EVIDENCE_KINDS } from '../../rlm/sandbox/evidenceKinds';
import { formatCost as formatAccountCost, formatDuration, formatTokens } from '../../rlm/runAccount';
import type { Location } from '../protocol';
import type { TreeNode } from './tree';

export interface NodeLabel {
  /** A codicon name. */
  icon: string;
  label: string;
  description: string;
  /** Short facts shown at the right: tokens, latency, "cached", "error". */
  badges: string[];
  /** Shown with an error or warning colour. */
  tone?: 'error' | 'warning';
}

/** The first non-empty line, shortened. */
export function firstLine(text: string | undefined, max = 120): string {
  if (!text) return '';
  const line = text.split('\n').find((l) => l.trim()) ?? '';
  const trimmed = line.trim();
  return trimmed.length > max ? trimmed.slice(0, max - 1) + '…' : trimmed;
}

const MAX_COMPARED_LINES = 400;
const MAX_COMPARED_SIBLINGS = 64;

/**
 * The line of `text` that tells it apart from its siblings' texts: the first non-empty line that most siblings do
 * not share (eight sub-calls sharing an instruction differ by the file or chunk they were given; one odd sibling
 * does not make the shared instruction look distinctive). Falls back to the first line when nothing differs.
 */
export function distinguishingLine(text: string, siblings: readonly string[], max = 120): string {
  const lines = (t: string) => t.split('\n', MAX_COMPARED_LINES).map((l) => l.trim()).filter(Boolean);
  const others = siblings.filter((s) => s !== text).slice(0, MAX_COMPARED_SIBLINGS).map((s) => new Set(lines(s)));
  if (!others.length) return firstLine(text, max);
  const own = lines(text);
  // A line is shared when more than half of the other siblings have it; the first one that is not is the difference.
  const differing = own.find((l) => others.filter((set) => set.has(l)).length * 2 <= others.length) ?? own[0] ?? '';
  return differing.length > max ? differing.slice(0, max - 1) + '…' : differing;
}

/** Sub-calls of the same kind under the same code block: the siblings a sub-call's label must differ from. */
function subcallSiblings(node: TreeNode): TreeNode[] {
  const e = node.event;
  const kind = e.type === 'subcall' ? e.kind : undefined;
  return (node.parent?.children ?? [node]).filter((c) => c.event.type === 'subcall' && c.event.kind === kind);
}

function subcallDescription(node: TreeNode, siblings: readonly TreeNode[]): string {
  if (node.distinct?.siblings === siblings.length) return node.distinct.text;
  const prompt = node.event.type === 'subcall' ? node.event.prompt : '';
  const text = distinguishingLine(prompt, siblings.map((s) => (s.event.type === 'subcall' ? s.event.prompt : '')));
  node.distinct = { siblings: siblings.length, text };
  return text;
}

/** An rlm_query's tokens are spent by its child run: shown from the child's run_end when the sub-call has none. */
function subcallUsage(node: TreeNode): { inputTokens: number; outputTokens: number } {
  const e = node.event;
  if (e.type !== 'subcall') return { inputTokens: 0, outputTokens: 0 };
  if (e.usage.inputTokens || e.usage.outputTokens || e.kind !== 'rlm_query') return e.usage;
  const child = node.children.find((c) => c.kind === 'run' && c.end);
  return child?.end?.usage ?? e.usage;
}

/** The model's reply without its code blocks: its reasoning. */
export function reasoningOf(response: string): string {
  return response.replace(/```[\s\S]*?(```|$)/g, '').trim();
}

/** The run account's cost text ("$0.074", the footer's), or "n/a" when no price is known. */
export function formatCost(usd: number | undefined): string {
  return usd === undefined ? 'n/a' : formatAccountCost(usd);
}

/** Token counts and durations read the same in the panel as in the footer and the progress lines. */
export { formatDuration, formatTokens };

export const range = (line: number, endLine?: number) => (endLine !== undefined && endLine !== line ? `${line}-${endLine}` : `${line}`);


export function labelOf(node: TreeNode): NodeLabel {
  const e = node.event;
  switch (node.kind) {
    case 'run': {
      const run = e as RunStartEvent;
      const end = node.end;
      // A finished run says how it ended, what it cited and what it spent; a child run's own numbers.
      const citations = node.final ? [`${node.final.citations.length} citation${node.final.citations.length === 1 ? '' : 's'}`] : [];
      // A child's final answer without its run_end (older trajectories) still means it is not running.
      const unended = node.final ? ['answered', ...citations] : ['running'];
      const badges = end ? [end.stopReason, ...citations, `${formatTokens(end.usage.inputTokens)} in / ${formatTokens(end.usage.outputTokens)} out`, formatDuration(end.durationMs)] : unended;
      // A session's trajectory holds one top-level run per question: numbered, so they read as a conversation.
      const questions = run.depth === 0 ? (node.parent?.children ?? []).filter((c) => c.kind === 'run') : [];
      const top = questions.length > 1 ? `Question ${questions.indexOf(node) + 1}` : 'Run';
      return {
        icon: run.depth === 0 ? 'debug-start' : 'type-hierarchy-sub',
        label: run.depth === 0 ? top : `Child run (depth ${run.depth})`,
        description: firstLine(run.question),
        badges,
        tone: end && end.stopReason !== 'final' ? 'warning' : undefined,
      };
    }
    case 'iteration': {
      if (e.type !== 'iteration') break;
      return {
        icon: 'comment-discussion',
        label: `Iteration ${e.iteration}`,
        description: firstLine(reasoningOf(e.response)),
        badges: [`${formatTokens(e.usage.inputTokens)} in / ${formatTokens(e.usage.outputTokens)} out`, formatDuration(e.durationMs)],
      };
    }
    case 'code': {
      if (e.type !== 'code') break;
      return {
        icon: e.error ? 'error' : 'code',
        label: `Code ${e.index + 1}`,
        description: firstLine(e.code),
        badges: [formatDuration(e.durationMs), ...(e.restarted ? ['sandbox restarted'] : []), ...(e.error ? ['error'] : [])],
        tone: e.error ? 'error' : undefined,
      };
    }
    case 'subcall': {
      if (e.type !== 'subcall') break;
      const siblings = subcallSiblings(node);
      const usage = subcallUsage(node);
      const description = subcallDescription(node, siblings);
      // The description says how siblings differ; only identical ones get a number (in the order they finished).
      const twins = siblings.filter((s) => s === node || subcallDescription(s, siblings) === description);
      return {
        icon: e.error ? 'error' : e.kind === 'rlm_query' ? 'type-hierarchy' : 'sparkle',
        label: twins.length > 1 ? `${e.kind} #${twins.indexOf(node) + 1}` : e.kind,
        description,
        badges: [
          e.model,
          `${formatTokens(usage.inputTokens)} in / ${formatTokens(usage.outputTokens)} out`,
          formatDuration(e.durationMs),
          ...(e.cached ? ['cached'] : []),
          ...(e.error ? ['error'] : []),
        ],
        tone: e.error ? 'error' : undefined,
      };
    }
    case 'evidence': {
      if (e.type !== 'evidence') break;
      const where = `${e.path}:${range(e.line, e.endLine)}`;
      // Under its search group a grep hit is just where it is (the pattern is on the group's row).
      if (node.parent?.kind === 'search') return { icon: 'search', label: where, description: firstLine(e.text), badges: [] };
      const query = e.query ? (e.kind === 'grep' ? `/${e.query}/ ` : `${e.query} `) : '';
      return { icon: (EVIDENCE_KINDS as Record<string, { icon: string } | undefined>)[e.kind]?.icon ?? 'file', label: `${e.kind} ${where}`, description: `${query}${firstLine(e.text)}`, badges: [] };
    }
    case 'search': {
      const query = e.type === 'evidence' ? e.query ?? '' : '';
      const hits = node.children.length;
      const files = new Set(node.children.map((c) => (c.event.type === 'evidence' ? c.event.path : ''))).size;
      return { icon: 'search', label: `grep /${firstLine(query, 60)}/`, description: `${hits} hit${hits === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`, badges: [] };
    }
    case 'final': {
      if (e.type !== 'final') break;
      const invalid = e.citations.filter((c) => !c.valid).length;
      return {
        icon: 'check',
        label: 'Final answer',
        description: firstLine(e.answer),
        badges: [`${e.citations.length} citation${e.citations.length === 1 ? '' : 's'}`, ...(invalid ? [`${invalid} invalid`] : [])],
        tone: invalid ? 'warning' : undefined,
      };
    }
    case 'citation': {
      const c = node.citation!;
      return {
        icon: c.valid ? 'link' : 'warning',
        label: `${c.path}:${range(c.line, c.endLine)}`,
        description: c.valid ? 'citation' : `invalid citation: ${c.problem ?? 'not found'}`,
        badges: [],
        tone: c.valid ? undefined : 'warning',
      };
    }
  }
  return { icon: 'circle', label: node.kind, description: '', badges: [] };
}

/** Where clicking the node jumps to, if anywhere. */
export function locationOf(node: TreeNode): Location | undefined {
  const e = node.event;
  if (node.kind === 'evidence' && e.type === 'evidence' && e.path && e.line >= 1) {
    return { path: e.path, line: e.line, ...(e.endLine !== undefined && e.endLine >= e.line ? { endLine: e.endLine } : {}) };
  }
  if (node.kind === 'citation' && node.citation && node.citation.line >= 1) {
    const c = node.citation;
    return { path: c.path, line: c.line, ...(c.endLine !== undefined && c.endLine >= c.line ? { endLine: c.endLine } : {}) };
  }
  return undefined;
}

/** All the text of a node, lower-cased, for the filter box. Cached on the node (events never change). */
export function searchTextOf(node: TreeNode): string {
  if (node.searchText !== undefined) return node.searchText;
  const l = labelOf(node);
  const parts = [l.label, l.description, ...l.badges];
  const e = node.event;
  switch (node.kind) {
    case 'run':
      if (e.type === 'run_start') parts.push(e.question, e.model, e.subModel);
      break;
    case 'iteration':
      if (e.type === 'iteration') parts.push(e.response);
      break;
    case 'code':
      if (e.type === 'code') parts.push(e.code, e.output, e.error ?? '');
      break;
    case 'subcall':
      if (e.type === 'subcall') parts.push(e.prompt, e.response ?? '', e.error ?? '');
      break;
    case 'evidence':
      if (e.type === 'evidence') parts.push(e.text ?? '', e.query ?? '');
      break;
    case 'search':
      if (e.type === 'evidence') parts.push(e.query ?? '');
      break;
    case 'final':
      if (e.type === 'final') parts.push(e.answer);
      break;
    case 'citation':
      parts.push(node.citation?.problem ?? '');
      break;
  }
  return (node.searchText = parts.join('\n').toLowerCase());
}
