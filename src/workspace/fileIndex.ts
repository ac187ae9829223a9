// The file index: one walk over each root that applies the ignore rules, skips secrets, binaries (by
// extension) and oversized files, follows symlinks that stay inside the root, and records metadata only.
// File contents are not read, except the first bytes of extension-less files (shebang -> language).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileEntry, WorkspaceRoot } from './types';
import { IgnoreMatcher, loadDirRules, makeIgnoreConfig, type DirRules } from './ignoreRules';
import { isSecretPath } from './secrets';
import { hasBinaryExtension, looksBinary } from './binaryDetection';
import { detectLanguage, languageFromName, needsShebang } from './language';
import { isInside } from './pathSafety';

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

export interface IndexOptions {
  respectIgnoreFiles: boolean;
  exclude: string[];
  includeSecrets: boolean;
  maxFileBytes: number;
}

/** What the walk left out, for summaries and diagnostics (counts only: bounded size). */
export interface IndexStats {
  ignored: number;
  secrets: number;
  binary: number;
  tooLarge: number;
  symlinksOutside: number;
  symlinkLoops: number;
  unreadable: number;
}

export function emptyStats(): IndexStats {
  return { ignored: 0, secrets: 0, binary: 0, tooLarge: 0, symlinksOutside: 0, symlinkLoops: 0, unreadable: 0 };
}

/** How many folders are read at the same time (libuv's pool has 4 threads; a few more keeps it busy). */
const DIR_CONCURRENCY = 16;

/** Reads the first bytes of a file: enough for binary sniffing and a shebang line. */
async function readHead(abs: string, bytes: number): Promise<Buffer | null> {
  let fh: fs.promises.FileHandle | undefined;
  try {
    fh = await fs.promises.open(abs, 'r');
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } catch {
    return null;
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

function firstLineOf(head: Buffer): string {
  const nl = head.indexOf(10);
  return head.subarray(0, nl >= 0 ? Math.min(nl, 512) : Math.min(head.length, 512)).toString('utf8');
}

/**
 * Walks one root. `prefix` ('' for a single root, else 'name/') starts every path.
 * Returns entries in no particular order; the caller sorts.
 */
export async function indexRoot(
  root: WorkspaceRoot,
  prefix: string,
  opts: IndexOptions,
  stats: IndexStats,
): Promise<FileEntry[]> {
  const rootAbs = path.resolve(root.path);
  let rootReal: string;
  try {
    rootReal = await fs.promises.realpath(rootAbs);
  } catch {
    return [];
  }
  const matcher = new IgnoreMatcher(makeIgnoreConfig(rootReal, opts.respectIgnoreFiles, opts.exclude));
  const out: FileEntry[] = [];

  interface DirJob {
    abs: string;
    rel: string; // root-relative
    real: string; // resolved path, for loop detection
    ancestorsReal: readonly string[];
    chain: readonly DirRules[];
  }

  const queue: DirJob[] = [{ abs: rootAbs, rel: '', real: rootReal, ancestorsReal: [], chain: [] }];
  let active = 0;

  const addFile = async (abs: string, rel: string, name: string, st: fs.Stats | null): Promise<void> => {
    const wsPath = prefix + rel;
    if (!opts.includeSecrets && isSecretPath(rel)) {
      stats.secrets++;
      return;
    }
    if (hasBinaryExtension(name)) {
      stats.binary++;
      return;
    }
    if (!st) {
      try {
        st = await fs.promises.stat(abs);
      } catch {
        stats.unreadable++;
        return;
      }
    }
    if (st.size > opts.maxFileBytes) {
      stats.tooLarge++;
      return;
    }
    let language = languageFromName(name);
    if (language === undefined && needsShebang(name) && st.size > 0) {
      // No extension: the first bytes tell binary from text and give the shebang.
      const head = await readHead(abs, 8192);
      if (head && looksBinary(head)) {
        stats.binary++;
        return;
      }
      language = detectLanguage(name, head ? firstLineOf(head) : undefined);
    }
    out.push({ path: wsPath, size: st.size, language: language ?? 'plaintext', mtimeMs: Math.floor(st.mtimeMs) });
  };

  const processDir = async (job: DirJob): Promise<void> => {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(job.abs, { withFileTypes: true });
    } catch {
      stats.unreadable++;
      return;
    }
    let chain = job.chain;
    if (matcher.config.respectIgnoreFiles) {
      const names = new Set<string>();
      for (const e of entries) if (e.name.charCodeAt(0) === 46 /* '.' */) names.add(e.name);
      const rules = await loadDirRules(job.abs, job.rel, names, job.rel === '');
      if (rules) chain = [...chain, rules];
    }
    const statJobs: Promise<void>[] = [];
    for (const e of entries) {
      const name = e.name;
      const rel = job.rel ? `${job.rel}/${name}` : name;
      const abs = path.join(job.abs, name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      let linkTarget: string | undefined;
      let linkStat: fs.Stats | null = null;
      if (e.isSymbolicLink()) {
        try {
          linkTarget = await fs.promises.realpath(abs);
          linkStat = await fs.promises.stat(linkTarget);
        } catch {
          stats.unreadable++; // dangling link
          continue;
        }
        if (!isInside(rootReal, linkTarget)) {
          stats.symlinksOutside++;
          continue;
        }
        isDir = linkStat.isDirectory();
        isFile = linkStat.isFile();
      }
      if (!isDir && !isFile) continue; // sockets, fifos, devices
      const reason = matcher.check(rel, name, isDir, chain);
      if (reason) {
        stats.ignored++;
        continue;
      }
      if (isDir) {
        const real = linkTarget ?? `${job.real}${path.sep}${name}`;
        const ancestors = [...job.ancestorsReal, job.real];
        if (linkTarget && (ancestors.includes(real) || real === job.real)) {
          stats.symlinkLoops++;
          continue;
        }
        queue.push({ abs, rel, real, ancestorsReal: ancestors, chain });
      } else {
        statJobs.push(addFile(abs, rel, name, linkStat));
      }
    }
    await Promise.all(statJobs);
  };

  await new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      while (active < DIR_CONCURRENCY && queue.length) {
        const job = queue.pop()!;
        active++;
        processDir(job).then(
          () => {
            active--;
            if (!queue.length && active === 0) resolve();
            else pump();
          },
          (err: unknown) => reject(err),
        );
      }
    };
    pump();
  });
  return out;
}

/** Builds the index of all roots: paths prefixed with the root name when there are several. */
export async function buildFileIndex(
  roots: WorkspaceRoot[],
  opts: IndexOptions,
): Promise<{ files: FileEntry[]; stats: IndexStats }> {
  const stats = emptyStats();
  const multi = roots.length > 1;
  const parts = await Promise.all(roots.map((r) => indexRoot(r, multi ? `${r.name}/` : '', opts, stats)));
  const files = parts.flat();
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, stats };
}
