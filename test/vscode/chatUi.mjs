// The @rlm participant through the real chat UI: open the chat view, pick the test model (a vscode.lm provider
// backed by the scripted server, test/vscode/lm-extension), send "@rlm <question>", and read the rendered answer.
import { join } from 'node:path';
import { runPaletteCommand } from './ui.mjs';

const STEP_TIMEOUT = 60_000;

export async function runChatUiTests({ browser, baseUrl, workspace, question, screenshots, log }) {
  const results = [];
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const step = async (name, fn) => {
    const started = Date.now();
    try {
      await fn();
      results.push({ name, ok: true, ms: Date.now() - started });
    } catch (error) {
      results.push({ name, ok: false, error: error?.stack ?? String(error), ms: Date.now() - started });
    }
    await page.screenshot({ path: join(screenshots, `chat-${results.length}.png`) }).catch(() => {});
    const r = results[results.length - 1];
    log(`${r.ok ? 'ok  ' : 'FAIL'} [ui] ${name}${r.ok ? '' : `\n${r.error}`}`);
    return r.ok;
  };

  await step('chat UI: the test model is selectable and "@rlm" answers with anchors', async () => {
    await page.goto(`${baseUrl}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: STEP_TIMEOUT });
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 450 } }).catch(() => {});
    // Contributions are registered once the remote extension host is up: wait for one of ours.
    await runPaletteCommand(page, 'RLM: Ask about workspace', 120_000, false);
    await runPaletteCommand(page, 'Chat: Open Chat');
    const input = page.locator('.interactive-input-part .monaco-editor').first();
    await input.waitFor({ timeout: STEP_TIMEOUT });
    await page.screenshot({ path: join(screenshots, 'chat-0-open.png') });
    const toolbar = await page.locator('.interactive-input-part').first().evaluate((el) => el.outerHTML.replace(/<svg[\s\S]*?<\/svg>/g, '').slice(0, 20000));
    (await import('node:fs')).writeFileSync(join(screenshots, 'chat-input.html'), toolbar);
    const picker = page.locator('.interactive-input-part a, .interactive-input-part .action-label, .interactive-input-part [role="button"]', { hasText: /^\s*Models?\b/ }).first();
    await picker.click({ timeout: 10_000 });
    await page.screenshot({ path: join(screenshots, 'chat-0-picker.png') });
    const menu = await page.evaluate(() => [...document.querySelectorAll('.action-widget, .monaco-list, .context-view')].map((e) => e.textContent).join('\n---\n').slice(0, 5000));
    (await import('node:fs')).writeFileSync(join(screenshots, 'chat-picker.txt'), menu);
    await page.locator('.monaco-list-row, .action-widget .monaco-list-row', { hasText: 'RLM Test Model' }).first().click({ timeout: 10_000 });
    await input.click();
    await page.keyboard.type(`@rlm ${question}`);
    await page.keyboard.press('Enter');
    await page.locator('.interactive-item-container', { hasText: 'The greeting message is built by' }).first().waitFor({ timeout: 180_000 });
  });

  await context.close();
  return results;
}
