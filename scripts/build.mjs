// One build for every bundle: the CLI, the sandbox worker, the extension and the webview.
// Usage: node scripts/build.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, chmodSync, rmSync } from 'node:fs';
import { tsImport } from 'tsx/esm/api';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const dist = join(root, 'dist');
const production = process.argv.includes('--production');
mkdirSync(dist, { recursive: true });

// quickjs-emscripten's ESM builds read import.meta.url, which is empty in CommonJS output.
const importMetaShim = {
  define: { 'import.meta.url': '__import_meta_url' },
  banner: { js: 'const __import_meta_url = require("url").pathToFileURL(__filename).href;' },
};

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: production,
  logLevel: 'warning',
  ...importMetaShim,
};

const builds = [
  { entryPoints: { cli: 'src/cli.ts' }, ...node, banner: { js: '#!/usr/bin/env node\n' + importMetaShim.banner.js } },
  { entryPoints: { sandboxWorker: 'src/rlm/sandbox/sandboxWorker.ts' }, ...node },
  // Activation loads only extension.js; the heavy part (engine, clients, markdown, webviews) is extensionCore.js.
  { entryPoints: { extension: 'src/extension.ts' }, ...node, external: ['vscode', './vscode/core', './extensionCore.js'] },
  { entryPoints: { extensionCore: 'src/vscode/core.ts' }, ...node, external: ['vscode'] },
  { entryPoints: { webview: 'src/webview/ui/main.ts' }, bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: true, minify: production, logLevel: 'warning' },
  { entryPoints: { answerView: 'src/webview/ui/answer.ts' }, bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: true, minify: production, logLevel: 'warning' },
].filter((b) => Object.values(b.entryPoints).every((p) => existsSync(join(root, p))));

for (const b of builds) await esbuild.build({ ...b, absWorkingDir: root, outdir: dist });
if (existsSync(join(dist, 'cli.js'))) chmodSync(join(dist, 'cli.js'), 0o755);

// Wasm files the bundles load at run time, next to them in dist/.
const copy = (from, to) => { mkdirSync(dirname(to), { recursive: true }); cpSync(from, to); };
copy(require.resolve('@jitl/quickjs-ng-wasmfile-release-sync/wasm'), join(dist, 'emscripten-module.wasm'));
copy(require.resolve('web-tree-sitter/tree-sitter.wasm'), join(dist, 'tree-sitter.wasm'));
// Only the grammars the code loads (CODE_LANGUAGES): from @vscode/tree-sitter-wasm, else tree-sitter-wasms.
const { CODE_LANGUAGES } = await tsImport('../src/workspace/code/languages.ts', import.meta.url);
const grammars = join(dist, 'grammars');
rmSync(grammars, { recursive: true, force: true });
for (const stem of new Set(Object.values(CODE_LANGUAGES))) {
  const file = `tree-sitter-${stem}.wasm`;
  const vscodeWasm = join(dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm', file);
  const wasms = join(dirname(require.resolve('tree-sitter-wasms/package.json')), 'out', `tree-sitter-${stem.replace(/-/g, '_')}.wasm`);
  copy(existsSync(vscodeWasm) ? vscodeWasm : wasms, join(grammars, file));
}
console.log(`built ${builds.length} bundles into dist/`);
