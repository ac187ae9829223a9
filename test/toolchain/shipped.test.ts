// What the package ships: the licence package.json names, and exactly the tree-sitter grammars the code loads.
// scripts/test.mjs builds dist/ before the tests run.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { CODE_LANGUAGES } from '../../src/workspace/code/languages';

const ROOT = resolve(__dirname, '../..');

test('LICENSE exists, is the licence package.json declares, and the .vsix allowlist includes it', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { license: string };
  assert.equal(pkg.license, 'MIT');
  const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
  assert.match(license, /^MIT License\n/);
  assert.match(readFileSync(join(ROOT, '.vscodeignore'), 'utf8'), /^!LICENSE$/m);
});

test('dist/grammars holds exactly the grammars CODE_LANGUAGES names, and each is a wasm module', () => {
  const dir = join(ROOT, 'dist/grammars');
  assert.ok(existsSync(dir), 'dist/ is built (npm test builds it first)');
  const shipped = readdirSync(dir).sort();
  const loaded = [...new Set(Object.values(CODE_LANGUAGES))].map((stem) => `tree-sitter-${stem}.wasm`).sort();
  assert.deepEqual(shipped, loaded);
  for (const f of shipped) assert.deepEqual([...readFileSync(join(dir, f)).subarray(0, 4)], [0, 0x61, 0x73, 0x6d], `${f} is wasm`);
});

test('the settings\' endpoint defaults in package.json are the provider registry\'s (one fact, declared twice only because VS Code needs it static)', async () => {
  const { PROVIDERS } = await import('../../src/rlm/models/providers');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const props = pkg.contributes.configuration.properties;
  assert.equal(props['rlm.openai.baseUrl'].default, PROVIDERS.openai.defaultBaseUrl);
  assert.equal(props['rlm.ollama.host'].default, PROVIDERS.ollama.defaultBaseUrl);
  assert.ok(props['rlm.model'].markdownDescription.includes(`\`${PROVIDERS.openai.defaultModel}\``));
});
