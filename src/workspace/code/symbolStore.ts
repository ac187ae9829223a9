// The symbol index's storage: per file, its outline and where its comments and strings are, keyed by
// (size, mtimeMs) and by a hash of the content (a touched but unchanged file is not parsed again).
// Compact on purpose — a 66k-file tree has a million symbols: each file holds one Int32Array of symbols (kind,
// name id, container id, line, endLine) over one table of distinct names, and its non-code spans varint-encoded.
// Those arrays are views into shared slabs (Slabs below), not arrays of their own.
// On disk (outside the workspace, one file per workspace) in a binary form that loads without a JSON of
// every symbol. Only lists are kept, never syntax trees.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OutlineSymbol, SymbolKind } from './types';
import { scratchBuffer, SCRATCH_MAX_BYTES } from './scratchBuffer';

/** Bump when outline or span rules change: old caches are then ignored. */
export const INDEX_FORMAT = 'symbols-v3';

export interface FileStamp {
  size: number;
  mtimeMs: number;
}

/** Symbol kinds by number (the stored form). */
const KINDS: SymbolKind[] = [
  'function', 'method', 'class', 'interface', 'type', 'enum', 'struct', 'trait', 'impl', 'module', 'namespace', 'constant', 'variable', 'macro',
];
const KIND_ID = new Map(KINDS.map((k, i) => [k, i]));
/** Int32 fields per symbol. */
export const SYMBOL_FIELDS = 5;

export interface FileRecord extends FileStamp {
  /** Hash of the text the record was made from. */
  hash: string;
  /** [kind, nameId, containerId (-1: none), line, endLine] per symbol, in outline order. */
  symbols: Int32Array;
  /** Comments and strings (codeSpans.ts encoding); undefined when not computed. */
  spans?: Uint8Array;
  /** False for in-memory (virtual) files: never written to disk. */
  persist: boolean;
}

/** sha1 of the text's UTF-8 bytes, encoded into the scratch buffer (hashing a string allocates per call). */
export function contentHash(text: string): string {
  const bytes = Buffer.byteLength(text);
  if (bytes > SCRATCH_MAX_BYTES) return createHash('sha1').update(text).digest('base64');
  const buffer = scratchBuffer(bytes);
  buffer.write(text);
  return createHash('sha1').update(buffer.subarray(0, bytes)).digest('base64');
}

interface DiskHeader {
  format: string;
  names: string[];
  /** [path, size, mtimeMs, hash, symbol count, span bytes (-1: none)] */
  files: [string, number, number, string, number, number][];
}

/** Slab size: large enough that its own cost is nothing, small enough that the last one wastes little. */
const SLAB_BYTES = 1 << 20;
const EMPTY_SYMBOLS = new Int32Array(0);
const EMPTY_SPANS = new Uint8Array(0);

/**
 * Bump allocation of the records' arrays in 1 MiB ArrayBuffers. An array with a buffer of its own costs ~400 bytes
 * besides its data (the buffer object, its view, its off-heap backing store): for the two arrays of 60k records
 * that was ~50 MB of RSS (measured: 99 MB vs 48 MB for 60k records of 16 symbols). Space of replaced records
 * stays in its slab until the store is compacted.
 */
class Slabs {
  private slab = new ArrayBuffer(SLAB_BYTES);
  private used = 0;
  /** Bytes of all the arrays handed out and not yet released. */
  live = 0;
  /** Bytes handed out and since released (replaced records). */
  dead = 0;

  symbols(count: number): Int32Array {
    if (!count) return EMPTY_SYMBOLS;
    const at = this.take(count * SYMBOL_FIELDS * 4);
    return new Int32Array(this.slab, at, count * SYMBOL_FIELDS);
  }

  /** A copy of `bytes` in a slab. */
  bytes(bytes: Uint8Array): Uint8Array {
    if (!bytes.length) return EMPTY_SPANS;
    const at = this.take(bytes.length);
    const view = new Uint8Array(this.slab, at, bytes.length);
    view.set(bytes);
    return view;
  }

