// Decoded file text with its line offsets, kept for files read recently (least recently used go first), and
// checked against the file's size and mtime on every use. A slice read then costs a stat and the slice, not a
// read, binary sniff, decode and split of the whole file: 1,000 three-line reads of a 2 MB file cost about
// what 1,000 reads of small files do. One cache per thread, shared by read(), the parses of references() and
// the citation checks.
import * as fs from 'node:fs';
import { looksBinary } from './binaryDetection';

export interface CachedText {
  /** '' for a binary file. */
  text: string;
  binary: boolean;
  size: number;
  mtimeMs: number;
  /** Offset of each line's first character; lineStarts[0] = 0. */
  lineStarts: Uint32Array;
}

/** Lines as splitLines() counts them: a final newline does not start another line; '' has none. */
export function lineCount(t: CachedText): number {
  if (t.text === '') return 0;
  const n = t.lineStarts.length;
  return t.lineStarts[n - 1] === t.text.length ? n - 1 : n;
}

/** Lines start..end (1-based, inclusive, within 1..lineCount) joined by '\n', as split('\n') would give them. */
export function sliceText(t: CachedText, start: number, end: number): string {
  const from = t.lineStarts[start - 1]!;
  const to = end < t.lineStarts.length ? t.lineStarts[end]! - 1 : t.text.length;
  return t.text.slice(from, Math.max(from, to));
}

export function lineStartsOf(text: string): Uint32Array {
  let count = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  const starts = new Uint32Array(count);
  let k = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts[k++] = i + 1;
  return starts;
}

export class FileTextCache {
  /** Insertion order is recency order: a hit is moved to the end. */
  private readonly entries = new Map<string, CachedText>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(
    /** Total file bytes kept (default 64 MiB). */
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  /** The file's text, from the cache when its size and mtime are unchanged. Throws the fs error otherwise. */
  async get(abs: string): Promise<CachedText> {
    const st = await fs.promises.stat(abs);
    const cached = this.entries.get(abs);
    if (cached && cached.size === st.size && cached.mtimeMs === st.mtimeMs) {
      this.hits++;
      this.entries.delete(abs);
      this.entries.set(abs, cached);
      return cached;
    }
    this.misses++;
    const buf = await fs.promises.readFile(abs);
    const binary = looksBinary(buf);
    const text = binary ? '' : buf.toString('utf8');
    // The stamp of what was read (the file may have changed between stat and read).
    const entry: CachedText = { text, binary, size: buf.length, mtimeMs: buf.length === st.size ? st.mtimeMs : -1, lineStarts: lineStartsOf(text) };
    this.put(abs, entry);
    return entry;
  }

  private put(abs: string, entry: CachedText): void {
    const old = this.entries.get(abs);
    if (old) {
      this.entries.delete(abs);
      this.bytes -= old.size;
    }
    if (entry.size > this.maxBytes / 4) return; // one huge file would flush everything else
    this.entries.set(abs, entry);
    this.bytes += entry.size;
    for (const [key, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(key);
      this.bytes -= e.size;
    }
  }
}

/** The cache of this thread. */
export const textCache = new FileTextCache();
