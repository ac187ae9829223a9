// grep(): ripgrep on the host and the pure-JS fallback, with the same options, rules and result shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { openWorkspace, type Workspace } from '../../src/workspace/workspace';
import { findRipgrep } from '../../src/workspace/ripgrep';
import { COUNT_LIMIT, MAX_LINE_CHARS } from '../../src/workspace/searchResults';
import { WorkspaceError, type GrepOptions } from '../../src/workspace/types';
import { makeTree, removeTree, REPO_ROOT } from './helpers';

const FILES: Record<string, string> = {
  'src/server.ts': [
    'import { Router } from "./router";',
    'export function startServer(port: number) {',
    '  const router = new Router();',
    '  router.get("/health", () => "ok");',
    '  return listen(port, router);',
    '}',
    '// TODO: graceful shutdown',
    '',
  ].join('\n'),
  'src/router.ts': [
    'export class Router {',
    '  routes = new Map<string, Handler>();',
    '  get(path: string, h: Handler) { this.routes.set(path, h); }',
    '}',
    'type Handler = () => string; // router handler',
  ].join('\n'),
  'src/util/strings.py': '#!/usr/bin/env python3\ndef router_name(s):\n    return s.upper()  # TODO tidy\n',
  'docs/guide.md': '# Guide\nThe Router maps paths (a.b) to handlers.\nTODO: more docs\n',
  'lib/minified.js': 'var x=1;' + 'a'.repeat(2000) + 'needleLong' + 'b'.repeat(100) + '\n',
  'build/ignored.ts': 'Router in an ignored folder\n',
  '.gitignore': 'build/\n',
};

async function both(root: string, spec: Record<string, unknown> = {}): Promise<[Workspace, Workspace]> {
  const roots = [{ name: 'w', path: root }];
  return [
    await openWorkspace({ roots, ...spec }),
    await openWorkspace({ roots, ...spec, options: { disableRipgrep: true } }),
  ];
}

test('ripgrep is found: @vscode/ripgrep\'s platform binary', () => {
  const rg = findRipgrep();
  assert.ok(rg, 'a ripgrep binary');
  assert.match(rg!, /ripgrep/);
});

test('options: glob, ignoreCase, fixed, word, paths, before/after — rg and the JS fallback agree', async (t) => {
  const root = makeTree(FILES);
  t.after(() => removeTree(root));
  const [rg, js] = await both(root);
  assert.ok(rg.usesRipgrep && !js.usesRipgrep);
  const cases: [string, GrepOptions, string[]][] = [
    ['Router', {}, ['docs/guide.md:2', 'src/router.ts:1', 'src/server.ts:1', 'src/server.ts:3']],
    ['router', { ignoreCase: true }, ['docs/guide.md:2', 'src/router.ts:1', 'src/router.ts:5', 'src/server.ts:1',
      'src/server.ts:3', 'src/server.ts:4', 'src/server.ts:5', 'src/util/strings.py:2']],
    ['router', { word: true }, ['src/router.ts:5', 'src/server.ts:1', 'src/server.ts:3', 'src/server.ts:4', 'src/server.ts:5']],
    ['Router', { glob: '*.ts' }, ['src/router.ts:1', 'src/server.ts:1', 'src/server.ts:3']],
    ['TODO', { glob: ['src/**', '!*.py'] }, ['src/server.ts:7']],
    ['(a.b)', { fixed: true }, ['docs/guide.md:2']],
    ['TODO', { paths: ['src/util', 'docs/guide.md'] }, ['docs/guide.md:3', 'src/util/strings.py:3']],
    ['^export (function|class) \\w+', {}, ['src/router.ts:1', 'src/server.ts:2']],
  ];
  for (const [pattern, opts, expected] of cases) {
    for (const ws of [rg, js]) {
      const res = await ws.grep(pattern, opts);
      const got = res.hits.map((h) => `${h.path}:${h.line}`);
      assert.deepEqual(got, expected, `${pattern} ${JSON.stringify(opts)} rg=${ws.usesRipgrep}`);
      assert.equal(res.total, expected.length);
      assert.equal(res.truncated, false);
    }
  }
  // Same full hit objects (text, context) from both engines.
  for (const opts of [{ before: 2, after: 1 }, { before: 1, after: 3, ignoreCase: true }]) {
    assert.deepEqual(await rg.grep('router', opts), await js.grep('router', opts), JSON.stringify(opts));
  }
});

