// Outline extraction: one walk over a syntax tree, asking the language's rules which nodes are definitions.
// Trees are freed as soon as the walk ends; only the symbol list is kept.
import type { Language, Node, ParseState, Tree } from 'web-tree-sitter';
import { parserFor } from './grammars';
import { codeLanguageOf, isHeaderPath, supportedLanguagesText, type CodeLanguage } from './languages';
import { RULES } from './outlineRules';
import type { OutlineSymbol, SymbolKind } from './types';
import { WorkspaceError } from '../types';

/** What a definition's body holds: namespace members are still "top level", type members are members. */
export type ScopeKind = 'file' | 'namespace' | 'type' | 'function';

export interface WalkContext {
  scope: ScopeKind;
  container?: string;
  /** C/C++ header: prototypes count as definitions there. */
  isHeader: boolean;
}

/** A definition found at a node, or (with an empty name) just a subtree to keep walking. */
export interface Found {
  kind: SymbolKind;
  name: string;
  /** Gives the range, and is what the walk descends into. */
  node: Node;
  /** The scope the node's children are in; absent: the current scope. */
  scope?: ScopeKind;
  /** Overrides the current container (e.g. a Go method's receiver type). */
  container?: string;
  /** False: do not look inside (nothing of interest there). */
  descend?: boolean;
}

export interface LanguageRules {
  /** By node type: the definitions at a node (null: none here, keep walking; []: nothing here or below). */
  handlers: ReadonlyMap<string, (node: Node, ctx: WalkContext) => Found[] | null>;
  /** Anonymous functions (lambdas, closures, blocks): what is inside is local, not top level. */
  functionLike: ReadonlySet<string>;
}

export class UnsupportedLanguageError extends WorkspaceError {
  constructor(path: string) {
    // Keeps the name 'WorkspaceError': the model sees it as a plain message.
    super(`no outline for ${describeLanguage(path)} (supported: ${supportedLanguagesText()})`);
  }
}

function describeLanguage(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? `language '${base.slice(dot + 1)}' in ${path}` : `${path}, a file without a known language`;
}

/** Counts parses in this process: tests and benchmarks check that caches really avoid work. */
export const parseStats = { files: 0, bytes: 0 };

/** Parses `text` and walks it. Throws UnsupportedLanguageError for languages without rules. */
export async function outlineSource(path: string, text: string, language = codeLanguageOf(path)): Promise<OutlineSymbol[]> {
  if (!language) throw new UnsupportedLanguageError(path);
  const tree = await parse(language, text);
  try {
    return outlineTree(tree, language, path);
  } finally {
    tree.delete();
  }
}

/** A parse that takes longer is cancelled: one pathological file must not stall the worker. */
export const PARSE_TIME_LIMIT_MS = 10_000;

export async function parse(language: CodeLanguage, text: string, timeLimitMs = PARSE_TIME_LIMIT_MS): Promise<Tree> {
  const parser = await parserFor(language);
  const deadline = Date.now() + timeLimitMs;
  // Returning true cancels the parse (the .d.ts types the callback as void).
  const progressCallback = (() => Date.now() > deadline) as unknown as (state: ParseState) => void;
  const tree = parser.parse(text, null, { progressCallback });
  // A cancelled parser would resume the old document on its next parse unless reset.
  if (!tree) parser.reset();
  if (!tree) throw new Error(`tree-sitter gave up on a ${language} file (${text.length} characters, over ${timeLimitMs / 1000} s)`);
  parseStats.files++;
  parseStats.bytes += text.length;
  return tree;
}

/** 1-based last line; a node ending at column 0 (a trailing newline, as in `#define`) ends on the line before. */
function endLineOf(node: Node): number {
  const end = node.endPosition;
  return end.column === 0 && end.row > node.startPosition.row ? end.row : end.row + 1;
}

export function outlineTree(tree: Tree, language: CodeLanguage, path: string): OutlineSymbol[] {
  const out: OutlineSymbol[] = [];
  walkSubtree(tree.rootNode, { scope: 'file', isHeader: isHeaderPath(path) }, RULES[language], out);
  // Node text is a slice of the file's text, and V8 keeps the whole file alive behind a slice: copy names
  // so an index holds symbol names, not every file it ever parsed. One copy per distinct string.
  const copies = new Map<string, string>();
  const detach = (s: string) => {
    let copy = copies.get(s);
    if (copy === undefined) copies.set(s, (copy = (' ' + s).slice(1)));
    return copy;
  };
  for (const symbol of out) {
    symbol.name = detach(symbol.name);
    if (symbol.container) symbol.container = detach(symbol.container);
  }
  // Found items that descend into other nodes than their own are walked out of order; sort by position.
  out.sort((a, b) => a.line - b.line || b.endLine - a.endLine);
  return out;
}

