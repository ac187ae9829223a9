// VS Code's exclude globs (`**/*.{js,map}`) -> gitignore-style globs the workspace index understands.
// gitignore has no brace alternation, so braces are expanded. No vscode import.

export function expandBraces(glob: string, limit = 64): string[] {
  const open = glob.indexOf('{');
  if (open < 0) return [glob];
  let depth = 0;
  let close = -1;
  for (let i = open; i < glob.length; i++) {
    if (glob[i] === '{') depth++;
    else if (glob[i] === '}' && --depth === 0) {
      close = i;
      break;
    }
  }
  if (close < 0) return [glob];
  const inner = glob.slice(open + 1, close);
  const options: string[] = [];
  depth = 0;
  let start = 0;
  for (let i = 0; i <= inner.length; i++) {
    const c = inner[i];
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if ((c === ',' && depth === 0) || i === inner.length) {
      options.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  const out: string[] = [];
  for (const option of options) {
    for (const expanded of expandBraces(glob.slice(0, open) + option + glob.slice(close + 1), limit)) {
      if (out.length >= limit) return out;
      out.push(expanded);
    }
  }
  return out;
}

export function toIgnoreGlobs(globs: string[]): string[] {
  return [...new Set(globs.flatMap((g) => expandBraces(g.trim())).filter(Boolean))];
}
