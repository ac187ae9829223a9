// The decoded-text cache behind read(): slices equal a plain split, a changed file is read again, the size is bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileTextCache, lineCount, sliceText } from '../../src/workspace/textCache';
import { openWorkspace } from '../../src/workspace/workspace';
import { makeTree, removeTree } from './helpers';

test('text cache: slices and line counts match split("\\n"), for CRLF, a missing final newline and empty files', async () => {
  const root = makeTree({ 'a.txt': 'one\r\ntwo\nthree\n', 'b.txt': 'x\ny', 'c.txt': '', 'd.txt': '\n\n' });
  try {
    const cache = new FileTextCache();
    for (const name of ['a.txt', 'b.txt', 'c.txt', 'd.txt']) {
      const text = fs.readFileSync(path.join(root, name), 'utf8');
      const lines = text.split('\n');
      if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
      const expected = text === '' ? 0 : lines.length;
      const t = await cache.get(path.join(root, name));
      assert.equal(lineCount(t), expected, name);
      for (let s = 1; s <= expected; s++) for (let e = s; e <= expected; e++) assert.equal(sliceText(t, s, e), lines.slice(s - 1, e).join('\n'), `${name} ${s}-${e}`);
    }
  } finally {
    removeTree(root);
  }
});

test('text cache: a second read of an unchanged file is a hit; a changed size or mtime reads it again', async () => {
  const root = makeTree({ 'f.ts': 'const a = 1;\n' });
  try {
    const cache = new FileTextCache();
    const file = path.join(root, 'f.ts');
    await cache.get(file);
    await cache.get(file);
    assert.deepEqual([cache.hits, cache.misses], [1, 1]);
    fs.writeFileSync(file, 'const a = 22;\n'); // new size
    assert.equal(sliceText(await cache.get(file), 1, 1), 'const a = 22;');
    fs.writeFileSync(file, 'const b = 22;\n'); // same size, new mtime
    const later = new Date(Date.now() + 10_000);
    fs.utimesSync(file, later, later);
    assert.equal(sliceText(await cache.get(file), 1, 1), 'const b = 22;');
    assert.deepEqual([cache.hits, cache.misses], [1, 3]);
  } finally {
    removeTree(root);
  }
});

test('text cache: bounded — the least recently used file leaves first', async () => {
  const root = makeTree({ 'a.txt': 'a'.repeat(300), 'b.txt': 'b'.repeat(300), 'c.txt': 'c'.repeat(300) });
  try {
    const cache = new FileTextCache(2400); // files up to 600 bytes, 2400 in all: a, b, c fit; a fourth read evicts
    const at = (n: string) => path.join(root, n);
    await cache.get(at('a.txt'));
    await cache.get(at('b.txt'));
    await cache.get(at('a.txt')); // a is now the most recent
    fs.writeFileSync(at('d.txt'), 'd'.repeat(600));
    fs.writeFileSync(at('e.txt'), 'e'.repeat(600));
    await cache.get(at('d.txt'));
    await cache.get(at('e.txt')); // 300 + 300 + 600 + 600 = 1800: still fits
    await cache.get(at('c.txt')); // 2100
    fs.writeFileSync(at('f.txt'), 'f'.repeat(600));
    await cache.get(at('f.txt')); // 2700: b (least recent) goes
    const misses = cache.misses;
    await cache.get(at('a.txt'));
    assert.equal(cache.misses, misses, 'a was used recently and stayed');
    await cache.get(at('b.txt'));
    assert.equal(cache.misses, misses + 1, 'b was evicted');
  } finally {
    removeTree(root);
  }
});

test('read() serves slices of a large file from the cache and still sees edits', async () => {
  const big = Array.from({ length: 5000 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
  const root = makeTree({ 'big.txt': big });
  try {
    const ws = await openWorkspace({ roots: [{ name: 'w', path: root }] });
    assert.equal((await ws.read('big.txt', { start: 4000, end: 4002 })).text, 'line 4000\nline 4001\nline 4002');
    assert.equal((await ws.read('big.txt', { start: 5000, end: 6000 })).totalLines, 5000);
    fs.writeFileSync(path.join(root, 'big.txt'), 'changed\n' + big);
    assert.equal((await ws.read('big.txt', { start: 4001, end: 4001 })).text, 'line 4000');
  } finally {
    removeTree(root);
  }
});
