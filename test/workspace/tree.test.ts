// tree() and summary(): folder counts, elisions, and a size that does not grow with the workspace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { renderTree, DEFAULT_TREE_BUDGET } from '../../src/workspace/tree';
import { openWorkspace } from '../../src/workspace/workspace';
import { makeTree, removeTree, REPO_ROOT } from './helpers';

test('renders folders with file counts, files, and "... N more"', () => {
  const paths = ['README.md', 'src/a.ts', 'src/b.ts', 'src/lib/c.ts', 'src/lib/deep/d.ts', 'test/a.test.ts'];
  assert.equal(
    renderTree(paths, '', 2),
    [
      './ (6 files)',
      '  src/ (4 files)',
      '    lib/ (2 files)',
      '    a.ts',
      '    b.ts',
      '  test/ (1 file)',
      '    a.test.ts',
      '  README.md',
    ].join('\n'),
  );
  assert.equal(renderTree(paths, 'src/lib', 3), ['src/lib/ (2 files)', '  deep/ (1 file)', '    d.ts', '  c.ts'].join('\n'));
  const many = Array.from({ length: 100 }, (_, i) => `f${String(i).padStart(3, '0')}.ts`);
  const out = renderTree(many, '', 1);
  assert.match(out, /\.\.\. 75 more files/);
  assert.equal(out.split('\n').length, 1 + 25 + 1);
});

test('the tree stays within its budget for a huge synthetic workspace', () => {
  const paths: string[] = [];
  for (let a = 0; a < 60; a++) for (let b = 0; b < 40; b++) for (let c = 0; c < 30; c++) paths.push(`pkg${a}/mod${b}/file${c}.ts`);
  for (const depth of [1, 2, 3, 6]) {
    const out = renderTree(paths, '', depth);
    assert.ok(out.length <= DEFAULT_TREE_BUDGET + 400, `depth ${depth}: ${out.length} chars`);
    assert.match(out, /^\.\/ \(72000 files\)/);
    if (depth > 1) assert.match(out, /more folder/);
  }
});

test('Workspace.tree checks its folder; summary() does not grow with the workspace', async (t) => {
  const small = makeTree({ 'src/a.ts': 'a', 'src/b/c.ts': 'c', 'README.md': '# r' });
  t.after(() => removeTree(small));
  const ws = await openWorkspace({ roots: [{ name: 'small', path: small }] });
  assert.match(ws.tree('src', 3), /^src\/ \(2 files\)\n {2}b\/ \(1 file\)\n {4}c\.ts\n {2}a\.ts$/);
  assert.throws(() => ws.tree('nope'), /Folder not found/);
  assert.throws(() => ws.tree('src/a.ts'), /is a file/);

  const s = ws.summary();
  assert.deepEqual([s.name, s.fileCount, s.totalBytes], ['small', 3, 5]);
  // This repository's node_modules: thousands of files, yet a summary of bounded size.
  const big = await openWorkspace({ roots: [{ name: 'nm', path: path.join(REPO_ROOT, 'node_modules') }] });
  const bs = big.summary();
  assert.ok(bs.fileCount > 1000, `${bs.fileCount} files`);
  assert.ok(JSON.stringify(bs).length < 5000, `summary is ${JSON.stringify(bs).length} chars`);
  assert.ok(bs.tree.length <= 3000 + 400, `summary tree is ${bs.tree.length} chars`);
  assert.ok(big.tree('', 8).length <= DEFAULT_TREE_BUDGET + 400);
});
