// Collecting grep hits with bounded memory: keep at most maxResults hits, keep counting the rest up to a
// count limit (then the search stops early and `total` is a lower bound), truncate long lines.
import type { GrepHit, GrepOptions, GrepResult } from './types';

export const DEFAULT_MAX_RESULTS = 200;
export const HARD_MAX_RESULTS = 2000;
/** Beyond this many matching lines the search stops; the total is then a lower bound. */
export const COUNT_LIMIT = 20_000;
/** Hit and context lines longer than this are cut (minified files would flood the model otherwise). */
export const MAX_LINE_CHARS = 500;
/** Context lines per side are capped too. */
export const MAX_CONTEXT_LINES = 20;

export function truncateLine(text: string): string {
  return text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}… [${text.length - MAX_LINE_CHARS} more chars]` : text;
}

/** Drops the line terminator rg (and a split on '\n') leaves. */
export function stripEol(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  if (text.endsWith('\n') || text.endsWith('\r')) return text.slice(0, -1);
  return text;
}

export interface SearchLimits {
  maxResults: number;
  before: number;
  after: number;
}

function clampInt(v: unknown, lo: number, hi: number, dflt: number): number {
  const n = typeof v === 'number' && Number.isFinite(v) ? Math.floor(v) : dflt;
  return Math.max(lo, Math.min(hi, n));
}

export function searchLimits(opts: GrepOptions): SearchLimits {
  return {
    maxResults: clampInt(opts.maxResults, 1, HARD_MAX_RESULTS, DEFAULT_MAX_RESULTS),
    before: clampInt(opts.before, 0, MAX_CONTEXT_LINES, 0),
    after: clampInt(opts.after, 0, MAX_CONTEXT_LINES, 0),
  };
}

/**
 * Receives the lines of one file at a time, in order: matching lines and the context lines around them
 * (which is what `rg --json -B/-A` reports, and what the JS search replays). Builds hits with before/after.
 */
export class HitCollector {
  readonly hits: GrepHit[] = [];
  total = 0;
  private recent: { line: number; text: string }[] = [];
  private pendingAfter: GrepHit[] = [];
  private file = '';

  constructor(readonly limits: SearchLimits) {}

  /** True once counting has reached the limit: the caller should stop searching. */
  get full(): boolean {
    return this.total >= COUNT_LIMIT;
  }

  /** True when a match now would still become a hit (so its text is worth decoding). */
  get wantsHits(): boolean {
    return this.hits.length < this.limits.maxResults || this.pendingAfter.length > 0;
  }

  beginFile(path: string): void {
    this.file = path;
    this.recent = [];
    this.pendingAfter = [];
  }

  /** A matching line (1-based). `text` may be omitted once hits are no longer wanted. */
  match(line: number, text: string | undefined): void {
    this.total++;
    const t = text === undefined ? undefined : truncateLine(stripEol(text));
    if (t !== undefined) this.feedAfter(line, t);
    if (this.hits.length < this.limits.maxResults && t !== undefined) {
      const hit: GrepHit = { path: this.file, line, text: t };
      if (this.limits.before > 0) {
        hit.before = this.recent.filter((r) => r.line >= line - this.limits.before && r.line < line).map((r) => r.text);
      }
      if (this.limits.after > 0) {
        hit.after = [];
        this.pendingAfter.push(hit);
      }
      this.hits.push(hit);
    }
    if (t !== undefined) this.remember(line, t);
  }

  /** A context line (before or after some match). */
  context(line: number, text: string): void {
    if (!this.wantsHits) return;
    const t = truncateLine(stripEol(text));
    this.feedAfter(line, t);
    this.remember(line, t);
  }

  private remember(line: number, text: string): void {
    if (this.limits.before === 0) return;
    this.recent.push({ line, text });
    if (this.recent.length > this.limits.before) this.recent.shift();
  }

  private feedAfter(line: number, text: string): void {
    if (!this.pendingAfter.length) return;
    for (const hit of this.pendingAfter) {
      if (line > hit.line && line <= hit.line + this.limits.after) hit.after!.push(text);
    }
    this.pendingAfter = this.pendingAfter.filter((h) => line < h.line + this.limits.after);
  }

  result(stoppedEarly: boolean): GrepResult {
    const hits = this.hits.slice().sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
    const res: GrepResult = { hits, total: this.total, truncated: stoppedEarly || this.total > hits.length };
    if (stoppedEarly) res.totalIsLowerBound = true;
    return res;
  }
}
