#!/usr/bin/env node
// Builds a large, real source tree OUTSIDE the repository for the workspace benchmarks: an npm install of
// TypeScript, @types/node and a few big frameworks (>= 25k files, >= 300 MB). Reused when present.
// Usage: node bench/setup-tree.mjs [DIR]   (default ~/.cache/rlm-bench/tree). Prints the folder to scan.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const DEFAULT_TREE = path.join(os.homedir(), '.cache', 'rlm-bench', 'tree');

/** Big, popular packages with many real source files (pinned majors keep the tree stable over time). */
const PACKAGES = [
  'typescript@5.9',
  '@types/node@22',
  'next@15',
  'react@19',
  'react-dom@19',
  '@mui/material@7',
  '@mui/icons-material@7',
  '@angular/core@20',
  '@angular/compiler@20',
  'rxjs@7',
  'lodash@4',
  'webpack@5',
  'eslint@9',
  '@babel/core@7',
  'three@0.180',
];

const MIN_FILES = 25_000;
const MIN_BYTES = 300 * 1024 * 1024;

/** Counts files and bytes under a folder (a plain walk; symlinks not followed). */
export function measureTree(dir) {
  let files = 0;
  let bytes = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop();
    let entries;
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) {
        files++;
        bytes += fs.statSync(p).size;
      }
    }
  }
  return { files, bytes };
}

export function ensureTree(dir = DEFAULT_TREE) {
  const nodeModules = path.join(dir, 'node_modules');
  if (fs.existsSync(path.join(dir, '.complete'))) return nodeModules;
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(path.join(dir, 'package.json'))) {
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'rlm-bench-tree', private: true }, null, 2));
  }
  console.error(`[setup-tree] npm install into ${dir} (a few minutes the first time)...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const res = spawnSync(
    npm,
    ['install', '--prefix', dir, '--ignore-scripts', '--no-audit', '--no-fund', '--legacy-peer-deps', ...PACKAGES],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (res.status !== 0) throw new Error(`npm install failed (status ${res.status})`);
  const { files, bytes } = measureTree(nodeModules);
  console.error(`[setup-tree] ${files} files, ${(bytes / 1048576).toFixed(0)} MB`);
  if (files < MIN_FILES || bytes < MIN_BYTES) {
    console.error(`[setup-tree] warning: smaller than the target (${MIN_FILES} files, ${MIN_BYTES / 1048576} MB)`);
  }
  fs.writeFileSync(path.join(dir, '.complete'), JSON.stringify({ files, bytes, packages: PACKAGES }) + '\n');
  return nodeModules;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(ensureTree(process.argv[2] ? path.resolve(process.argv[2]) : DEFAULT_TREE));
}
