// Ignore rules, as ripgrep applies them: nested .gitignore, .ignore and .rgignore files (deeper folders win;
// in one folder .rgignore > .ignore > .gitignore), .git/info/exclude at the root, the user's exclude globs,
// and folders that are always skipped (.git, node_modules unless the root itself lies inside one).
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Read in this order so that later files override earlier ones (ripgrep's precedence). */
export const IGNORE_FILE_NAMES = ['.gitignore', '.ignore', '.rgignore'] as const;

/** The rules of one folder, tested with paths relative to that folder. */
export interface DirRules {
  /** Root-relative folder ('' for the root). */
  base: string;
  /** For a folder above the root: the root's path relative to that folder ('repo/sub' style). */
  rootFromHere?: string;
  matcher: Ignore;
}

export interface IgnoreConfig {
  respectIgnoreFiles: boolean;
  exclude: string[];
  /** Skip node_modules folders (false when the root itself lies inside one). */
  skipNodeModules: boolean;
  /** Skip .git folders (false when the root itself lies inside one). */
  skipGit: boolean;
}

export type ExclusionReason = 'always-skipped' | 'ignore-file' | 'exclude-setting';

export function makeIgnoreConfig(rootPath: string, respectIgnoreFiles: boolean, exclude: string[]): IgnoreConfig {
  const segments = path.resolve(rootPath).split(path.sep);
  return {
    respectIgnoreFiles,
    exclude,
    skipNodeModules: !segments.includes('node_modules'),
    skipGit: !segments.includes('.git'),
  };
}

/** Parses the ignore files that exist in one folder into one matcher (or null when there are none). */
export function rulesFromContents(base: string, contents: string[]): DirRules | null {
  const nonEmpty = contents.filter((c) => c.trim() !== '');
  if (!nonEmpty.length) return null;
  const matcher = ignore({ allowRelativePaths: true });
  for (const c of nonEmpty) matcher.add(c);
  return { base, matcher };
}

/**
 * Matches root-relative paths against the exclude settings, the always-skipped folders and a chain of
 * per-folder rules (outermost first).
 */
export class IgnoreMatcher {
  private readonly excludeMatcher: Ignore | null;

  constructor(readonly config: IgnoreConfig) {
    this.excludeMatcher = config.exclude.length ? ignore({ allowRelativePaths: true }).add(config.exclude) : null;
  }

  /** Folders that are never entered, whatever the rules say. */
  isAlwaysSkippedDir(name: string): boolean {
    return (name === '.git' && this.config.skipGit) || (name === 'node_modules' && this.config.skipNodeModules);
  }

  /** Why `rel` (root-relative; its parents already passed) is excluded, or undefined when it is not. */
  check(rel: string, name: string, isDir: boolean, chain: readonly DirRules[]): ExclusionReason | undefined {
    if (isDir ? this.isAlwaysSkippedDir(name) : name === '.git' && this.config.skipGit) return 'always-skipped';
    const suffix = isDir ? '/' : '';
    if (this.excludeMatcher && this.excludeMatcher.ignores(rel + suffix)) return 'exclude-setting';
    // Deepest folder first: the first folder whose rules say anything decides.
    for (let i = chain.length - 1; i >= 0; i--) {
      const rules = chain[i]!;
      const local =
        rules.rootFromHere !== undefined ? `${rules.rootFromHere}/${rel}` : rules.base === '' ? rel : rel.slice(rules.base.length + 1);
      const r = rules.matcher.test(local + suffix);
      if (r.ignored) return 'ignore-file';
      if (r.unignored) return undefined;
    }
    return undefined;
  }
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Reads the ignore files present in `absDir` (synchronously: the index walk is synchronous for speed);
 * `names` (the folder's entries) avoids needless opens.
 */
export function loadDirRules(
  absDir: string,
  base: string,
  names: ReadonlySet<string> | null,
  isGitRoot: boolean,
): DirRules | null {
  const files: string[] = [];
  if (isGitRoot) files.push(path.join('.git', 'info', 'exclude'));
  for (const f of IGNORE_FILE_NAMES) if (!names || names.has(f)) files.push(f);
  if (!files.length) return null;
  return rulesFromContents(base, files.map((f) => readOrEmpty(path.join(absDir, f))));
}

/**
 * The rules of folders above the root, as git applies them: only when the root lies inside a git
 * repository, from the repository's top down to the root's parent. A folder whose rules would exclude the
 * root itself (say the root is node_modules or dist of a repo) is left out: opening it means wanting it.
 */
export function loadParentRules(rootReal: string): DirRules[] {
  const ancestors: string[] = [];
  let dir = path.dirname(rootReal);
  let gitTop: string | null = null;
  for (;;) {
    ancestors.push(dir);
    if (fs.existsSync(path.join(dir, '.git'))) {
      gitTop = dir;
      break;
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  if (!gitTop) return [];
  const out: DirRules[] = [];
  for (const a of ancestors.reverse()) {
    const rules = loadDirRules(a, '', null, a === gitTop);
    if (!rules) continue;
    const rootFromHere = path.relative(a, rootReal).split(path.sep).join('/');
    if (rules.matcher.ignores(rootFromHere + '/')) continue;
    out.push({ ...rules, rootFromHere });
  }
  return out;
}

/**
 * Explains why one root-relative path would be left out by the ignore rules (used to give clear read errors
 * for paths the index does not hold). Loads the ignore files of each ancestor folder.
 */
export function explainIgnored(
  rootPath: string,
  rel: string,
  isDir: boolean,
  matcher: IgnoreMatcher,
  parentRules: readonly DirRules[],
): ExclusionReason | undefined {
  const segments = rel.split('/').filter(Boolean);
  const chain: DirRules[] = matcher.config.respectIgnoreFiles ? [...parentRules] : [];
  let base = '';
  for (let i = 0; i < segments.length; i++) {
    if (matcher.config.respectIgnoreFiles) {
      const rules = loadDirRules(path.join(rootPath, base), base, null, i === 0);
      if (rules) chain.push(rules);
    }
    const name = segments[i]!;
    const cur = base ? `${base}/${name}` : name;
    const last = i === segments.length - 1;
    const reason = matcher.check(cur, name, last ? isDir : true, chain);
    if (reason) return reason;
    base = cur;
  }
  return undefined;
}