/**
 * Walks the descendants of `root` with a tree cursor. Node objects are created only for node types the
 * language has a handler for: most of a tree (expressions, types, tokens) is stepped over cheaply.
 * Iterative, because generated code nests deeper than the JS call stack allows.
 */
function walkSubtree(root: Node, rootCtx: WalkContext, rules: LanguageRules, out: OutlineSymbol[]): void {
  const cursor = root.walk();
  const { types, named } = typeTable(root.tree.language);
  try {
    if (!cursor.gotoFirstChild()) return;
    // contexts[d]: the context of nodes at depth d below root's children.
    const contexts: WalkContext[] = [rootCtx];
    let depth = 0;
    for (;;) {
      const ctx = contexts[depth];
      let childCtx: WalkContext | null = null;
      const typeId = cursor.nodeTypeId;
      if (typeId === ERROR_TYPE_ID || named[typeId]) {
        const type = types[typeId] ?? 'ERROR';
        const handler = rules.handlers.get(type);
        const node = handler ? cursor.currentNode : undefined;
        const found = node ? handler!(node, ctx) : null;
        if (found) childCtx = emit(found, node!, ctx, rules, out);
        else if (ctx.scope === 'function' && isExpression(type)) childCtx = null;
        else if (rules.functionLike.has(type)) childCtx = { ...ctx, scope: 'function' };
        else if (!isOpaque(type)) childCtx = ctx;
      }
      if (childCtx && cursor.gotoFirstChild()) {
        contexts[++depth] = childCtx;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (depth === 0) return;
        cursor.gotoParent();
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}

/**
 * Node types and whether each is named, by type id, read once per grammar: asking the cursor for the type id
 * alone is one call into the parser per node, where nodeIsNamed and nodeType were two.
 */
const typeTables = new WeakMap<Language, { types: readonly string[]; named: readonly boolean[] }>();
function typeTable(language: Language): { types: readonly string[]; named: readonly boolean[] } {
  let table = typeTables.get(language);
  if (!table) {
    const types = language.types.map((t) => t ?? 'ERROR');
    const named = types.map((_, id) => language.nodeTypeIsNamed(id));
    typeTables.set(language, (table = { types, named }));
  }
  return table;
}
/** The type id of ERROR nodes (named, and past the end of the table). */
const ERROR_TYPE_ID = 0xffff;

// Subtrees that never hold a definition (comments, strings, literals, types, parameters, signatures, imports):
// stepping over them makes the walk several times cheaper on declaration-heavy files (.d.ts, headers).
const OPAQUE = /comment|string|heredoc|regex|_literal$|_signature$|parameters$|parameter_list$|^type_(annotation|arguments|parameters)$|^(import|use)_(statement|declaration)$|^decorator$|^attribute_item$|^preproc_include$/;
const opaqueCache = new Map<string, boolean>();
function isOpaque(type: string): boolean {
  let opaque = opaqueCache.get(type);
  if (opaque === undefined) opaqueCache.set(type, (opaque = OPAQUE.test(type)));
  return opaque;
}

// Inside function bodies only statement-level definitions count (nested functions, local classes); the
// expressions there (calls, callbacks, literals) are most of a program's nodes and are stepped over.
const EXPRESSION = /expression|argument|^call$|^binary$|^unary$|^assignment$|^augmented_assignment$|^(object|array|dictionary|list|tuple|set|pair|hash)$|^jsx_|initializer|^lambda$|^arrow_function$|^function$|^func_literal$|^closure|^do_block$|^anonymous_function/;
const expressionCache = new Map<string, boolean>();
function isExpression(type: string): boolean {
  let expression = expressionCache.get(type);
  if (expression === undefined) expressionCache.set(type, (expression = EXPRESSION.test(type)));
  return expression;
}

/** Records found definitions; returns the context for the current node's children, or null to skip them. */
function emit(found: Found[], current: Node, ctx: WalkContext, rules: LanguageRules, out: OutlineSymbol[]): WalkContext | null {
  let childCtx: WalkContext | null = null;
  for (const f of found) {
    // A name across lines is an artifact of a parse error, not a definition.
    if (f.name && !f.name.includes('\n')) {
      const symbol: OutlineSymbol = { kind: f.kind, name: f.name, line: f.node.startPosition.row + 1, endLine: endLineOf(f.node) };
      const container = f.container ?? ctx.container;
      if (container && !container.includes('\n')) symbol.container = container;
      out.push(symbol);
    }
    if (f.descend === false) continue;
    const inner: WalkContext = f.scope ? { ...ctx, scope: f.scope, container: f.name || f.container || ctx.container } : ctx;
    if (f.node.id === current.id) childCtx = inner;
    else walkSubtree(f.node, inner, rules, out);
  }
  return childCtx;
}
