// The symbol index's storage: per file, its outline and where its comments and strings are, keyed by
// (size, mtimeMs) and by a hash of the content (a touched but unchanged file is not parsed again).
// Compact on purpose — a 66k-file tree has a million symbols: each file holds one Int32Array of symbols (kind,
// name id, container id, line, endLine) over one table of distinct names, and its non-code spans varint-encoded.
// On disk (outside the workspace, one file per workspace) in a binary form that loads without a JSON of
// every symbol. Only lists are kept, never syntax trees.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OutlineSymbol, SymbolKind } from './types';

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

export function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

interface DiskHeader {
  format: string;
  names: string[];
  /** [path, size, mtimeMs, hash, symbol count, span bytes (-1: none)] */
  files: [string, number, number, string, number, number][];
}

export class SymbolStore {
  private readonly records = new Map<string, FileRecord>();
  private readonly nameIds = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly file: string | undefined;
  private loaded = false;
  private dirty = false;
  private saveTimer: NodeJS.Timeout | undefined;
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
    const symbols = new Int32Array(outline.length * SYMBOL_FIELDS);
    outline.forEach((s, i) => {
      const o = i * SYMBOL_FIELDS;
      symbols[o] = KIND_ID.get(s.kind) ?? 0;
      symbols[o + 1] = this.intern(s.name);
      symbols[o + 2] = s.container ? this.intern(s.container) : -1;
      symbols[o + 3] = s.line;
      symbols[o + 4] = s.endLine;
    });
    return this.put(filePath, { size: stamp.size, mtimeMs: stamp.mtimeMs, hash, symbols, spans, persist });
  }

  /** The same content under a new stamp (a touched file): keeps what was computed. */
  restamp(filePath: string, record: FileRecord, stamp: FileStamp): FileRecord {
    return this.put(filePath, { ...record, size: stamp.size, mtimeMs: stamp.mtimeMs });
  }

  /** Adds spans to a record computed without them. */
  setSpans(filePath: string, record: FileRecord, spans: Uint8Array): void {
    this.put(filePath, { ...record, spans });
  }

  delete(filePath: string): void {
    this.load();
    if (this.records.delete(filePath) && this.file) this.changed();
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
    this.records.set(filePath, record);
    if (record.persist && this.file) this.changed();
    return record;
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
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => this.flush(), 1000);
    this.saveTimer.unref?.();
  }

  /**
   * [u32 header length][header JSON][per file: symbols as int32 LE, then span bytes], written through one 1 MiB
   * buffer: the whole file is never in memory at once (on a 60k-file tree it is ~25 MB, written every 30 s).
   */
  private writeTo(file: string): void {
    const header: DiskHeader = { format: INDEX_FORMAT, names: this.names, files: [] };
    const persisted: FileRecord[] = [];
    for (const [p, r] of this.records) {
      if (!r.persist) continue;
      header.files.push([p, r.size, r.mtimeMs, r.hash, r.symbols.length / SYMBOL_FIELDS, r.spans ? r.spans.length : -1]);
      persisted.push(r);
    }
    const json = JSON.stringify(header);
    const fd = fs.openSync(file, 'w');
    try {
      const len = Buffer.alloc(4);
      len.writeUInt32LE(Buffer.byteLength(json));
      fs.writeSync(fd, len);
      fs.writeSync(fd, json);
      const chunk = Buffer.allocUnsafe(1 << 20);
      let used = 0;
      const put = (bytes: Uint8Array) => {
        if (used + bytes.length > chunk.length) {
          fs.writeSync(fd, chunk, 0, used);
          used = 0;
        }
        if (bytes.length > chunk.length) fs.writeSync(fd, bytes);
        else {
          chunk.set(bytes, used);
          used += bytes.length;
        }
      };
      for (const r of persisted) {
        put(new Uint8Array(r.symbols.buffer, r.symbols.byteOffset, r.symbols.byteLength));
        if (r.spans) put(r.spans);
      }
      if (used) fs.writeSync(fd, chunk, 0, used);
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
        // Copies: each file's arrays stand alone, so replacing one frees it.
        const symbols = new Int32Array(count * SYMBOL_FIELDS);
        new Uint8Array(symbols.buffer).set(buf.subarray(at, at + bytes));
        at += bytes;
        let spans: Uint8Array | undefined;
        if (spanBytes >= 0) {
          spans = Uint8Array.from(buf.subarray(at, at + spanBytes));
          at += spanBytes;
        }
        if (at > buf.length) throw new Error('truncated cache');
        if (!this.records.has(p)) {
          this.records.set(p, { size, mtimeMs, hash, symbols, spans, persist: true });
          this.loadedFromDisk++;
        }
      }
    } catch {
      // Absent, unreadable or cut short: start empty (entries read so far are still valid).
    }
  }
}
