// The @rlm participant through the real chat UI: the chat view picks the test model (a vscode.lm provider backed by
// the scripted server, test/vscode/lm-extension; no Copilot sign-in), "@rlm <question>" is sent, the rendered
// answer has anchors, the trajectory button and followups, and clicking an anchor opens the cited line.
import { join } from 'node:path';
import { openWorkbench, runPaletteCommand, stepRunner } from './ui.mjs';

const STEP_TIMEOUT = 60_000;

export async function runChatUiTests({ browser, baseUrl, workspace, question, screenshots, log }) {
  const results = [];
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const step = stepRunner({ page, results, log, screenshotFor: (_r, n) => join(screenshots, `chat-${n}.png`) });

  await step('chat view: "@rlm" (chat model available without Copilot) answers with anchors, a trajectory button and followups; an anchor opens the cited line', async () => {
    await openWorkbench(page, baseUrl, workspace);
    // Contributions are registered once the remote extension host is up: wait for one of ours.
    await runPaletteCommand(page, 'RLM: Ask about workspace', 120_000, false);
    // Opening "Language Models" makes VS Code ask every vscode.lm provider for its models; without it the chat
    // picker only offers "Sign in to use Copilot…" in a fresh profile.
    await runPaletteCommand(page, 'Chat: Manage Language Models');
    await page.getByText('RLM Test Model').first().waitFor({ timeout: STEP_TIMEOUT });
    await page.screenshot({ path: join(screenshots, 'chat-1-language-models.png') });
    await page.keyboard.press('Escape');
    await runPaletteCommand(page, 'Chat: Open Chat');
    const input = page.locator('.interactive-input-part .monaco-editor').first();
    await input.waitFor({ timeout: STEP_TIMEOUT });
    // The test model becomes the chat's model once its provider answered (Agent mode lists tool-calling models only).
    await page.locator('.interactive-input-part', { hasText: 'RLM Test Mo' }).first().waitFor({ timeout: STEP_TIMEOUT });
    await input.click();
    await page.keyboard.type(`@rlm ${question}`);
    await page.keyboard.press('Enter');
    const answer = page.locator('.interactive-item-container', { hasText: 'The greeting message is built by' }).last();
    await answer.waitFor({ timeout: 180_000 });
    // The trajectory button and the followups are part of the response.
    await answer.getByText('Show trajectory').first().waitFor({ timeout: STEP_TIMEOUT });
    await page.getByText('Explain src/greeting.ts').first().waitFor({ timeout: STEP_TIMEOUT });
    await page.screenshot({ path: join(screenshots, 'chat-2-answer.png') });
    // Citations are anchors (inline file widgets); clicking one opens the file at the cited line.
    const anchor = answer.locator('.chat-inline-anchor-widget, [class*="inline-anchor"]', { hasText: 'greeting.ts' }).first();
    await anchor.click({ timeout: STEP_TIMEOUT });
    await page.locator('.tabs-container .tab.active', { hasText: 'greeting.ts' }).waitFor({ timeout: STEP_TIMEOUT });
    await page.locator('.statusbar-item', { hasText: /Ln 7, Col 1/ }).first().waitFor({ timeout: STEP_TIMEOUT });
  });

  await context.close();
  return results;
}
