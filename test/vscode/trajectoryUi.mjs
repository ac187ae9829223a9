// The trajectory panel driven like a user in the real workbench (playwright-core, Chromium, code-server):
// ask from the palette -> "RLM: Show Trajectory" -> the tree fills -> click a grep-hit node and a citation ->
// the editor shows that file at that line (active tab + status bar "Ln N"); open a trajectory whose texts are XSS
// payloads -> they render as text; screenshots of the panel in the light and the dark theme.
// Called by test/vscode/run.mjs after the other UI steps: runTrajectoryUiTests({browser, baseUrl, workspace, question, screenshots, log}).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFrame, openWorkbench, runPaletteCommand, stepRunner } from './ui.mjs';

const STEP_TIMEOUT = 60_000;
const RUN_TIMEOUT = 180_000;

async function expectEditorAt(page, fileName, line, log = () => {}) {
  const tab = page.locator('.tabs-container .tab.active', { hasText: fileName }).first();
  await tab.waitFor({ timeout: STEP_TIMEOUT });
  const position = page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${line}, Col \\d+`) }).first();
  try {
    await position.waitFor({ timeout: 10_000 });
    return;
  } catch {
    // The status bar shows a position only while a text editor is the active one. Once in six CI runs the
    // webview kept focus after opening the file: focus the file's tab (that moves no cursor) and look again.
    log(`status bar without "Ln ${line}" while ${fileName} is the active tab: focusing its tab`);
    await tab.click();
  }
  try {
    await position.waitFor({ timeout: STEP_TIMEOUT });
  } catch (error) {
    // Say what the workbench showed instead: which tabs are active, what the status bar says, where focus is.
    const seen = await page.evaluate(() => ({
      activeTabs: [...document.querySelectorAll('.tabs-container .tab.active')].map((t) => t.textContent?.trim()),
      status: [...document.querySelectorAll('.statusbar-item')].map((s) => s.textContent?.trim()).filter(Boolean),
      focus: `${document.activeElement?.tagName}.${document.activeElement?.className}`.slice(0, 120),
    }));
    throw new Error(`${fileName} is the active tab but the status bar never showed line ${line}: ${JSON.stringify(seen)}`, { cause: error });
  }
}

/** Flips between the preferred light and dark themes (no theme names to match). */
export async function toggleLightDark(page) {
  const isLight = () => page.evaluate(() => document.querySelector('.monaco-workbench')?.classList.contains('vs') ?? false);
  const before = await isLight();
  await runPaletteCommand(page, 'Preferences: Toggle between Light/Dark Themes');
  const deadline = Date.now() + STEP_TIMEOUT;
  while ((await isLight()) === before) {
    if (Date.now() > deadline) throw new Error('the color theme did not change');
    await page.waitForTimeout(250);
  }
  await page.waitForTimeout(1000); // the webview repaints with the new theme variables
  return !before;
}

const T0 = Date.UTC(2026, 0, 1);
const PAYLOAD = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';

/** A trajectory whose model and workspace texts are attacks (a reply, code, output, a path, the answer). */
function xssTrajectoryJsonl() {
  const base = { runId: 'x' };
  const events = [
    { ...base, type: 'run_start', id: 'run', time: T0, depth: 0, question: `XSSCHECK ${PAYLOAD}`, provider: 'openai', model: 'scripted-root', subModel: 'scripted-sub', workspace: { name: 'w', fileCount: 1, totalBytes: 1 }, limits: {} },
    { ...base, type: 'iteration', id: 'it', parentId: 'run', time: T0 + 1, iteration: 1, response: `Reply ${PAYLOAD}`, usage: { inputTokens: 1, outputTokens: 1 }, durationMs: 1 },
    { ...base, type: 'code', id: 'c', parentId: 'it', time: T0 + 2, iteration: 1, index: 0, code: `print("${PAYLOAD}")`, output: PAYLOAD, error: PAYLOAD, durationMs: 1 },
    { ...base, type: 'evidence', id: 'e', parentId: 'c', time: T0 + 3, kind: 'grep', path: `src/"><img src=x onerror="window.__xss=3">.ts`, line: 1, query: PAYLOAD, text: PAYLOAD },
    { ...base, type: 'final', id: 'f', parentId: 'run', time: T0 + 4, answer: `Answer ${PAYLOAD} [x](javascript:window.__xss=4) src/greeting.ts:7`, citations: [{ path: 'src/greeting.ts', line: 7, valid: true }] },
    { ...base, type: 'run_end', id: 'end', parentId: 'run', time: T0 + 5, stopReason: 'final', answer: 'a', iterations: 1, subCalls: 0, usage: { inputTokens: 1, outputTokens: 1 }, durationMs: 5 },
  ];
  return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
}

