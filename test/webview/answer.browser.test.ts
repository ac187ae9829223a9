// The built answer panel (dist/answerView.js) in headless Chromium under its real CSP: the conversation draws
// question, live steps, then the answer (steps folded into a summary) with clickable citations and a trajectory
// link per answer; the follow-up box posts the typed message and is disabled while a run is going; every text
// from a run renders as text. Also: the answer view's messages are validated, and export names are meaningful.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumSkip, openPanelPage, type PanelPage } from './browserPage';
import { parseFromAnswerView, type ConversationTurn, type ToAnswerView } from '../../src/webview/protocol';
import { exportFileName } from '../../src/webview/exportName';
import { smallTrajectory } from './fixtures';

const skip = chromiumSkip;
let view: PanelPage;
const PAYLOAD = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';

before(async () => {
  if (!skip) view = await openPanelPage({ width: 700, height: 600, bundle: 'answerView' });
});
after(async () => {
  await view?.close();
});

type Posted = { type: string; [k: string]: unknown };
const posted = async () => (await view.posted()) as Posted[];
const clearPosted = () => view.page.evaluate(() => ((window as unknown as { __posted: unknown[] }).__posted.length = 0));
const send = (turns: ConversationTurn[], busy: boolean) => view.send({ type: 'conversation', turns, busy } satisfies ToAnswerView);

const first: ConversationTurn = {
  runId: 'run-1',
  question: 'Where is the greeting built?',
  status: 'done',
  steps: ['grep "greet" → 2 hits', 'read src/greeting.ts:7-10', 'llm_query'],
  stepCount: 3,
  answer: 'Built by `greet` in src/greeting.ts:7.',
  citations: [{ path: 'src/greeting.ts', line: 7, valid: true }],
  stopReason: 'final',
  footer: 'Answered · 2 turns · 1 sub-call · 1.2k in / 80 out tokens · 1.4 s',
};

test('a conversation: live steps while working, then the answer with its summary, citations and trajectory link', { skip }, async () => {
  const { page } = view;
  await send([{ ...first, status: 'running', answer: undefined, footer: undefined, citations: undefined }], true);
  await page.waitForSelector('#steps li');
  assert.deepEqual(await page.$$eval('#steps li', (els) => els.map((e) => e.textContent)), first.steps);
  assert.equal(await page.isDisabled('#question'), true, 'no follow-up while the answer is coming');
  assert.equal(await page.isVisible('#cancel'), true);

  await send([first], false);
  await page.waitForSelector('#answer a.citation');
  assert.equal(await page.$('#steps'), null, 'the live list is gone');
  assert.equal(await page.textContent('details.steps summary'), '3 steps');
  assert.match((await page.textContent('#status')) ?? '', /^Answered · 2 turns/);
  assert.equal(await page.isDisabled('#question'), false);
  await clearPosted();
  await page.click('#answer a.citation');
  await page.click('button.trajectory');
  assert.deepEqual((await posted()).filter((m) => m.type !== 'rendered'), [
    { type: 'open', path: 'src/greeting.ts', line: 7 },
    { type: 'showTrajectory', runId: 'run-1' },
  ]);
});

