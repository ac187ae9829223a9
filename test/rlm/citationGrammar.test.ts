import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
// The one citation grammar (engine checker, @rlm anchors, answer and trajectory panels).
import { findCitationSpans, namedIdentifier, parseCitation, splitByCitations } from '../../src/rlm/citationGrammar';

describe('findCitationSpans', () => {
  it('finds path:line, ranges and #L forms with their offsets', () => {
    const text = 'See src/a.ts:12 and lib/b/c.py:3-9, also docs/x.md#L4-L6.';
    const spans = findCitationSpans(text);
    assert.deepEqual(
      spans.map((s) => [s.path, s.line, s.endLine]),
      [['src/a.ts', 12, undefined], ['lib/b/c.py', 3, 9], ['docs/x.md', 4, 6]],
    );
    for (const s of spans) assert.equal(text.slice(s.index, s.index + s.length), s.text);
  });

  it('ignores URLs, prose and line 0', () => {
    assert.deepEqual(findCitationSpans('http://localhost:8080/x and step:1 and a.ts:0 and https://x.org/a.ts:3'), []);
  });

  it('drops a leading ./ from the path but keeps the written text', () => {
    const [span] = findCitationSpans('(./src/a.ts:5)');
    assert.equal(span.path, 'src/a.ts');
    assert.equal(span.text, './src/a.ts:5');
  });
});

describe('splitByCitations', () => {
  it('alternates text and citations and loses nothing', () => {
    const text = 'A src/a.ts:1 B src/b.ts:2';
    const pieces = splitByCitations(text);
    assert.deepEqual(pieces.map((p) => p.kind), ['text', 'citation', 'text', 'citation']);
    assert.equal(pieces.map((p) => (p.kind === 'text' ? p.text : p.span.text)).join(''), text);
  });
});

describe('the forms the three old grammars disagreed on', () => {
  const refs = (t: string) => findCitationSpans(t).map((s) => [s.path, s.line, s.endLine]);
  it('L12, files without an extension under a folder, ranges with spaces', () => {
    assert.deepEqual(refs('see src/a.ts:L12, src/Makefile:3 and src/a.ts:12 - 20'), [
      ['src/a.ts', 12, undefined],
      ['src/Makefile', 3, undefined],
      ['src/a.ts', 12, 20],
    ]);
  });
  it('non-ASCII paths, and paths with spaces inside backticks', () => {
    assert.deepEqual(refs('in données/fichier名.js:3 and `dossier é/outil.js:1`'), [
      ['données/fichier名.js', 3, undefined],
      ['dossier é/outil.js', 1, undefined],
    ]);
    const [span] = findCitationSpans('x `dossier é/outil.js:1-4` y');
    assert.equal(span.text, '`dossier é/outil.js:1-4`');
    assert.deepEqual(parseCitation('dossier é/outil.js#L2-L3'), { path: 'dossier é/outil.js', line: 2, endLine: 3 });
    assert.equal(parseCitation('not a citation: x'), undefined);
  });
  it('names the identifier a claim puts next to its citation', () => {
    const text = 'The greeting is built by `greet` in src/greeting.ts:7, and app.listen() at lib/app.js:10.';
    const [a, b] = findCitationSpans(text);
    assert.equal(namedIdentifier(text, a), 'greet');
    assert.equal(namedIdentifier(text, b), 'listen');
  });
});
