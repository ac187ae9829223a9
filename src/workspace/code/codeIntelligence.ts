// Code intelligence over a workspace: outline, definitions, symbols, references, enclosing.
// Runs where the Workspace runs (the sandbox's worker thread). Parsing is synchronous wasm work, so big
// jobs go file by file and yield to the event loop between chunks.
//
// The symbol index (SymbolStore) is built in the background from the moment the workspace opens, kept on
// disk, and refreshed for changed files. Queries answer from it once built; before that they narrow first
// (ripgrep for the name, then parse only those files), and when they cannot finish they answer with what the
// index holds so far, marked partial with how far the build is — never past the block's time limit.
import { WorkspaceError, type FileEntry, type GrepOptions, type GrepResult } from '../types';
import { codeExtensions, codeLanguageFor, type CodeLanguage } from './languages';
import { outlineTree, parse, UnsupportedLanguageError } from './outline';
import { contentHash, SYMBOL_FIELDS, SymbolStore, type FileRecord, type FileStamp } from './symbolStore';
import { CodeSpans, computeSpans } from './codeSpans';
import { isCodeReference, wordColumns } from './referenceFilter';
import { compareScored, matchScore, splitQualifiedName, symbolScorer } from './symbolMatch';
import type { Definition, DefinitionList, OutlineSymbol, ReferenceHit, ReferenceOptions, ReferenceResult, SymbolSearchOptions } from './types';
import { INDEX_MAX_FILE_BYTES } from './types';
import { isTruncatedLine } from '../searchResults';

/** What code intelligence needs from a workspace. Paths are workspace-relative with '/'. */
export interface CodeHost {
  /** The files of the workspace (index order). */
  files(): FileEntry[];
  /** Current size and mtime (whole milliseconds); `persist: false` for in-memory files. Throws WorkspaceError for bad paths. */
  stat(path: string): Promise<FileStamp & { persist: boolean }>;
  readText(path: string): Promise<string>;
  grep(pattern: string, options: GrepOptions): Promise<GrepResult>;
  /** Undefined when the background index build may go on, else a promise for when foreground calls are done. */
  whenQuiet?(): Promise<void> | undefined;
}

export interface CodeIntelligenceOptions {
  /** Folder for on-disk caches (outside the workspace); none: memory only. */
  cacheDir?: string;
  /** Identifies the workspace in the disk cache (e.g. its root folders). */
  cacheKey: string;
  /**
   * How often (ms) the built index re-checks every file for changes (default 2000; 60000 above
   * grepFirstAboveFiles code files, where the check runs in the background and queries do not wait for it).
   */
  revalidateMs?: number;
  /**
   * Above this many code files, definitions() before the index is built looks only in the files where grep
   * finds the name as a word, at once, instead of first waiting for the build (default 3000).
   */
  grepFirstAboveFiles?: number;
  /**
   * How long a query waits for the index build before answering from what it has (default 15 s on a small
   * workspace, where the build is short; 5 s above grepFirstAboveFiles code files). The block limit is 30 s.
   */
  queryWaitMs?: number;
  /** How long one query may parse files itself (grep-narrowed definitions, unindexed references; default 8000 ms). */
  parseBudgetMs?: number;
}

export interface IndexProgress {
  /** Files of a supported language in the index. */
  files: number;
  /** Files checked so far by the running (or last) pass. */
  done: number;
  /** Files parsed by the last index update (the rest came from the cache). */
  parsed: number;
  /** Files that could not be read or parsed. */
  failed: number;
  durationMs: number;
  /** Whether a full pass has finished. */
  complete: boolean;
}

/** references() parses at most this many files / bytes itself; lines beyond are counted as unchecked. */
const REFERENCE_FILE_BUDGET = 300;
const REFERENCE_BYTE_BUDGET = 24 * 1024 * 1024;
const YIELD_EVERY_MS = 20;
const STAT_CONCURRENCY = 32;
const SAVE_EVERY_MS = 30_000;
const LARGE_REVALIDATE_MS = 60_000;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function clampInt(v: unknown, fallback: number, max: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 1 ? Math.min(Math.floor(v), max) : fallback;
}

