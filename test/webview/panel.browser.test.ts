// The built panel (dist/webview.js) in headless Chromium under its real CSP, with a fake VS Code API:
// what a user sees and what the panel tells the extension. Skipped when Chromium is not installed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumSkip, openPanelPage, type PanelPage } from './browserPage';
import { smallTrajectory, xssTrajectory } from './fixtures';
import { encodeEvents } from '../../src/webview/protocol';
import type { TrajectoryEvent } from '../../src/rlm/events';

const skip = chromiumSkip;
let panel: PanelPage;

before(async () => {
  if (!skip) panel = await openPanelPage({ width: 1100, height: 800 });
});
after(async () => {
  await panel?.close();
});

type Posted = { type: string; [k: string]: unknown };
const posted = async () => (await panel.posted()) as Posted[];
const clearPosted = () => panel.page.evaluate(() => ((window as unknown as { __posted: unknown[] }).__posted.length = 0));
const rowIds = () => panel.page.$$eval('.row:not([hidden])', (els) => els.map((e) => (e as HTMLElement).dataset.nodeId));

async function load(events: TrajectoryEvent[], path: string, live = false): Promise<void> {
  await panel.send({ type: 'init', info: { source: { kind: 'file', path }, live }, events: encodeEvents(events) });
  await panel.page.waitForFunction((n) => document.getElementById('count')?.textContent === `${n} steps`, new Set(events.filter((e) => e.type !== 'run_end').map((e) => e.id)).size + events.filter((e) => e.type === 'final').reduce((k, e) => k + (e.type === 'final' ? e.citations.length : 0), 0));
}

test('XSS payloads everywhere render as text: no injected elements, no script runs, no CSP violation', { skip }, async () => {
  await load(xssTrajectory(), 'xss.jsonl');
  const { page } = panel;
  // Show every node's details: walk the whole tree with the keyboard.
  await page.click('#collapse-all');
  await page.click('#expand-all');
  await page.focus('#tree');
  await page.keyboard.press('Home');
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowDown');
  await page.hover('#answer');
  const dom = await page.evaluate(() => ({
    xss: (window as unknown as { __xss?: unknown }).__xss,
    scripts: document.querySelectorAll('script').length,
    injected: document.querySelectorAll('img, iframe, object, embed, svg, #answer a[href^="javascript"], [onerror], [onload], [onmouseover]').length,
    answer: document.getElementById('answer')!.textContent,
    header: document.getElementById('header')!.textContent,
    detail: document.getElementById('detail')!.textContent,
  }));
  assert.equal(dom.xss, undefined, 'a payload ran');
  assert.equal(dom.scripts, 0, 'no script element (the bundle\'s own tag went when the skeleton replaced the body)');
  assert.equal(dom.injected, 0);
  assert.match(dom.answer ?? '', /<img src=x onerror="window.__xss = 2">/, 'the payload is shown as text');
  assert.match(dom.header ?? '', /<script>window.__xss = 1<\/script>/);
  const labels = await page.$$eval('.row:not([hidden]) .label', (els) => els.map((e) => e.textContent));
  assert.ok(labels.some((l) => l?.includes('" onmouseover="window.__xss=5" x="')), 'a hostile path is a row label, as text');
  assert.deepEqual(await panel.violations(), []);
});

test('clicking a grep hit and a citation asks the extension to open the right file and lines', { skip }, async () => {
  await load(smallTrajectory(), 'small.jsonl');
  await clearPosted();
  await panel.page.click('.row[data-node-id="e1"]');
  await panel.page.click('#answer a.citation[data-path="src/cache.ts"]');
  await panel.page.click('.row[data-node-id="c1"]'); // no location: nothing to open
  const opens = (await posted()).filter((m) => m.type === 'open');
  assert.deepEqual(opens, [
    { type: 'open', path: 'src/cache.ts', line: 42 },
    { type: 'open', path: 'src/cache.ts', line: 42, endLine: 48 },
  ]);
  assert.match((await panel.page.textContent('#detail')) ?? '', /const hits = await context\.grep\("invalidate"\)/, 'the code block is selected and shown');
});

