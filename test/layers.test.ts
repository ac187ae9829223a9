// The layer rule of the design: src/rlm/ and src/workspace/ never import `vscode` at run time, directly or through
// a module outside those two folders. Type-only imports (`import type`) are allowed: TypeScript and esbuild erase
// them, so no bundle loads `vscode` for them; the bundle check below proves it for the CLI and the sandbox worker.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const ROOT = resolve(__dirname, '..');
const LAYERS = ['src/rlm', 'src/workspace'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Module specifiers a file loads at run time: imports and re-exports that are not type-only, require(), import(). */
export function runtimeImports(file: string, text = readFileSync(file, 'utf8')): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = clause?.isTypeOnly || (clause?.namedBindings && ts.isNamedImports(clause.namedBindings) && !clause.name && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) out.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && !node.isTypeOnly) {
      out.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      out.push(node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteralLike(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) out.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

test('the import scanner sees every runtime form and skips type-only imports', () => {
  const found = runtimeImports('x.ts', `
import * as a from 'vscode';
import type { B } from 'vscode-type-only';
import { type C } from 'vscode-inline-types';
export { d } from 'vscode-reexport';
import e = require('vscode-import-equals');
const f = require('vscode-require');
const g = await import('vscode-dynamic');
`);
  assert.deepEqual(found, ['vscode', 'vscode-reexport', 'vscode-import-equals', 'vscode-require', 'vscode-dynamic']);
});

test('src/rlm and src/workspace import neither vscode nor any module outside those folders at run time', () => {
  const problems: string[] = [];
  for (const layer of LAYERS) {
    for (const file of sources(join(ROOT, layer))) {
      for (const spec of runtimeImports(file)) {
        const where = relative(ROOT, file);
        if (spec === 'vscode' || spec.startsWith('vscode/')) problems.push(`${where} imports ${spec}`);
        if (spec.startsWith('.')) {
          const target = relative(ROOT, resolve(dirname(file), spec));
          if (!LAYERS.some((l) => target === l || target.startsWith(`${l}/`))) problems.push(`${where} imports ${target} (outside ${LAYERS.join(', ')})`);
        }
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('the CLI and sandbox-worker bundles never load vscode', () => {
  for (const bundle of ['dist/cli.js', 'dist/sandboxWorker.js']) {
    const file = join(ROOT, bundle);
    assert.ok(existsSync(file), `${bundle} is built (npm test builds it first)`);
    assert.doesNotMatch(readFileSync(file, 'utf8'), /require\(["']vscode["']\)/, bundle);
  }
});