test('context lines: before/after, at file edges and between close matches', async (t) => {
  const root = makeTree(FILES);
  t.after(() => removeTree(root));
  for (const ws of await both(root)) {
    const res = await ws.grep('router\\.', { before: 1, after: 2, paths: ['src/server.ts'] });
    assert.deepEqual(res.hits, [
      { path: 'src/server.ts', line: 4, text: '  router.get("/health", () => "ok");',
        before: ['  const router = new Router();'], after: ['  return listen(port, router);', '}'] },
    ]);
    const edge = await ws.grep('export class', { before: 3, after: 1 });
    assert.deepEqual(edge.hits[0]!.before, []);
    assert.deepEqual(edge.hits[0]!.after, ['  routes = new Map<string, Handler>();']);
    const close = await ws.grep('Router', { before: 1, after: 1, paths: ['src/server.ts'] });
    assert.deepEqual(close.hits.map((h) => [h.line, h.before, h.after]), [
      [1, [], ['export function startServer(port: number) {']],
      [3, ['export function startServer(port: number) {'], ['  router.get("/health", () => "ok");']],
    ]);
  }
});

test('maxResults caps hits while total counts all; long lines are cut; ignored files never match', async (t) => {
  const lines = Array.from({ length: 50 }, (_, i) => `item ${i}`).join('\n');
  const root = makeTree({ ...FILES, 'a.txt': lines, 'b.txt': lines });
  t.after(() => removeTree(root));
  for (const ws of await both(root)) {
    const res = await ws.grep('item', { maxResults: 30 });
    assert.equal(res.hits.length, 30);
    assert.equal(res.total, 100);
    assert.equal(res.truncated, true);
    assert.ok(!res.totalIsLowerBound);
    // The kept hits are the first 30 in (path, line) order: all 30 from a.txt, lines 1..30.
    assert.deepEqual(res.hits.map((h) => `${h.path}:${h.line}`), Array.from({ length: 30 }, (_, i) => `a.txt:${i + 1}`));
    const huge = await ws.grep('item', { maxResults: 1e9 });
    assert.equal(huge.hits.length, 100); // hard cap is 2000: all fit
    const long = await ws.grep('needleLong');
    assert.equal(long.hits.length, 1);
    assert.ok(long.hits[0]!.text.length < MAX_LINE_CHARS + 40, 'cut');
    assert.match(long.hits[0]!.text, /more chars\]$/);
    assert.equal((await ws.grep('ignored folder')).total, 0);
  }
});

test('a pattern with 100k hits stays capped: bounded hits, counting stops, total is a lower bound', async (t) => {
  const big = 'hit\n'.repeat(50_000);
  const root = makeTree({ 'one.txt': big, 'two.txt': big });
  t.after(() => removeTree(root));
  for (const ws of await both(root)) {
    const res = await ws.grep('hit');
    assert.equal(res.hits.length, 200);
    assert.equal(res.truncated, true);
    assert.equal(res.totalIsLowerBound, true);
    assert.ok(res.total >= COUNT_LIMIT && res.total < 100_000, `total ${res.total}`);
    const capped = await ws.grep('hit', { maxResults: 5000 });
    assert.equal(capped.hits.length, 2000, 'hard cap');
  }
});

test('invalid regex -> WorkspaceError with the engine\'s message', async (t) => {
  const root = makeTree(FILES);
  t.after(() => removeTree(root));
  const [rg, js] = await both(root);
  await assert.rejects(rg.grep('foo(bar'), (e: Error) => e instanceof WorkspaceError && /Invalid search pattern: .*regex parse error/s.test(e.message));
  await assert.rejects(js.grep('foo(bar'), (e: Error) => e instanceof WorkspaceError && /Invalid search pattern/.test(e.message));
  await assert.rejects(rg.grep(''), WorkspaceError);
  await assert.rejects(rg.grep('x', { paths: ['nope/missing.ts'] }), /Path not found/);
});

