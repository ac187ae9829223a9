// summary.json from the result lines: per method the mean score, the share correct, tokens, cost, time and errors,
// and the same per tag.
import { CORRECT_AT, type Method, type MethodSummary, type ResultLine, type Summary } from './types';

export function summarize(results: ResultLine[], items: number, methods: Method[]): Summary {
  const summary: Summary = { items, methods: {} };
  for (const m of methods) {
    const rows = results.filter((r) => r.method === m);
    const tags: MethodSummary['tags'] = {};
    for (const tag of [...new Set(rows.flatMap((r) => r.tags ?? []))].sort()) {
      const tagged = rows.filter((r) => r.tags?.includes(tag));
      tags[tag] = { n: tagged.length, score: mean(tagged.map((r) => r.score)), accuracy: mean(tagged.map((r) => (r.score >= CORRECT_AT ? 1 : 0))) };
    }
    summary.methods[m] = {
      n: rows.length,
      score: mean(rows.map((r) => r.score)),
      accuracy: mean(rows.map((r) => (r.score >= CORRECT_AT ? 1 : 0))),
      inputTokens: sum(rows.map((r) => r.inputTokens)),
      outputTokens: sum(rows.map((r) => r.outputTokens)),
      costUsd: rows.some((r) => r.costUsd === null) ? null : round(sum(rows.map((r) => r.costUsd ?? 0)), 6),
      durationMs: sum(rows.map((r) => r.durationMs)),
      errors: rows.filter((r) => r.error).length,
      tags,
    };
  }
  return summary;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => (xs.length ? round(sum(xs) / xs.length, 4) : 0);
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const usd = (x: number | null) => (x === null ? 'n/a' : `$${x.toFixed(4)}`);
const tok = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n));

/** The summary as a markdown table (also printed at the end of a run). */
export function summaryTable(s: Summary): string {
  const rows = Object.entries(s.methods).map(([m, x]) => `| ${m} | ${x.n} | ${x.score.toFixed(3)} | ${pct(x.accuracy)} | ${tok(x.inputTokens)} | ${tok(x.outputTokens)} | ${usd(x.costUsd)} | ${(x.durationMs / 1000).toFixed(1)} s | ${x.errors} |`);
  return ['| method | n | score | accuracy | input tokens | output tokens | cost | time | errors |', '|---|---|---|---|---|---|---|---|---|', ...rows].join('\n');
}

export function tagTable(s: Summary): string {
  const methods = Object.keys(s.methods) as Method[];
  const tags = [...new Set(methods.flatMap((m) => Object.keys(s.methods[m]!.tags)))].sort();
  if (!tags.length) return '';
  const head = `| tag | ${methods.map((m) => `${m} score (accuracy)`).join(' | ')} |`;
  const rows = tags.map((t) => `| ${t} | ${methods.map((m) => {
    const x = s.methods[m]!.tags[t];
    return x ? `${x.score.toFixed(3)} (${pct(x.accuracy)}, n=${x.n})` : '–';
  }).join(' | ')} |`);
  return [head, `|---|${methods.map(() => '---').join('|')}|`, ...rows].join('\n');
}
