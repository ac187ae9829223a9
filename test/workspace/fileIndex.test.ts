// The file index: nested ignore files, exclude globs, always-skipped folders, binaries, size limit, languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openWorkspace } from '../../src/workspace/workspace';
import { makeTree, removeTree, writeFiles } from './helpers';
import { buildFileIndex } from '../../src/workspace/fileIndex';
import { readStat, StatPool } from '../../src/workspace/statPool';

const paths = async (root: string, options = {}): Promise<string[]> =>
  (await openWorkspace({ roots: [{ name: 'w', path: root }], options })).files().map((f) => f.path);

test('nested .gitignore, .ignore and .rgignore apply like ripgrep (deeper wins, negation, dir patterns)', async (t) => {
  const root = makeTree({
    '.gitignore': 'dist/\n*.log\n!keep.log\n/only-top.txt\n',
    'src/a.ts': 'a',
    'src/debug.log': 'x',
    'src/keep.log': 'x',
    'dist/out.js': 'x',
    'only-top.txt': 'x',
    'src/only-top.txt': 'kept: the pattern is anchored to the root',
    'pkg/.gitignore': 'generated/\n!important.log\n',
    'pkg/generated/g.ts': 'x',
    'pkg/important.log': 'kept by the nested negation',
    'pkg/other.log': 'ignored by the root rule',
    'pkg/.ignore': 'secret-notes.md\n',
    'pkg/secret-notes.md': 'x',
    'pkg/sub/.rgignore': '*.tmp.ts\n',
    'pkg/sub/x.tmp.ts': 'x',
    'pkg/sub/y.ts': 'y',
  });
  t.after(() => removeTree(root));
  const files = await paths(root);
  assert.deepEqual(files, [
    '.gitignore',
    'pkg/.gitignore',
    'pkg/.ignore',
    'pkg/important.log',
    'pkg/sub/.rgignore',
    'pkg/sub/y.ts',
    'src/a.ts',
    'src/keep.log',
    'src/only-top.txt',
  ]);
  // respectIgnoreFiles: false sees everything again.
  const all = await paths(root, { respectIgnoreFiles: false });
  for (const p of ['dist/out.js', 'pkg/generated/g.ts', 'pkg/sub/x.tmp.ts', 'pkg/other.log']) assert.ok(all.includes(p), p);
});

test('.rgignore overrides .ignore overrides .gitignore in the same folder', async (t) => {
  const root = makeTree({
    '.gitignore': 'a.txt\nb.txt\n',
    '.ignore': '!a.txt\nc.txt\n',
    '.rgignore': '!c.txt\n',
    'a.txt': '', 'b.txt': '', 'c.txt': '',
  });
  t.after(() => removeTree(root));
  const files = await paths(root);
  assert.ok(files.includes('a.txt') && files.includes('c.txt'));
  assert.ok(!files.includes('b.txt'));
});

test('exclude globs, .git and node_modules are skipped; node_modules is kept when the root is inside one', async (t) => {
  const root = makeTree({
    'src/a.ts': 'a',
    'src/a.test.ts': 'a',
    'build/x.js': 'x',
    '.git/config': 'x',
    '.git/HEAD': 'ref',
    'node_modules/lib/index.js': 'x',
    'sub/node_modules/lib/index.js': 'x',
    '.github/workflows/ci.yml': 'on: push',
  });
  t.after(() => removeTree(root));
  const files = await paths(root, { exclude: ['build/', '**/*.test.ts'] });
  assert.deepEqual(files, ['.github/workflows/ci.yml', 'src/a.ts']);
  const inside = await paths(path.join(root, 'node_modules'));
  assert.deepEqual(inside, ['lib/index.js']);
});

test('binaries (known extension or NUL bytes) and files over maxFileBytes stay out; text is sized', async (t) => {
  const root = makeTree({
    'img.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]),
    'blob': Buffer.from([1, 2, 0, 3, 4]),
    'script': '#!/usr/bin/env python3\nprint(1)\n',
    'big.txt': 'x'.repeat(5000),
    'small.txt': 'hello',
  });
  t.after(() => removeTree(root));
  const ws = await openWorkspace({ roots: [{ name: 'w', path: root }], options: { maxFileBytes: 4096 } });
  assert.deepEqual(ws.files().map((f) => f.path), ['script', 'small.txt']);
  assert.equal(ws.files().find((f) => f.path === 'small.txt')!.size, 5);
  assert.equal(ws.files().find((f) => f.path === 'script')!.language, 'python');
  assert.equal(ws.totalBytes, 5 + Buffer.byteLength('#!/usr/bin/env python3\nprint(1)\n'));
  assert.equal(ws.indexStats.binary, 2);
  assert.equal(ws.indexStats.tooLarge, 1);
});

