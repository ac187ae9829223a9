import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrajectoryTree } from '../../src/webview/model/tree';
import { summarize } from '../../src/webview/model/summary';
import { answerHtml, detailHtml, headerHtml } from '../../src/webview/render/views';
import { escapeHtml, html } from '../../src/webview/render/html';
import { findCitations, parseCitation, renderMarkdown } from '../../src/webview/render/markdown';
import { highlightCode } from '../../src/webview/render/highlight';
import { smallTrajectory, xssTrajectory } from './fixtures';

/** Markup an attacker wanted: live tags or handlers. Escaped text (&lt;img ...) does not match. */
const LIVE_MARKUP = /<\s*(script|img|svg|iframe|object|embed|style|link|meta)\b|\son\w+\s*=\s*["']?window|href\s*=\s*["']?\s*javascript:/i;

test('html template escapes every interpolation, keeps SafeHtml', () => {
  const evil = '<img src=x onerror="alert(1)">';
  assert.equal(html`<b>${evil}</b>`.value, '<b>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</b>');
  assert.equal(html`<a title="${`" onclick="x`}">`.value, '<a title="&quot; onclick=&quot;x">');
  assert.equal(html`<i>${[evil, html`<u>ok</u>`]}</i>`.value, '<i>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;<u>ok</u></i>');
  assert.equal(escapeHtml(`&'`), '&amp;&#39;');
});

test('XSS payloads in code, output, errors, prompts, replies, paths and the answer render as text', () => {
  const events = xssTrajectory();
  const tree = new TrajectoryTree(events);
  const pieces = [headerHtml(summarize(tree)).value, answerHtml(tree.rootRun).value];
  for (const node of tree.walk()) pieces.push(detailHtml(node).value);
  assert.equal(pieces.length, 2 + [...tree.walk()].length);
  for (const piece of pieces) assert.doesNotMatch(piece, LIVE_MARKUP, piece.slice(0, 400));
  const all = pieces.join('\n');
  // The payloads are there, visibly, as text.
  assert.match(all, /&lt;script&gt;window.__xss = 1&lt;\/script&gt;/);
  assert.match(all, /&lt;img src=x onerror=&quot;window.__xss = 2&quot;&gt;/);
  assert.match(all, /&lt;svg onload=&quot;window.__xss = 3&quot;&gt;/);
  // A path with quotes cannot break out of the data-path attribute.
  assert.match(detailHtml(tree.get('e')!).value, /data-path="src\/&quot; onmouseover=&quot;window.__xss=5&quot; x=&quot;.ts"/);
});

test('markdown: raw HTML is escaped, images are off, only http(s) and citation links survive', () => {
  const out = renderMarkdown(
    [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(2)>',
      '![pic](https://example.com/a.png)',
      '[js](javascript:alert(3)) [data](data:text/html,<b>x</b>) [vb](vbscript:msgbox) [file](file:///etc/passwd)',
      '<javascript:alert(4)> [ok](https://example.com/docs)',
      '[cite](src/app.ts:10-12)',
    ].join('\n\n'),
  ).value;
  assert.doesNotMatch(out, LIVE_MARKUP);
  assert.doesNotMatch(out, /<img/);
  assert.match(out, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(out, /&lt;img src=x onerror=alert\(2\)&gt;/);
  for (const bad of ['javascript:', 'data:text', 'vbscript:', 'file:']) assert.doesNotMatch(out, new RegExp(`href="${bad}`), bad);
  assert.match(out, /<a href="https:\/\/example.com\/docs">ok<\/a>/);
  assert.match(out, /<a href="#" class="citation" data-path="src\/app.ts" data-line="10" data-end-line="12"[^>]*>cite<\/a>/);
});

test('markdown: citations in text, in backticks and as #L ranges become open-links; invalid ones are marked', () => {
  const out = renderMarkdown('See src/cache.ts:42-48 and `src/store.ts:7`, also lib/x.py#L3-L5, src/gone.ts:3, and http://host.com:8080/x.', [
    { path: 'src/gone.ts', line: 3, valid: false, problem: 'no such file' },
  ]).value;
  assert.match(out, /<a href="#" class="citation" data-path="src\/cache.ts" data-line="42" data-end-line="48"[^>]*>src\/cache.ts:42-48<\/a>/);
  assert.match(out, /<a href="#" class="citation" data-path="src\/store.ts" data-line="7"[^>]*><code>src\/store.ts:7<\/code><\/a>/);
  assert.match(out, /data-path="lib\/x.py" data-line="3" data-end-line="5"/);
  assert.match(out, /class="citation invalid" data-path="src\/gone.ts"[^>]*title="Invalid citation: no such file"/);
  assert.doesNotMatch(out, /data-path="host.com"/, 'a URL port is not a citation');
  assert.deepEqual(findCitations('a/b.ts:1 and c.js:2-9'), [{ path: 'a/b.ts', line: 1 }, { path: 'c.js', line: 2, endLine: 9 }]);
  assert.equal(parseCitation('src/a.ts:0'), undefined, 'line numbers start at 1');
  // A code span or link target is one citation as a whole, so its path may hold spaces (the one grammar, issue 9).
  assert.deepEqual(parseCitation('src/a%20b.ts:4'), { path: 'src/a b.ts', line: 4 });
  assert.match(renderMarkdown('in `dossier é/outil.js:1` and données/fichier名.js:3', []).value, /data-path="dossier é\/outil.js"[\s\S]*data-path="données\/fichier名.js"/);
});

test('highlighting escapes the code it colours', () => {
  const out = highlightCode('const s = "</code><script>alert(1)</script>";', 'js').value;
  assert.doesNotMatch(out, /<script/);
  assert.match(out, /&lt;script&gt;/);
  assert.match(out, /<span class="hljs-keyword">const<\/span>/, 'it does highlight');
  assert.equal(highlightCode('<b>', 'cobol').value, '&lt;b&gt;', 'unknown languages are plain text');
});

test('details show the real content of each node kind', () => {
  const tree = new TrajectoryTree(smallTrajectory());
  assert.match(detailHtml(tree.get('c2')!).value, /ReferenceError: answer is not defined/);
  assert.match(detailHtml(tree.get('s1')!).value, /Summarize invalidate\(\)[\s\S]*It deletes the key\./);
  assert.match(detailHtml(tree.get('e1')!).value, /data-path="src\/cache.ts" data-line="42"[^>]*>Open in editor</);
  assert.match(detailHtml(tree.get('it1')!).value, /Let me search for invalidate\./);
  assert.match(headerHtml(summarize(tree)).value, /data-stat="iterations"><span class="stat-label">iterations<\/span> <span class="stat-value">2</);
  assert.match(answerHtml(tree.rootRun).value, /class="citation" data-path="src\/cache.ts" data-line="42" data-end-line="48"/);
});
