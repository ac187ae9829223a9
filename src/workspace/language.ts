// Language detection with VS Code language ids: by file name, then extension, then (for files without an
// extension) the shebang line.

const BY_EXTENSION: Record<string, string> = {
  ts: 'typescript', mts: 'typescript', cts: 'typescript',
  tsx: 'typescriptreact',
  js: 'javascript', mjs: 'javascript', cjs: 'javascript',
  jsx: 'javascriptreact',
  py: 'python', pyi: 'python', pyw: 'python',
  go: 'go',
  rs: 'rust',
  java: 'java',
  kt: 'kotlin', kts: 'kotlin',
  scala: 'scala', sc: 'scala',
  groovy: 'groovy', gradle: 'groovy',
  c: 'c', h: 'c',
  cc: 'cpp', cpp: 'cpp', cxx: 'cpp', 'c++': 'cpp', hh: 'cpp', hpp: 'cpp', hxx: 'cpp', 'h++': 'cpp', ipp: 'cpp', inl: 'cpp',
  m: 'objective-c', mm: 'objective-cpp',
  cs: 'csharp', csx: 'csharp',
  fs: 'fsharp', fsi: 'fsharp', fsx: 'fsharp',
  vb: 'vb',
  rb: 'ruby', rake: 'ruby', gemspec: 'ruby', erb: 'erb',
  php: 'php', phtml: 'php',
  swift: 'swift',
  dart: 'dart',
  lua: 'lua',
  pl: 'perl', pm: 'perl', t: 'perl',
  r: 'r',
  jl: 'julia',
  ex: 'elixir', exs: 'elixir',
  erl: 'erlang', hrl: 'erlang',
  hs: 'haskell', lhs: 'haskell',
  ml: 'ocaml', mli: 'ocaml',
  clj: 'clojure', cljs: 'clojure', cljc: 'clojure', edn: 'clojure',
  elm: 'elm',
  zig: 'zig',
  nim: 'nim',
  sh: 'shellscript', bash: 'shellscript', zsh: 'shellscript', ksh: 'shellscript', fish: 'fish',
  ps1: 'powershell', psm1: 'powershell', psd1: 'powershell',
  bat: 'bat', cmd: 'bat',
  json: 'json', jsonl: 'json', geojson: 'json', webmanifest: 'json', map: 'json',
  jsonc: 'jsonc', json5: 'json5',
  yaml: 'yaml', yml: 'yaml',
  toml: 'toml',
  ini: 'ini', cfg: 'ini', conf: 'ini', properties: 'properties',
  xml: 'xml', xsd: 'xml', xsl: 'xml', xslt: 'xml', plist: 'xml', csproj: 'xml', fsproj: 'xml', vbproj: 'xml',
  props: 'xml', targets: 'xml', svg: 'xml', resx: 'xml',
  md: 'markdown', markdown: 'markdown', mdx: 'mdx',
  rst: 'restructuredtext', adoc: 'asciidoc', tex: 'latex', bib: 'bibtex',
  html: 'html', htm: 'html', xhtml: 'html',
  css: 'css', scss: 'scss', sass: 'sass', less: 'less', styl: 'stylus',
  vue: 'vue', svelte: 'svelte', astro: 'astro',
  hbs: 'handlebars', handlebars: 'handlebars', mustache: 'handlebars', pug: 'pug', ejs: 'html', njk: 'html',
  sql: 'sql', prisma: 'prisma',
  graphql: 'graphql', gql: 'graphql',
  proto: 'proto',
  tf: 'terraform', tfvars: 'terraform', hcl: 'hcl',
  dockerfile: 'dockerfile',
  cmake: 'cmake',
  mk: 'makefile',
  diff: 'diff', patch: 'diff',
  csv: 'csv', tsv: 'tsv',
  txt: 'plaintext', log: 'log',
  sol: 'solidity',
  vim: 'viml',
  coffee: 'coffeescript',
  ipynb: 'jupyter',
};

