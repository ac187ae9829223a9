// Dataset workspaces on disk: "dir:<path>" (relative to the dataset file) as is, and "npm:<name>@<version>" fetched
// once with `npm pack` (the user's own npm: registry, proxy and auth settings apply) and unpacked into the cache.
// Items running in parallel share one fetch per package; a finished unpack is renamed into place, so a crash never
// leaves a half-filled folder that later runs would trust.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as tar from 'tar';

const run = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export class WorkspaceCache {
  private readonly pending = new Map<string, Promise<string>>();

  constructor(readonly cacheDir: string) {}

  /** The folder an item's workspace names. */
  resolve(spec: string, baseDir: string): Promise<string> {
    if (spec.startsWith('dir:')) return Promise.resolve(this.dir(spec.slice(4), baseDir));
    if (spec.startsWith('npm:')) {
      const pkg = spec.slice(4);
      let p = this.pending.get(pkg);
      if (!p) {
        p = this.fetchPackage(pkg);
        this.pending.set(pkg, p);
        p.catch(() => this.pending.delete(pkg)); // a failed fetch is tried again by the next item
      }
      return p;
    }
    return Promise.reject(new Error(`unknown workspace "${spec}" (use npm:<name>@<version> or dir:<path>)`));
  }

  private dir(p: string, baseDir: string): string {
    const abs = path.resolve(baseDir, p);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new Error(`workspace dir:${p} is not a folder (${abs})`);
    return abs;
  }

  /** <cache>/npm/<name>@<version>/ holding the package's files (the tarball's package/ folder). */
  packageDir(pkg: string): string {
    return path.join(this.cacheDir, 'npm', pkg.replace(/\//g, '+'));
  }

  private async fetchPackage(pkg: string): Promise<string> {
    const dest = this.packageDir(pkg);
    if (existsSync(dest)) return dest;
    mkdirSync(path.dirname(dest), { recursive: true });
    const tmp = mkdtempSync(`${dest}.tmp-`);
    try {
      let tarball: string;
      try {
        const { stdout } = await run(NPM, ['pack', pkg, '--json', '--pack-destination', tmp, '--ignore-scripts'], { cwd: tmp, maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60_000, shell: process.platform === 'win32' });
        const info = JSON.parse(stdout) as { filename: string }[];
        tarball = path.join(tmp, info[0].filename.replace(/^@/, '').replace(/\//g, '-'));
        if (!existsSync(tarball)) tarball = path.join(tmp, info[0].filename);
      } catch (e) {
        const err = e as { stderr?: string; message: string };
        const why = (err.stderr || err.message).split('\n').find((l) => /ERR|error/i.test(l)) ?? err.message.split('\n')[0];
        throw new Error(`could not fetch npm:${pkg} with npm pack: ${why.trim()}`);
      }
      const unpacked = path.join(tmp, 'unpacked');
      mkdirSync(unpacked);
      await tar.x({ file: tarball, cwd: unpacked, strip: 1 });
      try {
        renameSync(unpacked, dest);
      } catch (e) {
        if (!existsSync(dest)) throw e; // another process finished the same package first
      }
      return dest;
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
}