test('parent .gitignore rules apply when the root is a subfolder of a git repository', async (t) => {
  const repo = makeTree({ '.gitignore': '*.gen.ts\n', 'app/a.ts': 'a', 'app/b.gen.ts': 'b' });
  fs.mkdirSync(path.join(repo, '.git'));
  t.after(() => removeTree(repo));
  assert.deepEqual(await paths(path.join(repo, 'app')), ['a.ts']);
});

test('a root excluded by its repository rules (e.g. node_modules/, dist/) is still indexed whole', async (t) => {
  const repo = makeTree({ '.gitignore': 'dist/\n', 'dist/a.js': 'a', 'dist/sub/b.js': 'b' });
  fs.mkdirSync(path.join(repo, '.git'));
  t.after(() => removeTree(repo));
  assert.deepEqual(await paths(path.join(repo, 'dist')), ['a.js', 'sub/b.js']);
});

test('multi-root: every path starts with its root name; files from spec.files skip the scan', async (t) => {
  const a = makeTree({ 'src/x.ts': 'x' });
  const b = makeTree({ 'lib/y.py': 'y' });
  t.after(() => { removeTree(a); removeTree(b); });
  const ws = await openWorkspace({ roots: [{ name: 'front', path: a }, { name: 'back', path: b }] });
  assert.deepEqual(ws.files().map((f) => f.path), ['back/lib/y.py', 'front/src/x.ts']);
  assert.deepEqual(ws.summary().roots, ['front', 'back']);
  // Reopening from a spec with files: a file added since is not seen (no rescan), reads still work.
  writeFiles(a, { 'src/new.ts': 'n' });
  const again = await openWorkspace(ws.childSpec());
  assert.deepEqual(again.files().map((f) => f.path), ['back/lib/y.py', 'front/src/x.ts']);
  assert.equal((await again.read('front/src/x.ts')).text, 'x');
});

test('the index of this repository matches its .gitignore (no node_modules, dist; sources present)', async () => {
  const repo = path.resolve(__dirname, '..', '..');
  const ws = await openWorkspace({ roots: [{ name: 'repo', path: repo }] });
  const files = ws.files().map((f) => f.path);
  assert.ok(files.includes('src/workspace/workspace.ts'));
  assert.ok(files.includes('package.json'));
  assert.ok(!files.some((f) => f.startsWith('node_modules/') || f.startsWith('dist/') || f.startsWith('.git/')));
  assert.equal(ws.files().find((f) => f.path === 'src/workspace/types.ts')!.language, 'typescript');
});

test('a spec\'s precomputed files are sanitized: escaping paths and secrets are dropped', async (t) => {
  const root = makeTree({ 'a.ts': 'a' });
  t.after(() => removeTree(root));
  const ws = await openWorkspace({
    roots: [{ name: 'w', path: root }],
    files: [
      { path: 'a.ts', size: 1, language: 'typescript' },
      { path: '../escape.ts', size: 1, language: 'typescript' },
      { path: '/etc/passwd', size: 1, language: 'plaintext' },
      { path: './b.ts', size: 1, language: 'typescript' },
      { path: 'config/.env', size: 1, language: 'plaintext' },
    ],
  });
  assert.deepEqual(ws.files().map((f) => f.path), ['a.ts']);
});

test('a virtual file shadows the disk file of the same path', async (t) => {
  const root = makeTree({ 'a.ts': 'disk', 'b.ts': 'b' });
  t.after(() => removeTree(root));
  const ws = await openWorkspace({ roots: [{ name: 'w', path: root }], virtualFiles: [{ path: 'a.ts', content: 'memory!' }] });
  assert.deepEqual(ws.files().map((f) => [f.path, f.size]), [['a.ts', 7], ['b.ts', 1]]);
  assert.equal((await ws.read('a.ts')).text, 'memory!');
  assert.deepEqual((await ws.grep('disk|memory')).hits.map((h) => h.text), ['memory!']);
});

