// Path safety: relative paths only, no '..' escapes, symlinks that leave the root are refused, loops end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openWorkspace } from '../../src/workspace/workspace';
import { normalizeWorkspacePath } from '../../src/workspace/pathSafety';
import { WorkspaceError } from '../../src/workspace/types';
import { makeTree, removeTree } from './helpers';

test('normalizeWorkspacePath: canonical form, refuses absolute paths and escapes', () => {
  assert.equal(normalizeWorkspacePath('./src//a.ts'), 'src/a.ts');
  assert.equal(normalizeWorkspacePath('src\\b\\c.ts'), 'src/b/c.ts');
  assert.equal(normalizeWorkspacePath('src/x/../a.ts'), 'src/a.ts');
  assert.equal(normalizeWorkspacePath('src/'), 'src');
  assert.equal(normalizeWorkspacePath('.'), '');
  for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'C:\\Windows', '~/x', '..']) {
    assert.throws(() => normalizeWorkspacePath(bad), WorkspaceError, bad);
  }
});

test('read refuses ../ escapes and absolute paths (with a hint when the absolute path is inside)', async (t) => {
  const outside = makeTree({ 'secret.txt': 'top secret' });
  const root = makeTree({ 'src/a.ts': 'export const a = 1;\n' });
  t.after(() => { removeTree(root); removeTree(outside); });
  const ws = await openWorkspace({ roots: [{ name: 'w', path: root }] });
  const rel = path.relative(root, path.join(outside, 'secret.txt'));
  await assert.rejects(ws.read(rel), (e: Error) => e instanceof WorkspaceError && /outside the workspace/.test(e.message));
  await assert.rejects(ws.read('src/../../x'), WorkspaceError);
  await assert.rejects(ws.read(path.join(outside, 'secret.txt')), /Absolute paths are not allowed/);
  await assert.rejects(ws.read(path.join(root, 'src/a.ts')), /Did you mean "src\/a.ts"/);
  assert.throws(() => ws.resolvePath('../x'), WorkspaceError);
  assert.equal(ws.resolvePath('src/a.ts'), path.join(root, 'src', 'a.ts'));
  await assert.rejects(ws.grep('x', { paths: ['../'] }), WorkspaceError);
});

test('symlinks: inside the root are followed; out of the root (file or folder) are refused; loops end', async (t) => {
  const outside = makeTree({ 'creds.txt': 'password=hunter2\n', 'dir/inner.ts': 'export const leaked = 1;\n' });
  const root = makeTree({ 'src/real.ts': 'export const real = 1; // needle\n', 'src/deep/d.ts': 'needle\n' });
  t.after(() => { removeTree(root); removeTree(outside); });
  fs.symlinkSync(path.join(root, 'src', 'real.ts'), path.join(root, 'alias.ts'));
  fs.symlinkSync(path.join(root, 'src'), path.join(root, 'srclink'));
  fs.symlinkSync(path.join(outside, 'creds.txt'), path.join(root, 'creds.txt'));
  fs.symlinkSync(path.join(outside, 'dir'), path.join(root, 'outdir'));
  fs.symlinkSync(root, path.join(root, 'src', 'deep', 'loop')); // points at an ancestor
  fs.symlinkSync(path.join(root, 'src'), path.join(root, 'src', 'self')); // points at its own folder

  const ws = await openWorkspace({ roots: [{ name: 'w', path: root }] });
  const files = ws.files().map((f) => f.path);
  assert.deepEqual(files, ['alias.ts', 'src/deep/d.ts', 'src/real.ts', 'srclink/deep/d.ts', 'srclink/real.ts']);
  assert.equal(ws.indexStats.symlinksOutside, 2);
  assert.ok(ws.indexStats.symlinkLoops >= 2);

  assert.match((await ws.read('alias.ts')).text, /real = 1/);
  assert.match((await ws.read('srclink/real.ts')).text, /real = 1/);
  await assert.rejects(ws.read('creds.txt'), /outside the workspace/);
  await assert.rejects(ws.read('outdir/inner.ts'), /outside the workspace/);
  assert.throws(() => ws.resolvePath('outdir/inner.ts'), WorkspaceError);

  for (const disableRipgrep of [false, true]) {
    const w = await openWorkspace({ roots: [{ name: 'w', path: root }], options: { disableRipgrep } });
    const g = await w.grep('password|leaked|needle');
    assert.deepEqual(
      g.hits.map((h) => h.path),
      ['alias.ts', 'src/deep/d.ts', 'src/real.ts', 'srclink/deep/d.ts', 'srclink/real.ts'],
      `disableRipgrep=${disableRipgrep}`,
    );
  }
});

test('multi-root paths must start with a root name', async (t) => {
  const a = makeTree({ 'x.ts': 'x' });
  const b = makeTree({ 'y.ts': 'y' });
  t.after(() => { removeTree(a); removeTree(b); });
  const ws = await openWorkspace({ roots: [{ name: 'a', path: a }, { name: 'b', path: b }] });
  assert.equal((await ws.read('b/y.ts')).text, 'y');
  await assert.rejects(ws.read('y.ts'), /root name/);
  // 'a/../b/y.ts' normalizes to 'b/y.ts': it stays inside the workspace.
  assert.equal((await ws.read('a/../b/y.ts')).path, 'b/y.ts');
  await assert.rejects(ws.read('c/z.ts'), /root name.*\(a, b\)/);
  assert.equal(ws.resolvePath('a/x.ts'), path.join(a, 'x.ts'));
});

test('ripgrep is told to skip the links the scan refused (it would otherwise follow them out)', async (t) => {
  const { runRipgrep, findRipgrep } = await import('../../src/workspace/ripgrep');
  const { HitCollector } = await import('../../src/workspace/searchResults');
  const outside = makeTree({ 'big/far.ts': 'needle far away\n' });
  const root = makeTree({ 'in.ts': 'needle here\n' });
  t.after(() => { removeTree(root); removeTree(outside); });
  fs.symlinkSync(path.join(outside, 'big'), path.join(root, 'out[1]'));
  fs.symlinkSync(root, path.join(root, 'loop'));
  const ws = await openWorkspace({ roots: [{ name: 'w', path: root }] });
  assert.deepEqual(ws.indexStats.skippedLinks.sort(), ['loop', 'out[1]']);
  const globs = (ws as unknown as { skippedPathGlobs(i: unknown): string[] }).skippedPathGlobs({ prefix: '' });
  const seen: string[] = [];
  for (const extra of [[], globs]) {
    seen.length = 0;
    await runRipgrep({
      rgPath: findRipgrep()!,
      cwd: root,
      flags: ['--json', '--follow', '--no-config', ...extra],
      pattern: 'needle',
      paths: ['.'],
      accept: (p) => (seen.push(p), null),
      collector: new HitCollector({ maxResults: 10, before: 0, after: 0 }),
    });
    if (!extra.length) assert.ok(seen.includes('out[1]/far.ts'), 'without the globs rg goes out');
  }
  assert.deepEqual(seen, ['in.ts']);
});
