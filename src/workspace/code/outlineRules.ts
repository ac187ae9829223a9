// Per-language rules: which syntax nodes are definitions, their kind, name and scope.
// Node type names were checked against the grammars we ship (@vscode/tree-sitter-wasm 0.3.1,
// tree-sitter-wasms 0.1.13 for C) by parsing real files and the fixtures in test/fixtures/code/.
import type { Node } from 'web-tree-sitter';
import type { CodeLanguage } from './languages';
import type { Found, LanguageRules, ScopeKind, WalkContext } from './outline';
import type { SymbolKind } from './types';

const field = (node: Node, name: string) => node.childForFieldName(name);
const fieldText = (node: Node, name: string) => field(node, name)?.text ?? '';
const isTopLevel = (ctx: WalkContext) => ctx.scope === 'file' || ctx.scope === 'namespace';
const isUpperSnake = (name: string) => /^[A-Z][A-Z0-9_]*$/.test(name);

function def(kind: SymbolKind, name: string, node: Node, scope?: ScopeKind, extra: Partial<Found> = {}): Found[] {
  return [{ kind, name, node, scope, ...extra }];
}
const leaf = (kind: SymbolKind, name: string, node: Node) => def(kind, name, node, undefined, { descend: false });
type Handler = (node: Node, ctx: WalkContext) => Found[] | null;
/** A node-type -> handler map from groups of node types sharing a handler. */
function byType(groups: [string[], Handler][]): Map<string, Handler> {
  return new Map(groups.flatMap(([types, handler]) => types.map((t) => [t, handler] as const)));
}
const functionOrMethod = (ctx: WalkContext): SymbolKind => (ctx.scope === 'type' ? 'method' : 'function');

// ---------- TypeScript / TSX / JavaScript ----------

const JS_FUNCTION_VALUES = new Set(['arrow_function', 'function_expression', 'function', 'generator_function']);

function jsVariables(node: Node, ctx: WalkContext): Found[] | null {
  if (!isTopLevel(ctx)) return null;
  const isConst = node.firstChild?.type === 'const';
  const found: Found[] = [];
  for (const declarator of node.namedChildren) {
    if (!declarator || declarator.type !== 'variable_declarator') continue;
    const nameNode = field(declarator, 'name');
    const name = nameNode?.type === 'identifier' ? nameNode.text : '';
    const value = field(declarator, 'value');
    if (value && JS_FUNCTION_VALUES.has(value.type)) found.push({ kind: 'function', name, node: declarator, scope: 'function' });
    else if (value?.type === 'class') found.push({ kind: 'class', name, node: declarator, scope: 'type' });
    else found.push({ kind: isConst ? 'constant' : 'variable', name, node: declarator });
  }
  return found;
}

/** CommonJS style: `exports.f = function`, `Foo.prototype.m = function`, `Foo.bar = () => {}`. */
function jsAssignedFunction(node: Node, ctx: WalkContext): Found[] | null {
  if (ctx.scope !== 'file') return null;
  const assignment = node.firstNamedChild;
  if (assignment?.type !== 'assignment_expression') return null;
  const left = field(assignment, 'left');
  const right = field(assignment, 'right');
  if (left?.type !== 'member_expression' || !right) return null;
  const isFunction = JS_FUNCTION_VALUES.has(right.type);
  if (!isFunction && right.type !== 'class') return null;
  const name = fieldText(left, 'property');
  const object = fieldText(left, 'object').replace(/\.prototype$/, '');
  const exported = object === 'module.exports' || object === 'exports';
  const kind: SymbolKind = right.type === 'class' ? 'class' : exported ? 'function' : 'method';
  return def(kind, name, node, isFunction ? 'function' : 'type', exported ? {} : { container: object });
}

/** A member's name; string-literal names (`"./lib/a.js"(exports) {}` in bundles) without their quotes. */
function jsMemberName(node: Node): string {
  const name = field(node, 'name');
  if (!name) return '';
  return name.type === 'string' ? name.text.slice(1, -1) : name.text;
}

