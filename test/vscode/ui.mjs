// The workbench driven like a user, with playwright-core in Chromium: F1 -> "RLM: Ask about workspace" ->
// type a question -> the answer webview shows up -> click a citation -> the editor shows that file at that
// line (read from the workbench DOM: the active tab and the status bar's "Ln N, Col M").
import { join } from 'node:path';

const STEP_TIMEOUT = 60_000;
const ANSWER_TIMEOUT = 180_000;

/**
 * F1, the command's title, then run it (or only check it is listed, with run=false). The title is filled into
 * the palette's own input (not typed), so no keystroke can land in an editor that still has focus; the row is
 * matched exactly ("RLM: Show Trajectory" must not pick "RLM: Show Trajectory History"). Retries while the window
 * is still loading extension commands, or when the palette closed under us (focus stolen by a webview).
 */
export async function runPaletteCommand(page, title, timeoutMs = 120_000, run = true) {
  const deadline = Date.now() + timeoutMs;
  const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  for (;;) {
    // Focus may sit inside a webview iframe: give it back to the workbench first.
    await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget:visible input').first();
    await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    await input.fill(`>${title}`);
    try {
      const rows = page.locator('.quick-input-list .monaco-list-row');
      await rows.filter({ hasText: title }).first().waitFor({ timeout: 5000 });
      if (!run) {
        await input.press('Escape');
        return;
      }
      const exactRow = rows.filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
      // A short click timeout: a palette that closed under us is retried, not waited on for 30 s.
      await ((await exactRow.count()) ? exactRow : rows.filter({ hasText: title }).first()).click({ timeout: 3000 });
      return;
    } catch (error) {
      await input.press('Escape').catch(() => {});
      if (Date.now() > deadline) throw error;
      await page.waitForTimeout(1000);
    }
  }
}

/** Webviews are nested iframes: the frame whose document matches `selector` (and passes `accept`). */
export async function findFrame(page, selector, timeoutMs, accept = async () => true) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      try {
        if ((await frame.$(selector)) && (await accept(frame))) return frame;
      } catch {
        // frame detached while looking
      }
    }
    await page.waitForTimeout(500);
  }
  throw new Error(`no frame with ${selector} after ${timeoutMs / 1000} s`);
}

