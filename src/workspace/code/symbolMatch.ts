// Name matching for definitions() (exact, or `Container.name`) and symbols() (ranked partial matches).
import type { Definition, SymbolKind } from './types';

/** `Class.method` / `mod::fn` / `Ns\\Fn` -> container and member; a plain name has no container. */
export function splitQualifiedName(name: string): { container?: string; member: string } {
  const m = /^(.*?)(?:\.|::|\\|#|->)([^.:\\#>-]+)$/.exec(name.trim());
  if (!m || !m[1]) return { member: name.trim() };
  // `a.b.c` -> container b: containers are stored as the innermost enclosing name.
  const container = m[1].split(/\.|::|\\|#|->/).pop() ?? m[1];
  return { container, member: m[2]! };
}

export function matchesDefinition(d: { name: string; container?: string }, query: { container?: string; member: string }): boolean {
  return d.name === query.member && (query.container === undefined || d.container === query.container);
}

/** Upper-case letters, digits after letters, and letters after _ or -: getFileName -> gfn, parse_http_url -> phu. */
export function initials(name: string): string {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    const prev = i > 0 ? name[i - 1]! : '';
    const isStart =
      i === 0 ? /[A-Za-z0-9]/.test(c) : (/[A-Z]/.test(c) && !/[A-Z]/.test(prev)) || (/[A-Za-z0-9]/.test(c) && /[_\-$.]/.test(prev));
    if (isStart) out += c;
  }
  return out.toLowerCase();
}

/** Score of a name against a query: higher is better, 0 = no match. */
export function matchScore(name: string, query: string): number {
  if (!query) return 0;
  if (name === query) return 1000;
  const lower = name.toLowerCase();
  const q = query.toLowerCase();
  if (lower === q) return 900;
  if (lower.startsWith(q)) return 700 - Math.min(name.length - query.length, 100);
  const at = lower.indexOf(q);
  if (at >= 0) return 500 - Math.min(at, 50) - Math.min(name.length - query.length, 100) / 2;
  if (q.length >= 2 && initials(name).startsWith(q)) return 300 - Math.min(name.length, 100) / 2;
  return 0;
}

/** Types and functions before variables when names score the same. */
const KIND_WEIGHT: Record<SymbolKind, number> = {
  class: 9, interface: 9, struct: 9, trait: 9, enum: 8, type: 8, function: 7, method: 6, namespace: 5, module: 5,
  impl: 4, macro: 4, constant: 3, variable: 2,
};

/** A scorer for one query (`name` or `Container.name`): 0 = no match, higher = better. */
export function symbolScorer(query: string): (s: { name: string; container?: string; kind: SymbolKind }) => number {
  const { container, member } = splitQualifiedName(query);
  return (s) => {
    const score = matchScore(s.name, member);
    if (!score) return 0;
    if (container === undefined) return score + KIND_WEIGHT[s.kind];
    const c = s.container ? matchScore(s.container, container) : 0;
    return c ? score + c / 10 + KIND_WEIGHT[s.kind] : 0;
  };
}

/** Best first; ties go to shorter names, then path and line order. */
export function compareScored(a: { d: Definition; score: number }, b: { d: Definition; score: number }): number {
  return b.score - a.score || a.d.name.length - b.d.name.length || (a.d.path < b.d.path ? -1 : a.d.path > b.d.path ? 1 : a.d.line - b.d.line);
}
