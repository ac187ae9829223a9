// Every `context.*` helper, declared once: its signature and argument schema, a one-line doc, its result shape,
// how its results become evidence, and what the sandbox code receives. Generated from this table: the worker's
// dispatch and argument checks (sandboxWorker.ts), the sandbox's context object (prelude.ts, from the names),
// and the API section of the system prompt (prompts.ts). Keys are checked against the Workspace class, so a
// helper with no implementation (or a typo) fails `tsc`; each entry's evidence function is typed by the real
// arguments and result. Adding a helper: the workspace method, one entry here, and a test.
import type { Workspace } from '../../workspace/workspace';
import type { ReadResult } from '../../workspace/types';
import type { SymbolKind } from '../../workspace/code/types';
import { DEFAULT_MAX_RESULTS, HARD_MAX_RESULTS, MAX_CONTEXT_LINES } from '../../workspace/searchResults';
import type { CallSpec, OptionSpec, ParamSpec } from './apiSchema';
import type { EvidenceKind } from './evidenceKinds';
import type { EvidenceEvent } from './types';

/** One piece of evidence a helper's result yields: the event the trajectory records. */
export type EvidenceItem = EvidenceEvent;

type Method = { [K in keyof Workspace]: Workspace[K] extends (...a: never[]) => unknown ? K : never }[keyof Workspace];
type ResultOf<K extends Method> = Awaited<ReturnType<Workspace[K]>>;
type ArgsOf<K extends Method> = Parameters<Workspace[K]>;

/** Helpers by Workspace method name: a key that is not a method fails to compile. */
export type HelperTable = { [K in Method]?: HelperSpec<K> };

export interface HelperSpec<K extends Method> {
  params: readonly ParamSpec[];
  options?: Readonly<Record<string, OptionSpec>>;
  /** One line for the prompt: what it does. */
  doc: string;
  /** The value sandbox code receives, as the prompt shows it. */
  returns: string;
  /** Answered at once from memory (no await). */
  sync?: boolean;
  /** Evidence of what the helper touched. */
  evidence?: (args: ArgsOf<K>, result: ResultOf<K>) => EvidenceItem[];
  /** What sandbox code receives, when it is not the result itself; `options` are the checked options. */
  present?: (result: ResultOf<K>, options: Record<string, unknown>) => unknown;
}

/** Symbol kinds, as `symbols(q, {kind})` accepts them; a missing or extra kind fails `tsc` below. */
export const SYMBOL_KINDS = [
  'function', 'method', 'class', 'interface', 'type', 'enum', 'struct', 'trait', 'impl', 'module', 'namespace', 'constant', 'variable', 'macro',
] as const satisfies readonly SymbolKind[];
type MissingKinds = Exclude<SymbolKind, (typeof SYMBOL_KINDS)[number]>;
const allKindsListed: MissingKinds extends never ? true : never = true;
void allKindsListed;

const TEXT_MAX = 300;
const hitText = (t: string) => t.slice(0, TEXT_MAX);

/** Lines prefixed with their numbers ("42| ..."), so citations can be built from what was printed. */
export function numberLines(r: ReadResult): string {
  const lines = r.text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((line, i) => `${r.startLine + i}| ${line}`).join('\n');
}

const located = (kind: EvidenceKind, query: string | undefined, items: { path: string; line: number; endLine?: number; text?: string }[]): EvidenceItem[] =>
  items.map((l) => ({
    kind,
    path: l.path,
    line: l.line,
    ...(l.endLine !== undefined ? { endLine: l.endLine } : {}),
    ...(query !== undefined ? { query } : {}),
    ...(l.text !== undefined ? { text: hitText(l.text) } : {}),
  }));

const paths: OptionSpec = { type: 'strings', doc: 'files/folders' };

