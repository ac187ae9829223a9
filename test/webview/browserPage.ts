// Loads the built panel (dist/webview.js, dist/webview.css, media/codicons) in headless Chromium, in the same
// page and under the same CSP the extension serves, with a fake `acquireVsCodeApi` that records what the panel
// posts. Used by the browser tests and the benchmark. Files are served through request interception: no server.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makeNonce, panelPage } from '../../src/webview/page';
import { CHROMIUM } from '../vscode/ensureToolchain.mjs';

export const ROOT = resolve(__dirname, '../..');
export { CHROMIUM };
/**
 * Why the browser tests skip, or false. `npm test` installs Chromium before them; under CI a missing Chromium
 * is never a skip: the tests run and fail on it.
 */
export const chromiumSkip: string | false =
  existsSync(CHROMIUM) || process.env.CI === 'true' || process.env.CI === '1' ? false : `no Chromium at ${CHROMIUM} (npm test installs it)`;
const ORIGIN = 'https://panel.test';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    newest = Math.max(newest, s.isDirectory() ? newestMtime(p) : s.mtimeMs);
  }
  return newest;
}

/** The two webview bundles: the trajectory panel and the answer panel. */
export type WebviewBundle = 'webview' | 'answerView';
const ENTRIES: Record<WebviewBundle, string> = { webview: 'src/webview/ui/main.ts', answerView: 'src/webview/ui/answer.ts' };

/** Builds dist/<bundle>.js (same options as scripts/build.mjs) when it is missing or older than src/webview. */
export async function ensureWebviewBundle(bundle: WebviewBundle = 'webview'): Promise<void> {
  const out = join(ROOT, `dist/${bundle}.js`);
  if (existsSync(out) && statSync(out).mtimeMs >= newestMtime(join(ROOT, 'src/webview'))) return;
  const esbuild = await import('esbuild');
  await esbuild.build({ entryPoints: { [bundle]: ENTRIES[bundle] }, bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: true, logLevel: 'warning', absWorkingDir: ROOT, outdir: join(ROOT, 'dist') });
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };

/** Dark-theme colours like the ones VS Code injects, so screenshots look like the real thing. */
const DARK_THEME: Record<string, string> = {
  '--vscode-foreground': '#cccccc',
  '--vscode-editor-background': '#1e1e1e',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-list-hoverBackground': '#2a2d2e',
  '--vscode-list-activeSelectionBackground': '#04395e',
  '--vscode-list-activeSelectionForeground': '#ffffff',
  '--vscode-list-inactiveSelectionBackground': '#37373d',
  '--vscode-badge-background': '#4d4d4d',
  '--vscode-badge-foreground': '#ffffff',
  '--vscode-textLink-foreground': '#3794ff',
  '--vscode-textCodeBlock-background': '#0a0a0a66',
  '--vscode-panel-border': '#80808059',
  '--vscode-errorForeground': '#f48771',
  '--vscode-font-family': 'sans-serif',
  '--vscode-editor-font-family': 'monospace',
};

export interface PanelPage {
  browser: Browser;
  page: Page;
  /** Messages the panel posted to the extension. */
  posted(): Promise<unknown[]>;
  /** CSP violations reported in the page. */
  violations(): Promise<string[]>;
  /** Sends a message to the panel as the extension would. */
  send(message: unknown): Promise<void>;
  close(): Promise<void>;
}

export async function openPanelPage(options: { width?: number; height?: number; bundle?: WebviewBundle } = {}): Promise<PanelPage> {
  const bundle = options.bundle ?? 'webview';
  await ensureWebviewBundle(bundle);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: options.width ?? 1000, height: options.height ?? 800 } });
    const nonce = makeNonce();
    const html = panelPage({ cspSource: ORIGIN, nonce, scriptUri: `${ORIGIN}/dist/${bundle}.js`, styleUri: `${ORIGIN}/dist/${bundle}.css`, codiconsUri: `${ORIGIN}/media/codicons/codicon.css` });
    await page.route(`${ORIGIN}/**`, async (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/index.html') return route.fulfill({ status: 200, contentType: 'text/html', body: html });
      const file = join(ROOT, path);
      if ((path.startsWith('/dist/') || path.startsWith('/media/')) && file.startsWith(ROOT) && existsSync(file)) {
        return route.fulfill({ status: 200, contentType: TYPES[extname(file)] ?? 'application/octet-stream', body: readFileSync(file) });
      }
      return route.fulfill({ status: 404, body: 'not found' });
    });
    // tsx compiles the page functions below with esbuild's keepNames, which calls a `__name` helper the page lacks.
    await page.addInitScript({ content: 'window.__name = (f) => f;' });
    await page.addInitScript(() => {
      const w = window as unknown as { __posted: unknown[]; __state: unknown; __csp: string[]; acquireVsCodeApi: () => unknown };
      w.__posted = [];
      w.__csp = [];
      w.__state = undefined;
      document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective}: ${e.blockedURI || e.sample}`));
      w.acquireVsCodeApi = () => ({
        postMessage: (m: unknown) => w.__posted.push(m),
        getState: () => w.__state,
        setState: (s: unknown) => (w.__state = s),
      });
    });
    await page.goto(`${ORIGIN}/index.html`);
    await page.evaluate((theme) => {
      for (const [k, v] of Object.entries(theme)) document.documentElement.style.setProperty(k, v);
      document.body.classList.add('vscode-dark');
    }, DARK_THEME);
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
    return {
      browser,
      page,
      posted: () => page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted),
      violations: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp),
      send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message as object),
      close: () => browser.close(),
    };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/** Posts `message` and resolves after the panel has handled it and the next frame has painted. Returns ms. */
export async function timeToPaint(page: Page, message: unknown): Promise<number> {
  return page.evaluate(
    (m) =>
      new Promise<number>((done) => {
        const t0 = performance.now();
        const after = () => requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0));
        // Registered after the panel's own listener, so it runs once the panel has handled the message.
        window.addEventListener('message', after, { once: true });
        window.postMessage(m, '*');
      }),
    message as object,
  );
}
