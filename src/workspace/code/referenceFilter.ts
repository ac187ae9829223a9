// Keeps only the grep hits where the name is a real identifier token in the syntax tree: not in a comment,
// not inside a string (unless in an interpolation like `${name}`), not part of a longer token.
import type { Node, Tree } from 'web-tree-sitter';

export const NOT_CODE = /comment|string|heredoc|regex|char_literal|^text$/;
export const BACK_TO_CODE = /interpolation|template_substitution|substitution|embedded_expression|^escape_interpolation$/;

/** Whether `node` (a token) lies in code, not in a comment or string literal. */
function isInCode(node: Node): boolean {
  for (let n: Node | null = node; n; n = n.parent) {
    if (BACK_TO_CODE.test(n.type)) return true;
    if (NOT_CODE.test(n.type)) return false;
  }
  return true;
}

/** Column positions (UTF-16 units, as tree-sitter reports them for JS strings) where `name` stands as a whole word. */
export function wordColumns(line: string, name: string): number[] {
  const cols: number[] = [];
  const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_$]/u.test(c);
  for (let at = line.indexOf(name); at >= 0; at = line.indexOf(name, at + 1)) {
    if (!isWordChar(line[at - 1]) && !isWordChar(line[at + name.length])) cols.push(at);
  }
  return cols;
}

/** True when some whole-word occurrence of `name` on 0-based `row` is an identifier-like token in code. */
export function isCodeReference(tree: Tree, lineText: string, row: number, name: string): boolean {
  for (const column of wordColumns(lineText, name)) {
    const node = tree.rootNode.descendantForPosition({ row, column }, { row, column: column + name.length });
    if (!node) continue;
    // The smallest node covering the occurrence must be exactly the name: a token, not a piece of text.
    const token = node.text === name ? node : node.namedChildren.find((c) => c?.startPosition.column === column && c.text === name);
    if (token && token.startPosition.row === row && isInCode(token)) return true;
  }
  return false;
}