  release(array: Int32Array | Uint8Array | undefined): void {
    if (!array?.byteLength) return;
    this.live -= array.byteLength;
    this.dead += array.byteLength;
  }

  /** Reserves `bytes` in the current slab (a new one when full); returns their offset, 4-byte aligned for Int32Array. */
  private take(bytes: number): number {
    let at = (this.used + 3) & ~3;
    if (at + bytes > this.slab.byteLength) {
      this.slab = new ArrayBuffer(Math.max(SLAB_BYTES, bytes));
      at = 0;
    }
    this.used = at + bytes;
    this.live += bytes;
    return at;
  }
}

export class SymbolStore {
  private readonly records = new Map<string, FileRecord>();
  private slabs = new Slabs();
  private readonly nameIds = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly file: string | undefined;
  private loaded = false;
  private dirty = false;
  private saveTimer: NodeJS.Timeout | undefined;
  /**
   * Whether a change is written a second later. An index build turns this off and saves every SAVE_EVERY_MS
   * itself: a save per second rewrote the whole store (a 5 MB header at 60k files) ~100 times per build, which
   * was a third of the build's allocations and most of what reached the old generation.
   */
  autoSave = true;
  /** Entries read from disk at load (for tests and benchmarks). */
  loadedFromDisk = 0;

  /** `cacheDir` is the folder for all caches; this one lives in <cacheDir>/symbols/<hash of key>.bin. */
  constructor(cacheDir: string | undefined, key: string) {
    if (cacheDir) {
      const hash = createHash('sha256').update(`${INDEX_FORMAT}\n${key}`).digest('hex').slice(0, 24);
      this.file = path.join(cacheDir, 'symbols', `${hash}.bin`);
    }
  }

  get cacheFile(): string | undefined {
    return this.file;
  }

  get size(): number {
    this.load();
    return this.records.size;
  }

  /** Bytes of the records' arrays in slabs, and of replaced ones not yet compacted away (tests, benchmarks). */
  slabBytes(): { live: number; dead: number } {
    return { live: this.slabs.live, dead: this.slabs.dead };
  }

  /** Distinct symbol names (ids are indexes). */
  nameCount(): number {
    return this.names.length;
  }

  name(id: number): string {
    return this.names[id]!;
  }

  /** The id of a name, or -1 when no symbol has it. */
  idOf(name: string): number {
    this.load();
    return this.nameIds.get(name) ?? -1;
  }

  /** The record when the file still has this size and mtime. */
  get(filePath: string, stamp: FileStamp): FileRecord | undefined {
    this.load();
    const r = this.records.get(filePath);
    return r && r.size === stamp.size && r.mtimeMs === stamp.mtimeMs ? r : undefined;
  }

  /** The record whatever its stamp (the index checked stamps when it last ran). */
  peek(filePath: string): FileRecord | undefined {
    this.load();
    return this.records.get(filePath);
  }

  /** Stores a file's outline (and spans); returns the record. */
  set(filePath: string, stamp: FileStamp, hash: string, outline: OutlineSymbol[], spans: Uint8Array | undefined, persist: boolean): FileRecord {
    this.load();
    const symbols = this.slabs.symbols(outline.length);
    outline.forEach((s, i) => {
      const o = i * SYMBOL_FIELDS;
      symbols[o] = KIND_ID.get(s.kind) ?? 0;
      symbols[o + 1] = this.intern(s.name);
      symbols[o + 2] = s.container ? this.intern(s.container) : -1;
      symbols[o + 3] = s.line;
      symbols[o + 4] = s.endLine;
    });
    return this.put(filePath, { size: stamp.size, mtimeMs: stamp.mtimeMs, hash, symbols, spans: spans && this.slabs.bytes(spans), persist });
  }

