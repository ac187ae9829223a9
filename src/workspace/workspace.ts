// The Workspace: the host side of the sandbox's `context` object. Opens a spec (roots, options, subset,
// virtual files), holds the file index, and serves files/tree/summary/read/grep with one set of rules.
//
// Modules: fileIndex (the walk) + ignoreRules + secrets + binaryDetection + language decide what is in the
// index; pathSafety and pathSuggestions check and explain paths; ripgrep (+ jsonLines) and jsSearch search,
// both into searchResults' HitCollector, filtered by the index (globFilter for the glob option); tree
// renders folders. Code intelligence (outline, definitions...) lives in ./code and wraps a Workspace.
import { setMaxListeners } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  WorkspaceError,
  type FileEntry,
  type GrepOptions,
  type GrepResult,
  type ReadOptions,
  type ReadResult,
  type WorkspaceRoot,
  type WorkspaceSpec,
  type WorkspaceSummary,
} from './types';
import {
  buildFileIndex,
  DEFAULT_MAX_FILE_BYTES,
  emptyStats,
  rootRules,
  type IndexOptions,
  type IndexStats,
} from './fileIndex';
import { IgnoreMatcher, explainIgnored, makeIgnoreConfig, type DirRules } from './ignoreRules';
import { isInside, isUnder, normalizeWorkspacePath, realPath } from './pathSafety';
import { isSecretPath, secretExcludedMessage } from './secrets';
import { hasBinaryExtension } from './binaryDetection';
import { detectLanguage } from './language';
import { buildDirTree, findDir, renderDir, type DirNode } from './tree';
import { suggestPaths } from './pathSuggestions';
import { HitCollector, searchLimits } from './searchResults';
import { compilePattern, searchText } from './jsSearch';
import { ForegroundGate } from './foreground';
import { lineCount, lineStartsOf, sliceText, textCache, type CachedText } from './textCache';
import { findRipgrep, runRipgrep, RipgrepUnavailableError } from './ripgrep';
import { globList, makeGlobFilter } from './globFilter';
import type { CodeIntelligence } from './code/codeIntelligence';
import { createCodeIntelligence } from './code/workspaceCodeHost';
import type { DefinitionList, OutlineSymbol, ReferenceOptions, ReferenceResult, SymbolSearchOptions } from './code/types';

/** A read without a range returns at most this much; larger files need {start, end}. */
export const MAX_WHOLE_READ_BYTES = 1024 * 1024;
/** A search that runs longer is stopped; what it found so far is returned, marked incomplete. */
export const DEFAULT_GREP_TIMEOUT_MS = 30_000;
/** The tree inside summary() stays this small so the root prompt does not grow with the workspace. */
const SUMMARY_TREE_BUDGET = 3000;

interface RootInfo {
  root: WorkspaceRoot;
  /** '' with one root, else 'name/'. */
  prefix: string;
  abs: string;
  /** Resolved real path ('' when the root does not exist). */
  real: string;
  matcher: IgnoreMatcher;
  parentRules: DirRules[];
}

/** Root names must be unique path segments: 'a/b' -> 'a_b', duplicates get '-2', '-3'... */
function uniqueRoots(roots: WorkspaceRoot[]): WorkspaceRoot[] {
  const seen = new Set<string>();
  return roots.map((r) => {
    const base = (r.name || path.basename(r.path) || 'root').replace(/[\\/]/g, '_');
    let name = base;
    for (let i = 2; seen.has(name); i++) name = `${base}-${i}`;
    seen.add(name);
    return { name, path: path.resolve(r.path) };
  });
}

function resolvedIndexOptions(spec: WorkspaceSpec): IndexOptions {
  const o = spec.options ?? {};
  return {
    respectIgnoreFiles: o.respectIgnoreFiles !== false,
    exclude: (o.exclude ?? []).filter((g) => typeof g === 'string' && g.trim() !== ''),
    includeSecrets: o.includeSecrets === true,
    maxFileBytes: o.maxFileBytes && o.maxFileBytes > 0 ? o.maxFileBytes : DEFAULT_MAX_FILE_BYTES,
  };
}

function isCanonicalPath(p: unknown): boolean {
  if (typeof p !== 'string' || !p) return false;
  try {
    return normalizeWorkspacePath(p) === p;
  } catch {
    return false;
  }
}

