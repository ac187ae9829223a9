// The panels driven like a user in the real workbench (issue 14, and the answer panel's follow-up of issue 11):
// two asks, a "show trajectory", a jump to code, a reopen from history; the editor never has more than two
// groups; the trajectory tree gets at least 20 rows at 1400x900; the child run is labelled final with its
// citations and tokens; sub-call rows differ; export says where it wrote; a follow-up from the answer panel is
// answered in the same panel; the Runs view lists the runs; screenshots of each state in both themes and at
// 1000x650 land in test-results/vscode/panels-*.png.
// Called by test/vscode/run.mjs: runPanelsUiTests({browser, baseUrl, workspace, screenshots, log}).
import { join } from 'node:path';
import { FOLLOWUP_QUESTION, STEPS_QUESTION, TOUR_QUESTION } from './fixture.mjs';
import { findFrame, openWorkbench, runPaletteCommand, stepRunner } from './ui.mjs';
import { toggleLightDark } from './trajectoryUi.mjs';

const STEP_TIMEOUT = 60_000;
const RUN_TIMEOUT = 180_000;
const ROW_HEIGHT = 22;

const editorGroups = (page) => page.locator('.part.editor .editor-group-container').count();
const rlmTabs = (page) => page.locator('.tabs-container .tab', { hasText: 'RLM' }).count();

async function expectAtMostTwoGroups(page, when) {
  const groups = await editorGroups(page);
  if (groups > 2) throw new Error(`${groups} editor groups ${when} (at most 2)`);
  const tabs = await rlmTabs(page);
  if (tabs > 2) throw new Error(`${tabs} RLM tabs ${when} (one answer panel and one trajectory panel at most)`);
  return groups;
}

/** The palette's question box: type the question once it is up, Enter. */
async function ask(page, question) {
  // On a loaded machine the box can be re-rendered under a fill: close it and open it again, a few times.
  for (let attempt = 1; ; attempt++) {
    try {
      await runPaletteCommand(page, 'RLM: Ask about workspace');
      await page.locator('.quick-input-widget .quick-input-title', { hasText: 'RLM: Ask about workspace' }).waitFor({ timeout: STEP_TIMEOUT });
      const box = page.locator('.quick-input-widget:visible input').first();
      await box.fill(question, { timeout: 10_000 });
      await page.locator('.quick-input-list .monaco-list-row', { hasText: question }).first().waitFor({ timeout: 10_000 });
      await box.press('Enter');
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      await page.keyboard.press('Escape').catch(() => {});
      await page.waitForTimeout(1000);
    }
  }
}

const isAnswerView = (f) => f.$('#conversation').then(Boolean);
/** The answer panel's frame once its newest turn is `question` (and, with `done`, answered). */
async function answerFrameFor(page, question, done = true) {
  return findFrame(page, '#conversation section.turn', done ? RUN_TIMEOUT : STEP_TIMEOUT, async (f) => {
    const last = await f.evaluate(() => {
      const turns = document.querySelectorAll('section.turn');
      const t = turns[turns.length - 1];
      return t ? { question: t.querySelector('h2')?.textContent, done: t.classList.contains('done') } : undefined;
    });
    return last?.question === question && (!done || last.done);
  });
}

/** The trajectory panel's frame showing the run asked with `question`. */
function trajectoryFrameFor(page, question) {
  return findFrame(page, '#tree .row', RUN_TIMEOUT, async (f) => ((await f.locator('#header .question').textContent()) ?? '') === question && (await f.$('#tree .row[data-kind="final"]')) !== null);
}