  /** The same content under a new stamp (a touched file): keeps what was computed. */
  restamp(filePath: string, record: FileRecord, stamp: FileStamp): FileRecord {
    return this.put(filePath, { ...record, size: stamp.size, mtimeMs: stamp.mtimeMs });
  }

  /** Adds spans to a record computed without them. */
  setSpans(filePath: string, record: FileRecord, spans: Uint8Array): void {
    this.put(filePath, { ...record, spans: this.slabs.bytes(spans) });
  }

  delete(filePath: string): void {
    this.load();
    const old = this.records.get(filePath);
    if (!old) return;
    this.records.delete(filePath);
    this.releaseArrays(old, undefined);
    if (this.file) this.changed();
  }

  /** The symbols of a record as objects. */
  outline(record: FileRecord): OutlineSymbol[] {
    const out: OutlineSymbol[] = [];
    for (let o = 0; o < record.symbols.length; o += SYMBOL_FIELDS) out.push(this.symbolAt(record.symbols, o));
    return out;
  }

  /** One symbol of a record, at its field offset. */
  symbolAt(symbols: Int32Array, o: number): OutlineSymbol {
    const s: OutlineSymbol = { kind: KINDS[symbols[o]!]!, name: this.names[symbols[o + 1]!]!, line: symbols[o + 3]!, endLine: symbols[o + 4]! };
    const container = symbols[o + 2]!;
    if (container >= 0) s.container = this.names[container]!;
    return s;
  }

  kindAt(symbols: Int32Array, o: number): SymbolKind {
    return KINDS[symbols[o]!]!;
  }

