// Loads `--dataset` specs into items: a JSONL file, a built-in set by name, or `longbench-v2:FILE`. A bad line is
// reported with its file and line number and skipped; the other items still run.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { loadLongBench } from './longbench';
import type { EvalItem, Expected } from './types';

export interface LoadedDatasets {
  items: EvalItem[];
  /** One line per skipped dataset line: "file:line: why". */
  problems: string[];
}

/** Where the built-in sets live: eval/datasets/ at the package root (next to dist/ and src/). */
export function builtInDir(): string | undefined {
  const candidates = [path.resolve(__dirname, '..', 'eval', 'datasets'), path.resolve(__dirname, '..', '..', 'eval', 'datasets')];
  return candidates.find((d) => existsSync(d));
}

export function builtInNames(): string[] {
  const dir = builtInDir();
  return dir ? readdirSync(dir).filter((f) => f.endsWith('.jsonl')).map((f) => f.slice(0, -'.jsonl'.length)).sort() : [];
}

export async function loadDatasets(specs: string[], cacheDir: string): Promise<LoadedDatasets> {
  const items: EvalItem[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const spec of specs) {
    const loaded = spec.startsWith('longbench-v2:') ? await loadLongBench(spec.slice('longbench-v2:'.length), cacheDir) : loadJsonl(resolveSpec(spec));
    problems.push(...loaded.problems);
    for (const item of loaded.items) {
      if (seen.has(item.id)) {
        problems.push(`${spec}: item "${item.id}" appears twice; the later one is skipped`);
        continue;
      }
      seen.add(item.id);
      items.push(item);
    }
  }
  return { items, problems };
}

/** A path to a JSONL file, or the name of a built-in set. */
function resolveSpec(spec: string): string {
  if (existsSync(spec)) return path.resolve(spec);
  const dir = builtInDir();
  const builtIn = dir && path.join(dir, `${spec}.jsonl`);
  if (builtIn && existsSync(builtIn)) return builtIn;
  const names = builtInNames();
  throw new Error(`--dataset ${spec}: no such file${names.length ? `, and no built-in set of that name (built-in: ${names.join(', ')})` : ''}; or use longbench-v2:FILE`);
}

export function loadJsonl(file: string): LoadedDatasets {
  const items: EvalItem[] = [];
  const problems: string[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      items.push(parseItem(JSON.parse(line), path.dirname(file)));
    } catch (e) {
      problems.push(`${file}:${i + 1}: ${(e as Error).message}; line skipped`);
    }
  });
  return { items, problems };
}

/** Checks one item; throws a message naming the first problem. */
export function parseItem(raw: unknown, baseDir: string): EvalItem {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('not a JSON object');
  const o = raw as Record<string, unknown>;
  const str = (k: string) => {
    if (typeof o[k] !== 'string' || !(o[k] as string).trim()) throw new Error(`"${k}" must be a non-empty string`);
    return o[k] as string;
  };
  const id = str('id');
  const workspace = str('workspace');
  if (!/^npm:(@[^/@\s]+\/)?[^/@\s]+@[^@\s]+$/.test(workspace) && !/^dir:.+/.test(workspace)) {
    throw new Error(`item ${id}: "workspace" must be "npm:<name>@<version>" or "dir:<path>", got ${JSON.stringify(workspace)}`);
  }
  const question = str('question');
  const choices = o.choices === undefined ? undefined : stringMap(o.choices, id);
  const tags = o.tags === undefined ? undefined : stringArray(o.tags, `item ${id}: "tags"`);
  const expected = parseExpected(o.expected, id, choices);
  return { id, workspace, question, expected, choices, tags, baseDir, ...(o.check !== undefined ? { check: o.check } : {}) };
}

function parseExpected(raw: unknown, id: string, choices: Record<string, string> | undefined): Expected {
  const where = `item ${id}: "expected"`;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${where} must be an object`);
  const e = raw as Record<string, unknown>;
  if (typeof e.choice === 'string') {
    if (!choices || !(e.choice in choices)) throw new Error(`${where}.choice "${e.choice}" is not one of "choices"`);
    return { choice: e.choice };
  }
  if (e.locations !== undefined) {
    const locations = stringArray(e.locations, `${where}.locations`);
    for (const l of locations) if (!parseLocation(l)) throw new Error(`${where}.locations: "${l}" is not path:line or path:start-end`);
    if (e.tolerance !== undefined && (typeof e.tolerance !== 'number' || e.tolerance < 0)) throw new Error(`${where}.tolerance must be a number ≥ 0`);
    return { locations, tolerance: e.tolerance as number | undefined };
  }
  if (e.number !== undefined) {
    if (typeof e.number !== 'number' || !Number.isFinite(e.number)) throw new Error(`${where}.number must be a number`);
    return { number: e.number };
  }
  if (e.contains !== undefined) return { contains: stringArray(e.contains, `${where}.contains`) };
  if (e.set !== undefined) return { set: stringArray(e.set, `${where}.set`) };
  throw new Error(`${where} needs one of choice, locations, number, contains, set`);
}

export interface Location {
  path: string;
  start: number;
  end: number;
}

export function parseLocation(s: string): Location | undefined {
  const m = /^(.+):(\d+)(?:-(\d+))?$/.exec(s.trim());
  if (!m) return undefined;
  const start = Number(m[2]);
  const end = m[3] ? Number(m[3]) : start;
  return start >= 1 && end >= start ? { path: m[1], start, end } : undefined;
}

function stringArray(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || !v.length || v.some((x) => typeof x !== 'string' || !x.trim())) throw new Error(`${where} must be a non-empty array of strings`);
  return v as string[];
}

function stringMap(v: unknown, id: string): Record<string, string> {
  if (!v || typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    throw new Error(`item ${id}: "choices" must be an object of letter → text`);
  }
  return v as Record<string, string>;
}
