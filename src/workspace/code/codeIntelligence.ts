// Code intelligence over a workspace: outline, definitions, symbols, references, enclosing.
// Runs where the Workspace runs (the sandbox's worker thread). Parsing is synchronous wasm work, so big
// jobs go file by file and yield to the event loop between chunks.
import { WorkspaceError, type FileEntry, type GrepOptions, type GrepResult } from '../types';
import { codeExtensions, codeLanguageFor, type CodeLanguage } from './languages';
import { outlineSource, parse, UnsupportedLanguageError } from './outline';
import { OutlineCache, type FileStamp } from './outlineCache';
import { isCodeReference } from './referenceFilter';
import { compareScored, matchesDefinition, splitQualifiedName, symbolScorer } from './symbolMatch';
import type { Definition, OutlineSymbol, ReferenceHit, ReferenceOptions, ReferenceResult, SymbolSearchOptions } from './types';

/** What code intelligence needs from a workspace. Paths are workspace-relative with '/'. */
export interface CodeHost {
  /** The files of the workspace (index order). */
  files(): FileEntry[];
  /** Current size and mtime; `persist: false` for in-memory files. Throws WorkspaceError for bad paths. */
  stat(path: string): Promise<FileStamp & { persist: boolean }>;
  readText(path: string): Promise<string>;
  grep(pattern: string, options: GrepOptions): Promise<GrepResult>;
}

export interface CodeIntelligenceOptions {
  /** Folder for on-disk caches (outside the workspace); none: memory only. */
  cacheDir?: string;
  /** Identifies the workspace in the disk cache (e.g. its root folders). */
  cacheKey: string;
  /** How often (ms) the symbol index re-checks files for changes (default 2000). */
  revalidateMs?: number;
  /**
   * Above this many code files, definitions() before the first full index build looks only in the files where
   * grep finds the name as a word (default 3000): a first question on a huge repo does not wait for every parse.
   */
  grepFirstAboveFiles?: number;
}

export interface IndexProgress {
  /** Files of a supported language in the index. */
  files: number;
  /** Files parsed by the last index update (the rest came from the cache). */
  parsed: number;
  /** Files that could not be read or parsed. */
  failed: number;
  durationMs: number;
}

/** references() parses at most this many files / bytes; lines beyond are counted as unchecked. */
const REFERENCE_FILE_BUDGET = 300;
const REFERENCE_BYTE_BUDGET = 24 * 1024 * 1024;
const YIELD_EVERY_MS = 20;
const STAT_CONCURRENCY = 32;
const SAVE_EVERY_MS = 30_000;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function clampInt(v: unknown, fallback: number, max: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 1 ? Math.min(Math.floor(v), max) : fallback;
}

export class CodeIntelligence {
  private readonly cache: OutlineCache;
  private indexing: Promise<IndexProgress> | undefined;
  private lastValidated = 0;
  private lastProgress: IndexProgress | undefined;
  private languageIds: Map<string, string> | undefined;

  constructor(
    private readonly host: CodeHost,
    private readonly options: CodeIntelligenceOptions,
  ) {
    this.cache = new OutlineCache(options.cacheDir, options.cacheKey);
  }

  /** The outline of one file, from the cache when the file is unchanged. */
  async outline(path: string): Promise<OutlineSymbol[]> {
    const stamp = await this.host.stat(path); // first: a missing file is "not found", whatever its name
    const language = this.languageOf(path);
    if (!language) throw new UnsupportedLanguageError(path);
    return (await this.outlineWithStamp(path, language, stamp)).map((s) => ({ ...s }));
  }

  /** The innermost definition (function, method, class...) whose lines include `line`, or null. */
  async enclosing(path: string, line: number): Promise<OutlineSymbol | null> {
    if (typeof line !== 'number' || !Number.isFinite(line)) throw new WorkspaceError('enclosing(path, line) needs a line number.');
    let best: OutlineSymbol | null = null;
    for (const s of await this.outline(path)) {
      if (s.line > line || s.endLine < line) continue;
      // Innermost: starts latest; on a tie, the shorter span.
      if (!best || s.line > best.line || (s.line === best.line && s.endLine <= best.endLine)) best = s;
    }
    return best;
  }

  /** Every definition named `name`, or `Container.name` for a member. */
  async definitions(name: string): Promise<Definition[]> {
    if (typeof name !== 'string' || !name.trim()) throw new WorkspaceError('definitions(name) needs a symbol name.');
    const query = splitQualifiedName(name);
    // Dotted names can also be whole names (C# `namespace Bank.Accounts`, PHP `App\\Http`).
    const whole = name.trim();
    if (!this.lastProgress) {
      const codeFiles = this.host.files().filter((f) => this.languageOf(f.path)).length;
      if (codeFiles > (this.options.grepFirstAboveFiles ?? 3000)) {
        const found = await this.definitionsInGrepHits(query, whole);
        if (found) return found;
      }
    }
    const out: Definition[] = [];
    for (const [path, symbols] of await this.currentOutlines()) {
      for (const s of symbols) if (s.name === whole || matchesDefinition(s, query)) out.push(toDefinition(path, s));
    }
    return out;
  }