test('multi-root, subset and virtual files', async (t) => {
  const a = makeTree({ 'src/x.ts': 'shared token\n', 'src/y.ts': 'other\n' });
  const b = makeTree({ 'src/x.ts': 'shared token too\n', 'lib/z.ts': 'shared\n' });
  t.after(() => { removeTree(a); removeTree(b); });
  const roots = [{ name: 'app', path: a }, { name: 'api', path: b }];
  for (const disableRipgrep of [false, true]) {
    const ws = await openWorkspace({ roots, options: { disableRipgrep } });
    assert.deepEqual((await ws.grep('shared')).hits.map((h) => h.path), ['api/lib/z.ts', 'api/src/x.ts', 'app/src/x.ts']);
    assert.deepEqual((await ws.grep('shared', { glob: 'src/**' })).hits.map((h) => h.path), ['api/src/x.ts', 'app/src/x.ts']);
    assert.deepEqual((await ws.grep('shared', { glob: 'api/**' })).hits.map((h) => h.path), ['api/lib/z.ts', 'api/src/x.ts']);
    assert.deepEqual((await ws.grep('shared', { paths: ['app'] })).hits.map((h) => h.path), ['app/src/x.ts']);
    const sub = await openWorkspace({
      roots,
      options: { disableRipgrep },
      subsetPaths: ['api/lib'],
      virtualFiles: [{ path: 'pasted/text.md', content: 'a shared note\nnothing\n' }],
    });
    assert.deepEqual((await sub.grep('shared')).hits.map((h) => `${h.path}:${h.line}`), ['api/lib/z.ts:1', 'pasted/text.md:1']);
    await assert.rejects(sub.grep('shared', { paths: ['app/src'] }), /outside the paths of this run/);
  }
});

test('real code: rg and JS agree on this repository\'s src/ and on an installed package', async () => {
  const targets = [
    { root: REPO_ROOT, pattern: 'WorkspaceError', opts: { paths: ['src/workspace'] } as GrepOptions },
    { root: path.join(REPO_ROOT, 'node_modules', 'ignore'), pattern: 'function\\s+\\w+', opts: {} as GrepOptions },
  ];
  for (const { root, pattern, opts } of targets) {
    const [rg, js] = await both(root);
    const a = await rg.grep(pattern, { ...opts, maxResults: 2000 });
    const b = await js.grep(pattern, { ...opts, maxResults: 2000 });
    assert.ok(a.total > 5, `${pattern} finds something in ${root}`);
    assert.deepEqual(a, b);
  }
});

test('a configured rgPath that cannot run falls back to the JS search', async (t) => {
  const root = makeTree(FILES);
  t.after(() => removeTree(root));
  const ws = await openWorkspace({ roots: [{ name: 'w', path: root }], options: { rgPath: path.join(root, 'no-such-rg') } });
  assert.ok(ws.usesRipgrep);
  const res = await ws.grep('Router', { glob: '*.ts' });
  assert.deepEqual(res.hits.map((h) => `${h.path}:${h.line}`), ['src/router.ts:1', 'src/server.ts:1', 'src/server.ts:3']);
  assert.ok(!ws.usesRipgrep);
});

test('findRipgrepUnder finds a ripgrep in a VS Code-like appRoot layout', async (t) => {
  const { findRipgrepUnder } = await import('../../src/workspace/ripgrep');
  const root = makeTree({});
  t.after(() => removeTree(root));
  assert.equal(findRipgrepUnder(root), null);
  const fs = await import('node:fs');
  const bin = path.join(root, 'node_modules', '@vscode', 'ripgrep', 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.copyFileSync(findRipgrep()!, path.join(bin, 'rg'));
  fs.chmodSync(path.join(bin, 'rg'), 0o755);
  assert.equal(findRipgrepUnder(root), path.join(bin, 'rg'));
  const ws = await openWorkspace({ roots: [{ name: 'w', path: root }], options: { rgPath: findRipgrepUnder(root)! } });
  assert.ok(ws.usesRipgrep);
});

test('a search past its time limit stops: partial hits marked incomplete, or an error when nothing was found', async (t) => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 300; i++) files[`f${i}.txt`] = `match ${i}\n`;
  const root = makeTree(files);
  t.after(() => removeTree(root));
  for (const ws of await both(root)) {
    ws.grepTimeoutMs = 0;
    await assert.rejects(ws.grep('no such text anywhere'), /found nothing within 0 s and was stopped/);
    ws.grepTimeoutMs = 60_000;
    const res = await ws.grep('match');
    assert.equal(res.total, 300);
    assert.ok(!res.totalIsLowerBound);
  }
});