/** Opens a workspace: scans the roots (unless `spec.files` already holds the index). */
export async function openWorkspace(spec: WorkspaceSpec): Promise<Workspace> {
  const roots = uniqueRoots(spec.roots ?? []);
  for (const r of roots) {
    // A mistyped folder must fail loudly, not look like an empty workspace.
    const st = await fs.promises.stat(r.path).catch(() => null);
    if (!st) throw new WorkspaceError(`Workspace folder not found: ${r.path}`);
    if (!st.isDirectory()) throw new WorkspaceError(`Workspace root is not a folder: ${r.path}`);
  }
  const indexOptions = resolvedIndexOptions(spec);
  let files: FileEntry[];
  let stats: IndexStats;
  if (spec.files) {
    // An index from elsewhere (a parent run): keep only canonical paths, and the secret rule still holds.
    files = spec.files.filter((f) => isCanonicalPath(f.path) && (indexOptions.includeSecrets || !isSecretPath(f.path)));
    stats = emptyStats();
  } else {
    ({ files, stats } = await buildFileIndex(roots, indexOptions));
  }
  const infos: RootInfo[] = roots.map((root) => {
    const rules = rootRules(root.path, indexOptions);
    return {
      root,
      prefix: roots.length > 1 ? `${root.name}/` : '',
      abs: root.path,
      real: rules?.rootReal ?? '',
      matcher:
        rules?.matcher ??
        new IgnoreMatcher(makeIgnoreConfig(root.path, indexOptions.respectIgnoreFiles, indexOptions.exclude)),
      parentRules: rules?.parentRules ?? [],
    };
  });
  return new Workspace({ ...spec, roots }, infos, indexOptions, files, stats);
}

export class Workspace {
  readonly name: string;
  readonly totalBytes: number;
  /** What the scan left out (counts only). */
  readonly indexStats: IndexStats;
  readonly indexOptions: IndexOptions;

  /** The full disk index (before the subset), reusable by child workspaces. */
  private readonly diskFiles: FileEntry[];
  /** What this workspace shows: disk files within the subset, plus virtual files. */
  private readonly visible: FileEntry[];
  private readonly virtual = new Map<string, string>();
  private readonly subset: string[] | null;
  private rgPath: string | null;
  /** Host calls need their own time limit: the sandbox's interrupt cannot cut a search short. */
  grepTimeoutMs = DEFAULT_GREP_TIMEOUT_MS;
  /** Aborted by cancelSearches(): every search in flight stops (and its rg is killed). */
  private searches = searchController();
  /** The model's reads and greps: the symbol index build waits while they run. */
  readonly foreground = new ForegroundGate();

  constructor(
    readonly spec: WorkspaceSpec,
    private readonly roots: RootInfo[],
    indexOptions: IndexOptions,
    diskFiles: FileEntry[],
    stats: IndexStats,
  ) {
    this.indexOptions = indexOptions;
    this.indexStats = stats;
    this.diskFiles = diskFiles;
    this.subset = spec.subsetPaths?.length ? spec.subsetPaths.map((p) => normalizeWorkspacePath(p)) : null;
    const subset = this.subset;
    for (const v of spec.virtualFiles ?? []) {
      let p: string;
      try {
        p = normalizeWorkspacePath(v.path);
      } catch {
        continue; // an absolute or escaping virtual path is dropped like any bad path
      }
      if (p && typeof v.content === 'string') this.virtual.set(p, v.content);
    }
    const virtual = this.virtual;
    // A virtual file shadows a disk file of the same path. Without either, the disk index is shown as it is
    // (no copy of a 66k-entry list).
    this.visible = virtual.size || subset
      ? diskFiles.filter((f) => !virtual.has(f.path) && (!subset || subset.some((s) => isUnder(f.path, s))))
      : diskFiles;
    for (const [p, content] of virtual) {
      const firstLine = content.slice(0, 512).split('\n', 1)[0]!;
      this.visible.push({ path: p, size: Buffer.byteLength(content), language: detectLanguage(p, firstLine) });
    }
    // The scan returns sorted paths; only virtual files (or a spec's list) can break the order.
    if (this.virtual.size || spec.files) this.visible.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    this.totalBytes = this.visible.reduce((n, f) => n + f.size, 0);
    this.name = roots.length === 1 ? roots[0]!.root.name : roots.length ? roots.map((r) => r.root.name).join(' + ') : 'text';
    const o = spec.options ?? {};
    this.rgPath = o.disableRipgrep ? null : o.rgPath ?? findRipgrep();
  }

