import { openWorkspace } from './src/workspace/workspace';
import { codeLanguageOf } from './src/workspace/code/languages';
async function main() {
  const dir = process.env.HOME + '/.cache/rlm-bench/tree/node_modules';
  let t0 = performance.now();
  const ws = await openWorkspace({ roots: [{ name: 'nm', path: dir }] });
  console.log('index ms', Math.round(performance.now() - t0), ws.files().length, Math.round(ws.totalBytes / 1e6), 'MB');
  const code = ws.files().filter((f) => codeLanguageOf(f.path));
  const byLang = new Map<string, [number, number]>();
  for (const f of code) { const l = codeLanguageOf(f.path)!; const e = byLang.get(l) ?? [0, 0]; e[0]++; e[1] += f.size; byLang.set(l, e); }
  console.log('code', code.length, Math.round(code.reduce((n, f) => n + f.size, 0) / 1e6), 'MB', [...byLang]);
  const big = ws.files().slice().sort((a, b) => b.size - a.size).slice(0, 3);
  console.log(big);
}
main();
