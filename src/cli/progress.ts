// Progress on stderr while a run goes on: the steps of src/rlm/progressSteps.ts, one line each, prefixed "[rlm]".
// A step that counts up (grep hits, llm_batch 12/32) rewrites its line on a terminal; elsewhere (pipes, logs) it
// is printed once, with its final count, when the next step comes, so logs stay short.
import type { TrajectoryEvent } from '../rlm/events';
import { ProgressSteps, SettledSteps, type ProgressStep } from '../rlm/progressSteps';

export interface ProgressPrinter {
  (event: TrajectoryEvent): void;
  /** Prints a line of the CLI's own (before the first event, or after the run). */
  line(text: string): void;
  /** Ends a step still counting up. */
  flush(): void;
}

const render = (s: ProgressStep) => `${'  '.repeat(s.depth)}[rlm] ${s.text}`;

export function progressPrinter(quiet: boolean, write = (s: string) => process.stderr.write(s), tty = Boolean(process.stderr.isTTY)): ProgressPrinter {
  const printer = tty ? terminal(write) : appendOnly(write);
  const print = ((event: TrajectoryEvent) => {
    if (!quiet) printer.event(event);
  }) as ProgressPrinter;
  print.line = (text) => {
    if (quiet) return;
    printer.flush();
    write(`[rlm] ${text}\n`);
  };
  print.flush = () => printer.flush();
  return print;
}

function appendOnly(write: (s: string) => void) {
  const steps = new SettledSteps();
  const out = (list: ProgressStep[]) => list.forEach((s) => write(`${render(s)}\n`));
  return { event: (e: TrajectoryEvent) => out(steps.push(e)), flush: () => out(steps.flush()) };
}

function terminal(write: (s: string) => void) {
  const steps = new ProgressSteps();
  let openKey: string | undefined;
  const flush = () => {
    if (openKey !== undefined) write('\n');
    openKey = undefined;
  };
  const event = (e: TrajectoryEvent) => {
    const step = steps.next(e);
    if (!step) return;
    if (step.key === undefined || step.key !== openKey) flush();
    if (step.key === undefined) return write(`${render(step)}\n`);
    openKey = step.key;
    write(`\r\x1b[K${render(step)}`);
  };
  return { event, flush };
}
