import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findCitationSpans, splitByCitations } from '../../src/vscode/citationText';

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
