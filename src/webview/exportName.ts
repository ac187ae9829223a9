// The default name of an exported trajectory. No vscode import: unit-tested in node.
import type { TrajectoryEvent } from '../rlm/events';
import type { TrajectoryFormat } from '../rlm/trajectoryFormats';

/** "2026-12-03 where-is-the-greeting-built.jsonl": the run's date and question, safe on every file system. */
export function exportFileName(events: readonly TrajectoryEvent[], format: TrajectoryFormat): string {
  const start = events.find((e) => e.type === 'run_start' && e.depth === 0) ?? events.find((e) => e.type === 'run_start');
  const date = new Date(start?.time ?? events[0]?.time ?? Date.now()).toISOString().slice(0, 10);
  const question = start?.type === 'run_start' ? start.question : '';
  const slug = question.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '') || 'trajectory';
  return `${date} ${slug}${format === 'rlm-official' ? '.rlm-log' : ''}.jsonl`;
}

