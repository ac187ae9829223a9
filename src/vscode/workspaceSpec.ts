// The open VS Code workspace as the engine's WorkspaceSpec: folders on disk become roots; folders on a
// virtual file system (no disk path) are read through workspace.fs into in-memory files, within a budget.
import * as vscode from 'vscode';
import type { WorkspaceSpec } from '../workspace/types';
import ignore from 'ignore';
import { isSecretPath } from '../workspace/secrets';
import { toIgnoreGlobs } from './globs';
import { ConfigurationError } from './providers';
import { findRipgrep, type RipgrepLocation } from './ripgrep';
import { vscodeExcludeGlobs, type RlmSettings } from './settings';
import { resolveWorkspacePath } from '../workspace/workspacePath';

/** Virtual workspaces are read into memory: cap files and bytes so a huge remote repo cannot exhaust memory. */
const VIRTUAL_MAX_FILES = 5000;
const VIRTUAL_MAX_BYTES = 64 * 1024 * 1024;
/** Never worth reading on a virtual file system (on disk, .gitignore usually covers them). */
const DEFAULT_VIRTUAL_EXCLUDES = ['.git/', 'node_modules/'];

export interface BuiltWorkspace {
  spec: WorkspaceSpec;
  ripgrep?: RipgrepLocation;
  virtual: boolean;
}

let cachedRipgrep: { key: string; found: RipgrepLocation | undefined } | undefined;

export function locateRipgrep(settings: RlmSettings): RipgrepLocation | undefined {
  const key = `${vscode.env.appRoot}|${settings.ripgrepPath}|${process.env.PATH}`;
  if (cachedRipgrep?.key !== key) {
    cachedRipgrep = { key, found: findRipgrep({ appRoot: vscode.env.appRoot, settingPath: settings.ripgrepPath, envPath: process.env.PATH }) };
  }
  return cachedRipgrep.found;
}

/**
 * Reads a folder that has no disk path (a virtual file system) through workspace.fs: a breadth-first walk
 * with readDirectory, which works with any FileSystemProvider (findFiles needs a search provider that virtual
 * file systems often lack). Excludes use the same gitignore-style globs as disk folders; secret-looking files
 * stay out unless the user opted in; binaries and non-UTF-8 files are skipped.
 */
export async function readVirtualFolder(folder: Pick<vscode.WorkspaceFolder, 'uri' | 'name'>, prefix: string, exclude: string[], settings: RlmSettings) {
  const ignored = ignore().add(DEFAULT_VIRTUAL_EXCLUDES).add(exclude);
  const files: { path: string; content: string }[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let total = 0;
  const queue: string[] = [''];
  while (queue.length && files.length < VIRTUAL_MAX_FILES) {
    const dir = queue.shift()!;
    let entries: [string, vscode.FileType][];
    try {
      entries = await vscode.workspace.fs.readDirectory(dir ? vscode.Uri.joinPath(folder.uri, dir) : folder.uri);
    } catch {
      continue;
    }
    entries.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    for (const [name, type] of entries) {
      const rel = dir ? `${dir}/${name}` : name;
      const isDir = (type & vscode.FileType.Directory) !== 0;
      if (ignored.ignores(isDir ? `${rel}/` : rel)) continue;
      if (isDir) {
        queue.push(rel);
        continue;
      }
      if (!settings.includeSecretFiles && isSecretPath(rel)) continue;
      try {
        const uri = vscode.Uri.joinPath(folder.uri, rel);
        const stat = await vscode.workspace.fs.stat(uri);
        if (stat.size > settings.maxFileBytes || total + stat.size > VIRTUAL_MAX_BYTES) continue;
        const bytes = await vscode.workspace.fs.readFile(uri);
        if (bytes.includes(0)) continue; // binary
        files.push({ path: prefix + rel, content: decoder.decode(bytes) });
        total += bytes.byteLength;
        if (files.length >= VIRTUAL_MAX_FILES) break;
      } catch {
        // unreadable or not UTF-8: left out, like binaries on disk
      }
    }
  }
  return files;
}

export async function buildWorkspace(
  settings: RlmSettings,
  cacheDir?: string,
  folders: readonly Pick<vscode.WorkspaceFolder, 'uri' | 'name'>[] = vscode.workspace.workspaceFolders ?? [],
): Promise<BuiltWorkspace> {
  if (folders.length === 0) {
    throw new ConfigurationError('RLM answers questions about the open workspace: open a folder first.', [
      { title: 'Open Folder', command: 'workbench.action.files.openFolder' },
    ]);
  }
  const exclude = toIgnoreGlobs([...settings.exclude, ...(settings.respectVSCodeExcludes ? vscodeExcludeGlobs() : [])]);
  const onDisk = folders.filter((f) => f.uri.scheme === 'file');
  const remote = folders.filter((f) => f.uri.scheme !== 'file');
  const ripgrep = onDisk.length ? locateRipgrep(settings) : undefined;
  const spec: WorkspaceSpec = {
    roots: onDisk.map((f) => ({ name: f.name, path: f.uri.fsPath })),
    options: {
      exclude,
      includeSecrets: settings.includeSecretFiles,
      maxFileBytes: settings.maxFileBytes,
      ...(ripgrep ? { rgPath: ripgrep.path } : { disableRipgrep: true }),
      ...(cacheDir ? { cacheDir } : {}),
    },
  };
  if (remote.length) {
    const multi = folders.length > 1;
    const virtualFiles = [];
    for (const folder of remote) virtualFiles.push(...(await readVirtualFolder(folder, multi ? `${folder.name}/` : '', exclude, settings)));
    spec.virtualFiles = virtualFiles;
  }
  return { spec, ripgrep, virtual: onDisk.length === 0 };
}

/** A workspace-relative citation path -> the file's URI (multi-root: the first segment names the folder). */
export function citationUri(citationPath: string): vscode.Uri | undefined {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const resolved = resolveWorkspacePath(citationPath, folders.map((f) => f.name));
  return resolved && vscode.Uri.joinPath(folders[resolved.folderIndex].uri, ...resolved.segments);
}