export const CONTEXT_API = {
  tree: {
    params: [
      { name: 'dir', type: 'string', optional: true },
      { name: 'depth', type: 'integer', optional: true, min: 0, default: 2 },
    ],
    doc: 'directory tree as text, with file counts',
    returns: 'string',
    sync: true,
  },
  read: {
    params: [{ name: 'path', type: 'string' }],
    options: {
      start: { type: 'integer', min: 1 },
      end: { type: 'integer', min: 1 },
      numbered: { type: 'boolean', sandboxOnly: true, doc: 'prefix lines with "42| "' },
    },
    doc: 'file text; start/end are 1-based inclusive lines',
    returns: 'string',
    evidence: (_args, r) => [{ kind: 'read', path: r.path, line: r.startLine, endLine: r.endLine }],
    present: (r, o) => (o.numbered ? numberLines(r) : r.text),
  },
  grep: {
    params: [{ name: 'pattern', type: 'pattern' }],
    options: {
      glob: { type: 'strings', doc: 'e.g. "*.ts", "src/**"' },
      ignoreCase: { type: 'boolean' },
      fixed: { type: 'boolean', doc: 'literal text' },
      word: { type: 'boolean' },
      maxResults: { type: 'integer', min: 1, default: DEFAULT_MAX_RESULTS, cap: HARD_MAX_RESULTS },
      before: { type: 'integer', min: 0, cap: MAX_CONTEXT_LINES },
      after: { type: 'integer', min: 0, cap: MAX_CONTEXT_LINES },
      paths,
    },
    doc: 'ripgrep regex (Rust syntax; look-around and backreferences work too)',
    returns: '[{path, line, text, before?, after?}] with .total, .truncated',
    evidence: ([pattern], r) => r.hits.map((h) => ({ kind: 'grep', path: h.path, line: h.line, query: String(pattern), text: hitText(h.text) })),
  },
  outline: {
    params: [{ name: 'path', type: 'string' }],
    doc: 'tree-sitter symbols of a code file',
    returns: '[{kind, name, line, endLine, container?}]',
    evidence: ([path], symbols) =>
      symbols.length === 0
        ? []
        : [{ kind: 'outline', path, line: Math.min(...symbols.map((s) => s.line)), endLine: Math.max(...symbols.map((s) => s.endLine)) }],
  },
  definitions: {
    params: [{ name: 'name', type: 'string' }],
    doc: 'every definition of a symbol',
    returns: '[{path, line, endLine, kind, name, container?}]',
    evidence: ([name], defs) => located('definition', name, defs),
  },
  references: {
    params: [{ name: 'name', type: 'string' }],
    options: { paths, maxResults: { type: 'integer', min: 1, default: 100, cap: 1000 } },
    doc: 'identifier uses, not comments/strings',
    returns: '[{path, line, text}] with .total',
    evidence: ([name], r) => located('reference', name, r.hits),
  },
  symbols: {
    params: [{ name: 'query', type: 'string' }],
    options: {
      kind: { type: 'strings', enum: SYMBOL_KINDS },
      maxResults: { type: 'integer', min: 1, default: 50, cap: 500 },
    },
    doc: 'symbols matching a partial name (prefix, substring, camelCase initials), best first',
    returns: '[{path, line, endLine, kind, name, container?}]',
    evidence: ([query], defs) => located('symbol', query, defs),
  },
  enclosing: {
    params: [
      { name: 'path', type: 'string' },
      { name: 'line', type: 'integer', min: 1 },
    ],
    doc: 'innermost function/method/class around a line (expands a grep hit)',
    returns: '{kind, name, line, endLine, container?} or null',
    evidence: ([path], s) => (s ? [{ kind: 'outline', path, line: s.line, endLine: s.endLine }] : []),
  },
} satisfies HelperTable;

export type ContextHelper = keyof typeof CONTEXT_API;

export const CONTEXT_HELPERS = Object.keys(CONTEXT_API) as ContextHelper[];

export function isContextHelper(name: string): name is ContextHelper {
  return Object.hasOwn(CONTEXT_API, name);
}

/** The helper's declaration as a checkable call ("context.read"). */
export function contextCallSpec(name: ContextHelper): CallSpec {
  const h: HelperSpec<Method> = CONTEXT_API[name] as unknown as HelperSpec<Method>;
  return { call: `context.${name}`, params: h.params, options: h.options };
}

/** The declaration with the loose typing the generic dispatcher needs. */
export function helperSpec(name: ContextHelper): HelperSpec<Method> {
  return CONTEXT_API[name] as unknown as HelperSpec<Method>;
}

/** context's properties (not calls), for the prompt. */
export const CONTEXT_PROPERTIES = [
  { name: 'root', doc: 'workspace name' },
  { name: 'files', doc: '[{path, size, language}] — every indexed file (metadata only)' },
  { name: 'length', doc: 'total bytes of all files' },
] as const;
