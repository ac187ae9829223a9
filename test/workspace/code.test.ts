// Code intelligence on real code: node_modules sources (typescript's lib, openai, ollama, ignore, mdurl),
// the Python standard library, and fixtures for the other languages. Expected lines are found by searching
// the file text (like grep), never typed in by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import fsModule from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { openWorkspace, type Workspace } from '../../src/workspace/workspace';
import { outlineSource, parse, parseStats } from '../../src/workspace/code/outline';
import { createCodeIntelligence, workspaceCodeHost } from '../../src/workspace/code/workspaceCodeHost';
import { CodeIntelligence } from '../../src/workspace/code/codeIntelligence';
import { initials, matchScore } from '../../src/workspace/code/symbolMatch';
import { INDEX_MAX_FILE_BYTES, type OutlineSymbol } from '../../src/workspace/code/types';
import { WorkspaceError } from '../../src/workspace/types';
import { makeTree, removeTree, REPO_ROOT } from './helpers';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/code');
const NODE_MODULES = path.join(REPO_ROOT, 'node_modules');

/** 1-based number of the first line containing `needle` (the test fails if there is none). */
function lineOf(text: string, needle: string, from = 1): number {
  const lines = text.split('\n');
  for (let i = from - 1; i < lines.length; i++) if (lines[i]!.includes(needle)) return i + 1;
  assert.fail(`no line contains ${JSON.stringify(needle)}`);
}

/**
 * Waits until no parse has happened for a while. parseStats counts every parse in the process, and an earlier
 * test's background index build goes on after that test ends (paused while later tests grep, then resumed).
 */
async function quietParses(): Promise<void> {
  for (let last = -1; last !== parseStats.files; ) {
    last = parseStats.files;
    await new Promise((r) => setTimeout(r, 300));
  }
}

const show = (s: { kind: string; name: string; container?: string; line: number }) =>
  `${s.kind} ${s.container ? s.container + '.' : ''}${s.name}@${s.line}`;

async function outlineFile(file: string): Promise<{ text: string; symbols: OutlineSymbol[] }> {
  const text = fs.readFileSync(file, 'utf8');
  return { text, symbols: await outlineSource(file, text) };
}

/**
 * The whole outline of a fixture, compared entry by entry: [kind, qualified name, text of its first line,
 * optionally a text that comes before it (for names that occur twice)].
 */
async function assertOutline(file: string, expected: [string, string, string, string?][]): Promise<void> {
  const { text, symbols } = await outlineFile(path.join(FIXTURES, file));
  const want = expected.map(
    ([kind, qualified, needle, after]) => `${kind} ${qualified}@${lineOf(text, needle, after ? lineOf(text, after) + 1 : 1)}`,
  );
  assert.deepEqual(symbols.map(show), want);
}

const openFixtures = (options = {}) => openWorkspace({ roots: [{ name: 'fixtures', path: FIXTURES }], options });

// ---------- outlines of real code ----------

test('TypeScript: typescript lib.es5.d.ts interfaces, declared vars, method signatures with containers', async () => {
  const { text, symbols } = await outlineFile(path.join(NODE_MODULES, 'typescript/lib/lib.es5.d.ts'));
  const find = (kind: string, name: string, container?: string) =>
    symbols.filter((s) => s.kind === kind && s.name === name && s.container === container);
  const arrayIface = find('interface', 'Array');
  assert.equal(arrayIface.length, 1);
  assert.equal(arrayIface[0]!.line, lineOf(text, 'interface Array<T> {'));
  assert.ok(arrayIface[0]!.endLine > arrayIface[0]!.line + 50, 'the interface spans its body');
  assert.deepEqual(find('variable', 'Array').map((s) => s.line), [lineOf(text, 'declare var Array: ArrayConstructor;')]);
  const push = find('method', 'push', 'Array');
  assert.equal(push.length, 1);
  assert.equal(push[0]!.line, lineOf(text, '    push(...items: T[]): number;', arrayIface[0]!.line));
  assert.ok(push[0]!.line < arrayIface[0]!.endLine);
  assert.deepEqual(find('type', 'Partial').map((s) => s.line), [lineOf(text, 'type Partial<T> = {')]);
  assert.deepEqual(find('function', 'parseInt').map((s) => s.line), [lineOf(text, 'declare function parseInt(')]);
  // Method signatures inside parameter types are not members of anything.
  assert.equal(symbols.filter((s) => s.container === 'parseInt').length, 0);
});

test('TypeScript: openai client.ts class, methods (incl. #private), top-level constant', async () => {
  const { text, symbols } = await outlineFile(path.join(NODE_MODULES, 'openai/src/client.ts'));
  const cls = symbols.find((s) => s.kind === 'class' && s.name === 'OpenAI');
  assert.ok(cls);
  assert.equal(cls.line, lineOf(text, 'export class OpenAI {'));
  const buildURL = symbols.find((s) => s.name === 'buildURL');
  assert.deepEqual(buildURL && show(buildURL), `method OpenAI.buildURL@${lineOf(text, '  buildURL(')}`);
  assert.ok(symbols.some((s) => s.kind === 'method' && s.container === 'OpenAI' && s.name === 'constructor'));
  assert.ok(symbols.some((s) => s.kind === 'interface' && s.name === 'ClientOptions'));
  // Every method of the class lies inside the class.
  const methods = symbols.filter((s) => s.container === 'OpenAI' && s.kind === 'method');
  assert.ok(methods.length > 20);
  for (const m of methods) assert.ok(m.line >= cls.line && m.endLine <= cls.endLine, show(m));
});

test('TypeScript: ollama browser.ts class Ollama with async methods', async () => {
  const { text, symbols } = await outlineFile(path.join(NODE_MODULES, 'ollama/src/browser.ts'));
  assert.ok(symbols.some((s) => show(s) === `class Ollama@${lineOf(text, 'export class Ollama {')}`));
  for (const name of ['generate', 'chat', 'pull']) {
    // Overload signatures come first, then the implementation: all are members of Ollama.
    const lines = symbols.filter((s) => s.name === name && s.container === 'Ollama' && s.kind === 'method').map((s) => s.line);
    assert.ok(lines.includes(lineOf(text, `  async ${name}(`)), name);
  }
});

