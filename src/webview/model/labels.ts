// What a tree node says about itself: a one-line label, a muted description, an icon, badges, a code location,
// and the text the filter searches. Plain strings: escaping happens where they are rendered.
import type { RunStartEvent } from '../../rlm/events';
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

/** The model's reply without its code blocks: its reasoning. */
export function reasoningOf(response: string): string {
  return response.replace(/```[\s\S]*?(```|$)/g, '').trim();
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(2)}M`;
}

export const range = (line: number, endLine?: number) => (endLine !== undefined && endLine !== line ? `${line}-${endLine}` : `${line}`);

const EVIDENCE_ICONS: Record<string, string> = {
  read: 'file',
  grep: 'search',
  outline: 'symbol-class',
  definition: 'symbol-method',
  reference: 'references',
};

export function labelOf(node: TreeNode): NodeLabel {
  const e = node.event;
  switch (node.kind) {
    case 'run': {
      const run = e as RunStartEvent;
      const end = node.end;
      const badges = end ? [end.stopReason, formatDuration(end.durationMs)] : ['running'];
      return {
        icon: run.depth === 0 ? 'debug-start' : 'type-hierarchy-sub',
        label: run.depth === 0 ? 'Run' : `Child run (depth ${run.depth})`,
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
      return {
        icon: e.error ? 'error' : e.kind === 'rlm_query' ? 'type-hierarchy' : 'sparkle',
        label: e.kind,
        description: firstLine(e.prompt),
        badges: [
          e.model,
          `${formatTokens(e.usage.inputTokens)} in / ${formatTokens(e.usage.outputTokens)} out`,
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
      const query = e.query ? (e.kind === 'grep' ? `/${e.query}/ ` : `${e.query} `) : '';
      return { icon: EVIDENCE_ICONS[e.kind] ?? 'file', label: `${e.kind} ${query}${where}`, description: firstLine(e.text), badges: [] };
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
    case 'final':
      if (e.type === 'final') parts.push(e.answer);
      break;
    case 'citation':
      parts.push(node.citation?.problem ?? '');
      break;
  }
  return (node.searchText = parts.join('\n').toLowerCase());
}
