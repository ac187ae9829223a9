// Scores an answer against an item's expected answer, each in [0, 1]; an item is correct at score ≥ 0.5.
// The answer formats the scorers read are asked for in the question (formatInstruction), the same for every method.
import type { RawCitation } from '../rlm/citations';
import { parseLocation } from './dataset';
import { CORRECT_AT, type EvalItem, type Expected } from './types';

export interface Score {
  score: number;
  correct: boolean;
  detail: string;
}

/** What the question adds so the answer can be scored (the same text for every method). */
export function formatInstruction(item: Pick<EvalItem, 'expected' | 'choices'>): string {
  const e = item.expected;
  if ('choice' in e) {
    const list = Object.entries(item.choices ?? {}).map(([k, v]) => `${k}) ${v}`).join('\n');
    return `Choices:\n${list}\n\nEnd your answer with a line "Answer: <letter>" naming exactly one choice.`;
  }
  if ('number' in e) return 'End your answer with a line "Answer: <number>" (digits only).';
  if ('set' in e) return 'End your answer with a line "Answer: <item>, <item>, …" listing every item, comma-separated, exact names.';
  if ('locations' in e) return 'Cite every place as path:line or path:start-end (workspace-relative paths).';
  return '';
}

/** The question as every method asks it. */
export function questionText(item: Pick<EvalItem, 'question' | 'expected' | 'choices'>): string {
  const extra = formatInstruction(item);
  return extra ? `${item.question}\n\n${extra}` : item.question;
}

export function scoreAnswer(expected: Expected, answer: string, citations: RawCitation[]): Score {
  const raw = scoreRaw(expected, answer, citations);
  // Four decimals: results.jsonl and summaries stay exact and comparable across runs (no 0.5714285714285715).
  const score = Math.round(raw.score * 1e4) / 1e4;
  return { ...raw, score, correct: score >= CORRECT_AT };
}

function scoreRaw(e: Expected, answer: string, citations: RawCitation[]): Omit<Score, 'correct'> {
  if ('choice' in e) {
    const got = answerLine(answer)?.match(/^\W*([A-Za-z])\b/)?.[1]?.toUpperCase();
    return { score: got === e.choice.toUpperCase() ? 1 : 0, detail: got ? `answered ${got}, expected ${e.choice}` : 'no "Answer: <letter>" line' };
  }
  if ('number' in e) {
    const m = answerLine(answer)?.replace(/(\d),(?=\d{3}\b)/g, '$1').match(/-?\d+(?:\.\d+)?/);
    const got = m ? Number(m[0]) : undefined;
    return { score: got === e.number ? 1 : 0, detail: got === undefined ? 'no "Answer: <number>" line' : `answered ${got}, expected ${e.number}` };
  }
  if ('contains' in e) {
    const lower = answer.toLowerCase();
    const missing = e.contains.filter((s) => !lower.includes(s.toLowerCase()));
    return { score: missing.length ? 0 : 1, detail: missing.length ? `missing ${missing.map((s) => JSON.stringify(s)).join(', ')}` : 'all present' };
  }
  if ('set' in e) return scoreSet(e.set, answer);
  return scoreLocations(e.locations, e.tolerance ?? 3, citations);
}

/** The text after the last "Answer:" (markdown bold and backticks allowed around it). */
export function answerLine(answer: string): string | undefined {
  const matches = [...answer.matchAll(/(?:^|\n)[ \t>*_#-]*answer\s*[*_]*\s*:\s*[*_]*\s*([^\n]*)/gi)];
  return matches.at(-1)?.[1].trim();
}

const norm = (s: string) => s.trim().replace(/^[`'"*_]+|[`'"*_.]+$/g, '').trim().toLowerCase();

function scoreSet(expected: string[], answer: string): Omit<Score, 'correct'> {
  const line = answerLine(answer);
  // Without the asked-for line, the names the answer puts in code spans are its items.
  const named = line !== undefined ? line.split(/[,;]/) : [...answer.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);
  const got = new Set(named.map(norm).filter(Boolean));
  const want = new Set(expected.map(norm));
  const hits = [...got].filter((x) => want.has(x)).length;
  if (!got.size) return { score: 0, detail: 'no items named' };
  const precision = hits / got.size;
  const recall = hits / want.size;
  const f1 = hits ? (2 * precision * recall) / (precision + recall) : 0;
  return { score: f1, detail: `F1 ${f1.toFixed(2)}: ${hits} of ${want.size} expected, ${got.size} named` };
}

function scoreLocations(expected: string[], tolerance: number, citations: RawCitation[]): Omit<Score, 'correct'> {
  const want = expected.map((l) => parseLocation(l)!);
  const matches = (c: RawCitation, w: { path: string; start: number; end: number }) => {
    const p = c.path.replace(/^\.\//, '');
    const samePath = p === w.path || p.endsWith(`/${w.path}`);
    return samePath && c.line <= w.end + tolerance && (c.endLine ?? c.line) >= w.start - tolerance;
  };
  const found = want.filter((w) => citations.some((c) => matches(c, w))).length;
  const relevant = citations.filter((c) => want.some((w) => matches(c, w))).length;
  const recall = found / want.length;
  const precision = citations.length ? relevant / citations.length : 0;
  return { score: recall, detail: `recall ${found}/${want.length}, precision ${relevant}/${citations.length} (±${tolerance} lines)${citations.length ? '' : ', no citations'}` };
}