test('keyboard: arrows move the selection, Right opens a closed node, Enter jumps to code', { skip }, async () => {
  await load(smallTrajectory(), 'small-keys.jsonl');
  await clearPosted();
  const { page } = panel;
  await page.focus('#tree');
  await page.keyboard.press('Home');
  const selected = () => page.$eval('.row.selected', (e) => (e as HTMLElement).dataset.nodeId);
  assert.equal(await selected(), 'run0');
  await page.keyboard.press('ArrowDown'); // it1
  await page.keyboard.press('ArrowDown'); // c1
  await page.keyboard.press('ArrowDown'); // the search group "grep /invalidate/"
  assert.equal(await selected(), 'c1/grep:invalidate');
  await page.keyboard.press('ArrowDown'); // e1, its hit
  assert.equal(await selected(), 'e1');
  assert.equal(await page.$eval('.row.selected', (e) => e.getAttribute('aria-selected')), 'true');
  await page.keyboard.press('Enter');
  await page.keyboard.press('ArrowLeft'); // to the parent: the search group
  assert.equal(await selected(), 'c1/grep:invalidate');
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown'); // e1 e2 s1 s2
  assert.equal(await selected(), 's2');
  assert.ok(!(await rowIds()).includes('run1'), 'the child run starts closed');
  await page.keyboard.press('ArrowRight');
  assert.ok((await rowIds()).includes('run1'), 'ArrowRight opens it');
  assert.deepEqual((await posted()).filter((m) => m.type === 'open'), [{ type: 'open', path: 'src/cache.ts', line: 42 }]);
});

test('filter box keeps matches in place with their ancestors; collapse/expand all', { skip }, async () => {
  await load(smallTrajectory(), 'small-filter.jsonl');
  const { page } = panel;
  await page.fill('#filter input', 'deletes the key').catch(async () => {
    // vscode-textfield keeps its <input> in a shadow root; fill through the element.
    await page.evaluate(() => {
      const f = document.getElementById('filter') as HTMLInputElement;
      f.value = 'deletes the key';
      f.dispatchEvent(new Event('input'));
    });
  });
  await page.waitForFunction(() => document.getElementById('count')?.textContent === '1 matches');
  assert.deepEqual(await rowIds(), ['run0', 'it1', 'c1', 's1']);
  assert.deepEqual(await page.$$eval('.row.match', (els) => els.map((e) => (e as HTMLElement).dataset.nodeId)), ['s1']);
  await page.evaluate(() => {
    const f = document.getElementById('filter') as HTMLInputElement;
    f.value = '';
    f.dispatchEvent(new Event('input'));
  });
  await page.waitForFunction(() => document.getElementById('count')?.textContent?.endsWith('steps'));
  await page.click('#collapse-all');
  assert.deepEqual(await rowIds(), ['run0']);
  await page.click('#expand-all');
  assert.equal((await rowIds()).length, 20, '19 nodes and one search group');
});

test('live: batches append to the tree, the header follows, the end is shown; the page reports what it drew', { skip }, async () => {
  const events = smallTrajectory();
  await load(events.slice(0, 2), 'live.jsonl', true);
  await clearPosted();
  assert.match((await panel.page.textContent('#header')) ?? '', /running/);
  assert.equal(await panel.page.isHidden('#cancel'), false, 'a live run can be cancelled');
  await panel.send({ type: 'events', events: encodeEvents(events.slice(2, 9)) });
  await panel.send({ type: 'events', events: encodeEvents(events.slice(9)) });
  await panel.send({ type: 'ended' });
  await panel.page.waitForFunction(() => !document.getElementById('header')?.textContent?.includes('running'));
  assert.match((await panel.page.textContent('#header')) ?? '', /final/);
  assert.match((await panel.page.textContent('#answer')) ?? '', /The cache is invalidated in/);
  assert.equal(await panel.page.isHidden('#cancel'), true);
  const rendered = (await posted()).filter((m) => m.type === 'rendered');
  assert.ok(rendered.length >= 1);
  const fits = await panel.page.evaluate(() => Math.floor(document.getElementById('tree')!.clientHeight / 22));
  assert.deepEqual(rendered.at(-1), { type: 'rendered', nodes: 19, rows: await panel.page.evaluate(() => document.querySelectorAll('.row:not([hidden])').length), live: false, fits });
});
