// Where a file's comments and string literals are (and the interpolations inside them that are code again),
// computed once per parse with a tree-sitter query and kept in the symbol index. references() then checks a
// grep hit against these spans instead of parsing the file again: a warm query costs about a ripgrep.
// The rule is referenceFilter's: the innermost enclosing comment/string/interpolation decides.
import { Query, type Language, type Tree } from 'web-tree-sitter';
import { NOT_CODE, BACK_TO_CODE } from './referenceFilter';

/** Positions are row * 2^24 + column: exact in a double for any file the index takes. */
const COL = 2 ** 24;
const pos = (row: number, col: number) => row * COL + Math.min(col, COL - 1);

const queries = new WeakMap<Language, Query | null>();

/** One query capturing every non-code node type (@s) and every back-to-code type (@c) of a language. */
function queryFor(language: Language): Query | null {
  if (queries.has(language)) return queries.get(language)!;
  const notCode = new Set<string>();
  const code = new Set<string>();
  for (let id = 0; id < language.nodeTypeCount; id++) {
    const type = language.nodeTypeForId(id);
    if (!type || !language.nodeTypeIsNamed(id) || !language.nodeTypeIsVisible(id) || !/^[a-z_][a-z0-9_]*$/i.test(type)) continue;
    if (BACK_TO_CODE.test(type)) code.add(type);
    else if (NOT_CODE.test(type)) notCode.add(type);
  }
  // Some listed types cannot be queried (supertypes, aliases): keep the ones that compile.
  const valid = (t: string) => {
    try {
      new Query(language, `(${t}) @x`).delete();
      return true;
    } catch {
      return false;
    }
  };
  const group = (types: Set<string>, name: string) => {
    const ok = [...types].filter(valid);
    return ok.length ? `[${ok.map((t) => `(${t})`).join(' ')}] @${name}` : '';
  };
  const source = [group(notCode, 's'), group(code, 'c')].filter(Boolean).join('\n');
  let query: Query | null = null;
  try {
    query = source ? new Query(language, source) : null;
  } catch {
    query = null;
  }
  queries.set(language, query);
  return query;
}

/**
 * The spans of a parsed file, encoded: per span (sorted by start, outer before inner) varints of
 * [row - previous row, column * 2 + isCode, end row - row, end column]. Null when the language has no query.
 */
export function computeSpans(tree: Tree): Uint8Array | null {
  const language = tree.language;
  const query = queryFor(language);
  if (!query) return null;
  const spans: [number, number, number, number, number][] = [];
  for (const c of query.captures(tree.rootNode)) {
    const s = c.node.startPosition;
    const e = c.node.endPosition;
    if (s.row === e.row && s.column === e.column) continue;
    spans.push([s.row, s.column, e.row, e.column, c.name === 'c' ? 1 : 0]);
  }
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1] || b[2] - a[2] || b[3] - a[3]);
  const out = new VarintWriter(spans.length * 6);
  let prevRow = 0;
  for (const [sr, sc, er, ec, isCode] of spans) {
    out.write(sr - prevRow);
    out.write(sc * 2 + isCode);
    out.write(er - sr);
    out.write(ec);
    prevRow = sr;
  }
  return out.bytes();
}

/** Decoded spans of one file, ready for lookups. */
export class CodeSpans {
  private readonly start: Float64Array;
  private readonly end: Float64Array;
  /** The largest end among spans 0..i: a backward scan stops once nothing earlier reaches the position. */
  private readonly maxEnd: Float64Array;
  private readonly isCode: Uint8Array;

  constructor(encoded: Uint8Array) {
    const r = new VarintReader(encoded);
    const starts: number[] = [];
    const ends: number[] = [];
    const flags: number[] = [];
    let row = 0;
    while (!r.done) {
      row += r.read();
      const colFlag = r.read();
      const endRow = row + r.read();
      const endCol = r.read();
      starts.push(pos(row, colFlag >>> 1));
      ends.push(pos(endRow, endCol));
      flags.push(colFlag & 1);
    }
    this.start = Float64Array.from(starts);
    this.end = Float64Array.from(ends);
    this.isCode = Uint8Array.from(flags);
    this.maxEnd = new Float64Array(ends.length);
    let max = -1;
    for (let i = 0; i < ends.length; i++) this.maxEnd[i] = max = Math.max(max, ends[i]!);
  }

  /** Whether the text at 0-based (row, column) is code: not inside a comment or string, or inside an interpolation. */
  isCodeAt(row: number, column: number): boolean {
    const p = pos(row, column);
    // Last span starting at or before p.
    let lo = 0;
    let hi = this.start.length - 1;
    let i = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.start[mid]! <= p) {
        i = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    for (; i >= 0 && this.maxEnd[i]! > p; i--) {
      if (this.start[i]! <= p && p < this.end[i]!) return this.isCode[i] === 1;
    }
    return true;
  }
}

class VarintWriter {
  private buf: Uint8Array;
  private n = 0;
  constructor(capacity: number) {
    this.buf = new Uint8Array(Math.max(16, capacity));
  }
  write(value: number): void {
    if (this.n + 10 > this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    let v = value;
    while (v >= 0x80) {
      this.buf[this.n++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.n++] = v;
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.n);
  }
}

class VarintReader {
  private at = 0;
  constructor(private readonly buf: Uint8Array) {}
  get done(): boolean {
    return this.at >= this.buf.length;
  }
  read(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.buf[this.at++];
      if (b === undefined) return value;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 0x80;
    }
  }
}