test('files over maxFileBytes never match, whether the index was scanned or given in the spec', async (t) => {
  const root = makeTree({ 'big.txt': 'needle\n' + 'x'.repeat(5000), 'small.txt': 'needle\n' });
  t.after(() => removeTree(root));
  const scanned = await openWorkspace({ roots: [{ name: 'w', path: root }], options: { maxFileBytes: 1000 } });
  const fromSpec = await openWorkspace(scanned.childSpec());
  for (const ws of [scanned, fromSpec]) {
    assert.deepEqual((await ws.grep('needle')).hits.map((h) => h.path), ['small.txt']);
  }
  assert.deepEqual(scanned.indexStats.tooLargePaths, ['big.txt']);
});

test('truncated results are deterministic: the first maxResults hits in path order, same from rg and JS', async (t) => {
  const files: Record<string, string> = {};
  // Many files so that rg's parallel search returns them in varying order.
  for (let i = 0; i < 400; i++) files[`d${i % 7}/f${String(i).padStart(3, '0')}.txt`] = `x\nhit ${i} one\ny\nhit ${i} two\n`;
  const root = makeTree(files);
  t.after(() => removeTree(root));
  const [rg, js] = await both(root);
  const expected = await js.grep('hit', { maxResults: 25, before: 1, after: 1 });
  assert.equal(expected.total, 800);
  assert.equal(expected.hits[0]!.path, 'd0/f000.txt');
  for (let run = 0; run < 3; run++) {
    assert.deepEqual(await rg.grep('hit', { maxResults: 25, before: 1, after: 1 }), expected, `run ${run}`);
  }
});

test('exclude settings with a re-include (!pattern) apply the same to files and both searches', async (t) => {
  const root = makeTree({ 'dist/a.js': 'token\n', 'dist/keep.js': 'token\n', 'src/b.ts': 'token\n' });
  t.after(() => removeTree(root));
  for (const disableRipgrep of [false, true]) {
    const ws = await openWorkspace({ roots: [{ name: 'w', path: root }], options: { exclude: ['dist/*', '!dist/keep.js'], disableRipgrep } });
    assert.deepEqual(ws.files().map((f) => f.path), ['dist/keep.js', 'src/b.ts']);
    assert.deepEqual((await ws.grep('token')).hits.map((h) => h.path), ['dist/keep.js', 'src/b.ts'], `rg=${!disableRipgrep}`);
  }
});

test('ripgrep never misses an indexed file: nested ignore rules, negations, hidden files', async (t) => {
  const root = makeTree({
    '.gitignore': 'dist/\n*.log\n!keep.log\n/only-top.txt\n',
    'src/a.ts': 'TOKEN', 'src/debug.log': 'TOKEN', 'src/keep.log': 'TOKEN', 'dist/out.js': 'TOKEN',
    'only-top.txt': 'TOKEN', 'src/only-top.txt': 'TOKEN',
    'pkg/.gitignore': 'generated/\n!important.log\n', 'pkg/generated/g.ts': 'TOKEN', 'pkg/important.log': 'TOKEN',
    'pkg/other.log': 'TOKEN', 'pkg/.ignore': 'notes.md\n', 'pkg/notes.md': 'TOKEN',
    'pkg/sub/.rgignore': '*.tmp.ts\n!keep.tmp.ts\n', 'pkg/sub/x.tmp.ts': 'TOKEN', 'pkg/sub/keep.tmp.ts': 'TOKEN',
    '.config/settings.json': 'TOKEN', '.hidden.ts': 'TOKEN',
  });
  t.after(() => removeTree(root));
  const [rg, js] = await both(root);
  const indexed = rg.files().map((f) => f.path).filter((p) => !/(^|\/)\.(git|rg)?ignore$/.test(p));
  assert.deepEqual(indexed, [
    '.config/settings.json', '.hidden.ts', 'pkg/important.log', 'pkg/sub/keep.tmp.ts', 'src/a.ts', 'src/keep.log', 'src/only-top.txt',
  ]);
  for (const ws of [rg, js]) assert.deepEqual((await ws.grep('TOKEN')).hits.map((h) => h.path), indexed);
});
