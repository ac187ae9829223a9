// The open VS Code workspace as the engine's WorkspaceSpec: folders on disk become roots; folders on a
// virtual file system (no disk path) are read through workspace.fs into in-memory files, within a budget.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WorkspaceSpec } from '../workspace/types';
import { toIgnoreGlobs } from './globs';
import { ConfigurationError } from './providers';
import { findRipgrep, type RipgrepLocation } from './ripgrep';
import { vscodeExcludeGlobs, type RlmSettings } from './settings';

/** Virtual workspaces are read into memory: cap files and bytes so a huge remote repo cannot exhaust memory. */
const VIRTUAL_MAX_FILES = 5000;
const VIRTUAL_MAX_BYTES = 64 * 1024 * 1024;

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

async function readVirtualFolder(folder: vscode.WorkspaceFolder, prefix: string, exclude: string[], settings: RlmSettings) {
  const files: { path: string; content: string }[] = [];
  const excludePattern = exclude.length ? `{${exclude.join(',')}}` : undefined;
  const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*'), excludePattern, VIRTUAL_MAX_FILES);
  let total = 0;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (const uri of uris) {
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > settings.maxFileBytes || total + stat.size > VIRTUAL_MAX_BYTES) continue;
      const bytes = await vscode.workspace.fs.readFile(uri);
      if (bytes.includes(0)) continue; // binary
      const content = decoder.decode(bytes);
      total += bytes.byteLength;
      const rel = path.posix.relative(folder.uri.path, uri.path);
      files.push({ path: prefix + rel, content });
    } catch {
      // unreadable or not UTF-8: left out, like binaries on disk
    }
  }
  return files;
}

export async function buildWorkspace(settings: RlmSettings, cacheDir?: string): Promise<BuiltWorkspace> {
  const folders = vscode.workspace.workspaceFolders ?? [];
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
  const parts = citationPath.replace(/\\/g, '/').split('/').filter((p) => p && p !== '.');
  if (parts.length === 0 || parts.includes('..') || folders.length === 0) return undefined;
  if (folders.length > 1) {
    const folder = folders.find((f) => f.name === parts[0]);
    if (folder && parts.length > 1) return vscode.Uri.joinPath(folder.uri, ...parts.slice(1));
  }
  return vscode.Uri.joinPath(folders[0].uri, ...parts);
}
