// The real-VS-Code test harness: `npm run test:vscode` (also part of `npm test`).
// 1. ensures node 24, code-server (pinned) and Debian chromium (cached in ~/.cache/rlm-vscode, installed when missing);
// 2. packages the production .vsix (`npm run package`, minified) and installs it into a fresh extensions dir;
// 3. starts the scripted model server and code-server on 127.0.0.1 (own process groups, killed at the end);
// 4. (a) runs test/vscode/suite inside the real extension host (the extensionTestsPath route),
//    (b) drives the workbench with playwright-core (test/vscode/ui.mjs); screenshots in test-results/vscode/;
// 5. prints "N passed, N failed" over both parts and exits non-zero on any failure.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureToolchain } from './ensureToolchain.mjs';
import { QUESTION, SLOW_QUESTION, TEST_API_KEY, modelScript, writeWorkspace } from './fixture.mjs';
import { runUiTests } from './ui.mjs';
import { runTrajectoryUiTests } from './trajectoryUi.mjs';
import { runChatUiTests } from './chatUi.mjs';
import { runPanelsUiTests } from './panelsUi.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const extensionId = `${pkg.publisher}.${pkg.name}`;
const resultsDir = join(root, 'test-results', 'vscode');
const INTEGRATION_TIMEOUT_MS = 20 * 60_000;

