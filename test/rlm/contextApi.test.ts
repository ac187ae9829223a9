// The API tables (contextApi.ts, globalsApi.ts) against the real sandbox and the prompt: every documented option
// is accepted by the real helpers, every undocumented one is refused with the known ones listed, a bad enum lists
// the values, a cap says it was applied, and the prompt's API section is the table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox } from '../../src/rlm/sandbox/sandbox';
import type { Sandbox } from '../../src/rlm/sandbox/types';
import { CONTEXT_API, CONTEXT_HELPERS, helperSpec, SYMBOL_KINDS, type HelperTable } from '../../src/rlm/sandbox/contextApi';
import { checkCall } from '../../src/rlm/sandbox/apiSchema';
import { globalCallSpec, SANDBOX_GLOBALS } from '../../src/rlm/sandbox/globalsApi';
import { systemPrompt } from '../../src/rlm/prompts';
import { DEFAULT_LIMITS } from '../../src/rlm/types';
import { makeProject, SAMPLE_PROJECT } from '../support/rlmScript';

/** A real value for every parameter and option name the tables use; a new name must get one here. */
const SAMPLES: Record<string, unknown> = {
  dir: 'src', depth: 1, path: 'src/retry.ts', start: 1, end: 3, numbered: true, pattern: 'retry', glob: '*.ts', ignoreCase: true,
  fixed: false, word: true, maxResults: 5, before: 1, after: 1, paths: ['src'], name: 'retry', query: 'retr', kind: 'function', line: 6,
};

let sb: Sandbox;
before(async () => {
  sb = await createSandbox({ workspace: { roots: [{ name: 'shop', path: makeProject(SAMPLE_PROJECT) }] }, hostFunctions: {} });
});
after(() => sb.dispose());

function callWithEveryOption(name: (typeof CONTEXT_HELPERS)[number]): string {
  const h = helperSpec(name);
  const args = h.params.map((p) => SAMPLES[p.name]);
  if (h.options) args.push(Object.fromEntries(Object.keys(h.options).map((k) => [k, SAMPLES[k]])));
  return `${h.sync ? '' : 'await '}context.${name}(${args.map((a) => JSON.stringify(a)).join(', ')})`;
}

test('every documented option of every helper is accepted by the real sandbox', async () => {
  for (const name of CONTEXT_HELPERS) {
    const h = helperSpec(name);
    for (const key of [...h.params.map((p) => p.name), ...Object.keys(h.options ?? {})]) assert.ok(key in SAMPLES, `a sample for ${name}: ${key}`);
    const r = await sb.exec(`const r = ${callWithEveryOption(name)}; print(typeof r)`);
    assert.equal(r.error, undefined, `${name}: ${r.error}`);
    assert.match(r.stdout, /^(string|object)\n$/, name);
  }
});

test('an undocumented option is refused by every helper that takes options, naming the known ones', async () => {
  for (const name of CONTEXT_HELPERS) {
    const h = helperSpec(name);
    const args = h.params.map((p) => JSON.stringify(SAMPLES[p.name]));
    if (!h.options) {
      // Helpers without options refuse an extra argument instead of ignoring it.
      const r = await sb.exec(`try { ${h.sync ? '' : 'await '}context.${name}(${[...args, '{x: 1}'].join(', ')}) } catch (e) { print(e.name + ': ' + e.message) }`);
      assert.match(r.stdout, new RegExp(`^TypeError: context\\.${name}\\(.*\\): takes at most ${h.params.length} argument`), name);
      continue;
    }
    const r = await sb.exec(`try { ${h.sync ? '' : 'await '}context.${name}(${[...args, '{bogus: 1}'].join(', ')}) } catch (e) { print(e.name + ': ' + e.message) }`);
    assert.equal(r.stdout.trim(), `TypeError: context.${name}(${h.params.map((p) => p.name + (p.optional ? '?' : '')).join(', ')}, {${Object.keys(h.options).join(', ')}}?): unknown option "bogus" (known: ${Object.keys(h.options).join(', ')})`);
  }
});

