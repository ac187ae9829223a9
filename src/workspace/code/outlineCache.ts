// Per-file outlines keyed by (size, mtimeMs): in memory for the life of the process (the sandbox worker),
// and on disk in a folder outside the workspace so the next process over an unchanged repo parses nothing.
// Only symbol lists are kept, never syntax trees.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OutlineSymbol, SymbolKind } from './types';

/** Bump when outline rules change: old caches are then ignored. */
export const OUTLINE_FORMAT = 'outline-v2';

export interface FileStamp {
  size: number;
  mtimeMs: number;
}

export interface CachedOutline extends FileStamp {
  symbols: OutlineSymbol[];
  /** False for in-memory (virtual) files: never written to disk. */
  persist: boolean;
}

/** On disk a symbol is a tuple: [kind, name, line, endLine, container?] — a third of the JSON of objects. */
type StoredSymbol = [SymbolKind, string, number, number, string?];
type StoredFile = [number, number, StoredSymbol[]];
interface StoredCache {
  format: string;
  files: Record<string, StoredFile>;
}

export class OutlineCache {
  private readonly entries = new Map<string, CachedOutline>();
  private readonly file: string | undefined;
  private loaded = false;
  private dirty = false;
  private saveTimer: NodeJS.Timeout | undefined;
  /** Entries read from disk at load (for tests and benchmarks). */
  loadedFromDisk = 0;

  /** `cacheDir` is the folder for all caches; this one lives in <cacheDir>/symbols/<hash of key>.json. */
  constructor(cacheDir: string | undefined, key: string) {
    if (cacheDir) {
      const hash = createHash('sha256').update(`${OUTLINE_FORMAT}\n${key}`).digest('hex').slice(0, 24);
      this.file = path.join(cacheDir, 'symbols', `${hash}.json`);
    }
  }

  get cacheFile(): string | undefined {
    return this.file;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached outline when the file still has this size and mtime. */
  get(filePath: string, stamp: FileStamp): OutlineSymbol[] | undefined {
    this.load();
    const e = this.entries.get(filePath);
    return e && e.size === stamp.size && e.mtimeMs === stamp.mtimeMs ? e.symbols : undefined;
  }

  set(filePath: string, stamp: FileStamp, symbols: OutlineSymbol[], persist: boolean): void {
    this.load();
    this.entries.set(filePath, { size: stamp.size, mtimeMs: stamp.mtimeMs, symbols, persist });
    if (persist && this.file) {
      this.dirty = true;
      this.scheduleSave();
    }
  }

  delete(filePath: string): void {
    if (this.entries.delete(filePath) && this.file) {
      this.dirty = true;
      this.scheduleSave();
    }
  }

  /** The cached outline whatever its stamp (the index checked stamps when it last ran). */
  peek(filePath: string): OutlineSymbol[] | undefined {
    this.load();
    return this.entries.get(filePath)?.symbols;
  }

  /** Writes pending changes now (end of an index build, worker shutdown). */
  flush(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.dirty || !this.file) return;
    this.dirty = false;
    const stored: StoredCache = { format: OUTLINE_FORMAT, files: {} };
    for (const [p, e] of this.entries) {
      if (!e.persist) continue;
      stored.files[p] = [e.size, e.mtimeMs, e.symbols.map((s) => (s.container ? [s.kind, s.name, s.line, s.endLine, s.container] : [s.kind, s.name, s.line, s.endLine]))];
    }
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      // Write then rename: a reader (another CLI run) never sees half a file.
      const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(stored));
      fs.renameSync(tmp, this.file);
    } catch {
      // A cache that cannot be written only costs time on the next run.
    }
  }

  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => this.flush(), 1000);
    this.saveTimer.unref?.();
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    if (!this.file) return;
    let stored: StoredCache;
    try {
      stored = JSON.parse(fs.readFileSync(this.file, 'utf8')) as StoredCache;
    } catch {
      return; // absent or unreadable: start empty
    }
    if (stored?.format !== OUTLINE_FORMAT || typeof stored.files !== 'object') return;
    for (const [p, [size, mtimeMs, symbols]] of Object.entries(stored.files)) {
      if (this.entries.has(p) || !Array.isArray(symbols)) continue;
      this.entries.set(p, {
        size,
        mtimeMs,
        persist: true,
        symbols: symbols.map(([kind, name, line, endLine, container]) => (container ? { kind, name, line, endLine, container } : { kind, name, line, endLine })),
      });
      this.loadedFromDisk++;
    }
  }
}
