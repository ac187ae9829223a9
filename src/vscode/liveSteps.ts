// The live steps of one run as one-line texts, for the answer panel, the progress notification and the status
// bar item. The texts themselves belong to the one step formatter (src/rlm/progressSteps.ts, issue 8); this
// module only keeps the list a view shows (newest last, capped) on top of it.
// INTERIM: until progressSteps.ts lands on main, `describe` below is a minimal stand-in to be replaced by it.
import type { TrajectoryEvent } from '../rlm/events';

/** Steps kept for display; older ones are counted, not kept. */
export const MAX_STEPS = 200;

/** One step's text, or undefined for events that are not a step; `previous` lets a grep hit extend its search's line. */
function describe(event: TrajectoryEvent, previous: { key?: string; hits: number }): { key?: string; text: string } | undefined {
  switch (event.type) {
    case 'iteration':
      return { text: `turn ${event.iteration}: the model replied` };
    case 'evidence':
      if (event.kind === 'grep') {
        const key = `grep:${event.parentId}:${event.query}`;
        const hits = previous.key === key ? previous.hits + 1 : 1;
        return { key, text: `grep ${JSON.stringify(event.query ?? '')} → ${hits} hit${hits === 1 ? '' : 's'}` };
      }
      return { text: `${event.kind} ${event.path}:${event.line}${event.endLine !== undefined && event.endLine !== event.line ? `-${event.endLine}` : ''}` };
    case 'subcall':
      return { text: `${event.kind}${event.cached ? ' (cached)' : ''}${event.error ? ' failed' : ''}` };
    case 'final':
      return { text: `final answer, ${event.citations.length} citation${event.citations.length === 1 ? '' : 's'}` };
    default:
      return undefined;
  }
}

export class LiveSteps {
  private readonly list: string[] = [];
  private total = 0;
  private last: { key?: string; hits: number } = { hits: 0 };

  /** Takes one event; true when the steps changed. */
  update(event: TrajectoryEvent): boolean {
    const step = describe(event, this.last);
    if (!step) return false;
    if (step.key && step.key === this.last.key) {
      this.list[this.list.length - 1] = step.text;
      this.last = { key: step.key, hits: this.last.hits + 1 };
      return true;
    }
    this.list.push(step.text);
    this.total++;
    if (this.list.length > MAX_STEPS) this.list.shift();
    this.last = { key: step.key, hits: 1 };
    return true;
  }

  get steps(): readonly string[] {
    return this.list;
  }

  /** Steps in all, also the ones no longer kept. */
  get count(): number {
    return this.total;
  }

  get current(): string | undefined {
    return this.list[this.list.length - 1];
  }
}
