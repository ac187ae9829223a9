// A conversation's trajectory is its runs one after another. Each run numbers its events on its own (ids, run
// ids), so they are put in a namespace per question ("q2:e14") before they share one tree or one file.
// No vscode import: unit-tested in node.
import type { TrajectoryEvent } from '../rlm/events';

/** Prefix of the n-th question's events (n from 1). */
export const questionPrefix = (n: number) => `q${n}:`;

/** The run's events with ids, parent ids and run ids under `prefix`. */
export function namespaced(events: readonly TrajectoryEvent[], prefix: string): TrajectoryEvent[] {
  return events.map((e) => namespacedEvent(e, prefix));
}

export function namespacedEvent(e: TrajectoryEvent, prefix: string): TrajectoryEvent {
  return { ...e, id: prefix + e.id, runId: prefix + e.runId, ...(e.parentId !== undefined ? { parentId: prefix + e.parentId } : {}) };
}

/** The runs of a conversation, oldest first, as one list of events whose ids cannot collide. */
export function sessionEvents(runs: readonly (readonly TrajectoryEvent[])[]): TrajectoryEvent[] {
  return runs.flatMap((events, i) => namespaced(events, questionPrefix(i + 1)));
}
