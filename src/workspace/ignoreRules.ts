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
      const local = rules.base === '' ? rel : rel.slice(rules.base.length + 1);
      const r = rules.matcher.test(local + suffix);
      if (r.ignored) return 'ignore-file';
      if (r.unignored) return undefined;
    }
    return undefined;
  }
}

/** Reads the ignore files present in `absDir`; `names` (the folder's entries) avoids needless opens. */
export async function loadDirRules(
  absDir: string,
  base: string,
  names: ReadonlySet<string> | null,
  isRoot: boolean,
): Promise<DirRules | null> {
  const files: string[] = [];
  if (isRoot) files.push(path.join('.git', 'info', 'exclude'));
  for (const f of IGNORE_FILE_NAMES) if (!names || names.has(f)) files.push(f);
  if (!files.length) return null;
  const contents = await Promise.all(
    files.map((f) => fs.promises.readFile(path.join(absDir, f), 'utf8').catch(() => '')),
  );
  return rulesFromContents(base, contents);
}

/**
 * Explains why one root-relative path would be left out by the ignore rules (used to give clear read errors
 * for paths the index does not hold). Loads the ignore files of each ancestor folder.
 */
export async function explainIgnored(
  rootPath: string,
  rel: string,
  isDir: boolean,
  matcher: IgnoreMatcher,
): Promise<ExclusionReason | undefined> {
  const segments = rel.split('/').filter(Boolean);
  const chain: DirRules[] = [];
  let base = '';
  for (let i = 0; i < segments.length; i++) {
    if (matcher.config.respectIgnoreFiles) {
      const rules = await loadDirRules(path.join(rootPath, base), base, null, i === 0);
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
