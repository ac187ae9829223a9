// ripgrep: finding the binary and running one search with `--json`, streamed, with no shell and stdin
// ignored. Hits go through a filter (the index decides what may be seen) into a HitCollector.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkspaceError } from './types';
import type { HitCollector } from './searchResults';
import { LineSplitter } from './jsonLines';
import { trackChild } from './childProcesses';

/**
 * ripgrep processes running at once in this thread. rg is multi-threaded itself: 16 greps in one
 * Promise.all on a 2-core machine would only fight over the cores, so the rest wait their turn.
 */
export const RG_POOL_SIZE = Math.max(1, Math.min(4, os.availableParallelism?.() ?? os.cpus().length));
let running = 0;
const waiting: (() => void)[] = [];

/** Waits for a pool slot; rejects if the signal fires first. The caller must call the returned release once. */
function acquireSlot(signal?: AbortSignal): Promise<() => void> {
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new WorkspaceError('Search cancelled.'));
    const take = () => {
      signal?.removeEventListener('abort', onAbort);
      running++;
      let released = false;
      resolve(() => {
        if (!released) release();
        released = true;
      });
    };
    const onAbort = () => {
      const i = waiting.indexOf(take);
      if (i >= 0) waiting.splice(i, 1);
      reject(new WorkspaceError('Search cancelled.'));
    };
    if (running < RG_POOL_SIZE) return take();
    waiting.push(take);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

let cachedRgPath: string | null | undefined;

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Folders from which to look upward for node_modules. */
function searchStarts(): string[] {
  const starts: string[] = [];
  if (typeof __dirname !== 'undefined') starts.push(__dirname);
  if (process.argv[1]) starts.push(path.dirname(path.resolve(process.argv[1])));
  starts.push(process.cwd());
  return starts;
}

/** Where @vscode/ripgrep keeps its binary, relative to a node_modules folder (1.18+ and older layouts). */
function candidatesIn(nodeModules: string): string[] {
  const exe = process.platform === 'win32' ? 'rg.exe' : 'rg';
  const plat = `${process.platform}-${process.arch}`;
  return [
    path.join(nodeModules, '@vscode', `ripgrep-${plat}`, 'bin', exe),
    path.join(nodeModules, '@vscode', 'ripgrep', 'bin', exe),
    path.join(nodeModules, '@vscode', 'ripgrep-universal', 'bin', plat, exe),
  ];
}

/**
 * VS Code's own ripgrep under its appRoot (`vscode.env.appRoot`), for the extension to pass as
 * WorkspaceOptions.rgPath. It is not API and has moved between releases, so several layouts are tried.
 */
export function findRipgrepUnder(appRoot: string): string | null {
  const bases = [path.join(appRoot, 'node_modules'), path.join(appRoot, 'node_modules.asar.unpacked')];
  for (const base of bases) for (const c of candidatesIn(base)) if (isExecutable(c)) return c;
  return null;
}

/**
 * The ripgrep to use: @vscode/ripgrep's platform binary (looked up from this module, the script and the
 * current folder upward), then `rg` on PATH; null when there is none (the JS search takes over).
 */
export function findRipgrep(): string | null {
  if (cachedRgPath !== undefined) return cachedRgPath;
  for (const start of searchStarts()) {
    let dir = start;
    for (;;) {
      for (const c of candidatesIn(path.join(dir, 'node_modules'))) if (isExecutable(c)) return (cachedRgPath = c);
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  const exe = process.platform === 'win32' ? 'rg.exe' : 'rg';
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, exe))) return (cachedRgPath = path.join(dir, exe));
  }
  return (cachedRgPath = null);
}

/** ripgrep could not be started at all (missing, not executable): the caller falls back to the JS search. */
export class RipgrepUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RipgrepUnavailableError';
  }
}

export interface RgSearch {
  rgPath: string;
  cwd: string;
  /** Flags before `--` (pattern options, globs, context). */
  flags: string[];
  pattern: string;
  /** Paths relative to cwd; ['.'] for everything. */
  paths: string[];
  /** Maps an rg path (relative to cwd, './' stripped) to a workspace path, or null to drop the file. */
  accept: (rgPath: string) => string | null;
  collector: HitCollector;
  signal?: AbortSignal;
  /** Date.now() after which rg is stopped (its results so far are kept). */
  deadline?: number;
}

interface RgText {
  text?: string;
  bytes?: string;
}

interface RgData {
  path?: RgText;
  lines?: RgText;
  line_number?: number;
}

