// The one message protocol between the extension side and the browser side of both webviews: the trajectory
// panel (panel.ts <-> ui/main.ts) and the answer panel (vscode/answerPanel.ts <-> ui/answer.ts). Both sides import
// these types; messages from a webview are untrusted and checked with `parseFromWebview` / `parseFromAnswerView`.
import type { Citation, TrajectoryEvent } from '../rlm/events';
import type { TrajectoryFormat } from '../rlm/trajectoryFormats';

/** Where a panel's trajectory comes from; saved in the webview state so a reload can reopen it. */
export type TrajectorySource =
  | { kind: 'run'; runId: string }
  /** A conversation: its runs in order, one top-level run per question. */
  | { kind: 'session'; id: string }
  | { kind: 'history'; id: string }
  | { kind: 'file'; path: string };

export interface PanelInfo {
  source: TrajectorySource;
  /** Shown when the run is still going: a Cancel button and a progress indicator. */
  live: boolean;
  /** A warning to show above the tree (e.g. damaged lines in an opened file). */
  notice?: string;
  /** The answer panel shows this run's answer: the panel's answer section starts collapsed (no answer twice). */
  answerElsewhere?: boolean;
  /** The node to select and scroll to (a session's question, by its run_start id); the other questions start closed. */
  focus?: string;
}

/**
 * Events travel as one JSON string: a webview message is serialized by VS Code and cloned again into the page,
 * and for 50,000 events one string plus JSON.parse is several times cheaper than cloning 50,000 objects.
 */
export type EncodedEvents = string & { readonly __encodedEvents: true };

export function encodeEvents(events: readonly TrajectoryEvent[]): EncodedEvents {
  return JSON.stringify(events) as EncodedEvents;
}

export function decodeEvents(encoded: EncodedEvents): TrajectoryEvent[] {
  const value: unknown = JSON.parse(encoded);
  return Array.isArray(value) ? (value as TrajectoryEvent[]) : [];
}

/** Extension -> webview. */
export type ToWebview =
  /** Replaces everything: sent on open, on reload and when the source changes. */
  | { type: 'init'; info: PanelInfo; events: EncodedEvents }
  /** New events of a live run, batched. */
  | { type: 'events'; events: EncodedEvents }
  /** The run finished (or failed before producing run_end). */
  | { type: 'ended'; error?: string }
  | { type: 'notice'; text: string };

/** A code location in the workspace: a read range, a grep hit, a definition, a citation. */
export interface Location {
  path: string;
  line: number;
  endLine?: number;
}

/** Webview -> extension. */
export type FromWebview =
  | { type: 'ready' }
  | ({ type: 'open' } & Location)
  | { type: 'cancel' }
  /** Without a format the extension asks which one. */
  | { type: 'export'; format?: TrajectoryFormat }
  | { type: 'showHistory' }
  | { type: 'openFile' }
  /** After a redraw: what the page shows (lets the extension, and its tests, know the tree is on screen). */
  | { type: 'rendered'; nodes: number; rows: number; live: boolean; fits: number };

const MAX_PATH = 4096;

/** Validates a message from the webview; anything malformed becomes undefined. */
export function parseFromWebview(value: unknown): FromWebview | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
    case 'cancel':
    case 'showHistory':
    case 'openFile':
      return { type: m.type };
    case 'export':
      if (m.format === undefined) return { type: 'export' };
      return m.format === 'rlm-vscode' || m.format === 'rlm-official' ? { type: 'export', format: m.format } : undefined;
    case 'rendered': {
      const n = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);
      return { type: 'rendered', nodes: n(m.nodes), rows: n(m.rows), live: m.live === true, fits: n(m.fits) };
    }
    case 'open':
      return parseLocation(m);
    default:
      return undefined;
  }
}

function parseLocation(m: Record<string, unknown>): ({ type: 'open' } & Location) | undefined {
  const line = m.line;
  const endLine = m.endLine;
  if (typeof m.path !== 'string' || !m.path || m.path.length > MAX_PATH) return undefined;
  if (typeof line !== 'number' || !Number.isInteger(line) || line < 1) return undefined;
  if (endLine !== undefined && (typeof endLine !== 'number' || !Number.isInteger(endLine) || endLine < line)) return undefined;
  return { type: 'open', path: m.path, line, ...(endLine !== undefined ? { endLine } : {}) };
}

// ---- The answer panel: a conversation of questions and answers ----

/** One question of the conversation and where its answer stands. */
export interface ConversationTurn {
  runId: string;
  question: string;
  status: 'running' | 'done' | 'failed';
  /** What the code is doing, one line per step (the CLI's progress texts), newest last; capped. */
  steps: string[];
  /** Steps in all (more than `steps` holds when capped). */
  stepCount: number;
  answer?: string;
  citations?: Citation[];
  stopReason?: string;
  /** Why a run stopped early, or why it failed. */
  detail?: string;
  /** The run's account in one line: turns, sub-calls, tokens, cost, time. */
  footer?: string;
}

/** Extension -> answer view. */
export type ToAnswerView =
  /** The whole conversation (small: a few turns); sent on every change, throttled. */
  { type: 'conversation'; turns: ConversationTurn[]; busy: boolean };

/** Answer view -> extension. */
export type FromAnswerView =
  | { type: 'ready' }
  | ({ type: 'open' } & Location)
  | { type: 'showTrajectory'; runId: string }
  | { type: 'copy'; runId: string }
  | { type: 'cancel' }
  | { type: 'followUp'; question: string }
  /** After a redraw: turns shown and whether the follow-up box is enabled (tests wait on this). */
  | { type: 'rendered'; turns: number; busy: boolean };

/** Longest follow-up question accepted from the page. */
export const MAX_QUESTION = 20_000;
const MAX_RUN_ID = 200;

/** Validates a message from the answer view; anything malformed becomes undefined. */
export function parseFromAnswerView(value: unknown): FromAnswerView | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  const runId = typeof m.runId === 'string' && m.runId && m.runId.length <= MAX_RUN_ID ? m.runId : undefined;
  switch (m.type) {
    case 'ready':
    case 'cancel':
      return { type: m.type };
    case 'open':
      return parseLocation(m);
    case 'showTrajectory':
    case 'copy':
      return runId ? { type: m.type, runId } : undefined;
    case 'followUp': {
      const q = typeof m.question === 'string' ? m.question.trim() : '';
      return q && q.length <= MAX_QUESTION ? { type: 'followUp', question: q } : undefined;
    }
    case 'rendered':
      return { type: 'rendered', turns: typeof m.turns === 'number' && Number.isInteger(m.turns) && m.turns >= 0 ? m.turns : 0, busy: m.busy === true };
    default:
      return undefined;
  }
}

/** Live events are sent in batches: at most every this many ms ... */
export const BATCH_INTERVAL_MS = 100;
/** ... or as soon as this many are waiting. */
export const BATCH_MAX_EVENTS = 500;
