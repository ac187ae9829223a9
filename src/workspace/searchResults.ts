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

/** Whether a hit's text was cut by truncateLine (the rest of the line is only in the file). */
export function isTruncatedLine(text: string): boolean {
  return text.length > MAX_LINE_CHARS && /… \[\d+ more chars\]$/.test(text);
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

const comparePaths = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const compareHits = (a: GrepHit, b: GrepHit): number => comparePaths(a.path, b.path) || a.line - b.line;

/**
 * Receives the lines of one file at a time, in order: matching lines and the context lines around them
 * (which is what `rg --json -B/-A` reports, and what the JS search replays). Builds hits with before/after.
 *
 * The hits kept are the first maxResults in (path, line) order, whatever order the files arrive in
 * (ripgrep searches in parallel): results are the same from run to run and from rg and the JS search.
 * Files that cannot improve on the kept hits are only counted, never decoded.
 */
export class HitCollector {
  /** Sorted by (path, line); at most maxResults. */
  private readonly kept: GrepHit[] = [];
  total = 0;
  private recent: { line: number; text: string }[] = [];
  private pendingAfter: GrepHit[] = [];
  private file = '';
  /** Whether matches of the current file can still become hits. */
  private fileWanted = true;

  constructor(readonly limits: SearchLimits) {}

  /** True once counting has reached the limit: the caller should stop searching. */
  get full(): boolean {
    return this.total >= COUNT_LIMIT;
  }

  /** True when a line now could still become (or complete) a hit, so its text is worth decoding. */
  get wantsHits(): boolean {
    return this.fileWanted || this.pendingAfter.length > 0;
  }

  get hits(): readonly GrepHit[] {
    return this.kept;
  }

  beginFile(path: string): void {
    this.file = path;
    this.recent = [];
    this.pendingAfter = [];
    const worst = this.kept[this.kept.length - 1];
    this.fileWanted = this.kept.length < this.limits.maxResults || !worst || comparePaths(path, worst.path) < 0;
  }

  /** A matching line (1-based). `text` may be omitted when hits are not wanted (then it is only counted). */
  match(line: number, text: string | undefined): void {
    this.total++;
    if (text === undefined) return;
    const t = truncateLine(stripEol(text));
    this.feedAfter(line, t);
    if (this.fileWanted) {
      const hit: GrepHit = { path: this.file, line, text: t };
      if (this.keep(hit)) {
        if (this.limits.before > 0) {
          hit.before = this.recent.filter((r) => r.line >= line - this.limits.before && r.line < line).map((r) => r.text);
        }
        if (this.limits.after > 0) {
          hit.after = [];
          this.pendingAfter.push(hit);
        }
      } else {
        this.fileWanted = false; // later lines of this file come after it: no better
      }
    }
    this.remember(line, t);
  }

  /** Inserts in order when the hit is among the first maxResults; evicts the last one if needed. */
  private keep(hit: GrepHit): boolean {
    const max = this.limits.maxResults;
    const n = this.kept.length;
    if (n >= max && compareHits(hit, this.kept[n - 1]!) >= 0) return false;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareHits(this.kept[mid]!, hit) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.kept.splice(lo, 0, hit);
    if (this.kept.length > max) this.kept.pop();
    return true;
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
    const hits = this.kept.slice();
    const res: GrepResult = { hits, total: this.total, truncated: stoppedEarly || this.total > hits.length };
    if (stoppedEarly) res.totalIsLowerBound = true;
    return res;
  }
}
