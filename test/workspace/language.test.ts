// Language detection: VS Code language ids by extension, by file name, and by shebang for bare scripts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectLanguage, languageFromShebang } from '../../src/workspace/language';
import { openWorkspace } from '../../src/workspace/workspace';
import { makeTree, removeTree } from './helpers';

test('by extension and file name', () => {
  const cases: [string, string][] = [
    ['a.ts', 'typescript'], ['a.mts', 'typescript'], ['a.d.ts', 'typescript'], ['A.tsx', 'typescriptreact'],
    ['a.js', 'javascript'], ['a.cjs', 'javascript'], ['a.jsx', 'javascriptreact'], ['a.py', 'python'],
    ['a.go', 'go'], ['a.rs', 'rust'], ['A.java', 'java'], ['a.c', 'c'], ['a.h', 'c'], ['a.cc', 'cpp'],
    ['a.hpp', 'cpp'], ['a.cs', 'csharp'], ['a.rb', 'ruby'], ['a.php', 'php'], ['a.sh', 'shellscript'],
    ['a.json', 'json'], ['a.yml', 'yaml'], ['a.yaml', 'yaml'], ['README.md', 'markdown'], ['a.html', 'html'],
    ['a.css', 'css'], ['a.scss', 'scss'], ['a.kt', 'kotlin'], ['a.swift', 'swift'], ['a.sql', 'sql'],
    ['a.toml', 'toml'], ['Dockerfile', 'dockerfile'], ['Makefile', 'makefile'], ['Gemfile', 'ruby'],
    ['CMakeLists.txt', 'cmake'], ['tsconfig.json', 'jsonc'], ['.gitignore', 'ignore'], ['notes.txt', 'plaintext'],
    ['data.unknownext', 'plaintext'], ['A.PY', 'python'], ['constructor', 'plaintext'], ['x.__proto__', 'plaintext'],
    ['toString', 'plaintext'],
  ];
  for (const [p, lang] of cases) assert.equal(detectLanguage(p), lang, p);
});

test('by shebang', () => {
  const cases: [string, string | undefined][] = [
    ['#!/usr/bin/env python3', 'python'], ['#!/usr/bin/python2.7', 'python'], ['#!/bin/bash -e', 'shellscript'],
    ['#!/bin/sh', 'shellscript'], ['#!/usr/bin/env node', 'javascript'], ['#!/usr/bin/env -S node --no-warnings', 'javascript'],
    ['#! /usr/bin/env ruby', 'ruby'], ['#!/usr/bin/perl -w', 'perl'], ['#!/usr/bin/env tsx', 'typescript'],
    ['#!/usr/bin/env zsh', 'shellscript'], ['#!/usr/bin/env something-else', undefined], ['print(1)', undefined],
  ];
  for (const [line, lang] of cases) assert.equal(languageFromShebang(line), lang, line);
  // The name wins over the shebang; the shebang decides only for files without an extension.
  assert.equal(detectLanguage('x.rb', '#!/usr/bin/env python3'), 'ruby');
  assert.equal(detectLanguage('bin/tool', '#!/usr/bin/env python3'), 'python');
});

test('the index reads the first line of extension-less files only', async (t) => {
  const root = makeTree({
    'bin/deploy': '#!/usr/bin/env bash\necho hi\n',
    'bin/serve': '#!/usr/bin/env node\nconsole.log(1)\n',
    'bin/notes': 'plain words\n',
    'src/misnamed.ts': '#!/usr/bin/env python3\n',
  });
  t.after(() => removeTree(root));
  const ws = await openWorkspace({ roots: [{ name: 'w', path: root }] });
  const lang = Object.fromEntries(ws.files().map((f) => [f.path, f.language]));
  assert.deepEqual(lang, {
    'bin/deploy': 'shellscript', 'bin/serve': 'javascript', 'bin/notes': 'plaintext', 'src/misnamed.ts': 'typescript',
  });
  assert.deepEqual(ws.summary().languages, [['javascript', 1], ['plaintext', 1], ['shellscript', 1], ['typescript', 1]]);
});
