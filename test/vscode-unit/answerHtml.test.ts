import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderAnswerHtml } from '../../src/vscode/answerHtml';

describe('renderAnswerHtml', () => {
  it('turns citations into links carrying path and lines', () => {
    const html = renderAnswerHtml('Built in src/greeting.ts:7-9, see **also** lib/x.py:3.');
    assert.match(html, /<a class="citation" href="#" data-path="src\/greeting\.ts" data-line="7" data-end-line="9"[^>]*>src\/greeting\.ts:7-9<\/a>/);
    assert.match(html, /data-path="lib\/x\.py" data-line="3"/);
    assert.match(html, /<strong>also<\/strong>/);
  });

  it('links a citation written as inline code', () => {
    const html = renderAnswerHtml('In `src/a.ts:4`.');
    assert.match(html, /<a class="citation"[^>]*data-path="src\/a\.ts" data-line="4"[^>]*><code>src\/a\.ts:4<\/code><\/a>/);
  });

  it('escapes raw HTML from the model', () => {
    const html = renderAnswerHtml('<script>alert(1)</script> <img src=x onerror=alert(1)> src/a.ts:1');
    assert.doesNotMatch(html, /<script>|<img/);
    assert.match(html, /&lt;script&gt;/);
  });

  it('leaves citations inside existing links and code blocks alone', () => {
    const html = renderAnswerHtml('[src/a.ts:3](https://example.com)\n\n```\nsrc/b.ts:4\n```');
    assert.doesNotMatch(html, /class="citation"/);
  });
});