test('the follow-up box asks the next question (Enter sends, Shift+Enter is a new line); turns stack up', { skip }, async () => {
  const { page } = view;
  await send([first], false);
  await clearPosted();
  await page.fill('#question', 'and who calls it?');
  await page.press('#question', 'Shift+Enter');
  await page.press('#question', 'Enter');
  assert.deepEqual((await posted()).filter((m) => m.type === 'followUp'), [{ type: 'followUp', question: 'and who calls it?' }]);
  assert.equal(await page.inputValue('#question'), '');
  const second: ConversationTurn = { ...first, runId: 'run-2', question: 'and who calls it?', answer: 'src/index.ts:3 calls it.', citations: [{ path: 'src/index.ts', line: 3, valid: true }] };
  await send([first, second], false);
  await page.waitForFunction(() => document.querySelectorAll('section.turn').length === 2);
  assert.deepEqual(await page.$$eval('section.turn h2', (els) => els.map((e) => e.textContent)), ['Where is the greeting built?', 'and who calls it?']);
  assert.deepEqual(await page.$$eval('button.trajectory', (els) => els.map((e) => (e as HTMLElement).dataset.runId)), ['run-1', 'run-2'], 'each answer has its own trajectory link');
  assert.equal(await page.$eval('#answer', (e) => e.closest('section')!.getAttribute('data-run-id')), 'run-2', 'ids name the newest answer');
  const rendered = (await posted()).filter((m) => m.type === 'rendered').at(-1);
  assert.deepEqual(rendered, { type: 'rendered', turns: 2, busy: false });
});

test('texts from a run render as text: question, steps, answer, footer, detail', { skip }, async () => {
  const { page } = view;
  const evil: ConversationTurn = { runId: `x"${PAYLOAD}`, question: PAYLOAD, status: 'done', steps: [PAYLOAD], stepCount: 1, answer: `${PAYLOAD} [x](javascript:window.__xss=3)`, citations: [], stopReason: 'max_iterations', detail: PAYLOAD, footer: PAYLOAD };
  await send([evil, { ...evil, status: 'running' }, { ...evil, status: 'failed' }], false);
  await page.waitForFunction(() => document.querySelectorAll('section.turn').length === 3);
  await page.click('details.steps summary');
  const dom = await page.evaluate(() => ({
    xss: (window as unknown as { __xss?: unknown }).__xss,
    injected: document.querySelectorAll('img, iframe, object, embed, svg, a[href^="javascript"], [onerror], [onload]').length,
    scripts: document.querySelectorAll('script').length,
    text: document.body.textContent ?? '',
  }));
  assert.equal(dom.xss, undefined);
  assert.equal(dom.injected, 0);
  assert.equal(dom.scripts, 0);
  assert.ok(dom.text.includes('<img src=x onerror="window.__xss=1">'), 'the payload is shown as text');
  assert.deepEqual(await view.violations(), []);
});

test('answer view messages are validated: malformed ones are dropped', () => {
  assert.deepEqual(parseFromAnswerView({ type: 'followUp', question: '  why?  ' }), { type: 'followUp', question: 'why?' });
  assert.deepEqual(parseFromAnswerView({ type: 'showTrajectory', runId: 'run-1' }), { type: 'showTrajectory', runId: 'run-1' });
  assert.deepEqual(parseFromAnswerView({ type: 'open', path: 'a.ts', line: 2 }), { type: 'open', path: 'a.ts', line: 2 });
  for (const bad of [null, {}, { type: 'followUp', question: '   ' }, { type: 'followUp', question: 'x'.repeat(20_001) }, { type: 'followUp' }, { type: 'copy' }, { type: 'showTrajectory', runId: 7 }, { type: 'open', path: 'a', line: 0 }, { type: 'eval' }]) {
    assert.equal(parseFromAnswerView(bad), undefined, JSON.stringify(bad));
  }
});

test('export names: the run date and question, safe characters, the official format marked', () => {
  const events = smallTrajectory();
  assert.equal(exportFileName(events, 'rlm-vscode'), '2026-01-01 where-is-the-cache-invalidated.jsonl');
  assert.equal(exportFileName(events, 'rlm-official'), '2026-01-01 where-is-the-cache-invalidated.rlm-log.jsonl');
  const odd = events.map((e) => (e.type === 'run_start' && e.depth === 0 ? { ...e, question: '../../etc/passwd?! ' + 'x'.repeat(100) } : e));
  assert.match(exportFileName(odd, 'rlm-vscode'), /^2026-01-01 etc-passwd-x{1,60}\.jsonl$/);
  assert.equal(exportFileName([], 'rlm-vscode').endsWith(' trajectory.jsonl'), true);
});
