// Rewrites the top-level declarations of a code block so that every block behaves like a notebook cell.
//
// QuickJS keeps global `let`/`const`/`class` bindings from one evaluation to the next (they persist), but a
// later block that declares the same name again is rejected as a whole with "SyntaxError: redeclaration of 'x'".
// Models re-run and edit cells constantly, so we turn top-level lexical declarations into `var` ones, which are
// global properties that may be declared again:
//   const x = 1      ->  var   x = 1        (same length: columns in error messages stay right)
//   let {a, b} = o   ->  var {a, b} = o
//   class Foo {...}  ->  var Foo = class Foo {...};
// Function declarations are already re-declarable globals and are left alone. Only statements at brace/paren
// depth 0 are touched; everything inside functions, blocks and loop heads keeps its normal scoping.
// The scanner is a light tokenizer (strings, template literals, comments, regex literals), not a parser: when
// it cannot tell, it leaves the code as written.

interface Token {
  kind: 'ident' | 'punct' | 'other';
  text: string;
  start: number;
  end: number;
  depth: number;
  /** A line break separates this token from the previous one. */
  newlineBefore: boolean;
}

/** Keywords after which a `/` starts a regular expression, not a division. */
const REGEX_AFTER_KEYWORDS = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await',
]);

/** Tokens that leave an expression unfinished: a following `class` is a class expression, not a declaration. */
const CONTINUES_EXPRESSION = new Set([
  '=', '(', '[', ',', ':', '?', '=>', '+', '-', '*', '/', '%', '**', '&&', '||', '??', '!', '~', '<', '>', '<=', '>=',
  '==', '===', '!=', '!==', '&', '|', '^', '<<', '>>', '>>>', '+=', '-=', '*=', '/=', '%=', '&&=', '||=', '??=', '.',
  '?.', '...', 'return', 'typeof', 'void', 'new', 'await', 'yield', 'extends', 'in', 'of', 'instanceof', 'case',
  'throw', 'delete', 'default', 'export',
]);

const PUNCTUATORS = [
  '>>>=', '...', '===', '!==', '**=', '<<=', '>>=', '>>>', '&&=', '||=', '??=', '=>', '==', '!=', '<=', '>=', '&&', '||',
  '??', '?.', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '**', '<<', '>>',
];

