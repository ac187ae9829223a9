import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCitations, extractCitations, invalidCitationNote } from '../../src/rlm/citations';

test('extracts the usual citation shapes and ignores prose and URLs', () => {
  const found = extractCitations(
    'See `src/a.ts:12`, src/b.py:3-9, (lib/c.go#L40-L42), README.md:1, step:1, https://x.io/a.ts:80 and src/a.ts:12 again.',
  );
  assert.deepEqual(found, [
    { path: 'src/a.ts', line: 12 },
    { path: 'src/b.py', line: 3, endLine: 9 },
    { path: 'lib/c.go', line: 40, endLine: 42 },
    { path: 'README.md', line: 1 },
  ]);
});

test('checks citations against real files and flags the bad ones', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-cite-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src/a.ts'), 'one\ntwo\nthree\n');
  const cites = await checkCitations('src/a.ts:2 and src/a.ts:2-9 and src/nope.ts:1 and ../etc/passwd:1', [{ name: 'w', path: dir }]);
  assert.deepEqual(cites.map((c) => [c.path, c.valid]), [
    ['src/a.ts', true],
    ['src/a.ts', false],
    ['src/nope.ts', false],
    ['../etc/passwd', false],
  ]);
  assert.match(cites[3].problem ?? '', /not a path inside the workspace/);
  assert.match(cites[1].problem ?? '', /only 3 lines/);
  const note = invalidCitationNote(cites);
  assert.match(note, /src\/nope\.ts:1/);
  assert.doesNotMatch(note, /src\/a\.ts:2`/);
});

test('multi-root citations resolve by their first segment', async () => {
  const a = mkdtempSync(join(tmpdir(), 'rlm-cite-a-'));
  const b = mkdtempSync(join(tmpdir(), 'rlm-cite-b-'));
  writeFileSync(join(b, 'x.js'), 'a\nb\n');
  const roots = [{ name: 'front', path: a }, { name: 'back', path: b }];
  const cites = await checkCitations('back/x.js:2 front/x.js:1', roots);
  assert.deepEqual(cites.map((c) => c.valid), [true, false]);
});
