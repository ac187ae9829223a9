// Finding ripgrep inside VS Code. VS Code's bundled rg is not API and has moved between releases
// (node_modules/@vscode/ripgrep, node_modules.asar.unpacked/..., and since 1.122
// node_modules/@vscode/ripgrep-universal/bin/<platform>-<arch>/rg), so every known layout is tried,
// then the rlm.ripgrepPath setting, then PATH; with none the workspace falls back to its pure-JS search.
// No vscode import: the caller passes appRoot, so this is unit-testable.
import { accessSync, constants, statSync } from 'node:fs';
import * as path from 'node:path';

export type RipgrepSource = 'vscode' | 'setting' | 'path';

export interface RipgrepLocation {
  path: string;
  source: RipgrepSource;
}

export interface RipgrepSearch {
  appRoot?: string;
  settingPath?: string;
  envPath?: string;
  platform?: NodeJS.Platform;
  arch?: string;
  /** Injected for tests. */
  isExecutable?: (file: string) => boolean;
}

export function bundledRipgrepCandidates(appRoot: string, platform: NodeJS.Platform = process.platform, arch: string = process.arch): string[] {
  const exe = platform === 'win32' ? 'rg.exe' : 'rg';
  const out: string[] = [];
  for (const modules of ['node_modules', 'node_modules.asar.unpacked']) {
    out.push(path.join(appRoot, modules, '@vscode', 'ripgrep-universal', 'bin', `${platform}-${arch}`, exe));
    out.push(path.join(appRoot, modules, '@vscode', 'ripgrep', 'bin', exe));
  }
  return out;
}

function defaultIsExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findRipgrep(search: RipgrepSearch): RipgrepLocation | undefined {
  const isExecutable = search.isExecutable ?? defaultIsExecutable;
  const platform = search.platform ?? process.platform;
  if (search.appRoot) {
    for (const candidate of bundledRipgrepCandidates(search.appRoot, platform, search.arch ?? process.arch)) {
      if (isExecutable(candidate)) return { path: candidate, source: 'vscode' };
    }
  }
  const setting = search.settingPath?.trim();
  if (setting && isExecutable(setting)) return { path: setting, source: 'setting' };
  const exe = platform === 'win32' ? 'rg.exe' : 'rg';
  for (const dir of (search.envPath ?? '').split(platform === 'win32' ? ';' : ':')) {
    if (!dir) continue;
    const candidate = path.join(dir, exe);
    if (isExecutable(candidate)) return { path: candidate, source: 'path' };
  }
  return undefined;
}
