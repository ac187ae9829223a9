// Locating path:line citations inside an answer's text, with their positions, so the UI can turn each one
// into a link (the webview answer) or an anchor (chat). Same forms as the engine's citation checker:
// path:12, path:12-30, path:L12, path#L12-L30; a path needs a '/' or an extension so prose is not matched.
// No vscode import (unit-testable).

export interface CitationSpan {
  /** Offset in the text where the citation starts, and its length. */
  index: number;
  length: number;
  /** The citation as written. */
  text: string;
  path: string;
  line: number;
  endLine?: number;
}

const CITATION = /(?<![\w/.@-])((?:[\w.@+-]+\/)*[\w@+-][\w.@+-]*\.[A-Za-z0-9]+|(?:[\w.@+-]+\/)+[\w.@+-]+)(?::L?|#L)(\d+)(?:\s*[-–]\s*L?(\d+))?/g;

export function findCitationSpans(text: string): CitationSpan[] {
  const spans: CitationSpan[] = [];
  for (const m of text.matchAll(CITATION)) {
    const rawPath = m[1];
    // URLs (http://host:80/...) are not citations.
    const before = text.slice(Math.max(0, (m.index ?? 0) - 3), m.index);
    if (before.endsWith('://') || /^https?$/i.test(rawPath)) continue;
    const line = Number(m[2]);
    if (!(line >= 1)) continue;
    const end = m[3] ? Number(m[3]) : undefined;
    spans.push({
      index: m.index ?? 0,
      length: m[0].length,
      text: m[0],
      path: rawPath.replace(/^\.\//, ''),
      line,
      ...(end !== undefined && end >= line ? { endLine: end } : {}),
    });
  }
  return spans;
}

export type TextPiece = { kind: 'text'; text: string } | { kind: 'citation'; span: CitationSpan };

/** Splits text into plain pieces and citations, in order. */
export function splitByCitations(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let at = 0;
  for (const span of findCitationSpans(text)) {
    if (span.index > at) pieces.push({ kind: 'text', text: text.slice(at, span.index) });
    pieces.push({ kind: 'citation', span });
    at = span.index + span.length;
  }
  if (at < text.length) pieces.push({ kind: 'text', text: text.slice(at) });
  return pieces;
}