test('JavaScript: ignore index.js (CommonJS), mdurl parse.mjs (prototype methods), ollama browser.cjs', async () => {
  const ignore = await outlineFile(path.join(NODE_MODULES, 'ignore/index.js'));
  const ruleClass = ignore.symbols.find((s) => s.kind === 'class' && s.name === 'IgnoreRule');
  assert.equal(ruleClass?.line, lineOf(ignore.text, 'class IgnoreRule {'));
  assert.ok(ignore.symbols.some((s) => s.kind === 'method' && s.container === 'IgnoreRule' && s.name === 'constructor'));
  assert.equal(ignore.symbols.find((s) => s.name === 'makeArray')?.line, lineOf(ignore.text, 'function makeArray ('));

  const mdurl = await outlineFile(path.join(NODE_MODULES, 'mdurl/lib/parse.mjs'));
  assert.equal(mdurl.symbols.find((s) => s.name === 'Url' && s.kind === 'function')?.line, lineOf(mdurl.text, 'function Url ()'));
  const parseMethod = mdurl.symbols.find((s) => s.name === 'parse' && s.container === 'Url');
  assert.equal(parseMethod?.line, lineOf(mdurl.text, 'Url.prototype.parse = function'));

  const cjs = await outlineFile(path.join(NODE_MODULES, 'ollama/dist/browser.cjs'));
  // A bundler's `let Ollama$1 = class Ollama {...}`: the class under its binding name, methods inside it.
  const bundled = cjs.symbols.find((s) => s.kind === 'class' && s.name === 'Ollama$1');
  assert.equal(bundled?.line, lineOf(cjs.text, 'let Ollama$1 = class Ollama {'));
  assert.ok(cjs.symbols.some((s) => s.kind === 'method' && s.container === 'Ollama$1' && s.name === 'chat'));
});

