// LongBench-v2 (github.com/THUDM/LongBench, data.json as downloaded): a JSON array of {_id, domain, sub_domain,
// difficulty, length, question, choice_A..choice_D, answer, context}. Only the "Code Repository Understanding" domain
// is kept (the paper's CodeQA). Each item's context (a whole repository as one text) is written once to the cache as
// files of at most PART_BYTES, so the RLM methods get a workspace and `direct` gets the same text.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LoadedDatasets } from './dataset';
import type { EvalItem } from './types';

export const LONGBENCH_DOMAIN = 'Code Repository Understanding';
/** Under the workspace's default per-file limit (2 MiB), and small enough to read in one call. */
const PART_BYTES = 512 * 1024;
const LETTERS = ['A', 'B', 'C', 'D'] as const;

export async function loadLongBench(file: string, cacheDir: string): Promise<LoadedDatasets> {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path.resolve(file), 'utf8'));
  } catch (e) {
    throw new Error(`--dataset longbench-v2:${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!Array.isArray(data)) throw new Error(`--dataset longbench-v2:${file}: expected the JSON array of LongBench-v2's data.json`);
  const items: EvalItem[] = [];
  const problems: string[] = [];
  data.forEach((raw, i) => {
    const o = (raw ?? {}) as Record<string, unknown>;
    if (o.domain !== LONGBENCH_DOMAIN) return;
    const where = `${file}: entry ${i + 1}${typeof o._id === 'string' ? ` (${o._id})` : ''}`;
    const fields = ['_id', 'question', 'context', 'answer', ...LETTERS.map((l) => `choice_${l}`)];
    const missing = fields.filter((k) => typeof o[k] !== 'string');
    if (missing.length) return void problems.push(`${where}: missing ${missing.join(', ')}; skipped`);
    const answer = (o.answer as string).trim();
    if (!(LETTERS as readonly string[]).includes(answer)) return void problems.push(`${where}: answer "${answer}" is not A-D; skipped`);
    const dir = writeContext(cacheDir, o._id as string, o.context as string);
    items.push({
      id: `longbench-${o._id as string}`,
      workspace: `dir:${dir}`,
      question: o.question as string,
      choices: Object.fromEntries(LETTERS.map((l) => [l, o[`choice_${l}`] as string])),
      expected: { choice: answer },
      tags: [o.difficulty, o.length].filter((t): t is string => typeof t === 'string'),
      baseDir: path.dirname(path.resolve(file)),
    });
  });
  return { items, problems };
}

/** The context as files under the cache, written once (keyed by id and content hash), atomically. */
function writeContext(cacheDir: string, id: string, context: string): string {
  const hash = createHash('sha256').update(context).digest('hex').slice(0, 12);
  const dir = path.join(cacheDir, 'longbench-v2', `${id.replace(/[^\w.-]/g, '_')}-${hash}`);
  if (existsSync(dir)) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  mkdirSync(tmp, { recursive: true });
  splitParts(context).forEach((part, i) => writeFileSync(path.join(tmp, `context-${String(i + 1).padStart(3, '0')}.txt`), part));
  try {
    renameSync(tmp, dir);
  } catch (e) {
    if (!existsSync(dir)) throw e; // another process won the race: its copy is the same text
  }
  return dir;
}

/** Cuts text at line ends into parts of at most PART_BYTES (a longer single line is cut where it must). */
export function splitParts(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + PART_BYTES);
    while (end < text.length && Buffer.byteLength(text.slice(start, end)) > PART_BYTES) end = start + Math.floor((end - start) * 0.9);
    const newline = text.lastIndexOf('\n', end - 1);
    if (end < text.length && newline > start) end = newline + 1;
    parts.push(text.slice(start, end));
    start = end;
  }
  return parts.length ? parts : [''];
}
