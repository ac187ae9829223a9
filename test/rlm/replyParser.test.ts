import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReply } from '../../src/rlm/replyParser';

test('runs js, javascript and repl fences in order, with prose around them', () => {
  const r = parseReply('Plan: look.\n```js\nprint(1)\n```\nthen\n```javascript\nprint(2)\n```\n```repl\nprint(3)\n```\nDone.');
  assert.deepEqual(r.blocks, ['print(1)', 'print(2)', 'print(3)']);
  assert.equal(r.unterminated, false);
  assert.equal(r.finalInProse, false);
});

test('skips other languages and reports them', () => {
  const r = parseReply('```python\nprint(context)\n```\n```bash\nls\n```');
  assert.deepEqual(r.blocks, []);
  assert.deepEqual(r.skippedLanguages, ['python', 'bash']);
});

test('an untagged fence runs only when it looks like sandbox code', () => {
  assert.deepEqual(parseReply('```\nconst x = await context.grep("a")\n```').blocks, ['const x = await context.grep("a")']);
  assert.deepEqual(parseReply('```\nsrc/a.ts:12: hello\n```').blocks, []);
});

test('an unterminated fence does not run and is reported', () => {
  const r = parseReply('```js\nconst a = 1;\nprint(a');
  assert.deepEqual(r.blocks, []);
  assert.equal(r.unterminated, true);
});

test('FINAL in prose is noticed; FINAL in code is not prose', () => {
  assert.equal(parseReply('The answer is FINAL("x")').finalInProse, true);
  const inCode = parseReply('```js\nFINAL("x")\n```');
  assert.equal(inCode.finalInProse, false);
  assert.deepEqual(inCode.blocks, ['FINAL("x")']);
});

test('longer fences may contain shorter ones; CRLF works; tildes work', () => {
  const r = parseReply('````js\nconst s = "```";\n````\r\n~~~js\r\nprint(2)\r\n~~~');
  assert.deepEqual(r.blocks, ['const s = "```";', 'print(2)']);
});