  /**
   * A definition's name stands as a word in its file, so only files where grep finds it need an outline.
   * Null when grep stopped at its cap (some files unseen): the caller uses the full index instead.
   */
  private async definitionsInGrepHits(query: { container?: string; member: string }, whole: string): Promise<Definition[] | null> {
    const token = query.member.replace(/^[~#]/, '');
    if (!token) return null;
    const grep = await this.host.grep(token, { fixed: true, word: true, maxResults: 2000, glob: codeExtensions().map((e) => `*.${e}`) });
    if (grep.truncated || grep.total > grep.hits.length) return null;
    const out: Definition[] = [];
    const paths = [...new Set(grep.hits.map((h) => h.path))];
    let lastYield = Date.now();
    for (const path of paths) {
      const language = this.languageOf(path);
      if (!language) continue;
      let symbols: OutlineSymbol[];
      try {
        symbols = await this.outlineWithStamp(path, language, await this.host.stat(path));
      } catch {
        continue;
      }
      for (const s of symbols) if (s.name === whole || matchesDefinition(s, query)) out.push(toDefinition(path, s));
      if (Date.now() - lastYield > YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = Date.now();
      }
    }
    // Index order, like the full-index path.
    const order = new Map(this.host.files().map((f, i) => [f.path, i]));
    return out.sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0) || a.line - b.line);
  }

  /** Definitions whose names match `query` exactly, by prefix, as a substring or by camel-case initials, best first. */
  async symbols(query: string, opts: SymbolSearchOptions = {}): Promise<Definition[]> {
    if (typeof query !== 'string' || !query.trim()) throw new WorkspaceError('symbols(query) needs a non-empty query.');
    const max = clampInt(opts.maxResults, 50, 500);
    const kinds = opts.kind === undefined ? null : new Set(Array.isArray(opts.kind) ? opts.kind : [opts.kind]);
    const score = symbolScorer(query.trim());
    // Only matches become objects: a big repo has a million symbols.
    const scored: { d: Definition; score: number }[] = [];
    for (const [path, symbols] of await this.currentOutlines()) {
      for (const s of symbols) {
        if (kinds && !kinds.has(s.kind)) continue;
        const value = score(s);
        if (value) scored.push({ d: toDefinition(path, s), score: value });
      }
    }
    return scored.sort(compareScored).slice(0, max).map((x) => x.d);
  }

  /** Lines where `name` occurs as an identifier in code (comments and strings skipped). */
  async references(name: string, opts: ReferenceOptions = {}): Promise<ReferenceResult> {
    if (typeof name !== 'string' || !name.trim()) throw new WorkspaceError('references(name) needs a symbol name.');
    const { member } = splitQualifiedName(name);
    if (!/^[\p{L}_$~][\p{L}\p{N}_$]*$/u.test(member)) {
      throw new WorkspaceError(`references(): ${JSON.stringify(name)} is not an identifier; use grep() for other text.`);
    }
    const token = member.replace(/^~/, '');
    const max = clampInt(opts.maxResults, 100, 1000);
    const grep = await this.host.grep(token, {
      fixed: true,
      word: true,
      maxResults: 2000,
      glob: codeExtensions().map((e) => `*.${e}`),
      paths: opts.paths,
    });
    // Group lines by file, keeping grep's order.
    const byFile = new Map<string, { line: number; text: string }[]>();
    for (const h of grep.hits) {
      if (!this.languageOf(h.path)) continue;
      let list = byFile.get(h.path);
      if (!list) byFile.set(h.path, (list = []));
      list.push({ line: h.line, text: h.text });
    }
    const hits: ReferenceHit[] = [];
    let verified = 0;
    let unchecked = grep.total - grep.hits.length;
    let filesChecked = 0;
    let bytesParsed = 0;
    let lastYield = Date.now();
    for (const [path, lines] of byFile) {
      if (filesChecked >= REFERENCE_FILE_BUDGET || bytesParsed >= REFERENCE_BYTE_BUDGET) {
        unchecked += lines.length;
        continue;
      }
      filesChecked++;
      let text: string;
      try {
        text = await this.host.readText(path);
      } catch {
        continue; // vanished since the search
      }
      bytesParsed += text.length;
      const tree = await parse(this.languageOf(path)!, text);
      try {
        const fileLines = text.split('\n');
        for (const { line } of lines) {
          const lineText = (fileLines[line - 1] ?? '').replace(/\r$/, '');
          if (!isCodeReference(tree, lineText, line - 1, token)) continue;
          verified++;
          if (hits.length < max) hits.push({ path, line, text: lineText.length > 300 ? lineText.slice(0, 300) + '…' : lineText });
        }
      } finally {
        tree.delete();
      }
      if (Date.now() - lastYield > YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = Date.now();
      }
    }
    const exact = unchecked === 0;
    return { hits, total: verified + unchecked, truncated: hits.length < verified + unchecked, exact };
  }

