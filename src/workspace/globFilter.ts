// The `glob` grep option, evaluated in JS with gitignore-style globs (ripgrep's --glob uses the same
// syntax): positive globs whitelist, '!' globs exclude. Used for both the rg and the JS search so that
// multi-root workspaces and the fallback see the same files.
import ignore from 'ignore';

export type PathFilter = (wsPath: string, rootRelPath: string) => boolean;

export function makeGlobFilter(globs: string[]): PathFilter | null {
  const clean = globs.map((g) => g.trim()).filter(Boolean);
  if (!clean.length) return null;
  const positive = clean.filter((g) => !g.startsWith('!'));
  const negative = clean.filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  const pos = positive.length ? ignore({ allowRelativePaths: true }).add(positive) : null;
  const neg = negative.length ? ignore({ allowRelativePaths: true }).add(negative) : null;
  const matches = (m: ReturnType<typeof ignore>, a: string, b: string): boolean => m.ignores(a) || (a !== b && m.ignores(b));
  return (wsPath, rootRel) => {
    if (pos && !matches(pos, wsPath, rootRel)) return false;
    if (neg && matches(neg, wsPath, rootRel)) return false;
    return true;
  };
}

export function globList(glob: string | string[] | undefined): string[] {
  if (glob === undefined || glob === null) return [];
  return (Array.isArray(glob) ? glob : [glob]).filter((g): g is string => typeof g === 'string');
}