/** Calls `f` when more than YIELD_EVERY_MS passed since the last yield (parsing is synchronous). */
class Yielder {
  private last = Date.now();
  async maybe(): Promise<void> {
    if (Date.now() - this.last < YIELD_EVERY_MS) return;
    await yieldToEventLoop();
    this.last = Date.now();
  }
}

export class CodeIntelligence {
  private readonly store: SymbolStore;
  private indexing: Promise<IndexProgress> | undefined;
  private lastValidated = 0;
  private built = false;
  private progress: IndexProgress = { files: 0, done: 0, parsed: 0, failed: 0, durationMs: 0, complete: false };
  private fileIndex: { list: FileEntry[]; position: Map<string, number> } | undefined;
  private codeFiles: FileEntry[] | undefined;

  constructor(
    private readonly host: CodeHost,
    private readonly options: CodeIntelligenceOptions,
  ) {
    this.store = new SymbolStore(options.cacheDir, options.cacheKey);
  }

  /** Starts building the index in the background (errors are kept for the next query). */
  startIndexing(): void {
    this.updateIndex().catch(() => undefined);
  }

  /** How far the index is (for results marked partial, and for benchmarks). */
  indexProgress(): IndexProgress {
    return { ...this.progress };
  }

  /** The outline of one file, from the index when the file is unchanged. */
  async outline(path: string): Promise<OutlineSymbol[]> {
    const stamp = await this.host.stat(path); // first: a missing file is "not found", whatever its name
    const language = this.languageOf(path);
    if (!language) throw new UnsupportedLanguageError(path);
    return this.store.outline(await this.recordFor(path, language, stamp));
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

  /** Every definition named `name`, or `Container.name` for a member; partial (and marked) while the index builds. */
  async definitions(name: string): Promise<DefinitionList> {
    if (typeof name !== 'string' || !name.trim()) throw new WorkspaceError('definitions(name) needs a symbol name.');
    const query = splitQualifiedName(name);
    // Dotted names can also be whole names (C# `namespace Bank.Accounts`, PHP `App\\Http`).
    const whole = name.trim();
    const big = this.codeFileList().length > (this.options.grepFirstAboveFiles ?? 3000);
    const ready = big && !this.built ? false : await this.indexReady();
    const matcher = this.definitionMatcher(query, whole);
    if (ready) return this.collect(this.codeFileList().map((f) => f.path), matcher);
    // Narrow first: a definition's name stands as a word in its file, so only those files need an outline.
    const narrowed = await this.definitionsInGrepHits(query.member, Date.now() + (this.options.parseBudgetMs ?? 8000));
    if (narrowed.complete) return narrowed.items;
    const indexed = this.collect(this.codeFileList().map((f) => f.path), matcher);
    return this.partial(indexed, `definitions(${JSON.stringify(name)})`);
  }

  /** Definitions whose names match `query` exactly, by prefix, as a substring or by camel-case initials, best first. */
  async symbols(query: string, opts: SymbolSearchOptions = {}): Promise<DefinitionList> {
    if (typeof query !== 'string' || !query.trim()) throw new WorkspaceError('symbols(query) needs a non-empty query.');
    const max = clampInt(opts.maxResults, 50, 500);
    const kinds = opts.kind === undefined ? null : new Set(Array.isArray(opts.kind) ? opts.kind : [opts.kind]);
    const ready = await this.indexReady();
    const score = symbolScorer(query.trim());
    const { member } = splitQualifiedName(query.trim());
    // Each distinct name is scored once; only symbols whose name scores become objects.
    const nameScores = new Float64Array(this.store.nameCount());
    for (let id = 0; id < nameScores.length; id++) nameScores[id] = matchScore(this.store.name(id), member);
    const scored: { d: Definition; score: number }[] = [];
    for (const f of this.codeFileList()) {
      const r = this.store.peek(f.path);
      if (!r) continue;
      const syms = r.symbols;
      for (let o = 0; o < syms.length; o += SYMBOL_FIELDS) {
        if (!nameScores[syms[o + 1]!]) continue;
        const s = this.store.symbolAt(syms, o);
        if (kinds && !kinds.has(s.kind)) continue;
        const value = score(s);
        if (value) scored.push({ d: toDefinition(f.path, s), score: value });
      }
    }
    const items = scored.sort(compareScored).slice(0, max).map((x) => x.d);
    return ready ? items : this.partial(items, `symbols(${JSON.stringify(query)})`);
  }

  /** Lines where `name` occurs as an identifier in code (comments and strings skipped). */
  async references(name: string, opts: ReferenceOptions = {}): Promise<ReferenceResult> {
    if (typeof name !== 'string' || !name.trim()) throw new WorkspaceError('references(name) needs a symbol name.');
    const { member } = splitQualifiedName(name);
    if (!/^[\p{L}_$~][\p{L}\p{N}_$]*$/u.test(member)) {
      throw new WorkspaceError(`references(): ${JSON.stringify(name)} is not an identifier; use grep() for other text.`);
    }
    this.startIndexing(); // what this query parses also feeds the index
    const token = member.replace(/^~/, '');
    const max = clampInt(opts.maxResults, 100, 1000);
    const deadline = Date.now() + (this.options.parseBudgetMs ?? 8000);
    const grep = await this.host.grep(token, {
      fixed: true,
      word: true,
      maxResults: 2000,
      glob: codeExtensions().map((e) => `*.${e}`),
      paths: opts.paths,
    });
    // Group lines by file, keeping grep's order. Files over the index cap (bundles) are left out, as from
    // definitions/symbols: checking them would parse megabytes on every call.
    const byFile = new Map<string, { line: number; text: string }[]>();
    const bundles = { lines: 0, files: new Set<string>() };
    for (const h of grep.hits) {
      if (!this.languageOf(h.path)) continue;
      if (this.overIndexCap(h.path)) {
        bundles.lines++;
        bundles.files.add(h.path);
        continue;
      }
      let list = byFile.get(h.path);
      if (!list) byFile.set(h.path, (list = []));
      list.push({ line: h.line, text: h.text });
    }
    const paths = [...byFile.keys()];
    const stamps = await this.statAll(paths);
    const hits: ReferenceHit[] = [];
    let verified = 0;
    let unchecked = grep.total - grep.hits.length;
    let parsedFiles = 0;
    let parsedBytes = 0;
    const yielder = new Yielder();
    for (let i = 0; i < paths.length; i++) {
      const path = paths[i]!;
      const lines = byFile.get(path)!;
      const stamp = stamps[i];
      if (!stamp) continue; // vanished since the search
      let record = this.store.get(path, stamp);
      let tree: Awaited<ReturnType<typeof parse>> | undefined;
      let text: string | undefined;
      if (!record?.spans) {
        if (parsedFiles >= REFERENCE_FILE_BUDGET || parsedBytes >= REFERENCE_BYTE_BUDGET || Date.now() >= deadline) {
          unchecked += lines.length;
          continue;
        }
        parsedFiles++;
        try {
          ({ record, tree, text } = await this.parseFile(path, this.languageOf(path)!, stamp, true));
        } catch {
          unchecked += lines.length;
          continue;
        }
        parsedBytes += text.length;
      }
      try {
        const spans = record.spans ? new CodeSpans(record.spans) : undefined;
        // A long (minified) line reaches us cut short: the word may sit past the cut, so check the whole line.
        if (text === undefined && lines.some((l) => isTruncatedLine(l.text))) text = await this.host.readText(path).catch(() => undefined);
        const fileLines = text?.split('\n');
        for (const { line, text: hitText } of lines) {
          const lineText = (fileLines ? fileLines[line - 1] ?? '' : hitText).replace(/\r?\n?$/, '');
          const isCode = spans
            ? wordColumns(lineText, token).some((col) => spans.isCodeAt(line - 1, col))
            : tree !== undefined && isCodeReference(tree, lineText, line - 1, token);
          if (!isCode) continue;
          verified++;
          if (hits.length < max) hits.push({ path, line, text: lineText.length > 300 ? lineText.slice(0, 300) + '…' : lineText });
        }
      } finally {
        tree?.delete();
      }
      await yielder.maybe();
    }
    const exact = unchecked === 0;
    const result: ReferenceResult = { hits, total: verified + unchecked, truncated: hits.length < verified + unchecked, exact };
    const notes: string[] = [];
    if (!exact && unchecked > grep.total - grep.hits.length) {
      result.partial = true;
      notes.push(`${unchecked} lines not checked yet: ${this.progressText()}; ask again later for an exact count, or narrow with paths.`);
    }
    if (bundles.lines) {
      const lines = bundles.lines === 1 ? '1 matching line' : `${bundles.lines} matching lines`;
      const files = bundles.files.size === 1 ? '1 code file' : `${bundles.files.size} code files`;
      notes.push(`${lines} in ${files} over ${INDEX_MAX_FILE_BYTES / 1024} KB (bundles, generated code) left out; grep them if they matter.`);
    }
    if (notes.length) result.note = notes.join(' ');
    return result;
  }

  /**
   * Brings the symbol index up to date: parses files of supported languages that are new or changed since
   * they were indexed. Runs at most once per revalidate interval; concurrent callers share one run.
   */
  async updateIndex(force = false): Promise<IndexProgress> {
    const fresh = Date.now() - this.lastValidated < this.revalidateMs();
    if (!force && fresh && this.built) return this.indexProgress();
    this.indexing ??= this.runIndex().finally(() => {
      this.indexing = undefined;
    });
    return this.indexing;
  }

  /** Writes the disk cache now (call before the process ends). */
  flush(): void {
    this.store.flush();
  }

  /** Cache facts for tests and benchmarks. */
  cacheInfo(): { file: string | undefined; entries: number; loadedFromDisk: number } {
    return { file: this.store.cacheFile, entries: this.store.size, loadedFromDisk: this.store.loadedFromDisk };
  }

  private revalidateMs(): number {
    return this.options.revalidateMs ?? (this.isLarge() ? LARGE_REVALIDATE_MS : 2000);
  }

  private isLarge(): boolean {
    return this.codeFileList().length > (this.options.grepFirstAboveFiles ?? 3000);
  }

  /**
   * Whether the index is built and current enough to answer from, waiting at most queryWaitMs for the build.
   * A built index on a large workspace answers at once while its periodic re-check runs in the background.
   */
  private async indexReady(): Promise<boolean> {
    const update = this.updateIndex();
    if (this.built && this.isLarge()) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.queryWaitMs ?? (this.isLarge() ? 5000 : 15_000));
    });
    try {
      return (await Promise.race([update.then(() => 'done' as const, () => 'done' as const), timeout])) === 'done' && this.built;
    } finally {
      clearTimeout(timer);
    }
  }

  private progressText(): string {
    const p = this.progress;
    const pct = p.files ? Math.floor((100 * p.done) / p.files) : 0;
    return `the symbol index is ${pct}% built (${p.done.toLocaleString('en-US')} of ${p.files.toLocaleString('en-US')} code files)`;
  }

  /** Results from an index still being built, marked so the model knows they may be incomplete. */
  private partial(items: Definition[], what: string): DefinitionList {
    const p = this.progress;
    return Object.assign(items, {
      partial: true as const,
      index: { files: p.files, done: p.done },
      note: `${what}: partial — ${this.progressText()}; results come from the files indexed so far. Call again later for the rest, or grep for the name meanwhile.`,
    });
  }

  private definitionMatcher(query: { container?: string; member: string }, whole: string): (nameId: number, containerId: number) => boolean {
    const wholeId = this.store.idOf(whole);
    const memberId = this.store.idOf(query.member);
    const containerId = query.container === undefined ? undefined : this.store.idOf(query.container);
    return (n, c) => (wholeId >= 0 && n === wholeId) || (memberId >= 0 && n === memberId && (containerId === undefined || c === containerId));
  }

  /** Definitions from the index in the given files (index order). Matchers are built after the files are in. */
  private collect(paths: string[], matcher: (nameId: number, containerId: number) => boolean): Definition[] {
    const out: Definition[] = [];
    for (const path of paths) {
      const r = this.store.peek(path);
      if (!r) continue;
      const syms = r.symbols;
      for (let o = 0; o < syms.length; o += SYMBOL_FIELDS) {
        if (matcher(syms[o + 1]!, syms[o + 2]!)) out.push(toDefinition(path, this.store.symbolAt(syms, o)));
      }
    }
    return out;
  }

  /**
   * Parses the files where grep finds the name until `deadline`; complete when none was left out. Files whose hit
   * lines look like a definition go first (then smaller files), so a common name still finds its definition.
   */
  private async definitionsInGrepHits(member: string, deadline: number): Promise<{ items: Definition[]; complete: boolean }> {
    const token = member.replace(/^[~#]/, '');
    if (!token) return { items: [], complete: false };
    const grep = await this.host.grep(token, { fixed: true, word: true, maxResults: 2000, glob: codeExtensions().map((e) => `*.${e}`) });
    let complete = !(grep.truncated || grep.total > grep.hits.length);
    const looksLikeDefinition = definitionLine(token);
    const likely = new Set(grep.hits.filter((h) => looksLikeDefinition.test(h.text)).map((h) => h.path));
    const paths = [...new Set(grep.hits.map((h) => h.path))]
      .filter((p) => !this.overIndexCap(p) && this.languageOf(p))
      .sort((a, b) => Number(likely.has(b)) - Number(likely.has(a)) || this.sizeOf(a) - this.sizeOf(b));
    const stamps = await this.statAll(paths);
    const yielder = new Yielder();
    const done: string[] = [];
    for (let i = 0; i < paths.length; i++) {
      const stamp = stamps[i];
      if (!stamp) continue;
      if (Date.now() >= deadline) {
        complete = false;
        break;
      }
      try {
        await this.recordFor(paths[i]!, this.languageOf(paths[i]!)!, stamp);
        done.push(paths[i]!);
      } catch {
        continue;
      }
      await yielder.maybe();
    }
    // Index order, like the full-index path; the matcher is made now that the parsed names are interned.
    const order = this.indexOrder();
    done.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    const query = splitQualifiedName(member);
    return { items: this.collect(done, this.definitionMatcher(query, member)), complete };
  }

  /** The host's files in index order, and each path's position: one map gives sizes, language ids and order. */
  private indexedFiles(): { list: FileEntry[]; position: Map<string, number> } {
    if (!this.fileIndex) {
      const list = this.host.files();
      this.fileIndex = { list, position: new Map(list.map((f, i) => [f.path, i])) };
    }
    return this.fileIndex;
  }

  private indexOrder(): Map<string, number> {
    return this.indexedFiles().position;
  }

  /** The file index's entry of a path. */
  private entry(path: string): FileEntry | undefined {
    const { list, position } = this.indexedFiles();
    const i = position.get(path);
    return i === undefined ? undefined : list[i];
  }

  private sizeOf(path: string): number {
    return this.entry(path)?.size ?? 0;
  }

  /** Files over the cap (bundles) stay out of the index, of definitions and of references. */
  private overIndexCap(path: string): boolean {
    return this.sizeOf(path) > INDEX_MAX_FILE_BYTES;
  }

  private codeFileList(): FileEntry[] {
    return (this.codeFiles ??= this.indexedFiles().list.filter((f) => !this.overIndexCap(f.path) && this.languageOf(f.path)));
  }

  private async statAll(paths: string[]): Promise<((FileStamp & { persist: boolean }) | null)[]> {
    const out: ((FileStamp & { persist: boolean }) | null)[] = [];
    for (let i = 0; i < paths.length; i += STAT_CONCURRENCY) {
      out.push(...(await Promise.all(paths.slice(i, i + STAT_CONCURRENCY).map((p) => this.host.stat(p).catch(() => null)))));
    }
    return out;
  }

  /** The code language of a path: its name, else the language id the file index gave it (shebang scripts). */
  private languageOf(path: string): CodeLanguage | undefined {
    return codeLanguageFor(path, this.entry(path)?.language);
  }

  /** The index record of a file with this stamp, parsing it when it is new or changed. */
  private async recordFor(path: string, language: CodeLanguage, stamp: FileStamp & { persist: boolean }): Promise<FileRecord> {
    const cached = this.store.get(path, stamp);
    if (cached) return cached;
    // Outlines need no spans: the background build adds them when it reaches the file.
    const { record, tree } = await this.parseFile(path, language, stamp, false, false);
    tree?.delete();
    return record;
  }

  /**
   * Reads a file and indexes it: an unchanged text under a new stamp keeps its record (content hash), else it is
   * parsed (outline and code spans). With `keepTree`, the caller gets the tree (and must delete it).
   */
  private async parseFile(
    path: string,
    language: CodeLanguage,
    stamp: FileStamp & { persist: boolean },
    keepTree: boolean,
    withSpans = true,
  ): Promise<{ record: FileRecord; tree?: Awaited<ReturnType<typeof parse>>; text: string }> {
    const text = await this.host.readText(path);
    const hash = contentHash(text);
    const previous = this.store.peek(path);
    if (previous && previous.hash === hash && (previous.spans || !withSpans)) return { record: this.store.restamp(path, previous, stamp), text };
    const tree = await parse(language, text);
    try {
      const symbols = outlineTree(tree, language, path);
      const spans = withSpans ? computeSpans(tree) ?? undefined : undefined;
      const record = this.store.set(path, stamp, hash, symbols, spans, stamp.persist);
      if (keepTree) return { record, tree, text };
      tree.delete();
      return { record, text };
    } catch (err) {
      tree.delete();
      throw err;
    }
  }

  private async runIndex(): Promise<IndexProgress> {
    const started = Date.now();
    const files = this.codeFileList();
    const firstPass = !this.built;
    this.progress = { files: files.length, done: 0, parsed: 0, failed: 0, durationMs: 0, complete: this.built };
    const p = this.progress;
    const yielder = new Yielder();
    let lastSave = Date.now();
    this.store.autoSave = false;
    try {
      await this.indexFiles(files, firstPass, yielder, () => {
        // A long first build saves as it goes: a run cut short still leaves its work for the next one.
        if (Date.now() - lastSave > SAVE_EVERY_MS) {
          this.store.flush();
          lastSave = Date.now();
        }
      });
    } finally {
      this.store.autoSave = true;
      this.store.flush();
    }
    this.lastValidated = Date.now();
    this.built = true;
    p.complete = true;
    p.durationMs = Date.now() - started;
    return this.indexProgress();
  }

  /** Parses the files whose records are missing or stale, updating the progress; `checkpoint` runs after each batch. */
  private async indexFiles(files: FileEntry[], firstPass: boolean, yielder: Yielder, checkpoint: () => void): Promise<void> {
    const p = this.progress;
    for (let i = 0; i < files.length; i += STAT_CONCURRENCY) {
      const batch = files.slice(i, i + STAT_CONCURRENCY);
      // The first pass trusts the scan's stamps (no stat per file); later passes stat to find changes.
      const stamps = await Promise.all(
        batch.map((f) =>
          firstPass && f.mtimeMs !== undefined ? { size: f.size, mtimeMs: f.mtimeMs, persist: true } : this.host.stat(f.path).catch(() => null),
        ),
      );
      for (let j = 0; j < batch.length; j++) {
        const path = batch[j]!.path;
        const stamp = stamps[j];
        p.done++;
        if (!stamp) {
          this.store.delete(path);
          p.failed++;
          continue;
        }
        if (this.store.get(path, stamp)?.spans) continue;
        const quiet = this.host.whenQuiet?.();
        if (quiet) await quiet;
        try {
          await this.parseFile(path, this.languageOf(path)!, stamp, false);
          p.parsed++;
        } catch {
          // Unreadable or unparsable: remember an empty outline so it is not retried until it changes.
          this.store.set(path, stamp, '', [], new Uint8Array(0), stamp.persist);
          p.failed++;
        }
        await yielder.maybe();
      }
      checkpoint();
    }
  }
}

/** A line where `name` is probably being defined (a keyword before it, or an assignment / signature after it). */
function definitionLine(name: string): RegExp {
  const n = name.replace(/[$]/g, '\\$');
  return new RegExp(
    `\\b(function|class|def|fn|func|interface|type|struct|enum|trait|impl|module|namespace|const|let|var|macro)\\b[^;=(]*\\b${n}\\b|\\b${n}\\s*(=\\s*(function|\\(|async)|:\\s*function|\\([^)]*\\)\\s*\\{)`,
  );
}

function toDefinition(path: string, s: OutlineSymbol): Definition {
  const d: Definition = { path, line: s.line, endLine: s.endLine, kind: s.kind, name: s.name };
  if (s.container) d.container = s.container;
  return d;
}