const jsRules: LanguageRules = {
  functionLike: new Set(['arrow_function', 'function_expression', 'function', 'generator_function', 'method_definition', 'class_static_block']),
  handlers: byType([
    [['function_declaration', 'generator_function_declaration', 'function_signature'], (node) => def('function', fieldText(node, 'name'), node, 'function')],
    [['class_declaration', 'abstract_class_declaration'], (node) => def('class', fieldText(node, 'name'), node, 'type')],
    [['interface_declaration'], (node) => def('interface', fieldText(node, 'name'), node, 'type')],
    [['type_alias_declaration'], (node) => leaf('type', fieldText(node, 'name'), node)],
    [['enum_declaration'], (node) => leaf('enum', fieldText(node, 'name'), node)],
    [['internal_module'], (node) => def('namespace', fieldText(node, 'name'), node, 'namespace')],
    [['module'], (node) => def('module', fieldText(node, 'name').replace(/^['"`]|['"`]$/g, ''), node, 'namespace')],
    [['method_definition'], (node, ctx) => {
      // Object-literal methods inside function bodies are local detail, not outline.
      if (ctx.scope === 'function' && node.parent?.type !== 'class_body') return null;
      return def('method', jsMemberName(node), node, 'function');
    }],
    [['method_signature', 'abstract_method_signature'], (node) => leaf('method', jsMemberName(node), node)],
    [['public_field_definition', 'field_definition'], (node) => {
      const value = field(node, 'value');
      if (!value || !JS_FUNCTION_VALUES.has(value.type)) return null;
      return def('method', fieldText(node, 'name') || fieldText(node, 'property'), node, 'function');
    }],
    [['lexical_declaration', 'variable_declaration'], (node, ctx) => jsVariables(node, ctx)],
    [['expression_statement'], (node, ctx) => jsAssignedFunction(node, ctx)],
  ]),
};

// ---------- Python ----------

const pythonRules: LanguageRules = {
  functionLike: new Set(['lambda']),
  handlers: byType([
    [['function_definition'], (node, ctx) => def(functionOrMethod(ctx), fieldText(node, 'name'), node, 'function')],
    [['class_definition'], (node) => def('class', fieldText(node, 'name'), node, 'type')],
    [['type_alias_statement'], (node) => {
      const left = field(node, 'left') ?? node.firstNamedChild;
      return leaf('type', (left?.text ?? '').replace(/\[.*$/s, ''), node);
    }],
    [['expression_statement'], (node, ctx) => {
      if (!isTopLevel(ctx)) return null;
      const assignment = node.firstNamedChild;
      if (assignment?.type !== 'assignment') return null;
      const left = field(assignment, 'left');
      if (left?.type !== 'identifier') return [];
      const isAlias = fieldText(assignment, 'type') === 'TypeAlias';
      return leaf(isAlias ? 'type' : isUpperSnake(left.text) ? 'constant' : 'variable', left.text, node);
    }],
  ]),
};

// ---------- Go ----------

function goReceiverType(node: Node): string {
  const receiver = field(node, 'receiver');
  const param = receiver?.namedChildren.find((c) => c?.type === 'parameter_declaration');
  const type = param ? field(param, 'type') : null;
  // *Warehouse, Warehouse[T], *List[K, V] -> the bare type name.
  return (type?.text ?? '').replace(/^\*/, '').replace(/\[.*$/s, '');
}

const goRules: LanguageRules = {
  functionLike: new Set(['func_literal']),
  handlers: byType([
    [['function_declaration'], (node) => def('function', fieldText(node, 'name'), node, 'function')],
    [['method_declaration'], (node) => def('method', fieldText(node, 'name'), node, 'function', { container: goReceiverType(node) || undefined })],
    [['type_spec'], (node) => {
      const type = field(node, 'type')?.type;
      const kind: SymbolKind = type === 'struct_type' ? 'struct' : type === 'interface_type' ? 'interface' : 'type';
      return def(kind, fieldText(node, 'name'), node, 'type');
    }],
    [['type_alias'], (node) => leaf('type', fieldText(node, 'name'), node)],
    [['method_elem', 'method_spec'], (node) => leaf('method', fieldText(node, 'name'), node)],
    [['const_spec', 'var_spec'], (node, ctx) => {
      if (!isTopLevel(ctx)) return null;
      const kind: SymbolKind = node.type === 'const_spec' ? 'constant' : 'variable';
      return node.childrenForFieldName('name').flatMap((n) => (n ? leaf(kind, n.text, node) : []));
    }],
  ]),
};

// ---------- Rust ----------

function rustTypeName(type: Node | null): string {
  if (!type) return '';
  switch (type.type) {
    case 'generic_type':
      return rustTypeName(field(type, 'type'));
    case 'scoped_type_identifier':
      return fieldText(type, 'name');
    case 'reference_type':
    case 'pointer_type':
      return rustTypeName(field(type, 'type'));
    default:
      return type.text;
  }
}

const rustRules: LanguageRules = {
  functionLike: new Set(['closure_expression']),
  handlers: byType([
    [['function_item'], (node, ctx) => def(functionOrMethod(ctx), fieldText(node, 'name'), node, 'function')],
    [['function_signature_item'], (node, ctx) => leaf(functionOrMethod(ctx), fieldText(node, 'name'), node)],
    [['struct_item', 'union_item'], (node) => leaf('struct', fieldText(node, 'name'), node)],
    [['enum_item'], (node) => leaf('enum', fieldText(node, 'name'), node)],
    [['trait_item'], (node) => def('trait', fieldText(node, 'name'), node, 'type')],
    [['impl_item'], (node) => def('impl', rustTypeName(field(node, 'type')), node, 'type')],
    [['mod_item'], (node) => def('module', fieldText(node, 'name'), node, 'namespace')],
    [['type_item'], (node) => leaf('type', fieldText(node, 'name'), node)],
    [['const_item'], (node, ctx) => ctx.scope === 'function' ? [] : leaf('constant', fieldText(node, 'name'), node)],
    [['static_item'], (node, ctx) => ctx.scope === 'function' ? [] : leaf('variable', fieldText(node, 'name'), node)],
    [['macro_definition'], (node) => leaf('macro', fieldText(node, 'name'), node)],
  ]),
};

// ---------- Java ----------

const javaRules: LanguageRules = {
  functionLike: new Set(['lambda_expression']),
  handlers: byType([
    [['class_declaration', 'record_declaration'], (node) => def('class', fieldText(node, 'name'), node, 'type')],
    [['interface_declaration', 'annotation_type_declaration'], (node) => def('interface', fieldText(node, 'name'), node, 'type')],
    [['enum_declaration'], (node) => def('enum', fieldText(node, 'name'), node, 'type')],
    [['method_declaration', 'constructor_declaration', 'compact_constructor_declaration'], (node) => def('method', fieldText(node, 'name'), node, 'function')],
    [['field_declaration'], (node, ctx) => {
      // Only `static final` fields: the constants of a class.
      const modifiers = node.namedChildren.find((c) => c?.type === 'modifiers')?.text ?? '';
      if (ctx.scope === 'function' || !/\bstatic\b/.test(modifiers) || !/\bfinal\b/.test(modifiers)) return [];
      return node.childrenForFieldName('declarator').flatMap((d) => (d ? leaf('constant', fieldText(d, 'name'), node) : []));
    }],
  ]),
};

// ---------- C# ----------

const csharpRules: LanguageRules = {
  functionLike: new Set(['lambda_expression', 'anonymous_method_expression']),
  handlers: byType([
    [['namespace_declaration', 'file_scoped_namespace_declaration'], (node) => def('namespace', fieldText(node, 'name'), node, 'namespace')],
    [['class_declaration', 'record_declaration'], (node) => def('class', fieldText(node, 'name'), node, 'type')],
    [['struct_declaration', 'record_struct_declaration'], (node) => def('struct', fieldText(node, 'name'), node, 'type')],
    [['interface_declaration'], (node) => def('interface', fieldText(node, 'name'), node, 'type')],
    [['enum_declaration'], (node) => leaf('enum', fieldText(node, 'name'), node)],
    [['delegate_declaration'], (node) => leaf('type', fieldText(node, 'name'), node)],
    [['method_declaration', 'constructor_declaration', 'destructor_declaration'], (node) => def('method', fieldText(node, 'name'), node, 'function')],
    [['local_function_statement'], (node) => def('function', fieldText(node, 'name'), node, 'function')],
    [['field_declaration'], (node) => {
      const isConst = node.namedChildren.some((c) => c?.type === 'modifier' && c.text === 'const');
      if (!isConst) return [];
      const declaration = node.namedChildren.find((c) => c?.type === 'variable_declaration');
      const declarators = declaration?.namedChildren.filter((c) => c?.type === 'variable_declarator') ?? [];
      return declarators.flatMap((d) => {
        const name = d ? (fieldText(d, 'name') || d.firstNamedChild?.text || '') : '';
        return name ? leaf('constant', name, node) : [];
      });
    }],
  ]),
};

// ---------- C and C++ ----------

/** Follows declarator fields (pointer, reference, array, parenthesized) down to the innermost one. */
function innermostDeclarator(node: Node | null): { functionDeclarator: Node | null; name: Node | null } {
  let functionDeclarator: Node | null = null;
  let current = node;
  for (let guard = 0; current && guard < 32; guard++) {
    if (current.type === 'function_declarator') functionDeclarator ??= current;
    const next: Node | null =
      field(current, 'declarator') ?? current.namedChildren.find((c) => c?.type.endsWith('declarator')) ?? null;
    if (!next) break;
    current = next;
  }
  return { functionDeclarator, name: current };
}

/** `Matrix<T>::at` -> name "at", container "Matrix". */
function splitQualified(nameNode: Node): { name: string; container?: string } {
  if (nameNode.type !== 'qualified_identifier') return { name: nameNode.text };
  let inner: Node = nameNode;
  const scopes: string[] = [];
  while (inner.type === 'qualified_identifier') {
    const scope = field(inner, 'scope');
    if (scope) scopes.push(scope.type === 'template_type' ? fieldText(scope, 'name') : scope.text);
    const next = field(inner, 'name');
    if (!next) break;
    inner = next;
  }
  return { name: inner.text, container: scopes[scopes.length - 1] };
}

function cFunction(node: Node, ctx: WalkContext): Found[] {
  const { functionDeclarator } = innermostDeclarator(field(node, 'declarator'));
  const nameNode = functionDeclarator ? field(functionDeclarator, 'declarator') : null;
  if (!nameNode) return [{ kind: 'function', name: '', node, scope: 'function' }];
  const { name, container } = splitQualified(nameNode);
  const kind: SymbolKind = container || ctx.scope === 'type' ? 'method' : 'function';
  return def(kind, name, node, 'function', container ? { container } : {});
}

function isConstQualified(node: Node): boolean {
  return node.namedChildren.some((c) => c?.type === 'type_qualifier' && /^(const|constexpr|constinit)$/.test(c.text));
}

/** Declarations: prototypes (headers and class bodies), globals; keeps walking into the type for named structs. */
function cDeclaration(node: Node, ctx: WalkContext): Found[] | null {
  if (ctx.scope === 'function') return null;
  const found: Found[] = [];
  for (const declarator of node.childrenForFieldName('declarator')) {
    if (!declarator) continue;
    const { functionDeclarator, name } = innermostDeclarator(declarator);
    if (functionDeclarator) {
      const nameNode = field(functionDeclarator, 'declarator');
      // `void (*handler)(int)` is a function pointer variable, not a prototype.
      if (!nameNode || nameNode.type === 'parenthesized_declarator') continue;
      if (ctx.scope !== 'type' && !ctx.isHeader) continue;
      const split = splitQualified(nameNode);
      found.push({ kind: ctx.scope === 'type' ? 'method' : 'function', name: split.name, node, descend: false });
    } else if (isTopLevel(ctx) && node.type === 'declaration' && name && /identifier$/.test(name.type)) {
      // `T Foo::s_member = ...` defines a static member of Foo; macros can confuse the parser into
      // "names" with spaces: those are not definitions.
      const split = splitQualified(name);
      if (/\s/.test(split.name)) continue;
      const kind: SymbolKind = isConstQualified(node) ? 'constant' : 'variable';
      found.push({ kind, name: split.name, node, descend: false, ...(split.container ? { container: split.container } : {}) });
    }
  }
  const type = field(node, 'type');
  if (type) found.push({ kind: 'type', name: '', node: type });
  return found;
}

function cTypedef(node: Node): Found[] {
  const type = field(node, 'type');
  const anonymousBody = type && !field(type, 'name') && field(type, 'body');
  const kind: SymbolKind = anonymousBody ? (type.type === 'enum_specifier' ? 'enum' : 'struct') : 'type';
  const found: Found[] = node.childrenForFieldName('declarator').flatMap((d) => {
    const name = innermostDeclarator(d).name;
    return name ? [{ kind, name: name.text, node, descend: false } as Found] : [];
  });
  if (type && !anonymousBody) found.push({ kind: 'type', name: '', node: type });
  return found;
}

function cRecord(node: Node, kind: SymbolKind): Found[] | null {
  const body = field(node, 'body');
  const nameNode = field(node, 'name');
  if (!body) return [];
  if (!nameNode) return null;
  const name = nameNode.type === 'template_type' ? fieldText(nameNode, 'name') : nameNode.text;
  return kind === 'enum' ? leaf(kind, name, node) : def(kind, name, node, 'type');
}

function cFamilyRules(isCpp: boolean): LanguageRules {
  return {
    functionLike: new Set(['lambda_expression']),
    handlers: byType([
      [['function_definition'], (node, ctx) => cFunction(node, ctx)],
      [['declaration', 'field_declaration'], (node, ctx) => cDeclaration(node, ctx)],
      [['type_definition'], (node) => cTypedef(node)],
      [['struct_specifier', 'union_specifier'], (node) => cRecord(node, 'struct')],
      [['class_specifier'], (node) => cRecord(node, 'class')],
      [['enum_specifier'], (node) => cRecord(node, 'enum')],
      [['preproc_def'], (node, ctx) => ctx.scope === 'function' ? [] : leaf('constant', fieldText(node, 'name'), node)],
      [['preproc_function_def'], (node) => leaf('macro', fieldText(node, 'name'), node)],
      [['namespace_definition'], (node) => isCpp ? def('namespace', fieldText(node, 'name'), node, 'namespace') : null],
      [['alias_declaration'], (node) => isCpp ? leaf('type', fieldText(node, 'name'), node) : null],
    ]),
  };
}

// ---------- Ruby ----------

const rubyRules: LanguageRules = {
  functionLike: new Set(['block', 'do_block', 'lambda']),
  handlers: byType([
    [['class'], (node) => def('class', fieldText(node, 'name'), node, 'type')],
    [['module'], (node) => def('module', fieldText(node, 'name'), node, 'type')],
    [['method'], (node, ctx) => def(functionOrMethod(ctx), fieldText(node, 'name'), node, 'function')],
    [['singleton_method'], (node) => {
      const object = fieldText(node, 'object');
      return def('method', fieldText(node, 'name'), node, 'function', object === 'self' ? {} : { container: object });
    }],
    [['assignment'], (node, ctx) => {
      const left = field(node, 'left');
      if (ctx.scope === 'function' || left?.type !== 'constant') return null;
      return leaf('constant', left.text, node);
    }],
  ]),
};

// ---------- PHP ----------

const phpRules: LanguageRules = {
  functionLike: new Set(['anonymous_function', 'anonymous_function_creation_expression', 'arrow_function']),
  handlers: byType([
    [['namespace_definition'], (node) => {
      // `namespace A;` applies to the rest of the file; `namespace A { }` has a body.
      const hasBody = !!field(node, 'body');
      return def('namespace', fieldText(node, 'name'), node, hasBody ? 'namespace' : undefined, { descend: hasBody });
    }],
    [['class_declaration'], (node) => def('class', fieldText(node, 'name'), node, 'type')],
    [['interface_declaration'], (node) => def('interface', fieldText(node, 'name'), node, 'type')],
    [['trait_declaration'], (node) => def('trait', fieldText(node, 'name'), node, 'type')],
    [['enum_declaration'], (node) => def('enum', fieldText(node, 'name'), node, 'type')],
    [['function_definition'], (node) => def('function', fieldText(node, 'name'), node, 'function')],
    [['method_declaration'], (node) => def('method', fieldText(node, 'name'), node, 'function')],
    [['const_declaration'], (node, ctx) => {
      if (ctx.scope === 'function') return [];
      return node.namedChildren.flatMap((c) => {
        const name = c?.type === 'const_element' ? c.namedChildren.find((n) => n?.type === 'name')?.text : undefined;
        return name ? leaf('constant', name, node) : [];
      });
    }],
  ]),
};

export const RULES: Record<CodeLanguage, LanguageRules> = {
  typescript: jsRules,
  tsx: jsRules,
  javascript: jsRules,
  python: pythonRules,
  go: goRules,
  rust: rustRules,
  java: javaRules,
  c: cFamilyRules(false),
  cpp: cFamilyRules(true),
  csharp: csharpRules,
  ruby: rubyRules,
  php: phpRules,
};