export async function runTrajectoryUiTests({ browser, baseUrl, workspace, question, screenshots, log }) {
  const results = [];
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  let workbenchOpen = false;
  const openWorkbenchOnce = async () => {
    if (workbenchOpen) return;
    await openWorkbench(page, baseUrl, workspace);
    workbenchOpen = true;
  };
  const step = stepRunner({ page, results, log, screenshotFor: (r, n) => (r.ok ? undefined : join(screenshots, `trajectory-failed-${n}.png`)) });

  await step('trajectory: an XSS payload in a reply, code, output, path and answer renders as text', async () => {
    await openWorkbenchOnce();
    const dir = mkdtempSync(join(tmpdir(), 'rlm-xss-'));
    const file = join(dir, 'xss.jsonl');
    writeFileSync(file, xssTrajectoryJsonl());
    // A fresh window registers extension commands a little after the workbench shows.
    await runPaletteCommand(page, 'RLM: Open Trajectory File', 120_000);
    // code-server's simple file dialog: a quick input that takes a path.
    // Wait for its "Open trajectory" button: the dialog fills in its default folder after it shows, which
    // would overwrite a path entered too early.
    await page.locator('.quick-input-widget:visible .monaco-button', { hasText: 'Open trajectory' }).first().waitFor({ timeout: STEP_TIMEOUT });
    const input = page.locator('.quick-input-widget:visible input').first();
    await page.waitForTimeout(500);
    for (let attempt = 0; attempt < 10; attempt++) {
      await input.fill(file);
      await page.waitForTimeout(300);
      if ((await input.inputValue()) === file) break;
    }
    // Accept with the dialog's own button; while the dialog is still refreshing its listing a press can be
    // swallowed, so press again until it closes.
    const accept = page.locator('.quick-input-widget:visible .monaco-button', { hasText: 'Open trajectory' }).first();
    for (let attempt = 0; attempt < 5 && (await accept.isVisible()); attempt++) {
      if (attempt === 0) await input.press('Enter');
      else await accept.click({ timeout: 3000 }).catch(() => {});
      await page.waitForTimeout(1500);
    }
    const xss = await findFrame(page, '#tree .row[data-node-id="e"]', STEP_TIMEOUT);
    await xss.locator('#tree .row[data-node-id="c"]').click();
    await xss.locator('#tree .row[data-node-id="it"]').click();
    await xss.locator('#answer').hover();
    const dom = await xss.evaluate(() => ({
      xss: window.__xss,
      injected: document.querySelectorAll('img, iframe, object, embed, [onerror], [onload], a[href^="javascript"]').length,
      answer: document.getElementById('answer').textContent,
      detail: document.getElementById('detail').textContent,
    }));
    if (dom.xss !== undefined) throw new Error(`a payload ran: __xss = ${dom.xss}`);
    if (dom.injected) throw new Error(`${dom.injected} injected elements`);
    if (!dom.answer.includes('<img src=x onerror="window.__xss=1">')) throw new Error(`the payload is not shown as text: ${dom.answer}`);
    if (!dom.detail.includes('<script>window.__xss=2</script>')) throw new Error(`the reply is not shown as text: ${dom.detail}`);
    await page.screenshot({ path: join(screenshots, 'trajectory-xss.png') });
  });

  let tree;
  // The asked run's panel (not the XSS one): its header holds the question and its answer has citations.
  const isAskPanel = async (f) => (await f.$('#answer a.citation')) !== null && ((await f.locator('#header .question').textContent()) ?? '') === question;
  const filled = await step('trajectory: ask from the palette, "RLM: Show Trajectory" shows the tree with evidence', async () => {
    await openWorkbenchOnce();
    await runPaletteCommand(page, 'RLM: Ask about workspace', 120_000);
    // The first command in a window activates the extension: type only once the question box is up.
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'RLM: Ask about workspace' }).waitFor({ timeout: STEP_TIMEOUT });
    const box = page.locator('.quick-input-widget:visible input').first();
    await box.fill(question);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: question }).first().waitFor({ timeout: STEP_TIMEOUT });
    await box.press('Enter');
    await runPaletteCommand(page, 'RLM: Show Trajectory');
    // The tree fills while the run goes; wait for the end (a final answer with citations).
    tree = await findFrame(page, '#tree .row[data-kind="evidence"]', RUN_TIMEOUT, isAskPanel);
    const header = await tree.locator('#header').innerText();
    if (!header.includes(question)) throw new Error(`header without the question: ${header}`);
  });

  await step('trajectory: clicking a grep-hit node opens src/greeting.ts at line 7', async () => {
    if (!filled) throw new Error('skipped: no trajectory');
    // Grep hits sit under their search's row ("grep /…/ N hits"), labelled path:line first.
    const row = tree.locator('#tree .row[data-kind="search"]').first();
    await row.waitFor({ timeout: STEP_TIMEOUT });
    const hit = tree.locator('#tree .row[data-kind="evidence"] .label', { hasText: /^src\/greeting\.ts:7$/ }).first();
    await hit.click();
    await expectEditorAt(page, 'greeting.ts', 7, log);
  });

  await step('trajectory: clicking a citation in the answer opens src/util/strings.ts at line 1', async () => {
    if (!filled) throw new Error('skipped: no trajectory');
    // The answer panel shows this answer, so the panel's copy starts folded: open it.
    await tree.evaluate(() => (document.getElementById('answer-box').open = true));
    await tree.locator('#answer a.citation[data-path="src/util/strings.ts"]').first().click();
    await expectEditorAt(page, 'strings.ts', 1, log);
  });

  await step('trajectory: keyboard, Enter on a located node opens it', async () => {
    if (!filled) throw new Error('skipped: no trajectory');
    await tree.locator('#tree .row[data-kind="evidence"]', { hasText: 'src/greeting.ts:7' }).first().click();
    await expectEditorAt(page, 'greeting.ts', 7, log);
    await tree.locator('#tree').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('End');
    const last = await tree.locator('#tree .row.selected').getAttribute('data-kind');
    if (last !== 'citation') throw new Error(`End selected a ${last}, expected the last citation`);
    await page.keyboard.press('Enter');
    await expectEditorAt(page, 'strings.ts', 1, log);
    await page.waitForTimeout(500);
    // The key that opened the file must not have typed into it.
    if (await page.locator('.tabs-container .tab.active.dirty').count()) throw new Error('Enter typed into the opened file');
  });

  await step('trajectory: screenshots in the light and the dark theme', async () => {
    if (!filled) throw new Error('skipped: no trajectory');
    await runPaletteCommand(page, 'RLM: Show Trajectory');
    await findFrame(page, '#tree .row[data-kind="evidence"]', STEP_TIMEOUT, isAskPanel);
    const isLight = await page.evaluate(() => document.querySelector('.monaco-workbench')?.classList.contains('vs') ?? false);
    await page.screenshot({ path: join(screenshots, `trajectory-${isLight ? 'light' : 'dark'}.png`) });
    const nowLight = await toggleLightDark(page);
    await page.screenshot({ path: join(screenshots, `trajectory-${nowLight ? 'light' : 'dark'}.png`) });
    await toggleLightDark(page);
  });

  await context.close();
  return results;
}