const log = (msg) => process.stderr.write(`[test:vscode] ${msg}\n`);
const cleanups = [];

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function runOrThrow(cmd, args, options = {}) {
  log(`$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

/** Starts a process in its own process group (setsid), so the whole group can be killed at the end. */
function startGroup(cmd, args, { env, logFile, cwd = root }) {
  const out = openSync(logFile, 'a');
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', out, out] });
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const exited = await Promise.race([new Promise((r) => child.once('exit', () => r(true))), new Promise((r) => setTimeout(() => r(false), 5000))]);
    if (!exited) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  return child;
}

async function waitFor(what, check, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what}: process exited with ${child.exitCode}`);
    const value = await check().catch(() => undefined);
    if (value) return value;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${what}: not ready after ${timeoutMs / 1000} s`);
}

async function startModelServer(scriptFile, logFile) {
  const server = startGroup(process.execPath, ['--import', 'tsx', join(root, 'test/support/scriptedModelServer.ts'), '--port', '0', '--script', scriptFile], {
    env: process.env,
    logFile,
  });
  return waitFor('scripted model server', async () => /LISTENING (http:\/\/127\.0\.0\.1:\d+)/.exec(readFileSync(logFile, 'utf8'))?.[1], 60_000, server);
}

async function buildSuite(outFile, info) {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(root, 'test/vscode/suite/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    outfile: outFile,
    sourcemap: 'inline',
    define: { __RLM_TEST_INFO__: JSON.stringify(info) },
    logLevel: 'warning',
  });
}

async function runIntegration({ browser, baseUrl, port, workspace, extensionDir, suiteFile, resultsFile }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  let resolveExit;
  const exited = new Promise((r) => (resolveExit = r));
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
    const m = /RLMTEST (\{.*\})/.exec(text);
    if (m) {
      const r = JSON.parse(m[1]);
      log(`${r.ok ? 'ok  ' : 'FAIL'} [ext host] ${r.name}${r.ok ? '' : `\n${r.error}`}`);
    } else if (/RLMTEST-DONE|activation took|ripgrep:|inspect:/.test(text)) log(`[ext host] ${text}`);
  });
  await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
  const authority = `127.0.0.1:${port}`;
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${authority}${extensionDir}`],
    ['extensionTestsPath', `vscode-remote://${authority}${suiteFile}`],
  ];
  await page.goto(`${baseUrl}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), INTEGRATION_TIMEOUT_MS))]);
  await page.screenshot({ path: join(resultsDir, 'integration-end.png') }).catch(() => {});
  await context.close().catch(() => {});
  const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : [];
  if (code === 'timeout') results.push({ name: 'integration suite finished', ok: false, error: `no exit after ${INTEGRATION_TIMEOUT_MS / 60000} min` });
  else if (results.length === 0) results.push({ name: 'integration suite ran', ok: false, error: `extension host exited with ${code} before any test ran (see code-server.log)` });
  else if (code !== 0 && results.every((r) => r.ok)) results.push({ name: 'extension host exit code', ok: false, error: `exit code ${code}` });
  return results;
}

/** Files under these folders (logs, settings, state, the workspace) that contain the API key the suite stored. */
function filesContaining(dirsToSearch, needle) {
  const hits = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) {
        try {
          if (readFileSync(p).includes(needle)) hits.push(p);
        } catch {
          // vanished or unreadable (sockets)
        }
      }
    }
  };
  for (const d of dirsToSearch) if (existsSync(d)) walk(d);
  return hits;
}

function keyLeakCheck(dirsToSearch) {
  const name = 'the stored API key appears in no file on the server (logs, settings, state, workspace)';
  const hits = filesContaining(dirsToSearch, TEST_API_KEY);
  return hits.length ? { name, ok: false, error: `found in ${hits.join(', ')}` } : { name, ok: true };
}

/** The bundles just packaged are the minified production build (a dev build has line breaks every statement). */
function assertProductionBuild() {
  const bundle = readFileSync(join(root, 'dist/extensionCore.js'), 'utf8');
  const lines = bundle.split('\n').length;
  if (lines > 2000) throw new Error(`dist/extensionCore.js has ${lines} lines: not the minified production build`);
}

async function main() {
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });
  const tools = ensureToolchain();
  log(`node 24: ${tools.node}; code-server: ${tools.codeServer}; chromium: ${tools.chromium}`);

  const tmp = mkdtempSync(join(tmpdir(), 'rlm-vscode-test-'));
  cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));
  const dirs = Object.fromEntries(['userData', 'extensions', 'xdg', 'workspace', 'browser', 'suite'].map((d) => [d, join(tmp, d)]));
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });

  // Test what ships: the .vsix of the production build (`npm run package`: minified bundles), not a dev build.
  const vsix = join(tmp, `${pkg.name}-${pkg.version}.vsix`);
  runOrThrow('npm', ['run', 'package', '--', '-o', vsix]);
  assertProductionBuild();

  const codeServerEnv = {
    ...process.env,
    PATH: `${tools.nodeBin}:${process.env.PATH}`,
    XDG_CONFIG_HOME: join(dirs.xdg, 'config'),
    XDG_DATA_HOME: join(dirs.xdg, 'data'),
    XDG_CACHE_HOME: join(dirs.xdg, 'cache'),
  };
  // Keys come from SecretStorage in these tests, never from the environment.
  delete codeServerEnv.OPENAI_API_KEY;
  delete codeServerEnv.RLM_OPENAI_API_KEY;
  const codeServerArgs = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
  runOrThrow(tools.node, [tools.codeServer, ...codeServerArgs, '--install-extension', vsix, '--force'], { env: codeServerEnv });
  // A test-only vscode.lm model provider (backed by the scripted server), so the vscode.lm path runs for real.
  const lmVsix = join(tmp, 'rlm-test-lm.vsix');
  runOrThrow(process.execPath, [join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', lmVsix], { cwd: join(root, 'test/vscode/lm-extension') });
  runOrThrow(tools.node, [tools.codeServer, ...codeServerArgs, '--install-extension', lmVsix, '--force'], { env: codeServerEnv });
  const installed = readdirSync(dirs.extensions).find((d) => d.toLowerCase().startsWith(`${extensionId.toLowerCase()}-`));
  if (!installed) throw new Error(`the .vsix did not install into ${dirs.extensions}`);
  const extensionDir = join(dirs.extensions, installed);
  for (const needed of ['dist/extension.js', 'dist/sandboxWorker.js', 'dist/emscripten-module.wasm', 'dist/tree-sitter.wasm', 'package.json']) {
    if (!existsSync(join(extensionDir, needed))) throw new Error(`the installed extension lacks ${needed}`);
  }

  // The model: a scripted OpenAI-protocol server on loopback.
  const scriptFile = join(tmp, 'model-script.json');
  writeFileSync(scriptFile, JSON.stringify(modelScript(), null, 2));
  const serverUrl = await startModelServer(scriptFile, join(resultsDir, 'model-server.log'));
  log(`scripted model server: ${serverUrl}`);

  writeWorkspace(dirs.workspace);
  const machineSettings = { 'rlm.openai.baseUrl': `${serverUrl}/v1` };
  const userSettings = {
    ...machineSettings,
    'rlm.provider': 'openai',
    'rlm.model': 'scripted-root',
    'rlm.subModel': 'scripted-sub',
    'rlm.limits.maxIterations': 6,
    'rlmTestLm.baseUrl': `${serverUrl}/v1`,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'security.workspace.trust.enabled': false,
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.commandCenter.enabled': false,
  };
  const userSettingsFile = join(dirs.userData, 'User', 'settings.json');
  mkdirSync(dirname(userSettingsFile), { recursive: true });
  writeFileSync(userSettingsFile, JSON.stringify(userSettings, null, 2));
  // code-server is a remote window: machine-scoped settings may also be read from the server's machine settings.
  mkdirSync(join(dirs.userData, 'Machine'), { recursive: true });
  writeFileSync(join(dirs.userData, 'Machine', 'settings.json'), JSON.stringify(machineSettings, null, 2));

  const suiteFile = join(dirs.suite, 'index.js');
  const resultsFile = join(tmp, 'integration-results.json');
  await buildSuite(suiteFile, { serverUrl, resultsFile, workspace: dirs.workspace, userSettingsFile, extensionId });

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const codeServerLog = join(resultsDir, 'code-server.log');
  const codeServer = startGroup(
    tools.node,
    [tools.codeServer, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      ...codeServerArgs, '--vscode-option', 'enable-smoke-test-driver', dirs.workspace],
    { env: codeServerEnv, logFile: codeServerLog },
  );
  await waitFor('code-server', async () => (await fetch(`${baseUrl}/healthz`)).ok, 120_000, codeServer);
  log(`code-server: ${baseUrl}`);

  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: tools.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', `--user-data-dir=${dirs.browser}`].filter((a) => !a.startsWith('--user-data-dir')),
  });
  cleanups.unshift(async () => browser.close().catch(() => {}));

  // RLM_VSCODE_EXTRA_ONLY=1 (with RLM_VSCODE_EXTRA_UI) skips the regular parts while developing a new step.
  const regular = !process.env.RLM_VSCODE_EXTRA_ONLY;
  const integration = regular ? await runIntegration({ browser, baseUrl, port, workspace: dirs.workspace, extensionDir, suiteFile, resultsFile }) : [];
  if (regular) integration.push(keyLeakCheck([dirs.userData, dirs.xdg, dirs.workspace, resultsDir]));
  const ui = regular ? await runUiTests({ browser, baseUrl, workspace: dirs.workspace, question: QUESTION, slowQuestion: SLOW_QUESTION, screenshots: resultsDir, log }) : [];
  const chatUi = regular ? await runChatUiTests({ browser, baseUrl, workspace: dirs.workspace, question: QUESTION, screenshots: resultsDir, log }) : [];
  const trajectoryUi = regular ? await runTrajectoryUiTests({ browser, baseUrl, workspace: dirs.workspace, question: QUESTION, screenshots: resultsDir, log }) : [];
  const panelsUi = regular ? await runPanelsUiTests({ browser, baseUrl, workspace: dirs.workspace, screenshots: resultsDir, log }) : [];
  // While developing a UI module: RLM_VSCODE_EXTRA_UI=./x.mjs runs that module's run*Tests export too.
  const extra = [];
  if (process.env.RLM_VSCODE_EXTRA_UI) {
    const mod = await import(new URL(process.env.RLM_VSCODE_EXTRA_UI, import.meta.url).href);
    const fn = Object.entries(mod).find(([name]) => /^run\w*Tests$/.test(name))?.[1];
    extra.push(...(await fn({ browser, baseUrl, workspace: dirs.workspace, question: QUESTION, slowQuestion: SLOW_QUESTION, screenshots: resultsDir, log })));
  }
  copyFileSync(vsix, join(resultsDir, `${pkg.name}-${pkg.version}.vsix`));
  return [...integration.map((r) => ({ ...r, part: 'ext host' })), ...ui.map((r) => ({ ...r, part: 'ui' })), ...chatUi.map((r) => ({ ...r, part: 'ui' })), ...trajectoryUi.map((r) => ({ ...r, part: 'ui' })), ...panelsUi.map((r) => ({ ...r, part: 'ui' })), ...extra.map((r) => ({ ...r, part: 'ui' }))];
}

let results = [];
let crash;
try {
  results = await main();
} catch (error) {
  crash = error;
}
for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
if (crash) {
  log(`harness error: ${crash?.stack ?? crash}`);
  results.push({ name: 'harness', ok: false, error: String(crash?.message ?? crash) });
}
const failed = results.filter((r) => !r.ok);
for (const r of failed) log(`FAILED [${r.part ?? 'harness'}] ${r.name}: ${String(r.error).split('\n')[0]}`);
writeFileSync(join(resultsDir, 'results.json'), JSON.stringify(results, null, 2));
console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