test('definitions inside a syntax error (an ERROR node) are still outlined', async () => {
  const src = '{{{ function stranded() {} \n';
  const tree = await parse('typescript', src);
  try {
    assert.match(tree.rootNode.toString(), /^\(program \(ERROR \(function_declaration/, 'the input must put the function in an ERROR node');
  } finally {
    tree.delete();
  }
  assert.deepEqual(
    (await outlineSource('broken.ts', src)).map((s) => `${s.kind} ${s.name}`),
    ['function stranded'],
  );
});

test('TSX and JSX components (fixtures)', async () => {
  await assertOutline('TodoList.tsx', [
    ['interface', 'Todo', 'export interface Todo {'],
    ['type', 'Filter', 'type Filter ='],
    ['constant', 'MAX_TODOS', 'export const MAX_TODOS'],
    ['function', 'TodoItem', 'function TodoItem('],
    ['function', 'TodoList', 'export default function TodoList('],
  ]);
  await assertOutline('Badge.jsx', [
    ['constant', 'COLORS', 'const COLORS'],
    ['class', 'Badge', 'export class Badge'],
    ['method', 'Badge.render', 'render() {'],
    ['function', 'Pill', 'export const Pill'],
  ]);
});

test('Python: the standard library json/decoder.py', async (t) => {
  const stdlib = fs.readdirSync('/usr/lib').filter((d) => /^python3\.\d+$/.test(d)).map((d) => path.join('/usr/lib', d, 'json/decoder.py'));
  const file = stdlib.find((f) => fs.existsSync(f));
  if (!file) return t.skip('no Python standard library on this machine');
  const { text, symbols } = await outlineFile(file);
  const expect = (kind: string, qualified: string, needle: string) =>
    assert.ok(symbols.some((s) => show(s) === `${kind} ${qualified}@${lineOf(text, needle)}`), `${kind} ${qualified}`);
  expect('class', 'JSONDecoder', 'class JSONDecoder(object):');
  expect('method', 'JSONDecoder.decode', '    def decode(self, s, _w=WHITESPACE.match):');
  expect('method', 'JSONDecoder.raw_decode', '    def raw_decode(self, s, idx=0):');
  expect('class', 'JSONDecodeError', 'class JSONDecodeError(ValueError):');
  expect('function', 'py_scanstring', 'def py_scanstring(');
  expect('constant', 'FLAGS', 'FLAGS = ');
  // Local variables of functions are not in the outline.
  assert.ok(!symbols.some((s) => s.name === 'chunks'));
});

test('Go outline (fixture): structs, interfaces and their methods, receivers as containers, consts', async () => {
  await assertOutline('inventory.go', [
    ['constant', 'MaxItems', 'const MaxItems'],
    ['constant', 'statusOpen', 'statusOpen   ='],
    ['constant', 'statusClosed', 'statusClosed ='],
    ['variable', 'ErrNotFound', 'var ErrNotFound'],
    ['struct', 'Item', 'type Item struct'],
    ['interface', 'Store', 'type Store interface'],
    ['method', 'Store.Get', 'Get(sku string) (Item, error)'],
    ['method', 'Store.Put', 'Put(item Item) error'],
    ['type', 'Quantity', 'type Quantity = int'],
    ['struct', 'Warehouse', 'type Warehouse struct'],
    ['function', 'NewWarehouse', 'func NewWarehouse()'],
    ['method', 'Warehouse.Get', 'func (w *Warehouse) Get('],
    ['method', 'Warehouse.Put', 'func (w *Warehouse) Put('],
    ['function', 'total', 'func total('],
  ]);
});

test('Rust outline (fixture): traits, impls with methods, modules, consts, macros', async () => {
  await assertOutline('shapes.rs', [
    ['constant', 'PI_APPROX', 'pub const PI_APPROX'],
    ['variable', 'COUNTER', 'static mut COUNTER'],
    ['trait', 'Shape', 'pub trait Shape'],
    ['method', 'Shape.area', 'fn area(&self) -> f64;'],
    ['method', 'Shape.name', 'fn name(&self)'],
    ['struct', 'Circle', 'pub struct Circle'],
    ['enum', 'Kind', 'pub enum Kind'],
    ['type', 'Area', 'pub type Area'],
    ['impl', 'Circle', 'impl Circle {'],
    ['method', 'Circle.new', 'pub fn new('],
    ['impl', 'Circle', 'impl Shape for Circle'],
    ['method', 'Circle.area', 'fn area(&self) -> f64 {'],
    ['impl', 'Circle', 'impl fmt::Display for Circle'],
    ['method', 'Circle.fmt', 'fn fmt('],
    ['module', 'util', 'pub mod util'],
    ['function', 'util.largest', 'pub fn largest'],
    ['macro', 'square', 'macro_rules! square'],
  ]);
});

test('Java outline (fixture): nested types, constructors, records, static final constants', async () => {
  await assertOutline('Library.java', [
    ['class', 'Library', 'public class Library'],
    ['constant', 'Library.MAX_LOANS', 'MAX_LOANS = 5'],
    ['method', 'Library.Library', 'public Library()'],
    ['method', 'Library.addBook', 'public void addBook'],
    ['method', 'Library.findByTitle', 'public Book findByTitle'],
    ['interface', 'Library.Listener', 'public interface Listener'],
    ['method', 'Listener.onLoan', 'void onLoan'],
    ['enum', 'Library.Status', 'public enum Status'],
    ['class', 'Library.Book', 'public record Book'],
    ['method', 'Book.Book', 'public Book {'],
  ]);
});

test('C outline (fixture): macros, typedef struct, named struct/enum, globals, functions; no local prototypes', async () => {
  await assertOutline('ringbuf.c', [
    ['constant', 'RING_CAPACITY', '#define RING_CAPACITY'],
    ['macro', 'RING_NEXT', '#define RING_NEXT'],
    ['struct', 'ring_t', 'typedef struct {'],
    ['struct', 'ring_stats', 'struct ring_stats {'],
    ['enum', 'ring_status', 'enum ring_status {'],
    ['constant', 'ring_name', 'static const char *ring_name'],
    ['variable', 'stats', 'static struct ring_stats stats;'],
    ['function', 'ring_init', 'void ring_init('],
    // The prototype above is not a definition in a .c file; the definition after ring_init is.
    ['function', 'ring_full', 'static int ring_full(', 'void ring_init('],
    ['function', 'ring_push', 'enum ring_status ring_push('],
    ['function', 'ring_peek', 'unsigned char *ring_peek('],
  ]);
  const { symbols } = await outlineFile(path.join(FIXTURES, 'ringbuf.c'));
  assert.equal(symbols[0]!.endLine, symbols[0]!.line, 'a #define ends on its own line');
});

test('C header (fixture): prototypes are the definitions there, also inside extern "C"; function pointer typedefs', async () => {
  await assertOutline('ringbuf.h', [
    ['constant', 'RINGBUF_H', '#define RINGBUF_H'],
    ['type', 'ring_t', 'typedef struct ring ring_t;'],
    ['type', 'ring_callback', 'typedef void (*ring_callback)'],
    ['function', 'ring_init', 'void ring_init('],
    ['function', 'ring_push', 'int ring_push('],
    ['function', 'ring_peek', 'unsigned char *ring_peek('],
    ['constant', 'ring_capacity', 'extern const size_t ring_capacity;'],
  ]);
});

test('C++ outline (fixture): namespaces, templates, out-of-line members, enum class, using', async () => {
  await assertOutline('matrix.cpp', [
    ['namespace', 'linalg', 'namespace linalg {'],
    ['constant', 'linalg.kMaxDim', 'constexpr int kMaxDim'],
    ['class', 'linalg.Matrix', 'class Matrix {'],
    ['method', 'Matrix.Matrix', '    Matrix(int rows, int cols);'],
    ['method', 'Matrix.~Matrix', '~Matrix()'],
    ['method', 'Matrix.at', 'T& at(int r, int c);'],
    ['method', 'Matrix.rows', 'int rows() const'],
    ['method', 'Matrix.Matrix', 'Matrix<T>::Matrix('],
    ['method', 'Matrix.at', 'T& Matrix<T>::at('],
    ['struct', 'linalg.Point', 'struct Point {'],
    ['enum', 'linalg.Axis', 'enum class Axis'],
    ['type', 'linalg.Index', 'using Index = int;'],
    ['function', 'linalg.dot', 'double dot('],
    ['function', 'main', 'int main()'],
  ]);
});

test('C# outline (fixture): namespace, interface, record, struct, delegate, const, local function', async () => {
  await assertOutline('Accounts.cs', [
    ['namespace', 'Bank.Accounts', 'namespace Bank.Accounts'],
    ['interface', 'Bank.Accounts.IAccount', 'public interface IAccount'],
    ['method', 'IAccount.Deposit', 'void Deposit(decimal amount);'],
    ['enum', 'Bank.Accounts.AccountKind', 'public enum AccountKind'],
    ['type', 'Bank.Accounts.BalanceChanged', 'public delegate void BalanceChanged'],
    ['struct', 'Bank.Accounts.Money', 'public struct Money'],
    ['class', 'Bank.Accounts.Statement', 'public record Statement'],
    ['class', 'Bank.Accounts.Account', 'public class Account : IAccount'],
    ['constant', 'Account.Overdraft', 'public const decimal Overdraft'],
    ['method', 'Account.Account', 'public Account(string owner)'],
    ['method', 'Account.Deposit', 'public void Deposit(decimal amount)'],
    ['method', 'Account.Withdraw', 'public bool Withdraw'],
    ['function', 'Withdraw.Allowed', 'bool Allowed('],
  ]);
});

test('Ruby outline (fixture): modules, classes, methods, singleton methods, constants', async () => {
  await assertOutline('cart.rb', [
    ['module', 'Shop', 'module Shop'],
    ['constant', 'Shop.TAX_RATE', 'TAX_RATE ='],
    ['class', 'Shop.LineItem', 'class LineItem'],
    ['method', 'LineItem.initialize', 'def initialize(name, price)'],
    ['class', 'Shop.Cart', 'class Cart'],
    ['method', 'Cart.empty', 'def self.empty'],
    ['method', 'Cart.initialize', 'def initialize', 'class Cart'],
    ['method', 'Cart.add', 'def add(item)'],
    ['method', 'Cart.total', 'def total'],
    ['function', 'format_price', 'def format_price'],
  ]);
});

test('PHP outline (fixture): namespace, interface, trait, enum, class constants, methods, functions', async () => {
  await assertOutline('Router.php', [
    ['namespace', 'App\\Http', 'namespace App\\Http;'],
    ['constant', 'DEFAULT_METHOD', "const DEFAULT_METHOD = 'GET';"],
    ['interface', 'Middleware', 'interface Middleware'],
    ['method', 'Middleware.handle', 'public function handle'],
    ['trait', 'LogsRequests', 'trait LogsRequests'],
    ['method', 'LogsRequests.log', 'protected function log'],
    ['enum', 'Method', 'enum Method'],
    ['class', 'Router', 'final class Router'],
    ['constant', 'Router.MAX_ROUTES', 'MAX_ROUTES = 100'],
    ['method', 'Router.__construct', 'public function __construct'],
    ['method', 'Router.add', 'public function add('],
    ['method', 'Router.dispatch', 'public function dispatch('],
    ['function', 'route', 'function route('],
  ]);
});

test('a parse over its time limit is cancelled, and the parser then reads the next file correctly', async () => {
  const big = 'export const value = compute(1, 2, 3);\n'.repeat(50_000);
  await assert.rejects(parse('typescript', big, -1), /gave up on a typescript file/);
  const tree = await parse('typescript', 'export function next() {}\n');
  try {
    assert.equal(tree.rootNode.text, 'export function next() {}\n');
    assert.equal(tree.rootNode.hasError, false);
    assert.equal(tree.rootNode.endIndex, 'export function next() {}\n'.length);
    assert.equal(tree.rootNode.namedChildCount, 1);
  } finally {
    tree.delete();
  }
});

// ---------- the Workspace API ----------

test('outline() of an unsupported language says so and names the supported ones', async () => {
  const root = makeTree({
    'README.md': '# hi\n',
    'data.json': '{}',
    'Makefile': 'all:\n',
    'a.ts': 'export const x = 1;\n',
    'bin/tool': '#!/usr/bin/env python3\ndef main():\n    pass\n',
  });
  try {
    const ws = await openWorkspace({ roots: [{ name: 'w', path: root }] });
    for (const [file, lang] of [['README.md', "'md'"], ['data.json', "'json'"], ['Makefile', 'without a known language']] as const) {
      await assert.rejects(ws.outline(file), (err: Error) => {
        assert.ok(err instanceof WorkspaceError);
        assert.match(err.message, new RegExp(`^no outline for .*${lang}`));
        assert.match(err.message, /supported: TypeScript, TSX, JavaScript .*Python, Go, Rust, Java, C, C\+\+, C#, Ruby, PHP/);
        return true;
      });
    }
    assert.deepEqual((await ws.outline('a.ts')).map(show), ['constant x@1']);
    // An extensionless script is outlined by the language its shebang gave it in the file index.
    assert.deepEqual((await ws.outline('bin/tool')).map(show), ['function main@2']);
    assert.deepEqual((await ws.definitions('main')).map((d) => d.path), ['bin/tool']);
    await assert.rejects(ws.outline('missing.ts'), /not found/i);
    await assert.rejects(ws.outline('missing.md'), /not found/i);
    await assert.rejects(ws.outline('../outside.ts'), WorkspaceError);
  } finally {
    removeTree(root);
  }
});

test('definitions(): every definition of a name, and the Container.name form', async () => {
  const ws = await openFixtures();
  const get = await ws.definitions('Get');
  assert.deepEqual(get.map((d) => `${d.path}:${d.line} ${d.kind} ${d.container}.${d.name}`).sort(), [
    `inventory.go:${lineOf(fs.readFileSync(path.join(FIXTURES, 'inventory.go'), 'utf8'), 'Get(sku string) (Item, error)')} method Store.Get`,
    `inventory.go:${lineOf(fs.readFileSync(path.join(FIXTURES, 'inventory.go'), 'utf8'), 'func (w *Warehouse) Get(')} method Warehouse.Get`,
  ]);
  const qualified = await ws.definitions('Warehouse.Get');
  assert.deepEqual(qualified.map((d) => d.container), ['Warehouse']);
  assert.ok(qualified[0]!.endLine > qualified[0]!.line, 'a method definition spans its body');
  // Other separators: Rust/C++ `::`, and several containers of the same member name.
  assert.deepEqual((await ws.definitions('Matrix::at')).map((d) => d.path + ':' + d.line).length, 2);
  assert.deepEqual((await ws.definitions('add')).map((d) => `${d.path} ${d.container}`).sort(), ['Router.php Router', 'cart.rb Cart']);
  assert.deepEqual(await ws.definitions('NoSuchSymbolAnywhere'), []);
  await assert.rejects(ws.definitions(''), WorkspaceError);
  // A dotted name that is a whole name (C# namespace) is found too.
  assert.deepEqual((await ws.definitions('Bank.Accounts')).map((d) => `${d.kind} ${d.path}`), ['namespace Accounts.cs']);
});

test('definitions() on a big repo before any index: only files where grep finds the word are parsed', async () => {
  await quietParses();
  const ws = await openFixtures();
  const full = await ws.definitions('Get');
  const grepFirst = createCodeIntelligence(ws, { grepFirstAboveFiles: 0 });
  const before = parseStats.files;
  assert.deepEqual(await grepFirst.definitions('Get'), full);
  const filesWithWord = new Set((await ws.grep('Get', { word: true, fixed: true })).hits.map((h) => h.path)).size;
  assert.equal(parseStats.files - before, filesWithWord);
  assert.ok(filesWithWord < ws.files().length);
  assert.deepEqual(await grepFirst.definitions('Matrix.at'), await ws.definitions('Matrix.at'));
  assert.equal((await grepFirst.definitions('Matrix.at')).length, 2);
});

test('symbols(): exact, then prefix, then substring, then camel-case initials; capped; kind filter', async () => {
  const ws = await openFixtures();
  const ring = await ws.symbols('ring');
  assert.ok(ring.length >= 6);
  assert.ok(ring.every((d) => d.name.toLowerCase().includes('ring')));
  // Exact before prefix before substring before initials.
  const byTitle = await ws.symbols('findByTitle');
  assert.equal(byTitle[0]?.name, 'findByTitle');
  const initialsHit = await ws.symbols('fbt');
  assert.equal(initialsHit[0]?.name, 'findByTitle');
  const mixed = (await ws.symbols('Item')).map((d) => d.name);
  assert.equal(mixed[0], 'Item', 'exact match first');
  assert.ok(mixed.indexOf('Item') < mixed.indexOf('LineItem'), 'exact before substring');
  assert.equal((await ws.symbols('ring', { maxResults: 2 })).length, 2);
  assert.ok((await ws.symbols('ring', { kind: 'function' })).every((d) => d.kind === 'function'));
  assert.equal(matchScore('getFileName', 'gfn') > 0, true);
  assert.ok(matchScore('getFileName', 'getFileName') > matchScore('getFileNameSync', 'getFileName'));
  assert.ok(matchScore('getFileNameSync', 'getFileName') > matchScore('xgetFileName', 'getFileName'));
  assert.ok(matchScore('xgetFileName', 'getFileName') > matchScore('getFileName', 'gfn'));
  assert.equal(initials('parse_http_url'), 'phu');
  assert.equal(matchScore('render', 'zzz'), 0);
});

test('references(): identifier tokens only — comments and strings are skipped', async () => {
  const ws = await openFixtures();
  const go = fs.readFileSync(path.join(FIXTURES, 'inventory.go'), 'utf8');
  const maxItems = await ws.references('MaxItems');
  assert.deepEqual(maxItems.hits.map((h) => `${h.path}:${h.line}`), [
    `inventory.go:${lineOf(go, 'const MaxItems')}`,
    `inventory.go:${lineOf(go, 'item.Count > MaxItems')}`,
  ]);
  assert.equal(maxItems.total, 2);
  assert.equal(maxItems.exact, true);
  // "MaxItems is the largest..." is a comment: grep sees it, references() does not.
  assert.ok((await ws.grep('MaxItems', { word: true })).total > maxItems.total);

  const c = fs.readFileSync(path.join(FIXTURES, 'ringbuf.c'), 'utf8');
  const ringFull = await ws.references('ring_full');
  assert.deepEqual(ringFull.hits.map((h) => h.line), [
    lineOf(c, 'static int ring_full(const ring_t *r);'),
    lineOf(c, 'static int ring_full(const ring_t *r)', lineOf(c, 'void ring_init(')),
    lineOf(c, 'if (ring_full(r))'),
  ]);
  assert.ok(!ringFull.hits.some((h) => h.text.includes('/*')), 'the comment mentioning ring_full is skipped');

  // Strings: "add route $path" (PHP), "add" in a Ruby comment, "addBook needs a title" in Java.
  const add = await ws.references('add');
  for (const h of add.hits) assert.doesNotMatch(h.text, /"add|#.*add|\/\/.*add/, `${h.path}:${h.line}`);
  assert.ok(add.hits.some((h) => h.path === 'Router.php' && h.text.includes('function add(')));
  assert.ok(add.hits.some((h) => h.path === 'Library.java' && h.text.includes('books.add(book)')));
  await assert.rejects(ws.references('a b'), /not an identifier/);
});

test('references(): template interpolations count, plain strings and comments do not (TypeScript, Python)', async () => {
  const root = makeTree({
    'src/a.ts': [
      'export function greet(name: string) {',
      '  // greet is documented here',
      "  const s = 'greet';",
      '  return `${greet.name} says hi to ${name}`;',
      '}',
      'greet("x");',
      '',
    ].join('\n'),
    'tool.py': ['def greet():', '    """greet docstring"""', '    return f"{greet.__name__}"', '# greet', 'greet()', ''].join('\n'),
    'notes.md': 'greet is mentioned in prose\n',
  });
  try {
    const ws = await openWorkspace({ roots: [{ name: 'w', path: root }] });
    const r = await ws.references('greet');
    assert.deepEqual(r.hits.map((h) => `${h.path}:${h.line}`), ['src/a.ts:1', 'src/a.ts:4', 'src/a.ts:6', 'tool.py:1', 'tool.py:3', 'tool.py:5']);
    assert.equal(r.total, 6);
    const capped = await ws.references('greet', { maxResults: 2 });
    assert.equal(capped.hits.length, 2);
    assert.equal(capped.total, 6);
    assert.equal(capped.truncated, true);
    assert.deepEqual((await ws.references('greet', { paths: ['tool.py'] })).hits.map((h) => h.line), [1, 3, 5]);
  } finally {
    removeTree(root);
  }
});

test('enclosing(): the innermost unit around a line, or null outside any', async () => {
  const ws = await openFixtures();
  const c = fs.readFileSync(path.join(FIXTURES, 'ringbuf.c'), 'utf8');
  const inPush = await ws.enclosing('ringbuf.c', lineOf(c, 'stats.pushes++;'));
  assert.equal(inPush?.name, 'ring_push');
  assert.equal(inPush?.kind, 'function');
  assert.equal(await ws.enclosing('ringbuf.c', lineOf(c, '#include <string.h>')), null);

  const cs = fs.readFileSync(path.join(FIXTURES, 'Accounts.cs'), 'utf8');
  const local = await ws.enclosing('Accounts.cs', lineOf(cs, 'bool Allowed('));
  assert.deepEqual(local && show(local), `function Withdraw.Allowed@${lineOf(cs, 'bool Allowed(')}`);
  const inMethod = await ws.enclosing('Accounts.cs', lineOf(cs, 'Balance -= amount;'));
  assert.equal(inMethod && show(inMethod), `method Account.Withdraw@${lineOf(cs, 'public bool Withdraw')}`);
  const inClass = await ws.enclosing('Accounts.cs', lineOf(cs, 'private readonly List<decimal> history'));
  assert.equal(inClass?.name, 'Account');

  const rb = fs.readFileSync(path.join(FIXTURES, 'cart.rb'), 'utf8');
  assert.equal((await ws.enclosing('cart.rb', lineOf(rb, 'subtotal + subtotal * TAX_RATE')))?.name, 'total');
});

// ---------- caches ----------

test('symbol index: disk cache makes a second process parse nothing; a changed file is re-parsed', async () => {
  await quietParses();
  const root = makeTree({});
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlm-symcache-'));
  try {
    for (const f of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, f), path.join(root, f));
    const open = () => openWorkspace({ roots: [{ name: 'w', path: root }], options: { cacheDir } });
    const codeFiles = fs.readdirSync(root).length;

    // First "run": parses every file once, and again not at all for a second question.
    let before = parseStats.files;
    const first = await open();
    assert.deepEqual((await first.definitions('ring_push')).map((d) => d.path).sort(), ['ringbuf.c', 'ringbuf.h']);
    assert.equal(parseStats.files - before, codeFiles);
    before = parseStats.files;
    assert.equal((await first.definitions('Cart')).length, 1);
    await first.outline('inventory.go');
    assert.equal(parseStats.files - before, 0, 'memory cache: nothing parsed again');

    // Second "run": a new Workspace (fresh memory) loads the disk cache and parses nothing.
    before = parseStats.files;
    const secondIntel = createCodeIntelligence(await open());
    assert.equal((await secondIntel.definitions('Warehouse')).length, 1);
    assert.equal((await secondIntel.outline('shapes.rs')).length > 10, true);
    assert.equal(parseStats.files - before, 0, 'disk cache: nothing parsed');
    assert.equal(secondIntel.cacheInfo().loadedFromDisk, codeFiles);
    assert.ok(secondIntel.cacheInfo().file!.startsWith(path.join(cacheDir, 'symbols')));
    assert.ok(!secondIntel.cacheInfo().file!.startsWith(root), 'the cache lives outside the workspace');

    // And a real second process (a second CLI run) over the unchanged repo: nothing parsed either.
    const script = `
      const { openWorkspace } = require(${JSON.stringify(path.join(REPO_ROOT, 'src/workspace/workspace.ts'))});
      const { parseStats } = require(${JSON.stringify(path.join(REPO_ROOT, 'src/workspace/code/outline.ts'))});
      openWorkspace({ roots: [{ name: 'w', path: process.argv[1] }], options: { cacheDir: process.argv[2] } })
        .then((ws) => ws.definitions('ring_push'))
        .then((defs) => console.log(JSON.stringify({ defs: defs.length, parsed: parseStats.files })));`;
    const child = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script, root, cacheDir], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout), { defs: 2, parsed: 0 });

    // Change one file (different size): only that file is parsed again, and its new symbol is found.
    fs.appendFileSync(path.join(root, 'inventory.go'), '\nfunc Restock(w *Warehouse) {}\n');
    before = parseStats.files;
    const third = createCodeIntelligence(await open(), { revalidateMs: 0 });
    assert.equal((await third.definitions('Restock')).length, 1);
    assert.equal(parseStats.files - before, 1);
    // Same process, after another change: the stat check notices it.
    fs.appendFileSync(path.join(root, 'shapes.rs'), '\npub fn restock_all() {}\n');
    before = parseStats.files;
    assert.equal((await third.definitions('restock_all')).length, 1);
    assert.equal(parseStats.files - before, 1);
    // A deleted file drops out of the index.
    fs.rmSync(path.join(root, 'cart.rb'));
    assert.deepEqual(await third.definitions('format_price'), []);
  } finally {
    removeTree(root);
    removeTree(cacheDir);
  }
});

test('virtual files (child runs over text) get outlines but never reach the disk cache', async () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlm-symcache-'));
  try {
    const ws = await openWorkspace({
      roots: [],
      options: { cacheDir },
      virtualFiles: [{ path: 'piece.py', content: 'class Piece:\n    def move(self):\n        pass\n' }],
    });
    assert.deepEqual((await ws.outline('piece.py')).map(show), ['class Piece@1', 'method Piece.move@2']);
    assert.deepEqual((await ws.definitions('Piece.move')).map((d) => `${d.path}:${d.line}`), ['piece.py:2']);
    ws.flushCaches();
    const written = fs.existsSync(path.join(cacheDir, 'symbols')) ? fs.readdirSync(path.join(cacheDir, 'symbols')) : [];
    for (const f of written) assert.doesNotMatch(fs.readFileSync(path.join(cacheDir, 'symbols', f), 'utf8'), /piece\.py/);
  } finally {
    removeTree(cacheDir);
  }
});

