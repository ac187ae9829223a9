// The symbol store keeps every record's arrays in shared slabs: records must read back exactly what was stored
// through replacements, compaction and a disk round trip, and must not get an ArrayBuffer each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SymbolStore } from '../../src/workspace/code/symbolStore';
import type { OutlineSymbol } from '../../src/workspace/code/types';

/** A distinct outline and span bytes for file `i` at version `v`. */
function contentOf(i: number, v: number, count: number): { outline: OutlineSymbol[]; spans: Uint8Array } {
  const outline: OutlineSymbol[] = [];
  for (let k = 0; k < count; k++) {
    const s: OutlineSymbol = { kind: k % 2 ? 'function' : 'class', name: `f${i}_${k}_${v % 3}`, line: k + 1 + v, endLine: k + 2 + v };
    if (k % 3 === 0) s.container = `C${i}`;
    outline.push(s);
  }
  const spans = new Uint8Array(1 + ((i * 7 + v) % 61)).map((_, j) => (i + j + v) & 0xff);
  return { outline, spans };
}

test('symbol store: records share slabs, survive replacement and compaction, and round-trip through the disk', () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlm-store-'));
  try {
    const store = new SymbolStore(cacheDir, 'key');
    const files = 200;
    const count = (i: number) => (i % 5 === 0 ? 0 : 800 + 4 * i); // some files have no symbols at all
    const latest = new Map<string, { outline: OutlineSymbol[]; spans: Uint8Array; v: number }>();
    // Each round replaces every record (~6 MB of symbols): old arrays become dead space, so compaction must run.
    for (let v = 0; v < 4; v++) {
      for (let i = 0; i < files; i++) {
        const p = `src/f${i}.ts`;
        const { outline, spans } = contentOf(i, v, count(i));
        store.set(p, { size: 100 + v, mtimeMs: 1_700_000_000_000 + v }, `h${i}.${v}`, outline, spans, true);
        latest.set(p, { outline, spans, v });
      }
    }
    const check = (s: SymbolStore, label: string) => {
      for (const [p, want] of latest) {
        const r = s.get(p, { size: 100 + want.v, mtimeMs: 1_700_000_000_000 + want.v });
        assert.ok(r, `${label}: ${p} is stored under its last stamp`);
        assert.deepEqual(s.outline(r), want.outline, `${label}: ${p} symbols`);
        assert.deepEqual([...r.spans!], [...want.spans], `${label}: ${p} spans`);
      }
    };
    check(store, 'after replacements');
    const { live, dead } = store.slabBytes();
    const symbolBytes = [...latest.values()].reduce((n, c) => n + c.outline.length * 20, 0);
    assert.ok(live >= symbolBytes && live < symbolBytes * 1.1, `live ${live} bytes for ${symbolBytes} bytes of symbols`);
    assert.ok(dead < 3 * symbolBytes, `compaction ran: ${dead} dead bytes after replacing ${3 * symbolBytes}`);
    const buffers = new Set([...latest.keys()].map((p) => store.peek(p)!.symbols.buffer));
    assert.ok(buffers.size < 10, `${files} records' symbols live in ${buffers.size} slabs, not an ArrayBuffer each`);

    // Restamping keeps the arrays; adding spans to a record keeps its symbols.
    const r0 = store.peek('src/f1.ts')!;
    const restamped = store.restamp('src/f1.ts', r0, { size: 1, mtimeMs: 2 });
    assert.equal(restamped.symbols, r0.symbols);
    store.setSpans('src/f1.ts', restamped, new Uint8Array([9, 8, 7]));
    assert.deepEqual([...store.peek('src/f1.ts')!.spans!], [9, 8, 7]);
    assert.deepEqual(store.outline(store.peek('src/f1.ts')!), latest.get('src/f1.ts')!.outline);
    store.restamp('src/f1.ts', store.peek('src/f1.ts')!, { size: 101 + 2, mtimeMs: 1_700_000_000_000 + 3 });
    latest.set('src/f1.ts', { ...latest.get('src/f1.ts')!, spans: new Uint8Array([9, 8, 7]) });

    // Delete one; then a second store reads everything back from the disk.
    store.delete('src/f2.ts');
    latest.delete('src/f2.ts');
    store.flush();
    const reloaded = new SymbolStore(cacheDir, 'key');
    assert.equal(reloaded.size, latest.size);
    check(reloaded, 'from disk');
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});