  /** Whether grep runs on ripgrep (false: the pure-JS search). */
  get usesRipgrep(): boolean {
    return this.rgPath !== null;
  }

  /**
   * The visible file at workspace path `p` (normalized). A binary search of the sorted list: a map of every path
   * cost 24 ms and 3.4 MB of heap per opening of a 66k-file tree, for lookups that are one per read and one per
   * grep hit.
   */
  fileAt(p: string): FileEntry | undefined {
    const files = this.visible;
    let lo = 0;
    let hi = files.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = files[mid]!;
      if (at.path === p) return at;
      if (at.path < p) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** File metadata, sorted by path. */
  files(): FileEntry[] {
    return this.visible.slice();
  }

  /** A spec that reopens this workspace without a scan, optionally narrowed (for child runs). */
  childSpec(subsetPaths?: string[], virtualFiles?: { path: string; content: string }[]): WorkspaceSpec {
    return {
      roots: this.roots.map((r) => r.root),
      options: this.spec.options,
      subsetPaths: subsetPaths ?? this.spec.subsetPaths,
      virtualFiles: virtualFiles ?? this.spec.virtualFiles,
      files: this.diskFiles,
    };
  }

  summary(): WorkspaceSummary {
    const counts = new Map<string, number>();
    for (const f of this.visible) counts.set(f.language, (counts.get(f.language) ?? 0) + 1);
    const languages = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return {
      name: this.name,
      roots: this.roots.map((r) => r.root.name),
      fileCount: this.visible.length,
      totalBytes: this.totalBytes,
      languages,
      tree: renderDir(this.dirTree(), '', 2, SUMMARY_TREE_BUDGET),
    };
  }

  tree(dir?: string, depth?: number): string {
    const d = this.normalizeInput(dir ?? '');
    if (d && this.fileAt(d)) throw new WorkspaceError(`${d} is a file, not a folder: use read("${d}").`);
    const node = findDir(this.dirTree(), d);
    if (!node) throw new WorkspaceError(this.notFoundMessage(d, 'Folder'));
    return renderDir(node, d, depth ?? 2);
  }

  private dirTreeCache: DirNode | undefined;
  /** The folder structure, built once (the file list does not change). */
  private dirTree(): DirNode {
    return (this.dirTreeCache ??= buildDirTree(this.paths()));
  }

  private pathsCache: string[] | undefined;
  private paths(): string[] {
    return (this.pathsCache ??= this.visible.map((f) => f.path));
  }

  /** The root a workspace path belongs to, and the path inside that root. */
  private locate(p: string): { info: RootInfo; rel: string } {
    if (!this.roots.length) throw new WorkspaceError(`${p} is not in this workspace.`);
    if (this.roots.length === 1) return { info: this.roots[0]!, rel: p };
    const slash = p.indexOf('/');
    const first = slash >= 0 ? p.slice(0, slash) : p;
    const info = this.roots.find((r) => r.root.name === first);
    if (!info) {
      throw new WorkspaceError(
        `${p || '(empty path)'}: paths start with a root name in this multi-root workspace (${this.roots.map((r) => r.root.name).join(', ')}).`,
      );
    }
    return { info, rel: slash >= 0 ? p.slice(slash + 1) : '' };
  }

  /** The absolute path of a workspace path; throws WorkspaceError when it would leave its root. */
  resolvePath(p: string): string {
    return this.resolveReal(p).abs;
  }

  /** resolvePath, also giving the real path (links resolved) it checked. */
  private resolveReal(p: string): { abs: string; real: string } {
    const norm = this.normalizeInput(p);
    const { info, rel } = this.locate(norm);
    const abs = rel ? path.join(info.abs, ...rel.split('/')) : info.abs;
    if (!isInside(info.abs, abs)) throw new WorkspaceError(`${p} is outside the workspace.`);
    const rootReal = info.real || info.abs;
    const real = realPathOfLongestExisting(abs);
    if (!isInside(rootReal, real)) {
      throw new WorkspaceError(`${norm} is outside the workspace (a symbolic link leads out of ${info.root.name}).`);
    }
    return { abs, real };
  }

  private byNfcCache: Map<string, string> | undefined;
  /**
   * The indexed path that is the same text in another Unicode form: names written on macOS are often decomposed
   * (NFD) while a model writes composed text (NFC), and the two look identical.
   */
  private samePathOtherForm(p: string): string | undefined {
    if (this.fileAt(p) || this.virtual.has(p) || /^[\x00-\x7f]*$/.test(p)) return undefined;
    this.byNfcCache ??= new Map(this.visible.map((f) => [f.path.normalize('NFC'), f.path]));
    return this.byNfcCache.get(p.normalize('NFC'));
  }

  /** A symbolic link is refused like the file it leads to: settings.txt -> .env is a secret-looking file. */
  private checkLinkTarget(norm: string, abs: string, real: string): void {
    if (this.indexOptions.includeSecrets || path.basename(real) === path.basename(abs)) return;
    const target = path.basename(real);
    if (isSecretPath(target)) {
      throw new WorkspaceError(`${norm} is a link to ${target}, a secret-looking file (.env, keys, credentials...). To include such files, the user must enable the "include secrets" option (WorkspaceOptions.includeSecrets).`);
    }
  }

  /** Normalizes, with a helpful hint when an absolute path inside a root was given. */
  private normalizeInput(p: string): string {
    try {
      const norm = normalizeWorkspacePath(p);
      return this.samePathOtherForm(norm) ?? norm;
    } catch (err) {
      if (typeof p === 'string' && path.isAbsolute(p)) {
        for (const r of this.roots) {
          if (isInside(r.abs, path.resolve(p))) {
            const rel = path.relative(r.abs, path.resolve(p)).split(path.sep).join('/');
            throw new WorkspaceError(`${(err as Error).message} Did you mean "${r.prefix}${rel}"?`);
          }
        }
      }
      throw err;
    }
  }

  /** Virtual files always belong to the run; disk paths must lie in the subset, when there is one. */
  private checkSubset(p: string): void {
    if (this.virtual.has(p) || [...this.virtual.keys()].some((v) => isUnder(v, p))) return;
    if (this.subset && !this.subset.some((s) => isUnder(p, s) || isUnder(s, p))) {
      throw new WorkspaceError(`${p} is outside the paths of this run (${this.subset.join(', ')}).`);
    }
  }

  private notFoundMessage(p: string, what = 'File'): string {
    const close = suggestPaths(p, this.paths());
    return `${what} not found: ${p}.` + (close.length ? ` Did you mean: ${close.join(', ')}?` : '');
  }

  /** Why a path that the index does not hold cannot be read (throws), or nothing when it may be read. */
  private async explainMissing(p: string, abs: string): Promise<fs.Stats> {
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(abs);
    } catch {
      throw new WorkspaceError(this.notFoundMessage(p));
    }
    if (st.isDirectory()) throw new WorkspaceError(`${p} is a folder: use tree("${p}") or files to list it.`);
    if (!st.isFile()) throw new WorkspaceError(`${p} is not a regular file.`);
    if (st.nlink > 1) {
      throw new WorkspaceError(`${p} is a hard link with ${st.nlink} names, some outside the workspace; like a link that leads out, it is not read.`);
    }
    if (hasBinaryExtension(p)) throw new WorkspaceError(`${p} is a binary file, ${st.size} bytes.`);
    if (st.size > this.indexOptions.maxFileBytes) {
      throw new WorkspaceError(
        `${p} is too large (${st.size} bytes > maxFileBytes ${this.indexOptions.maxFileBytes}) and is excluded from the workspace.`,
      );
    }
    const { info, rel } = this.locate(p);
    const reason = explainIgnored(info.real || info.abs, rel, false, info.matcher, info.parentRules);
    if (reason === 'exclude-setting') throw new WorkspaceError(`${p} is excluded by the exclude settings.`);
    if (reason === 'ignore-file') throw new WorkspaceError(`${p} is excluded by an ignore file (.gitignore, .ignore or .rgignore).`);
    if (reason === 'always-skipped') throw new WorkspaceError(`${p} is inside a folder that is always skipped (.git, node_modules).`);
    return st; // new since the scan, and allowed
  }