test('the traps of issue 9: symbols kind "fn", grep caps, unknown options of references/definitions', async () => {
  const r = await sb.exec(`
try { await context.symbols('retry', {kind: 'fn'}) } catch (e) { print(e.message) }
try { await context.references('retry', {max: 3}) } catch (e) { print(e.message) }
try { await context.definitions('retry', {paths: ['src']}) } catch (e) { print(e.message) }
const hits = await context.grep('retry', {maxResults: 5000, before: 50});
print(hits.length > 0);
const fns = await context.symbols('retry', {kind: ['function', 'class']});
print(fns.map(s => s.kind + ' ' + s.name).join(','));`);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /option "kind" must be one of "function", "method", .*"macro" \(or an array of them\), got a string \("fn"\)/);
  assert.match(lines[1], /unknown option "max" \(known: paths, maxResults\)/);
  assert.match(lines[2], /context\.definitions\(name\): takes at most 1 argument, got 2/);
  assert.equal(lines[3], '[context.grep] option "maxResults" 5000 is above its cap of 2000: 2000 was used.');
  assert.equal(lines[4], '[context.grep] option "before" 50 is above its cap of 20: 20 was used.');
  assert.equal(lines[5], 'true');
  assert.equal(lines[6], 'function retry');
});

test('errors point at the code: a misspelled helper, context.files as strings, a Promise argument', async () => {
  const misspelled = await sb.exec("const n = 1;\nawait context.search('x')");
  assert.match(misspelled.error ?? '', /\n  2 \| await context\.search\('x'\)\n    \| {15}\^\n  hint: context\.search does not exist; the helpers are context\.tree\(\), context\.read\(\), context\.grep\(\)/);
  const files = await sb.exec("const ts = context.files.filter(f => f.endsWith('.ts'))");
  assert.match(files.error ?? '', /hint: context\.files holds objects \{path, size, language\}, not strings: use f\.path/);
  const r = await sb.exec(`try { await context.read(context.read('src/retry.ts')) } catch (e) { print(e.message) }`);
  assert.match(r.stdout, /path must be a string, got a Promise — did you forget await\?/);
});

test('a regex with look-around or a backreference works (PCRE2 chosen automatically)', async () => {
  const r = await sb.exec(`print((await context.grep('(?<=export async )function retry')).length, (await context.grep('(item)s\\\\.push\\\\(\\\\1')).length)`);
  assert.equal(r.error, undefined);
  assert.equal(r.stdout, '1 1\n');
});

test('the prompt API section is generated from the tables: every helper, option, enum value and cap', () => {
  const prompt = systemPrompt({ limits: DEFAULT_LIMITS, depth: 0, canRecurse: true });
  for (const name of CONTEXT_HELPERS) {
    const h = helperSpec(name);
    assert.ok(prompt.includes(`context.${name}(`), name);
    for (const key of Object.keys(h.options ?? {})) assert.ok(prompt.includes(key), `${name}: ${key}`);
    for (const o of Object.values(h.options ?? {})) if (o.cap) assert.ok(prompt.includes(`at most ${o.cap}`), `${name}: cap ${o.cap}`);
  }
  for (const kind of SYMBOL_KINDS) assert.ok(prompt.includes(kind), kind);
  for (const name of Object.keys(SANDBOX_GLOBALS)) assert.ok(prompt.includes(`${name}(`), name);
});

test('host functions are checked against their declarations too', () => {
  assert.throws(() => checkCall(globalCallSpec('llm_query'), ['q', { modle: 'x' }]), /unknown option "modle" \(known: model\)/);
  assert.throws(() => checkCall(globalCallSpec('llm_batch'), [['a', 2]]), /prompts\[1\] must be a string, got a number \(2\)/);
  assert.deepEqual(checkCall(globalCallSpec('rlm_query'), ['q', { paths: 'src' }]).args, ['q', { paths: ['src'] }]);
});

test('the table is checked against the workspace by tsc: a misspelled helper does not compile', () => {
  // @ts-expect-error 'reed' is not a Workspace method.
  const typo: HelperTable = { reed: { params: [], doc: '', returns: '' } };
  assert.ok(typo);
  assert.ok(Object.keys(CONTEXT_API).length >= 8);
});