/** Text of an rg JSON "data" field ({text} or base64 {bytes}). */
function dataText(d: RgText | undefined): string {
  if (!d) return '';
  if (typeof d.text === 'string') return d.text;
  return d.bytes ? Buffer.from(d.bytes, 'base64').toString('utf8') : '';
}

const MATCH_HEAD = Buffer.from('{"type":"match"');
const CONTEXT_HEAD = Buffer.from('{"type":"context"');
const BEGIN_HEAD = Buffer.from('{"type":"begin"');
const startsWith = (head: Buffer, prefix: Buffer): boolean =>
  head.length >= prefix.length && head.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;

/**
 * Runs rg once, through the pool. Resolves `true` when it stopped early: the collector was full, or the deadline
 * passed. The signal kills rg at once (the run or block that asked has ended).
 */
export async function runRipgrep(s: RgSearch): Promise<boolean> {
  const release = await acquireSlot(s.signal);
  try {
    return await runRipgrepNow(s);
  } finally {
    release();
  }
}

function runRipgrepNow(s: RgSearch): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    if (s.signal?.aborted) return reject(new WorkspaceError('Search cancelled.'));
    const child = trackChild(
      spawn(s.rgPath, [...s.flags, '--', s.pattern, ...s.paths], {
        cwd: s.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
        shell: false,
        windowsHide: true,
      }),
    );
    let stoppedEarly = false;
    let settled = false;
    let stderr = '';
    let accepted = false; // whether the current file's hits count

    const stop = (): void => {
      if (!child.killed) child.kill('SIGKILL');
    };
    const onAbort = (): void => {
      stop();
      finish(new WorkspaceError('Search cancelled.'));
    };
    s.signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      s.deadline !== undefined
        ? setTimeout(() => halt(), Math.max(0, s.deadline - Date.now()))
        : undefined;

    const finish = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      s.signal?.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
      if (err) reject(err);
      else resolve(stoppedEarly);
    };

    // Only begin lines, and match/context lines of accepted files while hits are still wanted, are decoded.
    const decide = (head: Buffer): boolean => {
      if (startsWith(head, MATCH_HEAD)) {
        if (!accepted) return false;
        if (s.collector.wantsHits) return true;
        s.collector.match(0, undefined); // past the cap: count without decoding
        if (s.collector.full) halt();
        return false;
      }
      if (startsWith(head, CONTEXT_HEAD)) return accepted && s.collector.wantsHits;
      return startsWith(head, BEGIN_HEAD);
    };
    const handleLine = (buf: Buffer): void => {
      const msg = JSON.parse(buf.toString('utf8')) as { type: string; data: RgData };
      const d = msg.data;
      if (msg.type === 'match') {
        s.collector.match(d.line_number ?? 0, dataText(d.lines));
        if (s.collector.full) halt();
      } else if (msg.type === 'context') {
        s.collector.context(d.line_number ?? 0, dataText(d.lines));
      } else if (msg.type === 'begin') {
        let p = dataText(d.path);
        if (process.platform === 'win32') p = p.replace(/\\/g, '/');
        p = p.replace(/^\.\//, '');
        const ws = s.accept(p);
        accepted = ws !== null;
        if (ws !== null) s.collector.beginFile(ws);
      }
    };
    const splitter = new LineSplitter(decide, handleLine);
    function halt(): void {
      stoppedEarly = true;
      splitter.halt();
      stop();
    }

    child.stdout.on('data', (chunk: Buffer) => splitter.push(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 8192) stderr += chunk;
    });
    child.on('error', (err) => finish(new RipgrepUnavailableError(`Could not run ripgrep (${s.rgPath}): ${err.message}`)));
    child.on('close', (code) => {
      splitter.end();
      // 0: matches, 1: none, 2: an error (maybe partial, e.g. one unreadable file).
      if (code === 2 && !stoppedEarly && isPatternError(stderr)) {
        finish(new WorkspaceError(`Invalid search pattern: ${cleanRgError(stderr)}`));
      } else {
        finish(null);
      }
    });
  });
}

function isPatternError(stderr: string): boolean {
  return /regex parse error|error parsing regex|PCRE2|unrecognized escape|unclosed|repetition|look-around|backreferences/i.test(
    stderr,
  );
}

function cleanRgError(stderr: string): string {
  // rg's own advice ("Consider enabling PCRE2 with the --pcre2 flag") names a flag the model cannot pass.
  const text = stderr.replace(/\n*Consider enabling PCRE2[\s\S]*$/, '').replace(/^rg: /, '');
  return text.trim().split('\n').slice(0, 12).join('\n');
}