/** Opens the workbench on the workspace folder and waits until it is up and focused. Shared by every UI test module. */
export async function openWorkbench(page, baseUrl, workspace) {
  await page.goto(`${baseUrl}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: STEP_TIMEOUT });
  await page.locator('.statusbar').waitFor({ timeout: STEP_TIMEOUT });
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 450 } }).catch(() => {});
}

/**
 * A runner for named UI steps: records each result with its time, takes the screenshot `screenshotFor` names
 * (or none), logs one line, and returns whether the step passed. Shared by every UI test module.
 */
export function stepRunner({ page, results, log, screenshotFor }) {
  return async (name, fn) => {
    const started = Date.now();
    try {
      await fn();
      results.push({ name, ok: true, ms: Date.now() - started });
    } catch (error) {
      results.push({ name, ok: false, error: error?.stack ?? String(error), ms: Date.now() - started });
    }
    const r = results[results.length - 1];
    const shot = screenshotFor(r, results.length);
    if (shot) await page.screenshot({ path: shot }).catch(() => {});
    log(`${r.ok ? 'ok  ' : 'FAIL'} [ui] ${name}${r.ok ? '' : `\n${r.error}`}`);
    return r.ok;
  };
}

export async function runUiTests({ browser, baseUrl, workspace, question, slowQuestion, screenshots, log }) {
  const results = [];
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const step = stepRunner({ page, results, log, screenshotFor: (r, n) => (r.ok ? undefined : join(screenshots, `failed-${n}.png`)) });

  let answerFrame;
  let citation;
  const ok = await step('palette: "RLM: Ask about workspace" shows the answer with clickable citations', async () => {
    await openWorkbench(page, baseUrl, workspace);
    await runPaletteCommand(page, 'RLM: Ask about workspace');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'RLM: Ask about workspace' }).waitFor({ timeout: STEP_TIMEOUT });
    await page.screenshot({ path: join(screenshots, '1-question-box.png') });
    await page.keyboard.type(question);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: question }).first().waitFor({ timeout: STEP_TIMEOUT });
    await page.keyboard.press('Enter');
    answerFrame = await findFrame(page, '#answer a.citation', ANSWER_TIMEOUT);
    await page.screenshot({ path: join(screenshots, '2-answer.png') });
    const answer = await answerFrame.locator('#answer').innerText();
    if (!/The greeting message is built by/.test(answer)) throw new Error(`unexpected answer: ${answer}`);
    citation = answerFrame.locator('#answer a.citation[data-path="src/greeting.ts"]').first();
    const line = await citation.getAttribute('data-line');
    if (line !== '7') throw new Error(`citation line is ${line}, expected 7 (where greet is defined)`);
  });

  await step('clicking a citation opens that file at that line', async () => {
    if (!ok) throw new Error('skipped: no answer to click');
    await citation.click();
    await page.locator('.tabs-container .tab.active', { hasText: 'greeting.ts' }).waitFor({ timeout: STEP_TIMEOUT });
    await page.locator('.statusbar-item', { hasText: /Ln 7, Col 1/ }).first().waitFor({ timeout: STEP_TIMEOUT });
    const activeLine = (await page.locator('.editor-instance .line-numbers.active-line-number').first().innerText()).trim();
    if (activeLine !== '7') throw new Error(`the editor's active line number is ${activeLine}, expected 7`);
    // Monaco renders spaces as U+00A0.
    const visible = (await page.locator('.editor-instance .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
    if (!visible.includes('export function greet')) throw new Error('the cited line is not visible in the editor');
    await page.screenshot({ path: join(screenshots, '3-citation-opened.png') });
  });

  await step('the question box offers recent questions and the editor selection as focus', async () => {
    if (!ok) throw new Error('skipped: no earlier question');
    // The cited file is open with the cursor on line 7: select that line and the next.
    await runPaletteCommand(page, 'View: Focus Active Editor Group');
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await runPaletteCommand(page, 'RLM: Ask about workspace');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'focus: src/greeting.ts:' }).waitFor({ timeout: STEP_TIMEOUT });
    const title = await page.locator('.quick-input-widget .quick-input-title').first().innerText();
    if (!/focus: src\/greeting\.ts:\d+-\d+/.test(title)) throw new Error(`no selection focus in the title: ${title}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: question }).filter({ hasText: 'recent' }).first().waitFor({ timeout: STEP_TIMEOUT });
    await page.screenshot({ path: join(screenshots, '4-recent-and-focus.png') });
    await page.keyboard.press('Escape');
  });

  await step('a running ask shows a cancellable progress notification; Cancel in the answer panel stops it', async () => {
    await page.keyboard.press('Escape');
    await runPaletteCommand(page, 'RLM: Ask about workspace');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'RLM: Ask about workspace' }).waitFor({ timeout: STEP_TIMEOUT });
    await page.keyboard.type(slowQuestion);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: slowQuestion }).first().waitFor({ timeout: STEP_TIMEOUT });
    await page.keyboard.press('Enter');
    // The scripted model holds this reply for minutes. Toasts come and go: read the Notifications center.
    const panel = await findFrame(page, '#cancel', STEP_TIMEOUT);
    await runPaletteCommand(page, 'Notifications: Show Notifications');
    const progress = page.locator('.notifications-center .notification-list-item', { hasText: 'RLM' }).first();
    await progress.waitFor({ timeout: STEP_TIMEOUT });
    const text = await progress.innerText();
    if (!/indexing |indexed \d+ files|turn \d+\/\d+|grep "|read |llm_/.test(text)) throw new Error(`unexpected progress text: ${text}`);
    if ((await progress.locator('.monaco-button, [role="button"]', { hasText: 'Cancel' }).count()) === 0) throw new Error('the progress notification has no Cancel button');
    await page.screenshot({ path: join(screenshots, '5-progress.png') });
    await page.keyboard.press('Escape');
    await panel.locator('#cancel').click();
    await findFrame(page, '#status[data-stop-reason="cancelled"]', STEP_TIMEOUT);
    await page.screenshot({ path: join(screenshots, '6-cancelled.png') });
  });

  await context.close();
  return results;
}