export async function runPanelsUiTests({ browser, baseUrl, workspace, screenshots, log }) {
  const results = [];
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const step = stepRunner({ page, results, log, screenshotFor: (r, n) => (r.ok ? undefined : join(screenshots, `panels-failed-${n}.png`)) });
  const shot = (name) => page.screenshot({ path: join(screenshots, `panels-${name}.png`) });
  let answer;
  let tree;

  const asked = await step('panels: an ask shows live steps in the answer panel, the status bar and the notification, then folds them into a summary', async () => {
    await openWorkbench(page, baseUrl, workspace);
    // A file open in the first column, as a developer would have.
    await runPaletteCommand(page, 'Go to File...', 120_000);
    await page.locator('.quick-input-widget:visible input').first().fill('index.ts');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'index.ts' }).first().click();
    await page.locator('.tabs-container .tab.active', { hasText: 'index.ts' }).waitFor({ timeout: STEP_TIMEOUT });
    await ask(page, STEPS_QUESTION);
    // The scripted model holds the second turn for 8 s: the first turn's grep is a live step meanwhile.
    const live = await findFrame(page, '#steps li', STEP_TIMEOUT, isAnswerView);
    const steps = await live.locator('#steps li').allInnerTexts();
    if (!steps.some((s) => /grep/.test(s))) throw new Error(`no grep step among the live steps: ${JSON.stringify(steps)}`);
    const statusItem = page.locator('.statusbar-item', { hasText: 'RLM' }).first();
    await statusItem.waitFor({ timeout: STEP_TIMEOUT });
    const statusText = await statusItem.innerText();
    await shot('1-live-steps');
    answer = await answerFrameFor(page, STEPS_QUESTION);
    if (await answer.$('#steps')) throw new Error('the live step list is still shown after the answer');
    const summary = await answer.locator('details.steps summary').first().innerText();
    if (!/^\d+ steps?$/.test(summary.trim())) throw new Error(`no step summary: ${summary}`);
    const status = await answer.locator('#status').innerText();
    if (!/^Answered · \d+ turns? · \d+ sub-calls?/.test(status)) throw new Error(`no footer: ${status}`);
    log(`[ui] status bar while running: "${statusText}"; summary: "${summary}"`);
    await expectAtMostTwoGroups(page, 'after the first ask');
  });

  await step('panels: a second ask reuses the answer panel (no new column)', async () => {
    if (!asked) throw new Error('skipped: the first ask failed');
    await ask(page, TOUR_QUESTION);
    answer = await answerFrameFor(page, TOUR_QUESTION);
    const turns = await answer.locator('section.turn').count();
    if (turns !== 1) throw new Error(`a new palette question starts a new conversation: ${turns} turns`);
    await expectAtMostTwoGroups(page, 'after the second ask');
    await shot('2-answer');
  });

  const shown = await step('panels: "Show trajectory" opens beside the answer (same column); the tree has at least 20 rows at 1400x900', async () => {
    await answer.locator('#conversation section.turn:last-child button.trajectory').click();
    tree = await trajectoryFrameFor(page, TOUR_QUESTION);
    await expectAtMostTwoGroups(page, 'with the trajectory shown');
    await tree.locator('#expand-all').click();
    const measure = () => tree.evaluate((h) => ({ fits: Math.floor(document.getElementById('tree').clientHeight / h), rows: Number.parseInt(document.getElementById('spacer').style.height, 10) / h }), ROW_HEIGHT);
    const m = await measure();
    if (m.fits < 20) throw new Error(`the tree fits ${m.fits} rows at 1400x900 (at least 20)`);
    if (m.rows < 20) throw new Error(`only ${m.rows} rows to show`);
    const answerOpen = await tree.evaluate(() => document.getElementById('answer-box').open);
    if (answerOpen) throw new Error('the answer section is open although the answer panel shows the answer');
    log(`[ui] tree fits ${m.fits} rows, ${m.rows} rows in all`);
    await shot('3-trajectory');
  });

  await step('panels: the child run is labelled final with its citations and tokens; its rlm_query shows tokens', async () => {
    if (!shown) throw new Error('skipped: no trajectory');
    const child = tree.locator('#tree .row[data-kind="run"]', { hasText: 'Child run' }).first();
    await child.waitFor({ timeout: STEP_TIMEOUT });
    const text = await child.innerText();
    if (!/\bfinal\b/.test(text)) throw new Error(`the child run is not labelled final: ${text}`);
    const citations = /(\d+) citations?/.exec(text);
    if (!citations || Number(citations[1]) < 1) throw new Error(`the child run shows no citations: ${text}`);
    if (/\b0 in \/ 0 out\b/.test(text) || !/\d[\d.]*k? in \/ \d/.test(text)) throw new Error(`the child run shows no tokens: ${text}`);
    const rlmQuery = await tree.locator('#tree .row[data-kind="subcall"]', { hasText: 'rlm_query' }).first().innerText();
    if (/\b0 in \/ 0 out\b/.test(rlmQuery)) throw new Error(`the rlm_query row shows 0 tokens: ${rlmQuery}`);
  });

  await step('panels: the 8 sub-call rows of one batch differ', async () => {
    if (!shown) throw new Error('skipped: no trajectory');
    const rows = await tree.evaluate(() => [...document.querySelectorAll('#tree .row[data-kind="subcall"]:not([hidden])')].map((r) => `${r.querySelector('.label').textContent} ${r.querySelector('.description').textContent}`).filter((t) => t.startsWith('llm_query')));
    if (rows.length !== 8) throw new Error(`${rows.length} llm_query rows: ${JSON.stringify(rows)}`);
    if (new Set(rows).size !== rows.length) throw new Error(`rows look alike: ${JSON.stringify(rows)}`);
    const described = new Set(rows.map((r) => r.replace(/^llm_query (#\d+ )?/, '')));
    if (described.size !== rows.length) throw new Error(`descriptions look alike: ${JSON.stringify(rows)}`);
  });

  await step('panels: a jump opens the code in the other column, the trajectory stays in view; still two groups', async () => {
    if (!shown) throw new Error('skipped: no trajectory');
    const hit = tree.locator('#tree .row[data-kind="evidence"]', { hasText: 'src/greeting.ts:7' }).first();
    await hit.click();
    await page.locator('.tabs-container .tab.active', { hasText: 'greeting.ts' }).waitFor({ timeout: STEP_TIMEOUT });
    await page.locator('.statusbar-item', { hasText: /Ln 7, Col \d+/ }).first().waitFor({ timeout: STEP_TIMEOUT });
    await expectAtMostTwoGroups(page, 'after a jump');
    // The panel's group still shows the trajectory: its frame is visible with the selection.
    const visible = await tree.evaluate(() => document.visibilityState === 'visible' && document.querySelector('#tree .row.selected') !== null);
    if (!visible) throw new Error('the trajectory panel was covered or lost its selection');
    const fits = await tree.evaluate((h) => Math.floor(document.getElementById('tree').clientHeight / h), ROW_HEIGHT);
    if (fits < 20) throw new Error(`with the details shown the tree fits ${fits} rows (at least 20)`);
    await shot('4-jump');
  });

  await step('panels: reopening a run from history reuses the trajectory panel', async () => {
    await runPaletteCommand(page, 'RLM: Show Trajectory History');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: STEPS_QUESTION }).first().click({ timeout: STEP_TIMEOUT });
    await findFrame(page, '#tree .row', STEP_TIMEOUT, async (f) => ((await f.locator('#header .question').textContent()) ?? '') === STEPS_QUESTION);
    await expectAtMostTwoGroups(page, 'after a reopen');
    await shot('5-reopened');
  });

  await step('panels: export goes to the extension storage with a meaningful name and says where', async () => {
    await runPaletteCommand(page, 'RLM: Show Trajectory');
    const frame = await findFrame(page, '#export', STEP_TIMEOUT, async (f) => (await f.$('#tree')) !== null);
    await frame.locator('#export').click();
    // The first export asks for the format (then remembers it).
    const format = page.locator('.quick-input-list .monaco-list-row', { hasText: 'RLM for VS Code (JSONL)' }).first();
    await format.waitFor({ timeout: STEP_TIMEOUT });
    await format.click();
    // code-server's simple dialog labels its button OK; a native one says Export.
    const save = page.locator('.quick-input-widget:visible .monaco-button', { hasText: /^(Export|OK)$/ }).first();
    await save.waitFor({ timeout: STEP_TIMEOUT });
    await page.waitForTimeout(1000); // the simple dialog fills in its default path after it shows
    const input = page.locator('.quick-input-widget:visible input').first();
    const path = await input.inputValue();
    if (!/\/exports\/\d{4}-\d{2}-\d{2} [a-z0-9-]+\.jsonl$/.test(path)) throw new Error(`default export path: ${path}`);
    for (let attempt = 0; attempt < 5 && (await save.isVisible()); attempt++) {
      if (attempt === 0) await input.press('Enter');
      else await save.click({ timeout: 3000 }).catch(() => {});
      await page.waitForTimeout(1500);
    }
    await runPaletteCommand(page, 'Notifications: Show Notifications');
    const message = page.locator('.notifications-center .notification-list-item', { hasText: 'trajectory exported to' }).first();
    await message.waitFor({ timeout: STEP_TIMEOUT });
    for (const action of ['Open', 'Reveal']) {
      if (!(await message.locator('.monaco-button', { hasText: action }).count())) throw new Error(`the export message has no ${action} button`);
    }
    await shot('6-exported');
    await page.keyboard.press('Escape');
  });

  await step('panels: a follow-up asked in the answer panel is answered below the first answer, with its own trajectory link', async () => {
    // Bring the answer panel to the front: its tab in the RLM column.
    await page.locator('.tabs-container .tab', { hasText: 'RLM: TOURCHECK' }).first().click();
    answer = await answerFrameFor(page, TOUR_QUESTION);
    await answer.locator('#question').fill(FOLLOWUP_QUESTION);
    await answer.locator('#question').press('Enter');
    answer = await answerFrameFor(page, FOLLOWUP_QUESTION);
    const turns = await answer.locator('section.turn').count();
    if (turns !== 2) throw new Error(`${turns} turns after the follow-up (expected 2)`);
    const text = await answer.locator('#answer').innerText();
    // FOLLOWUP-SESSION when the first question's sandbox (its variable \`tour\`) was still there; the session's own
    // test is issue 11's (@rlm). Logged, so the run shows which.
    if (!/FOLLOWUP-(NO-)?SESSION.*shout is defined/.test(text)) throw new Error(`unexpected follow-up answer: ${text}`);
    log(`[ui] follow-up answer: ${text}`);
    const links = await answer.locator('button.trajectory').count();
    if (links !== 2) throw new Error(`${links} trajectory links for 2 answers`);
    await expectAtMostTwoGroups(page, 'after the follow-up');
    await shot('7-follow-up');
  });

  await step('panels: the trajectory panel shows the conversation as its sequence of runs, the follow-up in focus', async () => {
    await answer.locator('#conversation section.turn:last-child button.trajectory').click();
    const session = await findFrame(page, '#tree .row[data-kind="run"]', STEP_TIMEOUT, async (f) => (await f.locator('#tree .row[data-kind="run"]', { hasText: 'Question 2' }).count()) > 0);
    const questions = await session.evaluate(() => [...document.querySelectorAll('#tree .row[data-kind="run"]')].map((r) => `${r.querySelector('.label').textContent} ${r.querySelector('.description').textContent}`).filter((t) => t.startsWith('Question')));
    if (questions.length !== 2 || !questions[0].includes('TOURCHECK') || !questions[1].includes('FOLLOWUPCHECK')) throw new Error(`the conversation's runs: ${JSON.stringify(questions)}`);
    const selected = await session.locator('#tree .row.selected').innerText();
    if (!selected.includes('Question 2')) throw new Error(`the follow-up is not in focus: ${selected}`);
    await expectAtMostTwoGroups(page, 'with the conversation shown');
    await shot('7b-conversation-trajectory');
  });

  await step('panels: the Runs view lists the runs with question, status, time and cost', async () => {
    await page.locator('.activitybar .action-item a[aria-label^="RLM"], .activitybar .action-item [aria-label^="RLM"]').first().click({ timeout: STEP_TIMEOUT });
    const row = page.locator('.pane-body .monaco-list-row', { hasText: TOUR_QUESTION.slice(0, 20) }).first();
    await row.waitFor({ timeout: STEP_TIMEOUT });
    const text = await row.innerText();
    if (!/(just now|min ago)/.test(text)) throw new Error(`the run's row lacks its time: ${text}`);
    // The conversation (tour + follow-up) is one item; the single question's run says it was answered.
    const conversation = page.locator('.pane-body .monaco-list-row', { hasText: '2 questions' }).first();
    await conversation.waitFor({ timeout: STEP_TIMEOUT });
    const single = await page.locator('.pane-body .monaco-list-row', { hasText: STEPS_QUESTION.slice(0, 20) }).first().innerText();
    if (!/answered/.test(single)) throw new Error(`the run's row lacks its status: ${single}`);
    await shot('8-runs-view');
  });

  await step('panels: screenshots of the answer and trajectory panels and the Runs view in both themes, at 1400x900 and 1000x650', async () => {
    for (const size of [{ width: 1400, height: 900 }, { width: 1000, height: 650 }]) {
      await page.setViewportSize(size);
      for (let t = 0; t < 2; t++) {
        const light = await page.evaluate(() => document.querySelector('.monaco-workbench')?.classList.contains('vs') ?? false);
        const tag = `${size.width}x${size.height}-${light ? 'light' : 'dark'}`;
        await page.locator('.tabs-container .tab', { hasText: 'RLM: ' }).first().click().catch(() => {});
        await page.waitForTimeout(800);
        await shot(`answer-${tag}`);
        await runPaletteCommand(page, 'RLM: Show Trajectory');
        const frame = await findFrame(page, '#tree .row', STEP_TIMEOUT);
        await page.waitForTimeout(800);
        if (size.width === 1000) {
          // Readable at 1000x650: the toolbar's buttons are all on screen, none clipped.
          const clipped = await frame.evaluate(() => {
            const bar = document.querySelector('.toolbar').getBoundingClientRect();
            return [...document.querySelectorAll('.toolbar vscode-toolbar-button:not([hidden])')].filter((b) => {
              const r = b.getBoundingClientRect();
              return r.width === 0 || r.right > Math.min(bar.right, window.innerWidth) + 0.5 || r.bottom > bar.bottom + 0.5;
            }).map((b) => b.id);
          });
          if (clipped.length) throw new Error(`clipped toolbar buttons at 1000x650 (${tag}): ${clipped.join(', ')}`);
        }
        await shot(`trajectory-${tag}`);
        await toggleLightDark(page);
      }
    }
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  await context.close();
  return results;
}