test('a large scan yields to the event loop (the thread running it stays responsive)', async () => {
  let ticks = 0;
  let running = true;
  const tick = (): void => {
    ticks++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const ws = await openWorkspace({ roots: [{ name: 'nm', path: path.resolve(__dirname, '..', '..', 'node_modules') }] });
  running = false;
  assert.ok(ws.files().length > 1000);
  assert.ok(ticks > 1, `event loop ran ${ticks} times during the scan`);
});

test('a missing or non-folder root fails loudly; no roots at all is a text-only workspace', async (t) => {
  const root = makeTree({ 'f.txt': 'x' });
  t.after(() => removeTree(root));
  await assert.rejects(openWorkspace({ roots: [{ name: 'w', path: path.join(root, 'nope') }] }), /Workspace folder not found/);
  await assert.rejects(openWorkspace({ roots: [{ name: 'w', path: path.join(root, 'f.txt') }] }), /not a folder/);
  const text = await openWorkspace({ roots: [], virtualFiles: [{ path: 'input.txt', content: 'hello\nworld\n' }] });
  assert.equal(text.name, 'text');
  assert.deepEqual(text.files().map((f) => f.path), ['input.txt']);
  assert.equal((await text.grep('world')).hits[0]!.line, 2);
  await assert.rejects(text.read('other.txt'), /not in this workspace/);
});

test('stats in worker threads give the same index as stats inline (links, sizes, sniffed and skipped files, many chunks)', async (t) => {
  const files: Record<string, string | Buffer> = {
    'src/app.ts': 'export const a = 1;\n',
    'bin/tool': '#!/usr/bin/env python3\nprint(1)\n',
    'bin/blob': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]),
    'big.txt': 'x'.repeat(5000),
    '.env': 'SECRET=1\n',
    'empty': '',
  };
  // More files than three worker messages hold, spread over folders.
  for (let i = 0; i < 2600; i++) files[`gen/d${i % 37}/f${i}.js`] = `// ${i}\n`.repeat(1 + (i % 5));
  const root = makeTree(files);
  const outside = makeTree({ 'shared.txt': 'outside\n' });
  t.after(() => {
    removeTree(root);
    removeTree(outside);
  });
  fs.linkSync(path.join(outside, 'shared.txt'), path.join(root, 'hardlink-out.txt'));
  fs.linkSync(path.join(root, 'src/app.ts'), path.join(root, 'src/app-copy.ts'));
  fs.symlinkSync(path.join(root, 'src/app.ts'), path.join(root, 'link-in.ts'));
  fs.symlinkSync(path.join(outside, 'shared.txt'), path.join(root, 'link-out.txt'));
  const roots = [{ name: 'w', path: root }];
  const base = { respectIgnoreFiles: true, exclude: [], includeSecrets: false, maxFileBytes: 4096 };
  const inline = await buildFileIndex(roots, { ...base, parallelStatFrom: Number.POSITIVE_INFINITY });
  const parallel = await buildFileIndex(roots, { ...base, parallelStatFrom: 0 });
  assert.deepEqual(parallel, inline);
  const byPath = new Map(parallel.files.map((f) => [f.path, f]));
  assert.equal(parallel.files.length, 2600 + 5); // src/app.ts, its hard link, link-in.ts, bin/tool, empty, and the 2,600
  assert.equal(byPath.get('bin/tool')?.language, 'python');
  assert.equal(byPath.get('gen/d1/f1.js')?.size, '// 1\n'.length * 2);
  assert.ok(byPath.has('src/app-copy.ts') && byPath.has('link-in.ts'));
  assert.ok(!byPath.has('hardlink-out.txt') && !byPath.has('link-out.txt') && !byPath.has('big.txt') && !byPath.has('bin/blob') && !byPath.has('.env'));
  assert.deepEqual(
    { tooLarge: parallel.stats.tooLarge, binary: parallel.stats.binary, secrets: parallel.stats.secrets, hardLinksOutside: parallel.stats.hardLinksOutside, symlinksOutside: parallel.stats.symlinksOutside },
    { tooLarge: 1, binary: 1, secrets: 1, hardLinksOutside: 1, symlinksOutside: 1 },
  );
});

test('the stat pool returns what fs.statSync says, -1 for a missing file, and ends its threads on close', async (t) => {
  const root = makeTree({ 'a.txt': 'abc', 'b/c.txt': 'hello\n' });
  t.after(() => removeTree(root));
  const pool = new StatPool(2);
  const paths = ['a.txt', 'missing', 'b/c.txt'];
  const raw = await pool.statRaw(root + path.sep, paths);
  const view = { size: 0, mtimeMs: 0, nlink: 0, dev: 0, ino: 0 };
  const a = fs.statSync(path.join(root, 'a.txt'));
  assert.deepEqual({ ...readStat(raw, 0, view)! }, { size: 3, mtimeMs: a.mtimeMs, nlink: a.nlink, dev: a.dev, ino: a.ino });
  assert.equal(readStat(raw, 1, view), undefined);
  assert.equal(readStat(raw, 2, view)?.size, 6);
  await pool.close();
  await assert.rejects(pool.statRaw(root + path.sep, paths), /closed/);
});
