// Shapes returned by code intelligence. Plain data: they cross the worker boundary into the sandbox.

export type SymbolKind =
  | 'function'
  | 'method'
  | 'class'
  | 'interface'
  | 'type'
  | 'enum'
  | 'struct'
  | 'trait'
  | 'impl'
  | 'module'
  | 'namespace'
  | 'constant'
  | 'variable'
  | 'macro';

/** One entry of a file's outline. Lines are 1-based and inclusive. */
export interface OutlineSymbol {
  kind: SymbolKind;
  name: string;
  line: number;
  endLine: number;
  /** Name of the enclosing class/interface/impl/namespace/function, when nested. */
  container?: string;
}

/** A definition found by the symbol index. */
export interface Definition {
  path: string;
  line: number;
  endLine: number;
  kind: SymbolKind;
  name: string;
  container?: string;
}

export interface ReferenceHit {
  path: string;
  /** 1-based. */
  line: number;
  text: string;
}

export interface ReferenceResult {
  hits: ReferenceHit[];
  /** References found; when `exact` is false, an upper bound (lines past the search budget were not checked). */
  total: number;
  truncated: boolean;
  exact: boolean;
  /** Set when lines were left unchecked because the symbol index is still being built. */
  partial?: true;
  /** Why the result is partial and what to do, for the model. */
  note?: string;
}

/**
 * A list answered before the symbol index was built holds what the indexed files hold so far, and says so:
 * `partial`, `note` (for the model) and `index` (code files, and how many are indexed) are set on the array.
 * The sandbox worker sends it as {items, partial, note, index}; the prelude turns that back into a marked array.
 */
export type DefinitionList = Definition[] & {
  partial?: true;
  note?: string;
  index?: { files: number; done: number };
};

export interface ReferenceOptions {
  /** Cap on hits returned (default 100, at most 1000). */
  maxResults?: number;
  /** Search only these workspace-relative paths (files or folders). */
  paths?: string[];
}

export interface SymbolSearchOptions {
  /** Cap on results (default 50, at most 500). */
  maxResults?: number;
  kind?: SymbolKind | SymbolKind[];
}

/**
 * Code files above this size stay out of the symbol index: on the 66k-file bench tree they are 118 of 60,669 code
 * files, all bundles and generated code (@angular's fesm bundles, @babel/parser's, lodash.js, csstype's .d.ts).
 * tree-sitter's memory grows to the largest tree it has built and never shrinks, about 90 bytes per byte of
 * source, so one 2 MB bundle would hold ~170 MB for the rest of the session (peak RSS with the index built:
 * 606 MB with no cap, 437 MB at 512 KB, 389-449 MB at 256 KB over five runs, before the build's other savings in
 * symbolStore.ts and foreground.ts brought it to 314-345 MB). references() leaves them out too
 * (with a note saying how many lines), else every call would parse them again; outline(path) still parses one.
 */
export const INDEX_MAX_FILE_BYTES = 256 * 1024;