  /** Writes pending changes now (end of an index build, worker shutdown). */
  flush(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.dirty || !this.file) return;
    this.dirty = false;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      // Write then rename: a reader (another CLI run) never sees half a file.
      const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
      this.writeTo(tmp);
      fs.renameSync(tmp, this.file);
    } catch {
      // A cache that cannot be written only costs time on the next run.
    }
  }

  private put(filePath: string, record: FileRecord): FileRecord {
    const old = this.records.get(filePath);
    this.records.set(filePath, record);
    if (old) this.releaseArrays(old, record);
    if (record.persist && this.file) this.changed();
    return record;
  }

  /** Marks the arrays of a replaced record free (those the new record does not keep); compacts past half dead. */
  private releaseArrays(old: FileRecord, now: FileRecord | undefined): void {
    if (old.symbols !== now?.symbols) this.slabs.release(old.symbols);
    if (old.spans !== now?.spans) this.slabs.release(old.spans);
    if (this.slabs.dead > 4 * SLAB_BYTES && this.slabs.dead > this.slabs.live) this.compact();
  }

  /** Copies every record's arrays into new slabs: the old ones, and the dead space in them, go. */
  private compact(): void {
    const slabs = new Slabs();
    for (const [p, r] of this.records) {
      const symbols = slabs.symbols(r.symbols.length / SYMBOL_FIELDS);
      symbols.set(r.symbols);
      this.records.set(p, { ...r, symbols, spans: r.spans && slabs.bytes(r.spans) });
    }
    this.slabs = slabs;
  }

  private intern(name: string): number {
    let id = this.nameIds.get(name);
    if (id === undefined) {
      id = this.names.length;
      // A copy: a slice of a file's text would keep the whole file alive.
      this.names.push((' ' + name).slice(1));
      this.nameIds.set(name, id);
    }
    return id;
  }

  private changed(): void {
    this.dirty = true;
    if (this.saveTimer || !this.autoSave) return;
    this.saveTimer = setTimeout(() => this.flush(), 1000);
    this.saveTimer.unref?.();
  }

  /**
   * [u32 header length][header JSON][per file: symbols as int32 LE, then span bytes], streamed through one 1 MiB
   * buffer, the header too: the whole file is never in memory at once (on a 60k-file tree it is ~25 MB, written
   * every 30 s during a build). Built as one string, the header was a 5 MB allocation plus 60k arrays per save,
   * straight into the old generation.
   */
  private writeTo(file: string): void {
    const fd = fs.openSync(file, 'w');
    try {
      const out = new ChunkedWriter(fd);
      out.bytes(new Uint8Array(4)); // the header's length, written last
      out.text(`{"format":${JSON.stringify(INDEX_FORMAT)},"names":[`);
      this.names.forEach((name, i) => out.text(i ? `,${JSON.stringify(name)}` : JSON.stringify(name)));
      out.text('],"files":[');
      let first = true;
      // DiskHeader.files, in the order of the bodies below (the map does not change during this synchronous write).
      for (const [p, r] of this.records) {
        if (!r.persist) continue;
        const row = JSON.stringify([p, r.size, r.mtimeMs, r.hash, r.symbols.length / SYMBOL_FIELDS, r.spans ? r.spans.length : -1]);
        out.text(first ? row : `,${row}`);
        first = false;
      }
      out.text(']}');
      const headerBytes = out.written - 4;
      for (const r of this.records.values()) {
        if (!r.persist) continue;
        out.bytes(new Uint8Array(r.symbols.buffer, r.symbols.byteOffset, r.symbols.byteLength));
        if (r.spans) out.bytes(r.spans);
      }
      out.flush();
      const len = Buffer.alloc(4);
      len.writeUInt32LE(headerBytes);
      fs.writeSync(fd, len, 0, 4, 0);
    } finally {
      fs.closeSync(fd);
    }
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    if (!this.file) return;
    let buf: Buffer;
    let header: DiskHeader;
    try {
      buf = fs.readFileSync(this.file);
      const len = buf.readUInt32LE(0);
      header = JSON.parse(buf.toString('utf8', 4, 4 + len)) as DiskHeader;
      if (header?.format !== INDEX_FORMAT || !Array.isArray(header.names) || !Array.isArray(header.files)) return;
      let at = 4 + len;
      for (const name of header.names) this.intern(name);
      for (const [p, size, mtimeMs, hash, count, spanBytes] of header.files) {
        const bytes = count * SYMBOL_FIELDS * 4;
        if (at + bytes + Math.max(0, spanBytes) > buf.length) throw new Error('truncated cache');
        if (!this.records.has(p)) {
          // Copied into slabs: the file's buffer is not kept (its symbols are not 4-byte aligned in it either).
          const symbols = this.slabs.symbols(count);
          new Uint8Array(symbols.buffer, symbols.byteOffset, bytes).set(buf.subarray(at, at + bytes));
          const spans = spanBytes >= 0 ? this.slabs.bytes(buf.subarray(at + bytes, at + bytes + spanBytes)) : undefined;
          this.records.set(p, { size, mtimeMs, hash, symbols, spans, persist: true });
          this.loadedFromDisk++;
        }
        at += bytes + Math.max(0, spanBytes);
      }
    } catch {
      // Absent, unreadable or cut short: start empty (entries read so far are still valid).
    }
  }
}

/** Sequential writes to a file through one 1 MiB buffer. */
class ChunkedWriter {
  private readonly chunk = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  /** Bytes written so far (flushed or buffered). */
  written = 0;

  constructor(private readonly fd: number) {}

  bytes(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.chunk.length) this.flush();
    if (bytes.length > this.chunk.length) fs.writeSync(this.fd, bytes);
    else {
      this.chunk.set(bytes, this.used);
      this.used += bytes.length;
    }
    this.written += bytes.length;
  }

  text(text: string): void {
    const length = Buffer.byteLength(text);
    if (this.used + length > this.chunk.length) this.flush();
    if (length > this.chunk.length) fs.writeSync(this.fd, text);
    else this.used += this.chunk.write(text, this.used);
    this.written += length;
  }

  flush(): void {
    if (this.used) fs.writeSync(this.fd, this.chunk, 0, this.used);
    this.used = 0;
  }
}
