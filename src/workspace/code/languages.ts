// Which files get code intelligence, and with which tree-sitter grammar.
// The language id here is our own (derived from the extension), independent of FileEntry.language,
// so outlines work whatever naming the file index uses.
import { extname } from 'node:path';

/** Languages with an outline. The value is the grammar file stem: tree-sitter-<grammar>.wasm. */
export const CODE_LANGUAGES = {
  typescript: 'typescript',
  tsx: 'tsx',
  javascript: 'javascript',
  python: 'python',
  go: 'go',
  rust: 'rust',
  java: 'java',
  c: 'c',
  cpp: 'cpp',
  csharp: 'c-sharp',
  ruby: 'ruby',
  php: 'php',
} as const;

export type CodeLanguage = keyof typeof CODE_LANGUAGES;

const BY_EXTENSION: Record<string, CodeLanguage> = {
  '.ts': 'typescript', '.mts': 'typescript', '.cts': 'typescript',
  '.tsx': 'tsx',
  // JSX parses with the javascript grammar (it includes JSX).
  '.js': 'javascript', '.jsx': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript',
  '.py': 'python', '.pyi': 'python', '.pyw': 'python',
  '.go': 'go',
  '.rs': 'rust',
  '.java': 'java',
  '.c': 'c',
  // Headers may be C or C++; the C++ grammar reads both.
  '.h': 'cpp',
  '.cc': 'cpp', '.cpp': 'cpp', '.cxx': 'cpp', '.c++': 'cpp', '.hh': 'cpp', '.hpp': 'cpp', '.hxx': 'cpp', '.h++': 'cpp', '.ipp': 'cpp', '.inl': 'cpp',
  '.cs': 'csharp',
  '.rb': 'ruby', '.rake': 'ruby', '.gemspec': 'ruby',
  '.php': 'php', '.phtml': 'php',
};

const BY_BASENAME: Record<string, CodeLanguage> = {
  Rakefile: 'ruby', Gemfile: 'ruby',
};

/** The code language of a workspace path, or undefined when we have no outline for it. */
export function codeLanguageOf(path: string): CodeLanguage | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return BY_BASENAME[base] ?? BY_EXTENSION[extname(base).toLowerCase()];
}

/** VS Code language ids (as the file index reports them, shebangs included) that we outline. */
const BY_LANGUAGE_ID: Record<string, CodeLanguage> = {
  typescript: 'typescript', typescriptreact: 'tsx', javascript: 'javascript', javascriptreact: 'javascript',
  python: 'python', go: 'go', rust: 'rust', java: 'java', c: 'c', cpp: 'cpp', csharp: 'csharp', ruby: 'ruby', php: 'php',
};

/** By name first; else by the index's language id (an extensionless script with a `#!/usr/bin/env node` line). */
export function codeLanguageFor(path: string, languageId?: string): CodeLanguage | undefined {
  return codeLanguageOf(path) ?? (languageId ? BY_LANGUAGE_ID[languageId] : undefined);
}

/** File extensions we outline, for restricting searches (e.g. a ripgrep glob). */
export function codeExtensions(): string[] {
  return Object.keys(BY_EXTENSION).map((e) => e.slice(1));
}

export function supportedLanguagesText(): string {
  return 'TypeScript, TSX, JavaScript (js/jsx/mjs/cjs), Python, Go, Rust, Java, C, C++, C#, Ruby, PHP';
}

/** A header file: C prototypes there are the declarations people look for. */
export function isHeaderPath(path: string): boolean {
  return /\.(h|hh|hpp|hxx|h\+\+)$/i.test(path);
}
