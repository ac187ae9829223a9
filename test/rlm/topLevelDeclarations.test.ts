import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rewriteTopLevelDeclarations as rewrite } from '../../src/rlm/sandbox/topLevelDeclarations';

test('top-level const/let become re-declarable vars, keeping columns', () => {
  assert.equal(rewrite('const x = 1;\nlet y = 2'), 'var   x = 1;\nvar y = 2');
  assert.equal(rewrite('const {a, b} = o\nlet [c] = arr'), 'var   {a, b} = o\nvar [c] = arr');
  assert.equal(rewrite('const hits = await context.grep("x")'), 'var   hits = await context.grep("x")');
});

test('top-level classes become var assignments closed by a semicolon', () => {
  assert.equal(rewrite('class Foo extends Bar { m() { return {} } }\n(0)'), 'var Foo = class Foo extends Bar { m() { return {} } };\n(0)');
});

test('declarations inside functions, blocks and loop heads keep their scoping', () => {
  const code = 'function f() { const a = 1; let b; class C {} }\nfor (let i = 0; i < 3; i++) { const j = i }\nif (x) { let z = 1 }';
  assert.equal(rewrite(code), code);
});

test('strings, templates, comments and regex literals are not mistaken for code', () => {
  const code = [
    'print("const a = 1", \'let b\')',
    'print(`class X {} ${ "}" } const y`)',
    '// const c = 3',
    '/* let d = 4 */',
    'const r = /\\/}const e/g.test(s)',
  ].join('\n');
  const out = rewrite(code);
  assert.equal(out.split('\n').slice(0, 4).join('\n'), code.split('\n').slice(0, 4).join('\n'));
  assert.equal(out.split('\n')[4], 'var   r = /\\/}const e/g.test(s)');
});

test('class expressions and identifiers named let are left alone', () => {
  assert.equal(rewrite('const K = class Foo {}'), 'var   K = class Foo {}');
  assert.equal(rewrite('x = let + 1'), 'x = let + 1');
});

test('code the scanner cannot follow is returned unchanged', () => {
  assert.equal(rewrite('const s = "unterminated'), 'const s = "unterminated');
  assert.equal(rewrite('const a = (1'), 'const a = (1');
});
