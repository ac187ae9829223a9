// The one message protocol between the extension side (panel.ts) and the browser side (ui/main.ts).
// Both import these types; messages from the webview are untrusted and checked with `parseFromWebview`.
import type { TrajectoryEvent } from '../rlm/events';
import type { TrajectoryFormat } from '../rlm/trajectoryFormats';

/** Where a panel's trajectory comes from; saved in the webview state so a reload can reopen it. */
export type TrajectorySource =
  | { kind: 'run'; runId: string }
  | { kind: 'history'; id: string }
  | { kind: 'file'; path: string };

export interface PanelInfo {
  source: TrajectorySource;
  /** Shown when the run is still going: a Cancel button and a progress indicator. */
  live: boolean;
  /** A warning to show above the tree (e.g. damaged lines in an opened file). */
  notice?: string;
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
  | { type: 'rendered'; nodes: number; rows: number; live: boolean };

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
      return { type: 'rendered', nodes: n(m.nodes), rows: n(m.rows), live: m.live === true };
    }
    case 'open': {
      const line = m.line;
      const endLine = m.endLine;
      if (typeof m.path !== 'string' || !m.path || m.path.length > MAX_PATH) return undefined;
      if (typeof line !== 'number' || !Number.isInteger(line) || line < 1) return undefined;
      if (endLine !== undefined && (typeof endLine !== 'number' || !Number.isInteger(endLine) || endLine < line)) return undefined;
      return { type: 'open', path: m.path, line, ...(endLine !== undefined ? { endLine } : {}) };
    }
    default:
      return undefined;
  }
}

/** Live events are sent in batches: at most every this many ms ... */
export const BATCH_INTERVAL_MS = 100;
/** ... or as soon as this many are waiting. */
export const BATCH_MAX_EVENTS = 500;