  read(p: string, opts: ReadOptions = {}): Promise<ReadResult> {
    return this.foreground.run(() => this.readNow(p, opts));
  }

  private async readNow(p: string, opts: ReadOptions): Promise<ReadResult> {
    const norm = this.normalizeInput(p);
    if (!norm) throw new WorkspaceError('read() needs a file path; use tree() to list folders.');
    this.checkSubset(norm);
    const virtualText = this.virtual.get(norm);
    if (virtualText !== undefined) return sliceLines(norm, virtualText, opts);
    if (!this.indexOptions.includeSecrets && isSecretPath(norm)) throw new WorkspaceError(secretExcludedMessage(norm));
    const { abs, real } = this.resolveReal(norm);
    this.checkLinkTarget(norm, abs, real);
    let size: number;
    const entry = this.fileAt(norm);
    if (entry) size = entry.size;
    else size = (await this.explainMissing(norm, abs)).size;
    const hasRange = opts.start !== undefined || opts.end !== undefined;
    let cached: CachedText;
    try {
      cached = await textCache.get(abs);
    } catch (err) {
      throw new WorkspaceError(`Cannot read ${norm}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
    }
    if (cached.binary) throw new WorkspaceError(`${norm} is a binary file, ${cached.size} bytes.`);
    size = cached.size;
    if (!hasRange && size > MAX_WHOLE_READ_BYTES) {
      throw new WorkspaceError(
        `${norm} is large (${size} bytes, ${lineCount(cached)} lines): read it in pieces with {start, end}, e.g. read("${norm}", {start: 1, end: 500}).`,
      );
    }
    return sliceCached(norm, cached, opts);
  }

  grep(pattern: string, opts: GrepOptions = {}): Promise<GrepResult> {
    return this.foreground.run(() => this.grepNow(pattern, opts));
  }

  private async grepNow(pattern: string, opts: GrepOptions): Promise<GrepResult> {
    if (typeof pattern !== 'string' || pattern === '') throw new WorkspaceError('grep() needs a non-empty pattern string.');
    try {
      return await this.search(pattern, opts);
    } catch (err) {
      if (!(err instanceof RipgrepUnavailableError)) throw err;
      this.rgPath = null; // e.g. a configured rgPath that does not exist: the JS search answers from now on
      return this.search(pattern, opts);
    }
  }

  private async search(pattern: string, opts: GrepOptions): Promise<GrepResult> {
    const limits = searchLimits(opts);
    const collector = new HitCollector(limits);
    const restrict = (opts.paths ?? []).map((p) => this.normalizeInput(p));
    for (const r of restrict) this.checkGrepPath(r);
    const globFilter = makeGlobFilter(globList(opts.glob));
    const rootRelOf = (ws: string): string => {
      if (this.roots.length <= 1) return ws;
      const i = ws.indexOf('/');
      return i >= 0 ? ws.slice(i + 1) : ws;
    };
    const allowed = (ws: string): boolean =>
      !!this.fileAt(ws) &&
      (!restrict.length || restrict.some((r) => isUnder(ws, r))) &&
      (!globFilter || globFilter(ws, rootRelOf(ws)));

    // JS-compiled pattern: validates early for the fallback, and searches the virtual files.
    let compiled: ReturnType<typeof compilePattern> | null = null;
    const jsPattern = (): ReturnType<typeof compilePattern> => (compiled ??= compilePattern(pattern, opts));
    let stoppedEarly = false;
    const deadline = Date.now() + this.grepTimeoutMs;
    const signal = this.searches.signal;

    if (this.rgPath) {
      for (const info of this.roots) {
        const rgPaths = this.rgPathsFor(info, restrict);
        if (!rgPaths) continue;
        stoppedEarly = await runRipgrep({
          rgPath: this.rgPath,
          cwd: info.abs,
          flags: [...this.rgFlags(opts, limits), ...this.skippedPathGlobs(info)],
          pattern,
          paths: rgPaths,
          accept: (rgPath) => {
            const ws = info.prefix + rgPath;
            return allowed(ws) && !this.virtual.has(ws) ? ws : null;
          },
          collector,
          deadline,
          signal,
        });
        if (stoppedEarly) break;
      }
    } else {
      const pat = jsPattern();
      for (const f of this.visible) {
        if (this.virtual.has(f.path) || !allowed(f.path)) continue;
        if (signal.aborted) throw new WorkspaceError('Search cancelled.');
        if (Date.now() >= deadline) {
          stoppedEarly = true;
          break;
        }
        let buf: Buffer;
        try {
          buf = await fs.promises.readFile(this.resolvePath(f.path));
        } catch {
          continue; // vanished or unreadable since the scan
        }
        if (!searchText(f.path, buf, pat, collector)) {
          stoppedEarly = true;
          break;
        }
      }
    }
    if (!stoppedEarly && this.virtual.size) {
      const pat = jsPattern();
      for (const [p, content] of this.virtual) {
        if (!allowed(p)) continue;
        if (!searchText(p, content, pat, collector)) {
          stoppedEarly = true;
          break;
        }
      }
    }
    const result = collector.result(stoppedEarly);
    if (stoppedEarly && !collector.full && result.hits.length === 0) {
      throw new WorkspaceError(
        `grep("${pattern}") found nothing within ${Math.round(this.grepTimeoutMs / 1000)} s and was stopped: narrow it with paths or glob.`,
      );
    }
    return result;
  }

  /** Stops every search in flight (their ripgrep processes are killed): the block or run that asked has ended. */
  cancelSearches(): void {
    this.searches.abort();
    this.searches = searchController();
  }

  /** A `paths` entry must name an indexed file or a folder holding some. */
  private checkGrepPath(p: string): void {
    this.checkSubset(p);
    if (p === '' || this.fileAt(p)) return;
    if (this.visible.some((f) => f.path.startsWith(p + '/'))) return;
    if (!this.indexOptions.includeSecrets && isSecretPath(p)) throw new WorkspaceError(secretExcludedMessage(p));
    throw new WorkspaceError(this.notFoundMessage(p, 'Path'));
  }

  /** rg's path arguments for one root: null to skip the root, ['.'] for all of it. */
  private rgPathsFor(info: RootInfo, restrict: string[]): string[] | null {
    const scope = restrict.length ? restrict : this.subset ?? [];
    if (!scope.length || scope.includes('')) return ['.'];
    const mine: string[] = [];
    for (const s of scope) {
      if (!info.prefix) mine.push(s);
      else if (s === info.root.name) return ['.'];
      else if (s.startsWith(info.prefix)) mine.push(s.slice(info.prefix.length));
    }
    // Paths that no longer exist on disk would make rg complain; keep the ones that do.
    const existing = mine.filter((m) => fs.existsSync(path.join(info.abs, m)));
    return existing.length ? existing : null;
  }

  /**
   * Anchored globs for what the scan refused by name: links (outside the root, loops), which rg --follow
   * would enter, and files over maxFileBytes (cheaper than --max-filesize, which makes rg stat every file).
   */
  private skippedPathGlobs(info: RootInfo): string[] {
    const out: string[] = [];
    for (const link of [...this.indexStats.skippedLinks, ...this.indexStats.tooLargePaths]) {
      if (info.prefix && !link.startsWith(info.prefix)) continue;
      const rel = link.slice(info.prefix.length).replace(/[\\*?[\]{}!]/g, (c) => `\\${c}`);
      out.push('--glob', `!/${rel}`);
    }
    return out;
  }

  private rgFlags(opts: GrepOptions, limits: { before: number; after: number }): string[] {
    // rg may search more than the index holds (hits are filtered by the index), never less: so no
    // global or parent ignore files, which the index does not read the same way.
    const flags = ['--json', '--no-config', '--hidden', '--follow', '--no-require-git', '--no-messages'];
    flags.push('--no-ignore-global', '--no-ignore-parent');
    // Large files are excluded by name when the scan listed them all (see skippedPathGlobs).
    const st = this.indexStats;
    if (!st.scanned || st.tooLarge > st.tooLargePaths.length) {
      flags.push('--max-filesize', String(this.indexOptions.maxFileBytes));
    }
    flags.push(opts.ignoreCase ? '--ignore-case' : '--case-sensitive');
    if (opts.fixed) flags.push('--fixed-strings');
    // Look-around and backreferences switch rg to its PCRE2 engine on its own (models write them).
    else flags.push('--engine', 'auto');
    if (opts.word) flags.push('--word-regexp');
    if (limits.before) flags.push('--before-context', String(limits.before));
    if (limits.after) flags.push('--after-context', String(limits.after));
    if (!this.indexOptions.respectIgnoreFiles) flags.push('--no-ignore');
    // The user's globs narrow rg's walk when paths have no root prefix (one root); the index filter
    // applies them exactly in every case.
    if (this.roots.length === 1) for (const g of globList(opts.glob)) flags.push('--glob', g);
    // The exclude settings narrow rg's walk, unless one re-includes ('!pattern'): rg globs cannot say
    // "except" (a positive glob makes rg search only matching files). Then rg searches more; the index
    // filter keeps the result exact either way.
    const exclude = this.indexOptions.exclude;
    if (!exclude.some((ex) => ex.startsWith('!'))) for (const ex of exclude) flags.push('--glob', `!${ex}`);
    const cfg = this.roots[0]?.matcher.config;
    if (!cfg || cfg.skipGit) flags.push('--glob', '!.git');
    if (!cfg || cfg.skipNodeModules) flags.push('--glob', '!node_modules');
    return flags;
  }

  // ---- Code intelligence (tree-sitter, src/workspace/code/): created on first use, parses in this thread. ----
  private codeIntel?: CodeIntelligence;
  private get code(): CodeIntelligence {
    return (this.codeIntel ??= createCodeIntelligence(this));
  }
  async outline(p: string): Promise<OutlineSymbol[]> {
    return this.code.outline(this.normalizeInput(p));
  }
  async definitions(name: string): Promise<DefinitionList> {
    return this.code.definitions(name);
  }
  async references(name: string, opts?: ReferenceOptions): Promise<ReferenceResult> {
    return this.code.references(name, opts);
  }
  async symbols(query: string, opts?: SymbolSearchOptions): Promise<DefinitionList> {
    return this.code.symbols(query, opts);
  }
  async enclosing(p: string, line: number): Promise<OutlineSymbol | null> {
    return this.code.enclosing(this.normalizeInput(p), line);
  }
  /** Starts building the symbol index in the background (the sandbox does so when it opens the workspace). */
  startIndexing(): void {
    this.code.startIndexing();
  }
  /** Writes pending cache entries (symbol index) to disk; call before the process ends. */
  flushCaches(): void {
    this.codeIntel?.flush();
  }
}

/** One controller for the searches in flight: many may wait on it at once (16 greps in a Promise.all, and more). */
function searchController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

/** Lines start..end (1-based, inclusive, clamped) of a text. */
function sliceLines(p: string, text: string, opts: ReadOptions): ReadResult {
  return sliceCached(p, { text, binary: false, size: text.length, mtimeMs: 0, lineStarts: lineStartsOf(text) }, opts);
}

/** Lines start..end (1-based, inclusive, clamped) of a cached text: only the slice is copied. */
function sliceCached(p: string, t: CachedText, opts: ReadOptions): ReadResult {
  const total = lineCount(t);
  const toInt = (v: unknown, name: string): number | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new WorkspaceError(`read(): ${name} must be a line number.`);
    return Math.floor(v);
  };
  let start = toInt(opts.start, 'start') ?? 1;
  let end = toInt(opts.end, 'end') ?? total;
  if (start < 1) start = 1;
  if (total === 0) return { path: p, text: '', startLine: 1, endLine: 0, totalLines: 0 };
  if (start > total) {
    throw new WorkspaceError(`read("${p}"): start line ${start} is beyond the end of the file (${total} lines).`);
  }
  if (end > total) end = total;
  if (end < start) throw new WorkspaceError(`read("${p}"): end line ${end} is before start line ${start}.`);
  return { path: p, text: sliceText(t, start, end), startLine: start, endLine: end, totalLines: total };
}

/** realpath of `abs`, or of its longest existing ancestor joined with the rest (for paths not yet there). */
function realPathOfLongestExisting(abs: string): string {
  let cur = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(realPath(cur), ...rest);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') throw new WorkspaceError(`${abs}: symbolic link loop.`);
      const up = path.dirname(cur);
      if (up === cur) return abs;
      rest.unshift(path.basename(cur));
      cur = up;
    }
  }
}
