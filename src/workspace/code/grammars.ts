// Loads the tree-sitter runtime and grammars lazily, once per process (per worker thread).
// Source mode finds the wasm files in node_modules; bundle mode finds them next to the bundle (dist/),
// where scripts/build.mjs copies them.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import { CODE_LANGUAGES, type CodeLanguage } from './languages';

let runtimeReady: Promise<void> | undefined;
const languages = new Map<CodeLanguage, Promise<Language>>();
const parsers = new Map<CodeLanguage, Parser>();

function resolvePackageFile(specifier: string): string | undefined {
  try {
    return require.resolve(specifier);
  } catch {
    return undefined;
  }
}

/** The folder of the running bundle (dist/) when bundled; in source mode this file's folder. */
const hereDir = typeof __dirname === 'string' ? __dirname : process.cwd();

function runtimeWasmPath(): string {
  const bundled = join(hereDir, 'tree-sitter.wasm');
  if (existsSync(bundled)) return bundled;
  const installed = resolvePackageFile('web-tree-sitter/tree-sitter.wasm');
  if (installed && existsSync(installed)) return installed;
  throw new Error(`tree-sitter runtime (tree-sitter.wasm) not found next to ${hereDir} nor in node_modules`);
}

/** Where the grammar for a language lives: dist/grammars first, then the npm packages. */
export function grammarWasmPath(language: CodeLanguage): string {
  const stem = CODE_LANGUAGES[language];
  const candidates = [join(hereDir, 'grammars', `tree-sitter-${stem}.wasm`)];
  const vscodeWasm = resolvePackageFile('@vscode/tree-sitter-wasm/package.json');
  if (vscodeWasm) candidates.push(join(dirname(vscodeWasm), 'wasm', `tree-sitter-${stem}.wasm`));
  const wasms = resolvePackageFile('tree-sitter-wasms/package.json');
  // tree-sitter-wasms names files with underscores (c_sharp).
  if (wasms) candidates.push(join(dirname(wasms), 'out', `tree-sitter-${stem.replace(/-/g, '_')}.wasm`));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no tree-sitter grammar for ${language}; looked in: ${candidates.join(', ')}`);
  return found;
}

function initRuntime(): Promise<void> {
  runtimeReady ??= (async () => {
    const wasm = runtimeWasmPath();
    await Parser.init({ locateFile: () => wasm });
  })();
  return runtimeReady;
}

export async function loadLanguage(language: CodeLanguage): Promise<Language> {
  let loaded = languages.get(language);
  if (!loaded) {
    loaded = initRuntime().then(() => Language.load(grammarWasmPath(language)));
    // A failed load is not cached, so a later call can retry (e.g. after a build copied the file).
    loaded.catch(() => languages.delete(language));
    languages.set(language, loaded);
  }
  return loaded;
}

/** One parser per language, reused: parsers are cheap to keep, grammars are not cheap to load. */
export async function parserFor(language: CodeLanguage): Promise<Parser> {
  const existing = parsers.get(language);
  if (existing) return existing;
  const lang = await loadLanguage(language);
  const parser = parsers.get(language) ?? new Parser();
  parser.setLanguage(lang);
  parsers.set(language, parser);
  return parser;
}
