// report.md and chart.svg: what a person reads after `rlm eval`.
import type { ResultLine, Summary } from './types';
import { summaryTable, tagTable } from './summary';

export function reportMarkdown(s: Summary, results: ResultLine[], meta: { datasets: string[]; model: string; subModel?: string; date: string; problems: string[] }): string {
  const lines = [
    '# rlm eval',
    '',
    `${meta.date} · model \`${meta.model}\`${meta.subModel ? ` (sub-calls \`${meta.subModel}\`)` : ''} · datasets: ${meta.datasets.map((d) => `\`${d}\``).join(', ')} · ${s.items} items`,
    '',
    '## Summary',
    '',
    'score = mean item score in [0, 1]; accuracy = share of items scoring at least 0.5. Cost is n/a when a model has no known price (add it with `--prices FILE`).',
    '',
    summaryTable(s),
    '',
  ];
  const tags = tagTable(s);
  if (tags) lines.push('## By tag', '', tags, '');
  lines.push('![score against cost and time](chart.svg)', '', '## Items', '', '| id | method | score | detail | stop | tokens in/out | cost | time |', '|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const detail = (r.error ? `error: ${r.error}` : (r.scoreDetail ?? '')).replace(/\|/g, '\\|').slice(0, 160);
    lines.push(`| ${r.id} | ${r.method} | ${r.score.toFixed(2)} | ${detail} | ${r.stopReason} | ${r.inputTokens}/${r.outputTokens} | ${r.costUsd === null ? 'n/a' : `$${r.costUsd.toFixed(4)}`} | ${(r.durationMs / 1000).toFixed(1)} s |`);
  }
  if (meta.problems.length) lines.push('', '## Skipped dataset lines', '', ...meta.problems.map((p) => `- ${p}`));
  return lines.join('\n') + '\n';
}

const COLORS = ['#2f6fdf', '#e0742b', '#2a9d5b', '#9b59b6'];

/** Two scatter panels: score against cost (USD, or tokens when a price is unknown) and against time, one dot per method. */
export function chartSvg(s: Summary): string {
  const methods = Object.entries(s.methods);
  const anyUnpriced = methods.some(([, x]) => x.costUsd === null);
  const costOf = (x: (typeof methods)[number][1]) => (anyUnpriced ? x.inputTokens + x.outputTokens : x.costUsd!);
  const panels = [
    { title: anyUnpriced ? 'score vs tokens (a price is unknown)' : 'score vs cost (USD)', x: costOf, fmt: (v: number) => (anyUnpriced ? `${Math.round(v / 1000)}k` : `$${v.toFixed(3)}`) },
    { title: 'score vs time (s)', x: (x: (typeof methods)[number][1]) => x.durationMs / 1000, fmt: (v: number) => `${v.toFixed(1)} s` },
  ];
  const W = 360;
  const H = 260;
  const pad = 44;
  const parts: string[] = [];
  panels.forEach((p, pi) => {
    const ox = pi * (W + 20);
    const max = Math.max(...methods.map(([, x]) => p.x(x)), 1e-9) * 1.15;
    const X = (v: number) => ox + pad + (v / max) * (W - pad - 10);
    const Y = (v: number) => H - pad + 10 - v * (H - pad - 20);
    parts.push(`<text x="${ox + W / 2}" y="16" text-anchor="middle" font-weight="bold">${p.title}</text>`);
    parts.push(`<line x1="${ox + pad}" y1="${Y(0)}" x2="${ox + W - 10}" y2="${Y(0)}" stroke="#888"/><line x1="${ox + pad}" y1="${Y(0)}" x2="${ox + pad}" y2="${Y(1)}" stroke="#888"/>`);
    for (const t of [0, 0.5, 1]) parts.push(`<text x="${ox + pad - 6}" y="${Y(t) + 4}" text-anchor="end">${t}</text>`);
    parts.push(`<text x="${X(max / 1.15)}" y="${Y(0) + 16}" text-anchor="middle">${esc(p.fmt(max / 1.15))}</text>`);
    methods.forEach(([name, x], i) => {
      const cx = X(p.x(x));
      const cy = Y(x.score);
      parts.push(`<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="6" fill="${COLORS[i % COLORS.length]}"><title>${esc(`${name}: score ${x.score.toFixed(3)}, ${p.fmt(p.x(x))}`)}</title></circle>`);
    });
  });
  // A legend rather than labels at the dots: methods with equal scores sit on top of each other.
  methods.forEach(([name, x], i) => {
    const lx = pad + i * 230;
    const price = x.costUsd === null ? `${Math.round((x.inputTokens + x.outputTokens) / 1000)}k tokens` : `$${x.costUsd.toFixed(4)}`;
    parts.push(`<circle cx="${lx}" cy="${H + 18}" r="6" fill="${COLORS[i % COLORS.length]}"/><text x="${lx + 10}" y="${H + 22}">${esc(`${name}: ${x.score.toFixed(3)}, ${price}, ${(x.durationMs / 1000).toFixed(1)} s`)}</text>`);
  });
  const width = panels.length * (W + 20);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H + 34}" viewBox="0 0 ${width} ${H + 34}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="#fff"/>${parts.join('')}</svg>\n`;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
