// The pure-JS search: the fallback when no ripgrep can run, and the search for in-memory (virtual) files.
// It reports the same lines as `rg --json -B/-A` would, through the same HitCollector.
import { WorkspaceError } from './types';
import type { GrepOptions } from './types';
import type { HitCollector } from './searchResults';
import { looksBinary } from './binaryDetection';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface CompiledPattern {
  /** Tests one line. */
  line: RegExp;
  /** Tests a whole file (multiline anchors) to skip files without any match quickly. */
  whole: RegExp;
}

/** Translates the grep options to JS RegExps (ripgrep semantics for -F, -i, -w). */
export function compilePattern(pattern: string, opts: GrepOptions): CompiledPattern {
  const line = compileLineRegExp(pattern, opts);
  return { line, whole: new RegExp(line.source, line.flags + 'm') };
}

function compileLineRegExp(pattern: string, opts: GrepOptions): RegExp {
  let source = opts.fixed ? escapeRegExp(pattern) : pattern;
  if (opts.word) source = `(?<![\\p{L}\\p{N}_])(?:${source})(?![\\p{L}\\p{N}_])`;
  const flags = opts.ignoreCase ? 'i' : '';
  try {
    // 'u' makes \p{...} work in word mode; plain patterns stay in the laxer non-unicode syntax.
    return new RegExp(source, opts.word ? flags + 'u' : flags);
  } catch (err) {
    if (opts.word) {
      try {
        return new RegExp(`(?<![A-Za-z0-9_])(?:${opts.fixed ? escapeRegExp(pattern) : pattern})(?![A-Za-z0-9_])`, flags);
      } catch {
        /* fall through to the original error */
      }
    }
    throw new WorkspaceError(`Invalid search pattern: ${(err as Error).message}`);
  }
}

/** Splits text into lines the way ripgrep counts them (a final newline does not start a new line). */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Searches one file's content; returns false when the collector is full (stop searching).
 * Binary content (NUL in the first 8 KB) is skipped, as ripgrep does.
 */
export function searchText(
  wsPath: string,
  content: string | Buffer,
  pattern: CompiledPattern,
  collector: HitCollector,
): boolean {
  const re = pattern.line;
  if (typeof content !== 'string') {
    if (looksBinary(content)) return true;
    content = content.toString('utf8');
  } else if (content.slice(0, 8192).includes('\0')) {
    return true;
  }
  // Quick reject: most files do not match at all.
  if (!pattern.whole.test(content)) return true;
  const lines = splitLines(content);
  const { before, after } = collector.limits;
  let begun = false;
  let lastEmitted = 0; // last line number given to the collector (1-based)
  for (let i = 0; i < lines.length; i++) {
    if (!re.test(lines[i]!)) continue;
    if (!begun) {
      collector.beginFile(wsPath);
      begun = true;
    }
    const line = i + 1;
    // Context before (not yet emitted), the match, then context after up to the next match.
    for (let b = Math.max(lastEmitted + 1, line - before); b < line; b++) collector.context(b, lines[b - 1]!);
    collector.match(line, collector.wantsHits ? lines[i]! : undefined);
    lastEmitted = line;
    if (collector.full) return false;
    for (let a = line + 1; a <= Math.min(lines.length, line + after); a++) {
      if (re.test(lines[a - 1]!)) break; // a match: handled by the outer loop
      collector.context(a, lines[a - 1]!);
      lastEmitted = a;
    }
  }
  return true;
}
