// read(): line ranges (1-based, inclusive, clamped) and the errors a model needs to correct itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openWorkspace, MAX_WHOLE_READ_BYTES } from '../../src/workspace/workspace';
import { WorkspaceError } from '../../src/workspace/types';
import { makeTree, removeTree, REPO_ROOT } from './helpers';

const tenLines = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';

test('ranges are 1-based inclusive and clamped; totalLines is reported', async (t) => {
  const root = makeTree({ 'a.txt': tenLines, 'crlf.txt': 'one\r\ntwo\r\n', 'empty.txt': '', 'nonl.txt': 'a\nb' });
  t.after(() => removeTree(root));
  const ws = await openWorkspace({ roots: [{ name: 'w', path: root }] });
  const whole = await ws.read('a.txt');
  assert.deepEqual([whole.startLine, whole.endLine, whole.totalLines], [1, 10, 10]);
  assert.equal(whole.text.split('\n').length, 10);
  const mid = await ws.read('a.txt', { start: 3, end: 5 });
  assert.equal(mid.text, 'line 3\nline 4\nline 5');
  assert.deepEqual([mid.startLine, mid.endLine], [3, 5]);
  const clamped = await ws.read('a.txt', { start: -4, end: 999 });
  assert.deepEqual([clamped.startLine, clamped.endLine], [1, 10]);
  assert.equal((await ws.read('a.txt', { start: 10 })).text, 'line 10');
  assert.equal((await ws.read('a.txt', { end: 2 })).text, 'line 1\nline 2');
  assert.equal((await ws.read('nonl.txt')).totalLines, 2);
  assert.equal((await ws.read('crlf.txt', { start: 2, end: 2 })).text, 'two\r');
  assert.deepEqual(await ws.read('empty.txt'), { path: 'empty.txt', text: '', startLine: 1, endLine: 0, totalLines: 0 });
  await assert.rejects(ws.read('a.txt', { start: 11 }), /start line 11 is beyond the end of the file \(10 lines\)/);
  await assert.rejects(ws.read('a.txt', { start: 5, end: 2 }), /end line 2 is before start line 5/);
});

test('errors: not found with suggestions, folder, binary, too large, ignored, excluded', async (t) => {
  const root = makeTree({
    '.gitignore': 'gen/\n',
    'src/workspace/reader.ts': 'x',
    'src/util/strings.ts': 'x',
    'gen/out.ts': 'x',
    'logo.png': Buffer.from([0x89, 0x50, 0, 1]),
    'data.bin2': Buffer.concat([Buffer.from('abc'), Buffer.alloc(10)]),
    'huge.txt': 'y'.repeat(5000),
    'notes/draft.md': 'x',
  });
  t.after(() => removeTree(root));
  const ws = await openWorkspace({ roots: [{ name: 'w', path: root }], options: { maxFileBytes: 4096, exclude: ['notes/'] } });
  await assert.rejects(ws.read('src/reader.ts'), (e: Error) => {
    assert.ok(e instanceof WorkspaceError);
    assert.match(e.message, /File not found: src\/reader.ts\. Did you mean: src\/workspace\/reader.ts/);
    return true;
  });
  await assert.rejects(ws.read('src/util/string.ts'), /Did you mean: src\/util\/strings.ts/);
  await assert.rejects(ws.read('src'), /is a folder/);
  await assert.rejects(ws.read('logo.png'), /logo.png is a binary file, 4 bytes/);
  await assert.rejects(ws.read('data.bin2'), /data.bin2 is a binary file, 13 bytes/);
  await assert.rejects(ws.read('huge.txt'), /too large \(5000 bytes/);
  await assert.rejects(ws.read('gen/out.ts'), /excluded by an ignore file/);
  await assert.rejects(ws.read('notes/draft.md'), /excluded by the exclude settings/);
  await assert.rejects(ws.read(''), /needs a file path/);
});

test('a large file needs a range; a range of it reads fine', async (t) => {
  const line = 'z'.repeat(99) + '\n';
  const lines = Math.ceil((MAX_WHOLE_READ_BYTES + 1000) / line.length);
  const root = makeTree({ 'large.txt': line.repeat(lines) });
  t.after(() => removeTree(root));
  const ws = await openWorkspace({ roots: [{ name: 'w', path: root }] });
  await assert.rejects(ws.read('large.txt'), new RegExp(`large \\(\\d+ bytes, ${lines} lines\\): read it in pieces with \\{start, end\\}`));
  const part = await ws.read('large.txt', { start: lines - 1, end: lines + 5 });
  assert.deepEqual([part.startLine, part.endLine, part.totalLines], [lines - 1, lines, lines]);
});

test('subset restricts reads; virtual files are readable', async (t) => {
  const root = makeTree({ 'a/x.ts': 'x', 'b/y.ts': 'y' });
  t.after(() => removeTree(root));
  const ws = await openWorkspace({
    roots: [{ name: 'w', path: root }],
    subsetPaths: ['a'],
    virtualFiles: [{ path: 'notes/text.md', content: '# Title\nbody\n' }],
  });
  assert.deepEqual(ws.files().map((f) => f.path), ['a/x.ts', 'notes/text.md']);
  assert.equal((await ws.read('a/x.ts')).text, 'x');
  await assert.rejects(ws.read('b/y.ts'), /outside the paths of this run \(a\)/);
  const v = await ws.read('notes/text.md', { start: 2 });
  assert.equal(v.text, 'body');
  assert.equal(ws.files().find((f) => f.path === 'notes/text.md')!.language, 'markdown');
});

test('reads real code: this repository\'s own workspace types', async () => {
  const ws = await openWorkspace({ roots: [{ name: 'repo', path: REPO_ROOT }] });
  const r = await ws.read('src/workspace/types.ts');
  const n = r.text.split('\n').findIndex((l) => l.includes('export class WorkspaceError')) + 1;
  assert.ok(n > 0);
  const one = await ws.read('src/workspace/types.ts', { start: n, end: n });
  assert.match(one.text, /export class WorkspaceError extends Error/);
});