test('contentHash and the code host read: reused buffers give the same text and hash as a direct read, past their cap too', async () => {
  const { createHash } = await import('node:crypto');
  const { openWorkspace } = await import('../../src/workspace/workspace');
  const { workspaceCodeHost } = await import('../../src/workspace/code/workspaceCodeHost');
  const { contentHash } = await import('../../src/workspace/code/symbolStore');
  const { SCRATCH_MAX_BYTES } = await import('../../src/workspace/code/scratchBuffer');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rlm-read-'));
  try {
    // A two-byte character straddles the reused buffer's cap; small files read after the big one stay exact.
    const big = 'a'.repeat(SCRATCH_MAX_BYTES - 1) + 'é' + 'ü€'.repeat(1000) + '\n';
    fs.writeFileSync(path.join(root, 'big.js'), big);
    fs.writeFileSync(path.join(root, 'small.js'), 'const s = "héllo wörld €";\n');
    fs.writeFileSync(path.join(root, 'tiny.js'), 'x\n');
    const ws = await openWorkspace({ roots: [{ name: 'w', path: root }], options: { maxFileBytes: 2 * SCRATCH_MAX_BYTES } });
    const host = workspaceCodeHost(ws);
    for (const name of ['small.js', 'big.js', 'small.js', 'tiny.js']) {
      const want = fs.readFileSync(path.join(root, name), 'utf8');
      const text = await host.readText(name);
      assert.equal(text, want, `${name} read back exactly`);
      assert.equal(contentHash(text), createHash('sha1').update(want).digest('base64'), `${name} hash`);
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('symbol store: a streamed header over 1 MiB with names that need escaping reads back exactly', () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlm-store-'));
  try {
    const store = new SymbolStore(cacheDir, 'key');
    const odd = ['quote"d', 'back\\slash', 'new\nline', 'é', '𝄞clef', '\u2028sep', 'tab\t'];
    const want = new Map<string, OutlineSymbol[]>();
    for (let i = 0; i < 4000; i++) {
      const p = `deep/${'dir'.repeat(100)}/ünïcode-${i}/${odd[i % odd.length]}.ts`; // long paths: a header of several MiB
      const outline: OutlineSymbol[] = [{ kind: 'function', name: `${odd[i % odd.length]}${i}`, line: 1, endLine: 2 + (i % 5) }];
      store.set(p, { size: i, mtimeMs: 1_700_000_000_000 + i }, `hash"${i}`, outline, new Uint8Array([i & 0xff]), true);
      want.set(p, outline);
    }
    // An in-memory record is not written.
    store.set('virtual.ts', { size: 1, mtimeMs: 0 }, 'h', [{ kind: 'class', name: 'V', line: 1, endLine: 1 }], undefined, false);
    store.flush();
    assert.ok(fs.statSync(store.cacheFile!).size > 1 << 20, 'the header spans several write chunks');
    const reloaded = new SymbolStore(cacheDir, 'key');
    assert.equal(reloaded.size, want.size);
    assert.equal(reloaded.loadedFromDisk, want.size);
    let i = 0;
    for (const [p, outline] of want) {
      const r = reloaded.get(p, { size: i, mtimeMs: 1_700_000_000_000 + i });
      assert.ok(r, p);
      assert.equal(r.hash, `hash"${i}`);
      assert.deepEqual(reloaded.outline(r), outline);
      assert.deepEqual([...r.spans!], [i & 0xff]);
      i++;
    }
    assert.equal(reloaded.peek('virtual.ts'), undefined);
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});
