// The line splitter under rg's JSON stream: any chunking gives the same lines; skipped lines are dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, HEAD_BYTES } from '../../src/workspace/jsonLines';

function split(input: string, chunkSize: number, keep: (head: string) => boolean): { heads: string[]; lines: string[] } {
  const heads: string[] = [];
  const lines: string[] = [];
  const s = new LineSplitter(
    (h) => (heads.push(h.toString()), keep(h.toString())),
    (l) => lines.push(l.toString()),
  );
  const buf = Buffer.from(input);
  for (let i = 0; i < buf.length; i += chunkSize) s.push(buf.subarray(i, i + chunkSize));
  s.end();
  return { heads, lines };
}

test('same lines for every chunk size; heads are the first bytes; unkept lines never arrive', () => {
  const long = 'L'.repeat(300);
  const input = `{"type":"begin","x":1}\nshort\n\n${long}\n{"type":"match","y":"${long}"}\nlast-no-newline`;
  const keepAll = (): boolean => true;
  const expected = input.split('\n');
  for (const size of [1, 2, 7, 23, 24, 25, 100, 1 << 20]) {
    const { heads, lines } = split(input, size, keepAll);
    assert.deepEqual(lines, expected, `chunk ${size}`);
    assert.equal(heads.length, 6, `every line (even an empty one) is decided once: chunk ${size}`);
    assert.deepEqual(heads, input.split('\n').map((l) => l.slice(0, HEAD_BYTES)), `chunk ${size}`);
    const some = split(input, size, (h) => !h.startsWith('L') && !h.startsWith('{"type":"match"'));
    assert.deepEqual(some.lines, expected.filter((l) => !l.startsWith('L') && !l.startsWith('{"type":"match"')));
  }
});

test('halt stops delivering lines at once', () => {
  const lines: string[] = [];
  const s: LineSplitter = new LineSplitter(() => true, (l) => {
    lines.push(l.toString());
    if (lines.length === 2) s.halt();
  });
  s.push(Buffer.from('a\nb\nc\nd\n'));
  s.end();
  assert.deepEqual(lines, ['a', 'b']);
});