// ---------- where it runs ----------

test('outlines work inside a worker thread (where the sandbox keeps the Workspace)', async () => {
  const entry = path.join(REPO_ROOT, 'src/workspace/code/outline.ts');
  const worker = new Worker(
    `require('tsx/cjs');
     const { parentPort, workerData } = require('node:worker_threads');
     const { outlineSource } = require(workerData.entry);
     outlineSource('x.go', 'package x\\nfunc Hello() {}\\n').then((s) => parentPort.postMessage(s), (e) => parentPort.postMessage(String(e)));`,
    { eval: true, workerData: { entry } },
  );
  const result = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.deepEqual(result, [{ kind: 'function', name: 'Hello', line: 2, endLine: 2 }]);
});

test('bundle mode: an esbuild bundle finds tree-sitter.wasm and grammars/ next to itself', async () => {
  const esbuild = await import('esbuild');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlm-bundle-'));
  try {
    const entry = path.join(dir, 'entry.ts');
    fs.writeFileSync(
      entry,
      `import { outlineSource } from ${JSON.stringify(path.join(REPO_ROOT, 'src/workspace/code/outline'))};
       outlineSource('a.c', 'int main(void) { return 0; }\\n').then((s) => console.log(JSON.stringify(s)));`,
    );
    // The same import.meta.url shim as scripts/build.mjs (web-tree-sitter's loader reads it).
    await esbuild.build({
      entryPoints: [entry],
      outfile: path.join(dir, 'out/bundle.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      logLevel: 'silent',
      define: { 'import.meta.url': '__import_meta_url' },
      banner: { js: 'const __import_meta_url = require("url").pathToFileURL(__filename).href;' },
    });
    // Copied the way scripts/build.mjs copies them into dist/.
    fs.copyFileSync(path.join(NODE_MODULES, 'web-tree-sitter/tree-sitter.wasm'), path.join(dir, 'out/tree-sitter.wasm'));
    fs.mkdirSync(path.join(dir, 'out/grammars'));
    fs.copyFileSync(path.join(NODE_MODULES, 'tree-sitter-wasms/out/tree-sitter-c.wasm'), path.join(dir, 'out/grammars/tree-sitter-c.wasm'));
    // Run from a folder with no node_modules above it, so only the copied files can be found.
    const run = spawnSync(process.execPath, [path.join(dir, 'out/bundle.js')], { cwd: dir, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), [{ kind: 'function', name: 'main', line: 1, endLine: 1 }]);
  } finally {
    removeTree(dir);
  }
});

// ---------- the symbol index: background build, partial answers, incremental refresh ----------

/** A tree of `n` small TypeScript files, each defining `widgetN` and using `sharedHelper` (once in a comment). */
function widgetTree(n: number): string {
  const files: Record<string, string> = { 'src/shared.ts': 'export function sharedHelper(x: number) { return x; }\n' };
  for (let i = 0; i < n; i++) {
    files[`src/w${i}.ts`] = `import { sharedHelper } from './shared';\n// sharedHelper is documented here\nexport function widget${i}() {\n  return sharedHelper(${i}) + "sharedHelper".length;\n}\n`;
  }
  return makeTree(files);
}

test('symbol index: a query that cannot wait answers from the files indexed so far, marked partial with progress', async () => {
  const root = widgetTree(40);
  try {
    const ws = await openWorkspace({ roots: [{ name: 'w', path: root }] });
    // The build's reads wait on a gate the test opens: reads are fast enough now that 41 small files would be
    // indexed before a zero-wait query could ask.
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    const host = workspaceCodeHost(ws);
    const intel = new CodeIntelligence({ ...host, readText: async (p) => (await gate, host.readText(p)) }, { cacheKey: root, queryWaitMs: 0, parseBudgetMs: 0, grepFirstAboveFiles: 0 });
    const early = await intel.symbols('widget', { maxResults: 500 });
    assert.equal(early.partial, true, 'answered before the build finished');
    assert.match(early.note!, /partial — the symbol index is \d+% built \(\d+ of 41 code files\)/);
    assert.equal(early.index?.files, 41);
    const defs = await intel.definitions('widget7');
    assert.equal(defs.partial, true, 'grep narrowed to one file, but the parse budget was spent');
    // Once built, the same queries are complete and unmarked.
    open();
    const built = await intel.updateIndex();
    assert.equal(built.complete, true);
    const full = await intel.symbols('widget', { maxResults: 500 });
    assert.equal(full.partial, undefined);
    assert.equal(full.length, 40);
    assert.deepEqual((await intel.definitions('widget7')).map((d) => `${d.path}:${d.line}`), ['src/w7.ts:3']);
  } finally {
    removeTree(root);
  }
});

test('symbol index: the background build waits while the model greps or reads (foreground first)', async () => {
  const root = widgetTree(20);
  try {
    const ws = await openWorkspace({ roots: [{ name: 'w', path: root }] });
    // The workspace's own host, counting the build's reads (parseStats is shared with other tests' builds).
    const host = workspaceCodeHost(ws);
    let reads = 0;
    const intel = new CodeIntelligence({ ...host, readText: (p) => (reads++, host.readText(p)) }, { cacheKey: root });
    const endCall = ws.foreground.begin(); // a grep in flight
    const build = intel.updateIndex();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(reads, 0, 'nothing read or parsed while the grep runs');
    // A real grep and read in the meantime count as foreground too and answer at once.
    assert.equal((await ws.grep('sharedHelper', { maxResults: 500 })).total, 61);
    assert.equal((await ws.read('src/w3.ts', { start: 3, end: 3 })).text, 'export function widget3() {');
    assert.equal(reads, 0);
    endCall();
    const done = await build;
    assert.equal(done.complete, true);
    assert.equal(done.parsed, 21, 'the build went on once the foreground was quiet');
    assert.equal(reads, 21);
  } finally {
    removeTree(root);
  }
});

test('symbol index: a build writes its disk cache once at the end, not a second after each file (a short build)', async () => {
  const root = widgetTree(30);
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlm-saves-'));
  const rename = fs.renameSync;
  const writes: string[] = [];
  try {
    const ws = await openWorkspace({ roots: [{ name: 'w', path: root }] });
    const host = workspaceCodeHost(ws);
    // 50 ms per file: a 1.5 s build, past the store's one-second save delay.
    const intel = new CodeIntelligence({ ...host, readText: async (p) => (await new Promise((r) => setTimeout(r, 50)), host.readText(p)) }, { cacheDir, cacheKey: root });
    fsModule.renameSync = (from, to) => {
      if (String(to).startsWith(cacheDir)) writes.push(String(to));
      return rename(from, to);
    };
    syncBuiltinESMExports();
    const built = await intel.updateIndex();
    assert.equal(built.complete, true);
    assert.equal(built.parsed, 31);
    assert.equal(writes.length, 1, `the store was written ${writes.length} times during a 31-file build`);
    // Outside a build a change is still saved a second later.
    fs.appendFileSync(path.join(root, 'src/w3.ts'), '\nexport function later() {}\n');
    assert.ok((await intel.outline('src/w3.ts')).some((s) => s.name === 'later'));
    for (let waited = 0; writes.length < 2 && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    assert.equal(writes.length, 2, 'the re-parsed file was saved after the build');
  } finally {
    fsModule.renameSync = rename;
    syncBuiltinESMExports();
    removeTree(root);
    removeTree(cacheDir);
  }
});

test('symbol index: references come from the indexed comment/string spans (nothing parsed) and match a cold parse', async () => {
  await quietParses();
  const root = widgetTree(12);
  try {
    const cold = createCodeIntelligence(await openWorkspace({ roots: [{ name: 'w', path: root }] }));
    const coldRefs = await cold.references('sharedHelper', { maxResults: 1000 });
    const warm = createCodeIntelligence(await openWorkspace({ roots: [{ name: 'w', path: root }] }));
    await warm.updateIndex();
    const before = parseStats.files;
    const warmRefs = await warm.references('sharedHelper', { maxResults: 1000 });
    assert.equal(parseStats.files - before, 0, 'a warm query parses nothing');
    assert.deepEqual(warmRefs, coldRefs);
    // The import, the call and the definition count; the comment and the string do not.
    assert.equal(warmRefs.total, 12 * 2 + 1);
    assert.ok(warmRefs.hits.every((h) => !h.text.startsWith('//')));
    assert.equal(warmRefs.exact, true);
  } finally {
    removeTree(root);
  }
});

test('symbol index: incremental refresh re-parses only changed files; a touched but unchanged file is not parsed', async () => {
  await quietParses();
  const root = widgetTree(10);
  try {
    const intel = createCodeIntelligence(await openWorkspace({ roots: [{ name: 'w', path: root }] }), { revalidateMs: 0 });
    const first = await intel.updateIndex();
    assert.equal(first.parsed, 11);
    // Same content, new mtime: the content hash says it is the same file.
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(root, 'src/w3.ts'), later, later);
    // New content: parsed again, and its new symbol is found.
    fs.writeFileSync(path.join(root, 'src/w4.ts'), 'export function widget4() {}\nexport function gadget() {}\n');
    const before = parseStats.files;
    const second = await intel.updateIndex(true);
    assert.equal(parseStats.files - before, 1, 'only the changed file');
    assert.equal(second.parsed, 2, 'both were looked at again (one re-hashed, one re-parsed)');
    assert.deepEqual((await intel.definitions('gadget')).map((d) => d.path), ['src/w4.ts']);
    assert.equal((await intel.references('sharedHelper')).total, 9 * 2 + 1, 'w4 no longer uses it');
  } finally {
    removeTree(root);
  }
});

test('symbol index: code files over INDEX_MAX_FILE_BYTES (bundles) stay out of it and of references (with a note), before and after the build; outline still parses them', async () => {
  const filler = '// generated\n'.repeat(Math.ceil(INDEX_MAX_FILE_BYTES / 13) + 10);
  const root = makeTree({ 'dist/bundle.js': `${filler}export function bundledOnly() { return 1; }\n`, 'src/small.ts': 'export function smallOne() {}\n' });
  try {
    const ws = await openWorkspace({ roots: [{ name: 'w', path: root }] });
    assert.ok(ws.files().find((f) => f.path === 'dist/bundle.js')!.size > INDEX_MAX_FILE_BYTES, 'the fixture is over the cap');
    const intel = createCodeIntelligence(ws, { grepFirstAboveFiles: 0, queryWaitMs: 0 });
    assert.deepEqual([...(await intel.definitions('bundledOnly'))], [], 'grep narrowing skips it too');
    const built = await intel.updateIndex(true);
    assert.equal(built.files, 1, 'only src/small.ts is a code file of the index');
    assert.deepEqual([...(await intel.symbols('bundledOnly'))], []);
    assert.deepEqual((await intel.definitions('smallOne')).map((d) => d.path), ['src/small.ts']);
    assert.deepEqual((await intel.outline('dist/bundle.js')).map((s) => s.name), ['bundledOnly']);
    const refs = await intel.references('bundledOnly');
    assert.deepEqual(refs.hits, []);
    assert.match(refs.note ?? '', /^1 matching line in 1 code file over 256 KB \(bundles, generated code\) left out; grep them if they matter\.$/);
  } finally {
    removeTree(root);
  }
});

test('references on a minified line: a use past the cut of a long grep line is found warm (index) as cold (parse)', async () => {
  const long = `var a=${'"x",'.repeat(300)}b=helperFn(1);`;
  const root = makeTree({ 'lib/min.js': `function helperFn(x){return x}\n${long}\n` });
  try {
    const cold = await createCodeIntelligence(await openWorkspace({ roots: [{ name: 'w', path: root }] })).references('helperFn');
    const warmIntel = createCodeIntelligence(await openWorkspace({ roots: [{ name: 'w', path: root }] }));
    await warmIntel.updateIndex(true);
    const warm = await warmIntel.references('helperFn');
    assert.deepEqual(cold.hits.map((h) => h.line), [1, 2]);
    assert.deepEqual(warm.hits.map((h) => h.line), [1, 2]);
  } finally {
    removeTree(root);
  }
});
