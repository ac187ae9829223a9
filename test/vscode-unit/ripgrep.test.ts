import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { bundledRipgrepCandidates, findRipgrep } from '../../src/vscode/ripgrep';

const app = '/opt/vscode/resources/app';

describe('findRipgrep', () => {
  it('prefers VS Code\'s bundled rg, in every known layout', () => {
    const layouts = [
      `${app}/node_modules/@vscode/ripgrep-universal/bin/linux-x64/rg`,
      `${app}/node_modules/@vscode/ripgrep/bin/rg`,
      `${app}/node_modules.asar.unpacked/@vscode/ripgrep-universal/bin/linux-x64/rg`,
      `${app}/node_modules.asar.unpacked/@vscode/ripgrep/bin/rg`,
    ];
    for (const layout of layouts) {
      const found = findRipgrep({ appRoot: app, settingPath: '/custom/rg', envPath: '/usr/bin', platform: 'linux', arch: 'x64', isExecutable: (f) => f === layout || f === '/custom/rg' || f === '/usr/bin/rg' });
      assert.deepEqual(found, { path: layout, source: 'vscode' });
    }
  });

  it('then the setting, then PATH, then nothing (pure-JS search)', () => {
    const base = { appRoot: app, settingPath: '/custom/rg', envPath: '/nope:/usr/bin', platform: 'linux' as const, arch: 'x64' };
    assert.deepEqual(findRipgrep({ ...base, isExecutable: (f) => f === '/custom/rg' || f === '/usr/bin/rg' }), { path: '/custom/rg', source: 'setting' });
    assert.deepEqual(findRipgrep({ ...base, isExecutable: (f) => f === '/usr/bin/rg' }), { path: '/usr/bin/rg', source: 'path' });
    assert.equal(findRipgrep({ ...base, isExecutable: () => false }), undefined);
  });

  it('uses rg.exe and the platform-arch folder on Windows', () => {
    const candidates = bundledRipgrepCandidates('C:\\app', 'win32', 'arm64');
    assert.ok(candidates.every((c) => c.endsWith('rg.exe')));
    assert.ok(candidates.some((c) => c.includes('win32-arm64')));
  });

  it('finds a real executable in a VS Code-like layout on disk', () => {
    const require = createRequire(__filename);
    const real = require('@vscode/ripgrep').rgPath as string;
    const root = mkdtempSync(join(tmpdir(), 'rlm-rg-'));
    try {
      const target = join(root, 'node_modules', '@vscode', 'ripgrep-universal', 'bin', `${process.platform}-${process.arch}`, 'rg');
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(real, target);
      chmodSync(target, 0o755);
      assert.deepEqual(findRipgrep({ appRoot: root, envPath: '' }), { path: target, source: 'vscode' });
      chmodSync(target, 0o644); // not executable: skipped
      assert.equal(findRipgrep({ appRoot: root, envPath: '' }), undefined);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