const BY_FILE_NAME: Record<string, string> = {
  dockerfile: 'dockerfile', containerfile: 'dockerfile',
  makefile: 'makefile', gnumakefile: 'makefile',
  'cmakelists.txt': 'cmake',
  gemfile: 'ruby', rakefile: 'ruby', podfile: 'ruby', vagrantfile: 'ruby', brewfile: 'ruby',
  jenkinsfile: 'groovy',
  '.bashrc': 'shellscript', '.bash_profile': 'shellscript', '.zshrc': 'shellscript', '.profile': 'shellscript',
  '.gitignore': 'ignore', '.ignore': 'ignore', '.rgignore': 'ignore', '.dockerignore': 'ignore',
  '.npmignore': 'ignore', '.eslintignore': 'ignore', '.prettierignore': 'ignore',
  '.gitattributes': 'properties', '.editorconfig': 'properties',
  '.babelrc': 'json', '.eslintrc': 'json', '.prettierrc': 'json', 'tsconfig.json': 'jsonc', 'jsconfig.json': 'jsonc',
  'go.mod': 'go.mod', 'go.sum': 'go.sum',
  'license': 'plaintext', 'readme': 'plaintext',
};

const SHEBANG_INTERPRETERS: [RegExp, string][] = [
  [/^(python|pypy)[\d.]*$/, 'python'],
  [/^(node|nodejs|bun|deno)$/, 'javascript'],
  [/^(ts-node|tsx)$/, 'typescript'],
  [/^(sh|bash|zsh|ksh|dash|ash)$/, 'shellscript'],
  [/^fish$/, 'fish'],
  [/^ruby[\d.]*$/, 'ruby'],
  [/^perl[\d.]*$/, 'perl'],
  [/^php[\d.]*$/, 'php'],
  [/^lua[\d.]*$/, 'lua'],
  [/^Rscript$/, 'r'],
  [/^(pwsh|powershell)$/, 'powershell'],
  [/^make$/, 'makefile'],
];

function baseName(p: string): string {
  const slash = p.lastIndexOf('/');
  return slash >= 0 ? p.slice(slash + 1) : p;
}

/** The extension of a path without the dot, lower-cased ('' when none; '.bashrc' has none). */
export function extensionOf(p: string): string {
  const name = baseName(p);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

// Maps, not object literals: a file named 'constructor' or '__proto__' must not find Object's members.
const EXTENSIONS = new Map(Object.entries(BY_EXTENSION));
const FILE_NAMES = new Map(Object.entries(BY_FILE_NAME));

/** Language from the name alone, or undefined when the name says nothing (then try the shebang). */
export function languageFromName(p: string): string | undefined {
  const name = baseName(p).toLowerCase();
  const byName = FILE_NAMES.get(name);
  if (byName) return byName;
  const dot = name.lastIndexOf('.');
  if (dot > 0) {
    const byExt = EXTENSIONS.get(name.slice(dot + 1));
    if (byExt) return byExt;
  }
  if (name.startsWith('dockerfile.') || name.endsWith('.dockerfile')) return 'dockerfile';
  return undefined;
}

/** Language from a first line like '#!/usr/bin/env python3' or '#!/bin/bash -e'. */
export function languageFromShebang(firstLine: string): string | undefined {
  const m = /^#!\s*(\S+)(?:\s+(.*))?$/.exec(firstLine.trim());
  if (!m) return undefined;
  let interpreter = baseName(m[1]!);
  if (interpreter === 'env') {
    // '#!/usr/bin/env -S node --flag' and '#!/usr/bin/env python3'
    const args = (m[2] ?? '').split(/\s+/).filter((a) => a && !a.startsWith('-') && !a.includes('='));
    interpreter = args[0] ? baseName(args[0]) : '';
  }
  for (const [re, lang] of SHEBANG_INTERPRETERS) if (re.test(interpreter)) return lang;
  return undefined;
}

/** Whether a file's language can only be found from its first line (no extension, no known name). */
export function needsShebang(p: string): boolean {
  return languageFromName(p) === undefined && extensionOf(p) === '';
}

/** Full detection: name first, then the shebang when a first line is given. */
export function detectLanguage(p: string, firstLine?: string): string {
  return languageFromName(p) ?? (firstLine !== undefined ? languageFromShebang(firstLine) : undefined) ?? 'plaintext';
}
