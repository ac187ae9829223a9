import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEvents, encodeEvents, parseFromWebview } from '../../src/webview/protocol';
import { resolveWorkspacePath, selectionLines } from '../../src/webview/location';
import { contentSecurityPolicy, panelPage } from '../../src/webview/page';
import { smallTrajectory } from './fixtures';

test('messages from the page are validated: malformed ones are dropped', () => {
  assert.deepEqual(parseFromWebview({ type: 'open', path: 'src/a.ts', line: 3, endLine: 5 }), { type: 'open', path: 'src/a.ts', line: 3, endLine: 5 });
  assert.deepEqual(parseFromWebview({ type: 'open', path: 'src/a.ts', line: 3, extra: 'x' }), { type: 'open', path: 'src/a.ts', line: 3 });
  for (const bad of [null, 'open', {}, { type: 'open', path: 'a', line: 0 }, { type: 'open', path: 'a', line: 1.5 }, { type: 'open', path: 'a', line: 5, endLine: 2 }, { type: 'open', path: '', line: 1 }, { type: 'open', path: 7, line: 1 }, { type: 'export', format: 'zip' }, { type: 'eval', code: 'x' }]) {
    assert.equal(parseFromWebview(bad), undefined, JSON.stringify(bad));
  }
  assert.deepEqual(parseFromWebview({ type: 'export' }), { type: 'export' });
  assert.deepEqual(parseFromWebview({ type: 'rendered', nodes: 5, rows: -1, live: 'yes', fits: 20 }), { type: 'rendered', nodes: 5, rows: 0, live: false, fits: 20 });
});

test('events travel as one JSON string and come back equal', () => {
  const events = smallTrajectory();
  const encoded = encodeEvents(events);
  assert.equal(typeof encoded, 'string');
  assert.deepEqual(decodeEvents(encoded), events);
});

test('workspace paths: single root, multi-root by folder name, nothing outside the workspace', () => {
  assert.deepEqual(resolveWorkspacePath('src/a.ts', ['app']), { folderIndex: 0, segments: ['src', 'a.ts'] });
  assert.deepEqual(resolveWorkspacePath('./src\\a.ts', ['app']), { folderIndex: 0, segments: ['src', 'a.ts'] });
  assert.deepEqual(resolveWorkspacePath('lib/src/a.ts', ['app', 'lib']), { folderIndex: 1, segments: ['src', 'a.ts'] });
  assert.deepEqual(resolveWorkspacePath('src/a.ts', ['app', 'lib']), { folderIndex: 0, segments: ['src', 'a.ts'] }, 'no folder prefix: the first folder');
  assert.deepEqual(resolveWorkspacePath('app', ['app', 'lib']), { folderIndex: 0, segments: ['app'] }, 'a file named like a folder');
  for (const bad of ['/etc/passwd', 'C:/Windows/x', '../secret', 'src/../../x', 'file:///etc/passwd', '', '.']) assert.equal(resolveWorkspacePath(bad, ['app']), undefined, bad);
  assert.equal(resolveWorkspacePath('src/a.ts', []), undefined);
});

test('selection lines are zero-based and clamped to the document', () => {
  assert.deepEqual(selectionLines(7, undefined, 20), { start: 6, end: 6 });
  assert.deepEqual(selectionLines(3, 9, 20), { start: 2, end: 8 });
  assert.deepEqual(selectionLines(30, 40, 20), { start: 19, end: 19 });
});

test('the page has a strict CSP with a nonce and no inline script or style', () => {
  const csp = contentSecurityPolicy('vscode-resource:', 'N0NCE');
  assert.equal(csp, "default-src 'none'; script-src 'nonce-N0NCE'; style-src vscode-resource: 'nonce-N0NCE'; font-src vscode-resource:; img-src vscode-resource: data:");
  assert.doesNotMatch(csp, /unsafe/);
  const page = panelPage({ cspSource: 'vscode-resource:', nonce: 'N0NCE', scriptUri: 'https://x/webview.js', styleUri: 'https://x/webview.css', codiconsUri: 'https://x/codicon.css' });
  assert.match(page, /<script nonce="N0NCE" src="https:\/\/x\/webview.js"><\/script>/);
  assert.equal((page.match(/<script/g) ?? []).length, 1);
  assert.doesNotMatch(page, /<style|style="|\son\w+=/);
  assert.match(page, /id="vscode-codicon-stylesheet"/);
});
