// Finished runs kept as JSONL files under the extension's global storage, with a small index for listing.
// Reads and writes go through vscode.workspace.fs, so remote and virtual hosts work too.
import * as vscode from 'vscode';
import type { TrajectoryEvent } from '../rlm/events';
import { parseTrajectory, serializeTrajectory, type ParsedTrajectory } from '../rlm/trajectoryFormats';
import { formatCost, formatDuration, formatTokens } from './model/labels';
import { sessionEvents } from './sessionEvents';
import { summarize } from './model/summary';
import { TrajectoryTree } from './model/tree';

export interface HistoryEntry {
  /** The run id (also the file name stem). */
  id: string;
  question: string;
  /** ms since the epoch. */
  startedAt: number;
  stopReason?: string;
  iterations: number;
  events: number;
  durationMs?: number;
  /** Older entries lack these. */
  subCalls?: number;
  inputTokens?: number;
  outputTokens?: number;
  /** USD; null when a model's price is unknown. */
  costUsd?: number | null;
  /** The conversation the run was part of. */
  session?: string;
}

/** What a user wants to know about a saved run, in one line: turns, sub-calls, tokens, cost, time. */
export function entryFacts(entry: HistoryEntry): string {
  const parts = [`${entry.iterations} turn${entry.iterations === 1 ? '' : 's'}`];
  if (entry.subCalls !== undefined) parts.push(`${entry.subCalls} sub-call${entry.subCalls === 1 ? '' : 's'}`);
  if (entry.inputTokens !== undefined) parts.push(`${formatTokens(entry.inputTokens)} in / ${formatTokens(entry.outputTokens ?? 0)} out tokens`);
  if (entry.costUsd !== undefined) parts.push(formatCost(entry.costUsd ?? undefined));
  if (entry.durationMs !== undefined) parts.push(formatDuration(entry.durationMs));
  return parts.join(' · ');
}

/** Oldest entries beyond this many are deleted. */
const MAX_ENTRIES = 200;

const safeName = (id: string) => id.replace(/[^\w.-]/g, '_');

export function entryFor(id: string, events: readonly TrajectoryEvent[], session?: string): HistoryEntry {
  const start = events.find((e) => e.type === 'run_start' && e.parentId === undefined) ?? events.find((e) => e.type === 'run_start');
  const end = events.find((e) => e.type === 'run_end' && e.runId === start?.runId);
  const summary = summarize(new TrajectoryTree(events));
  return {
    id,
    ...(session ? { session } : {}),
    subCalls: summary.subCalls,
    inputTokens: summary.usage.inputTokens,
    outputTokens: summary.usage.outputTokens,
    costUsd: summary.cost ?? null,
    question: start?.type === 'run_start' ? start.question : '(unknown question)',
    startedAt: start?.time ?? events[0]?.time ?? Date.now(),
    stopReason: end?.type === 'run_end' ? end.stopReason : undefined,
    iterations: end?.type === 'run_end' ? end.iterations : events.filter((e) => e.type === 'iteration' && e.runId === start?.runId).length,
    events: events.length,
    durationMs: end?.type === 'run_end' ? end.durationMs : undefined,
  };
}

export class TrajectoryHistory {
  private readonly dir: vscode.Uri;
  private readonly indexUri: vscode.Uri;
  /** Serializes index updates (two runs may end together). */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after an entry was saved or deleted. */
  readonly onDidChange = this.changed.event;

  constructor(storage: vscode.Uri) {
    this.dir = vscode.Uri.joinPath(storage, 'trajectories');
    this.indexUri = vscode.Uri.joinPath(this.dir, 'index.json');
  }

  fileFor(id: string): vscode.Uri {
    return vscode.Uri.joinPath(this.dir, `${safeName(id)}.jsonl`);
  }

  async list(): Promise<HistoryEntry[]> {
    await this.queue;
    return (await this.readIndex()).sort((a, b) => b.startedAt - a.startedAt);
  }

  save(id: string, events: readonly TrajectoryEvent[], session?: string): Promise<HistoryEntry | undefined> {
    if (!events.length) return Promise.resolve(undefined);
    return this.enqueue(async () => {
      await vscode.workspace.fs.createDirectory(this.dir);
      await vscode.workspace.fs.writeFile(this.fileFor(id), Buffer.from(serializeTrajectory(events), 'utf8'));
      const entry = entryFor(id, events, session);
      let index = (await this.readIndex()).filter((e) => e.id !== id);
      index.push(entry);
      index.sort((a, b) => b.startedAt - a.startedAt);
      const dropped = index.slice(MAX_ENTRIES);
      index = index.slice(0, MAX_ENTRIES);
      for (const old of dropped) await vscode.workspace.fs.delete(this.fileFor(old.id)).then(undefined, () => undefined);
      await this.writeIndex(index);
      this.changed.fire();
      return entry;
    });
  }

  async load(id: string): Promise<ParsedTrajectory | undefined> {
    try {
      const bytes = await vscode.workspace.fs.readFile(this.fileFor(id));
      return parseTrajectory(Buffer.from(bytes).toString('utf8'));
    } catch {
      return undefined;
    }
  }

  /** A conversation's saved runs, oldest first, as one list of events. */
  async loadSession(session: string): Promise<TrajectoryEvent[]> {
    const entries = (await this.list()).filter((e) => e.session === session).reverse();
    const parsed = await Promise.all(entries.map((e) => this.load(e.id)));
    return sessionEvents(parsed.map((p) => p?.events ?? []));
  }

  delete(id: string): Promise<void> {
    return this.enqueue(async () => {
      await vscode.workspace.fs.delete(this.fileFor(id)).then(undefined, () => undefined);
      await this.writeIndex((await this.readIndex()).filter((e) => e.id !== id));
      this.changed.fire();
    });
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The index, rebuilt from the files when it is missing or unreadable. */
  private async readIndex(): Promise<HistoryEntry[]> {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(this.indexUri)).toString('utf8'));
      if (Array.isArray(parsed)) return parsed as HistoryEntry[];
    } catch {
      // fall through to a rebuild
    }
    const entries: HistoryEntry[] = [];
    let files: [string, vscode.FileType][] = [];
    try {
      files = await vscode.workspace.fs.readDirectory(this.dir);
    } catch {
      return entries;
    }
    for (const [name] of files) {
      if (!name.endsWith('.jsonl')) continue;
      const id = name.slice(0, -'.jsonl'.length);
      const parsed = await this.load(id);
      if (parsed?.events.length) entries.push(entryFor(id, parsed.events));
    }
    return entries;
  }

  private async writeIndex(entries: HistoryEntry[]): Promise<void> {
    await vscode.workspace.fs.createDirectory(this.dir);
    await vscode.workspace.fs.writeFile(this.indexUri, Buffer.from(JSON.stringify(entries), 'utf8'));
  }
}
