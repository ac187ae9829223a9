// "Did you mean": close paths for a path that is not in the workspace (same file name elsewhere, then
// small edit distance on the name), so the model can correct itself in one step.

function baseName(p: string): string {
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}

/** Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** Up to `max` indexed paths close to `wanted`, best first. */
export function suggestPaths(wanted: string, paths: readonly string[], max = 5): string[] {
  const name = baseName(wanted).toLowerCase();
  const stem = name.replace(/\.[^.]*$/, '');
  const scored: { p: string; score: number }[] = [];
  const limit = Math.max(1, Math.min(3, Math.floor(name.length / 4)));
  for (const p of paths) {
    const b = baseName(p).toLowerCase();
    let score: number;
    if (p.toLowerCase() === wanted.toLowerCase()) score = 0;
    else if (b === name) score = 1;
    else if (p.endsWith('/' + wanted) || wanted.endsWith('/' + p)) score = 1;
    else if (stem.length >= 3 && b.replace(/\.[^.]*$/, '') === stem) score = 2;
    else {
      const d = editDistance(b, name, limit);
      if (d > limit) continue;
      score = 2 + d;
    }
    // Prefer candidates sharing more of the folder path.
    const sharedDirs = wanted.split('/').slice(0, -1).filter((seg) => p.includes(seg + '/')).length;
    scored.push({ p, score: score - sharedDirs * 0.1 });
  }
  scored.sort((a, b) => a.score - b.score || a.p.length - b.p.length || (a.p < b.p ? -1 : 1));
  return scored.slice(0, max).map((s) => s.p);
}