/** Splits code into tokens with their bracket depth; returns null when the code is too unusual to scan. */
function tokenize(code: string): Token[] | null {
  const tokens: Token[] = [];
  // Each entry is a bracket opener; '${' marks a template substitution whose '}' resumes the template.
  const stack: string[] = [];
  let i = 0;
  let newline = false;
  const n = code.length;

  const prevSignificant = (): Token | undefined => tokens[tokens.length - 1];
  const regexAllowed = (): boolean => {
    const prev = prevSignificant();
    if (!prev) return true;
    if (prev.kind === 'ident') return REGEX_AFTER_KEYWORDS.has(prev.text);
    if (prev.kind === 'other') return false; // number, string, template, regex
    return !(prev.text === ')' || prev.text === ']' || prev.text === '}' || prev.text === '++' || prev.text === '--');
  };
  const push = (kind: Token['kind'], start: number, end: number) => {
    tokens.push({ kind, text: code.slice(start, end), start, end, depth: stack.length, newlineBefore: newline });
    newline = false;
  };

  // Scans a template literal body from i (just after ` or after the } closing a substitution).
  const scanTemplate = (): boolean => {
    while (i < n) {
      const c = code[i];
      if (c === '\\') { i += 2; continue; }
      if (c === '`') { i++; return true; }
      if (c === '$' && code[i + 1] === '{') { i += 2; stack.push('${'); return true; }
      i++;
    }
    return false;
  };

  while (i < n) {
    const c = code[i];
    if (c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029') { newline = true; i++; continue; }
    if (c === ' ' || c === '\t' || c === '\f' || c === '\v' || c === '\ufeff' || c === '\u00a0') { i++; continue; }
    const start = i;
    if (c === '/' && code[i + 1] === '/') {
      while (i < n && code[i] !== '\n' && code[i] !== '\r') i++;
      continue;
    }
    if (c === '/' && code[i + 1] === '*') {
      const close = code.indexOf('*/', i + 2);
      if (close < 0) return null;
      if (/[\n\r]/.test(code.slice(i, close))) newline = true;
      i = close + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      while (i < n && code[i] !== c) {
        if (code[i] === '\\') i++;
        else if (code[i] === '\n') return null;
        i++;
      }
      if (i >= n) return null;
      i++;
      push('other', start, i);
      continue;
    }
    if (c === '`') {
      i++;
      if (!scanTemplate()) return null;
      push('other', start, i);
      continue;
    }
    if (c === '/' && regexAllowed()) {
      i++;
      let inClass = false;
      while (i < n) {
        const d = code[i];
        if (d === '\\') { i += 2; continue; }
        if (d === '\n') return null;
        if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        i++;
      }
      if (i >= n) return null;
      i++;
      while (i < n && /[a-z]/i.test(code[i])) i++;
      push('other', start, i);
      continue;
    }
    if (/[A-Za-z_$\u0080-\uffff]/.test(c) || c === '\\') {
      while (i < n && /[\w$\u0080-\uffff\\]/.test(code[i])) i++;
      push('ident', start, i);
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(code[i + 1] ?? ''))) {
      while (i < n && /[\w.]/.test(code[i])) i++;
      push('other', start, i);
      continue;
    }
    if (c === '(' || c === '[' || c === '{') {
      push('punct', start, i + 1);
      stack.push(c);
      i++;
      continue;
    }
    if (c === ')' || c === ']' || c === '}') {
      const open = stack.pop();
      if (open === undefined) return null;
      if (open === '${') {
        if (c !== '}') return null;
        i++;
        if (!scanTemplate()) return null;
        // The template's tail is part of one 'other' token, already pushed when the template started.
        continue;
      }
      i++;
      push('punct', start, i);
      continue;
    }
    const op = PUNCTUATORS.find((p) => code.startsWith(p, i));
    i += op ? op.length : 1;
    push('punct', start, i);
  }
  return stack.length === 0 ? tokens : null;
}

/** True when a token at depth 0 begins a statement (so `class`/`let` there are declarations). */
function startsStatement(prev: Token | undefined, token: Token): boolean {
  if (!prev) return true;
  if (prev.depth > 0 && prev.text !== '}') return false;
  if (prev.text === ';' || prev.text === '}') return true;
  if (CONTINUES_EXPRESSION.has(prev.text)) return false;
  return token.newlineBefore;
}

/** Rewrites top-level let/const/class declarations to re-declarable `var`s; see the file comment. */
export function rewriteTopLevelDeclarations(code: string): string {
  const tokens = tokenize(code);
  if (!tokens) return code;
  const edits: { at: number; remove: number; insert: string }[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.depth !== 0 || t.kind !== 'ident') continue;
    const prev = tokens[k - 1];
    const next = tokens[k + 1];
    if (!next || !startsStatement(prev, t)) continue;
    if (t.text === 'const' && (next.kind === 'ident' || next.text === '{' || next.text === '[')) {
      edits.push({ at: t.start, remove: 5, insert: 'var  ' });
    } else if (t.text === 'let' && (next.kind === 'ident' || next.text === '{' || next.text === '[') && !next.newlineBefore) {
      if (next.kind === 'ident' && ['in', 'of', 'instanceof'].includes(next.text)) continue;
      edits.push({ at: t.start, remove: 3, insert: 'var' });
    } else if (t.text === 'class' && next.kind === 'ident' && next.text !== 'extends') {
      // Find the class body's closing brace: the first '}' back at depth 0 after the opening '{'.
      let close = -1;
      for (let m = k + 2; m < tokens.length; m++) {
        if (tokens[m].depth === 0 && tokens[m].text === '}') { close = m; break; }
      }
      if (close < 0) continue;
      edits.push({ at: t.start, remove: 0, insert: `var ${next.text} = ` });
      edits.push({ at: tokens[close].end, remove: 0, insert: ';' });
    }
  }
  let out = code;
  for (const e of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.insert + out.slice(e.at + e.remove);
  return out;
}