  /**
   * Brings the symbol index up to date: parses files of supported languages that are new or changed since
   * they were cached. Runs at most once per revalidate interval; concurrent callers share one run.
   */
  async updateIndex(force = false): Promise<IndexProgress> {
    const fresh = Date.now() - this.lastValidated < (this.options.revalidateMs ?? 2000);
    if (!force && fresh && this.lastProgress) return this.lastProgress;
    this.indexing ??= this.runIndex().finally(() => {
      this.indexing = undefined;
    });
    return this.indexing;
  }

  /** Writes the disk cache now (call before the process ends). */
  flush(): void {
    this.cache.flush();
  }

  /** Cache facts for tests and benchmarks. */
  cacheInfo(): { file: string | undefined; entries: number; loadedFromDisk: number } {
    return { file: this.cache.cacheFile, entries: this.cache.size, loadedFromDisk: this.cache.loadedFromDisk };
  }

  /** The code language of a path: its name, else the language id the file index gave it (shebang scripts). */
  private languageOf(path: string): CodeLanguage | undefined {
    this.languageIds ??= new Map(this.host.files().map((f) => [f.path, f.language]));
    return codeLanguageFor(path, this.languageIds.get(path));
  }

  private async outlineWithStamp(path: string, language: CodeLanguage, stamp: FileStamp & { persist: boolean }): Promise<OutlineSymbol[]> {
    const cached = this.cache.get(path, stamp);
    if (cached) return cached;
    const symbols = await outlineSource(path, await this.host.readText(path), language);
    this.cache.set(path, stamp, symbols, stamp.persist);
    return symbols;
  }

  /** Outlines of all indexed code files, current as of this call (within the revalidate interval). */
  private async currentOutlines(): Promise<[string, OutlineSymbol[]][]> {
    await this.updateIndex();
    const out: [string, OutlineSymbol[]][] = [];
    for (const f of this.host.files()) {
      const symbols = this.languageOf(f.path) ? this.cache.peek(f.path) : undefined;
      if (symbols) out.push([f.path, symbols]);
    }
    return out;
  }

  private async runIndex(): Promise<IndexProgress> {
    const started = Date.now();
    const files = this.host.files().filter((f) => this.languageOf(f.path));
    let parsed = 0;
    let failed = 0;
    let lastYield = Date.now();
    let lastSave = Date.now();
    // Stat in small parallel batches (cheap), parse one by one (synchronous wasm), yielding now and then.
    for (let i = 0; i < files.length; i += STAT_CONCURRENCY) {
      const batch = files.slice(i, i + STAT_CONCURRENCY);
      const stamps = await Promise.all(batch.map((f) => this.host.stat(f.path).catch(() => null)));
      for (let j = 0; j < batch.length; j++) {
        const path = batch[j]!.path;
        const stamp = stamps[j];
        if (!stamp) {
          this.cache.delete(path);
          failed++;
          continue;
        }
        if (this.cache.get(path, stamp)) continue;
        try {
          await this.outlineWithStamp(path, this.languageOf(path)!, stamp);
          parsed++;
        } catch {
          // Unreadable or unparsable: remember an empty outline so it is not retried until it changes.
          this.cache.set(path, stamp, [], stamp.persist);
          failed++;
        }
        if (Date.now() - lastYield > YIELD_EVERY_MS) {
          await yieldToEventLoop();
          lastYield = Date.now();
        }
      }
      // A long first build saves as it goes: a run cut short still leaves its work for the next one.
      if (Date.now() - lastSave > SAVE_EVERY_MS) {
        this.cache.flush();
        lastSave = Date.now();
      }
    }
    this.cache.flush();
    this.lastValidated = Date.now();
    this.lastProgress = { files: files.length, parsed, failed, durationMs: Date.now() - started };
    return this.lastProgress;
  }
}

function toDefinition(path: string, s: OutlineSymbol): Definition {
  const d: Definition = { path, line: s.line, endLine: s.endLine, kind: s.kind, name: s.name };
  if (s.container) d.container = s.container;
  return d;
}
