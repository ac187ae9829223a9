// Scorers, the dataset line checks, LongBench-v2's context split and the ground-truth verifier, without a model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerLine, scoreAnswer } from '../../src/eval/scoring';
import { parseItem } from '../../src/eval/dataset';
import { splitParts } from '../../src/eval/longbench';
import { verifyItem } from '../../src/eval/verify';
import { makeTree } from '../workspace/helpers';

test('answerLine reads the last "Answer:" line, markdown or not', () => {
  assert.equal(answerLine('blah\nAnswer: A\nmore\n**Answer:** C'), 'C');
  assert.equal(answerLine('> answer: 42'), '42');
  assert.equal(answerLine('no line here'), undefined);
});

test('locations: recall within the tolerance, precision over all citations', () => {
  const e = { locations: ['a.js:10-12', 'b.js:5'], tolerance: 2 };
  assert.deepEqual(scoreAnswer(e, '', [{ path: 'a.js', line: 14 }, { path: 'c.js', line: 1 }]), { score: 0.5, correct: true, detail: 'recall 1/2, precision 1/2 (±2 lines)' });
  assert.equal(scoreAnswer(e, '', [{ path: 'a.js', line: 15 }]).score, 0, 'one line beyond the tolerance');
  assert.equal(scoreAnswer(e, '', [{ path: 'pkg/b.js', line: 3, endLine: 9 }, { path: 'a.js', line: 1, endLine: 30 }]).score, 1, 'ranges overlap; a prefixed path still names the file');
  assert.match(scoreAnswer(e, 'no citations', []).detail, /no citations/);
});

test('number, choice, contains and set scorers', () => {
  assert.equal(scoreAnswer({ number: 1200 }, 'Answer: 1,200 files', []).score, 1);
  assert.equal(scoreAnswer({ number: 3 }, 'I count 3 at a.js:3', []).score, 0, 'no Answer line: not guessed from prose');
  assert.equal(scoreAnswer({ choice: 'B' }, 'Answer: (b)', []).score, 1);
  assert.equal(scoreAnswer({ contains: ['Retry', 'backoff'] }, 'retry with BACKOFF', []).score, 1);
  assert.equal(scoreAnswer({ set: ['x', 'y'] }, 'They are `x` and `y`.', []).score, 1, 'without an Answer line, code spans are the items');
  assert.equal(scoreAnswer({ set: ['x', 'y'] }, 'Answer: x, y, z, w', []).score, 0.6667);
});

test('dataset lines: each problem is named', () => {
  const base = { id: 'i', workspace: 'npm:ms@2.1.3', question: 'q' };
  assert.throws(() => parseItem({ ...base, workspace: 'npm:ms' }, '/'), /"workspace" must be "npm:<name>@<version>"/);
  assert.throws(() => parseItem({ ...base, expected: { choice: 'C' }, choices: { A: 'a' } }, '/'), /choice "C" is not one of "choices"/);
  assert.throws(() => parseItem({ ...base, expected: { locations: ['a.js'] } }, '/'), /"a\.js" is not path:line/);
  assert.throws(() => parseItem({ ...base, expected: {} }, '/'), /needs one of choice, locations, number, contains, set/);
  assert.equal(parseItem({ ...base, workspace: 'npm:@scope/pkg@1.0.0', expected: { number: 1 } }, '/').workspace, 'npm:@scope/pkg@1.0.0');
});

test('LongBench-v2 contexts are split at line ends into parts under 512 KiB', () => {
  const line = 'x'.repeat(999) + '\n';
  const text = line.repeat(1200);
  const parts = splitParts(text);
  assert.equal(parts.join(''), text);
  assert.equal(parts.length, 3);
  assert.ok(parts.every((p) => Buffer.byteLength(p) <= 512 * 1024 && p.endsWith('\n')));
});

test('the verifier confirms true checks and names each stale one', () => {
  const root = makeTree({ 'lib/a.js': 'const x = 1\nfunction f() {}\n', 'lib/b.js': 'function f() {}\n', 'lib/c.py': 'def f(): pass\n' });
  const item = (expected: object, check: unknown) => ({ ...parseItem({ id: 't', workspace: 'dir:.', question: 'q', expected, check }, root) });
  assert.deepEqual(verifyItem(item({ locations: ['lib/a.js:2'] }, [{ at: 'lib/a.js:2', has: 'function f' }]), root), []);
  assert.deepEqual(verifyItem(item({ number: 2 }, [{ files: '\\.js$', grep: '^function', fileCount: 2, count: 2 }]), root), []);
  assert.deepEqual(verifyItem(item({ locations: ['lib/a.js:1', 'lib/b.js:1'] }, [{ at: 'lib/a.js:1', has: 'function f' }]), root), [
    't: expected location lib/b.js:1 has no {"at": "lib/b.js:1", "has": …} check',
    't: lib/a.js:1 no longer contains "function f" (it reads "const x = 1")',
  ]);
  assert.deepEqual(verifyItem(item({ set: ['a'] }, [{ files: '^lib/', grep: 'f\\(', matchingFiles: ['lib/a.js', 'lib/d.js'] }]), root), [
    't: /f\\(/ in files /^lib//: also matches lib/b.js, lib/c.py; no longer matches lib/d.js',
  ]);
  assert.match(verifyItem(item({ number: 1 }, []), root)[0], /no "check" entries/);
});
