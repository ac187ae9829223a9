// The workspace contract: what the sandbox's `context` object is built on.
// Everything here is plain data so a spec can cross a worker boundary.

/** One folder of the workspace. With several roots, paths start with the root's name. */
export interface WorkspaceRoot {
  /** Display name; also the first path segment when there is more than one root. */
  name: string;
  /** Absolute path on disk. */
  path: string;
}

export interface WorkspaceOptions {
  /** Extra globs to exclude (gitignore syntax), e.g. from settings or files.exclude. */
  exclude?: string[];
  /** Honour .gitignore/.ignore/.rgignore (default true). */
  respectIgnoreFiles?: boolean;
  /** Include secret-looking files (.env, *.pem, id_rsa ...) — off by default. */
  includeSecrets?: boolean;
  /** Files larger than this are left out of the index (default 2 MiB). */
  maxFileBytes?: number;
  /** ripgrep binary to use; found automatically when absent. */
  rgPath?: string;
  /** Refuse to use ripgrep (tests of the pure-JS fallback). */
  disableRipgrep?: boolean;
  /** Folder for on-disk caches (symbol index); outside the workspace. */
  cacheDir?: string;
}

/** A serializable description of a workspace: enough to open it again in another thread. */
export interface WorkspaceSpec {
  roots: WorkspaceRoot[];
  options?: WorkspaceOptions;
  /** Restrict the context to these workspace-relative paths (files or folders) — used by child runs. */
  subsetPaths?: string[];
  /** In-memory files (e.g. a child run over a piece of text). Paths are virtual, workspace-relative. */
  virtualFiles?: { path: string; content: string }[];
  /** A file index computed earlier for the same roots/options, to skip re-scanning. */
  files?: FileEntry[];
}

export interface FileEntry {
  /** Workspace-relative, '/'-separated. */
  path: string;
  size: number;
  language: string;
  mtimeMs?: number;
}

export interface ReadOptions {
  /** 1-based inclusive line range. */
  start?: number;
  end?: number;
}

export interface ReadResult {
  path: string;
  text: string;
  startLine: number;
  endLine: number;
  totalLines: number;
}

export interface GrepOptions {
  glob?: string | string[];
  ignoreCase?: boolean;
  fixed?: boolean;
  /** Cap on hits returned (default 200, hard cap 2000). The total is still counted. */
  maxResults?: number;
  before?: number;
  after?: number;
  /** Search only these workspace-relative paths (files or folders). */
  paths?: string[];
  /** Match whole words only. */
  word?: boolean;
}

export interface GrepHit {
  path: string;
  /** 1-based. */
  line: number;
  text: string;
  before?: string[];
  after?: string[];
}

export interface GrepResult {
  hits: GrepHit[];
  /** Total matching lines found (may exceed hits.length). */
  total: number;
  truncated: boolean;
  /** Set when counting stopped early (a very common pattern): the real total is at least `total`. */
  totalIsLowerBound?: boolean;
}

export interface WorkspaceSummary {
  name: string;
  roots: string[];
  fileCount: number;
  totalBytes: number;
  /** language -> file count, most common first. */
  languages: [string, number][];
  /** A shallow, size-bounded directory tree. */
  tree: string;
}

/** Errors the model should see as plain messages (bad path, outside workspace, binary file...). */
export class WorkspaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkspaceError';
  }
}
