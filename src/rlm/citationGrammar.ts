// The one grammar of path:line citations, for the engine's checker, @rlm's anchors, the answer panel and the
// trajectory panel. No imports (vscode-free, node-free), so the browser bundles use it as is.
// Forms: path:12, path:12-30, path:12 - 30, path:L12, path#L12-L30. A bare path needs a '/' or an extension so
// prose ("step:1") is not one; paths may use any letters (données/fichier名.js:3); inside backticks a path may
// contain spaces (`dossier é/outil.js:1`).

export interface CitationRef {
  path: string;
  line: number;
  endLine?: number;
}

export interface CitationSpan extends CitationRef {
  /** Offset in the text where the citation starts (the backtick, for a code span), and its length. */
  index: number;
  length: number;
  /** The citation as written. */
  text: string;
}

const CH = String.raw`[\p{L}\p{N}_.@+-]`;
const HEAD = String.raw`[\p{L}\p{N}_@+-]`;
const BARE_PATH = String.raw`(?:${CH}+\/)*${HEAD}${CH}*\.[\p{L}\p{N}]+|(?:${CH}+\/)+${CH}+`;
const LINES = String.raw`(?::L?|#L)(\d+)(?:\s*[-–]\s*L?(\d+))?`;
const BARE = new RegExp(String.raw`(?<![\p{L}\p{N}_\/.@:-])(${BARE_PATH})${LINES}(?![\p{L}\p{N}_\/])`, 'gu');
/** A whole code span or link target: the path may hold spaces, but must still look like a file. */
const NOT = '[^\\s`:#/]';
const ANY = '[^`:#\\n/]';
const WHOLE = new RegExp(String.raw`^\s*((?:\.\/)?(?:${NOT}${ANY}*\/)*${NOT}${ANY}*?)${LINES}\s*$`, 'u');
const CODE_SPAN = /`([^`\n]+)`/g;

function ref(path: string, line: string, end: string | undefined): CitationRef | undefined {
  const p = path.trim().replace(/^\.\//, '');
  const n = Number(line);
  if (!(n >= 1) || /^https?$/i.test(p) || p.includes('://')) return undefined;
  // A bare word is a citation only with a '/' or an extension.
  if (!p.includes('/') && !/\.[\p{L}\p{N}]+$/u.test(p)) return undefined;
  const e = end !== undefined ? Number(end) : undefined;
  return { path: p, line: n, ...(e !== undefined && e >= n ? { endLine: e } : {}) };
}

/** Parses "path:line[-end]" or "path#Lx[-Ly]" when that is the whole string (a code span, a link target). */
export function parseCitation(text: string): CitationRef | undefined {
  let decoded = text;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    // keep as written
  }
  const m = WHOLE.exec(decoded);
  return m ? ref(m[1], m[2], m[3]) : undefined;
}

/** Every citation in a text, in order: backticked ones (spaces allowed) and bare ones. */
export function findCitationSpans(text: string): CitationSpan[] {
  const spans: CitationSpan[] = [];
  const taken: [number, number][] = [];
  for (const m of text.matchAll(CODE_SPAN)) {
    const r = parseCitation(m[1]);
    const at = m.index ?? 0;
    if (!r) continue;
    spans.push({ ...r, index: at, length: m[0].length, text: m[0] });
    taken.push([at, at + m[0].length]);
  }
  for (const m of text.matchAll(BARE)) {
    const at = m.index ?? 0;
    if (taken.some(([a, b]) => at >= a && at < b)) continue;
    if (text.slice(Math.max(0, at - 3), at).endsWith('://')) continue;
    const r = ref(m[1], m[2], m[3]);
    if (r) spans.push({ ...r, index: at, length: m[0].length, text: m[0] });
  }
  return spans.sort((a, b) => a.index - b.index);
}

export type TextPiece = { kind: 'text'; text: string } | { kind: 'citation'; span: CitationSpan };

/** Splits text into plain pieces and citations, in order. */
export function splitByCitations(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let at = 0;
  for (const span of findCitationSpans(text)) {
    if (span.index < at) continue;
    if (span.index > at) pieces.push({ kind: 'text', text: text.slice(at, span.index) });
    pieces.push({ kind: 'citation', span });
    at = span.index + span.length;
  }
  if (at < text.length) pieces.push({ kind: 'text', text: text.slice(at) });
  return pieces;
}

/**
 * The identifier a claim names right before its citation (`greet` in "`greet` in src/greeting.ts:7", or
 * "greet() at ..."), if any: the cited lines must contain it.
 */
export function namedIdentifier(text: string, span: CitationSpan): string | undefined {
  const lineStart = text.lastIndexOf('\n', span.index - 1) + 1;
  const before = text.slice(Math.max(lineStart, span.index - 60), span.index);
  const candidates = [...before.matchAll(/`([\p{L}_$][\p{L}\p{N}_$.]*)(?:\(\))?`|\b([\p{L}_$][\p{L}\p{N}_$]*)\(\)/gu)];
  const last = candidates.at(-1);
  if (!last) return undefined;
  // A qualified name (app.listen) is checked by its last part, as the code usually spells the call.
  const name = (last[1] ?? last[2]).split('.').pop();
  // A backticked word that is itself a path or citation is no identifier.
  return name && !/[/:]/.test(last[0]) ? name : undefined;
}
